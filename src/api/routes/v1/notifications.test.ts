import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createNotifyStore } from '../../../store/duckdb/notify-store.ts';
import { createNotifier, SMTP_NOT_CONFIGURED, type Notifier } from '../../../notify/notifier.ts';
import type { Role } from '../../../schema/tenants.ts';

let t: TestApp;
let db: DuckDbStore;
let notifier: Notifier;
const keys = new Map<string, string>();
const NOW = new Date('2026-03-04T10:00:00.000Z');

beforeAll(async () => {
  db = await openDuckDbStore({ path: ':memory:' });
  // The app's own control store (its directory names the recipients) exists only once the app does: reach it lazily.
  const control = {
    getDirectory: (tenant: string) => t.store.control.getDirectory(tenant),
    getTenant: (tenant: string) => t.store.control.getTenant(tenant),
    listTenants: () => t.store.control.listTenants(),
  };
  notifier = createNotifier({ store: createNotifyStore(db.db), control, detections: db.detections, now: () => NOW });
  t = await createTestApp({ optIn: ['alpha', 'beta'], deps: { now: () => NOW, notify: notifier } });
  for (const tenant of ['alpha', 'beta']) for (const role of ['global-admin', 'security-admin', 'reports-reader'] as const) keys.set(`${tenant}/${role}`, await t.keyFor(tenant, role));
});
afterAll(async () => {
  await t.app.close();
  await db.close();
});

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';
async function call(method: Method, url: string, role: Role, body?: unknown, tenant = 'alpha') {
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${keys.get(`${tenant}/${role}`) ?? ''}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: res.body === '' ? undefined : (res.json() as Record<string, unknown> & { error?: { code: string; message: string } }) };
}

const BASE = '/api/v1/tenants/alpha/notifications';
const GOOD = { minSeverity: 'medium', extraRecipients: ['soc@partner.example'], batchMinutes: 30, weeklyDigest: false };

describe('notification settings routes', () => {
  it('shows the defaults, lets a global admin change them and a security admin read them', async () => {
    expect((await call('GET', `${BASE}/settings`, 'security-admin')).body).toEqual({ minSeverity: 'high', extraRecipients: [], batchMinutes: 15, weeklyDigest: true });
    const put = await call('PUT', `${BASE}/settings`, 'global-admin', GOOD);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ ...GOOD, updatedAt: NOW.toISOString() });
    expect(put.body?.updatedBy).toMatch(/^apiKey:/);
    expect((await call('GET', `${BASE}/settings`, 'security-admin')).body).toMatchObject(GOOD);
    // Another tenant keeps its own.
    expect((await call('GET', '/api/v1/tenants/beta/notifications/settings', 'global-admin', undefined, 'beta')).body).toMatchObject({ minSeverity: 'high' });
  });

  it('refuses security admins and reports readers as writers, reports readers as readers, and other tenants', async () => {
    expect((await call('PUT', `${BASE}/settings`, 'security-admin', GOOD)).status).toBe(403);
    expect((await call('GET', `${BASE}/settings`, 'reports-reader')).status).toBe(403);
    expect((await call('GET', `${BASE}/deliveries`, 'reports-reader')).status).toBe(403);
    const other = await call('GET', `${BASE}/settings`, 'global-admin', undefined, 'beta');
    expect(other.status).toBe(404);
    expect(Object.keys(other.body ?? {})).toEqual(['error']);
  });

  it('rejects bad settings naming the field', async () => {
    const res = await call('PUT', `${BASE}/settings`, 'global-admin', { ...GOOD, extraRecipients: ['x@y.example\r\nBcc: all@y.example'] });
    expect(res.status).toBe(400);
    expect(res.body?.error?.message).toContain('extraRecipients');
  });
});

describe('webhook routes', () => {
  it('shows the secret once, lists without it, deletes once', async () => {
    const created = await call('POST', `${BASE}/webhooks`, 'global-admin', { url: 'https://siem.example/ingest' });
    expect(created.status).toBe(201);
    const secret = String(created.body?.secret);
    expect(secret).toMatch(/^whsec_/);
    const list = await call('GET', `${BASE}/webhooks`, 'security-admin');
    expect(list.body).toEqual([{ id: created.body?.id, url: 'https://siem.example/ingest', createdAt: NOW.toISOString(), createdBy: expect.stringMatching(/^apiKey:/) }]);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect((await call('GET', '/api/v1/tenants/beta/notifications/webhooks', 'global-admin', undefined, 'beta')).body).toEqual([]);
    expect((await call('DELETE', `/api/v1/tenants/beta/notifications/webhooks/${String(created.body?.id)}`, 'global-admin', undefined, 'beta')).status).toBe(404);
    expect((await call('DELETE', `${BASE}/webhooks/${String(created.body?.id)}`, 'security-admin')).status).toBe(403);
    expect((await call('DELETE', `${BASE}/webhooks/${String(created.body?.id)}`, 'global-admin')).status).toBe(204);
    expect((await call('DELETE', `${BASE}/webhooks/${String(created.body?.id)}`, 'global-admin')).status).toBe(404);
  });

  it('refuses URLs that are not http(s) or carry credentials', async () => {
    for (const url of ['file:///etc/passwd', 'https://u:p@x.example/', 'http://169.254.169.254/latest/meta-data', 'http://127.0.0.1:8080/api/v1/operator/cli']) {
      const res = await call('POST', `${BASE}/webhooks`, 'global-admin', { url });
      expect(res.status).toBe(400);
      expect(res.body?.error?.message).toMatch(/^url: /);
    }
  });
});

describe('delivery routes', () => {
  it('lists outcomes newest first, with the reason, never the payload', async () => {
    await notifier.putSettings('alpha', { minSeverity: 'high', extraRecipients: ['soc@partner.example'], batchMinutes: 15, weeklyDigest: false }, 'admin');
    await notifier.enqueue('alpha', [
      { id: 'd1', detector: 'D5', severity: 'high', detectedDateTime: '2026-03-04T09:00:00.000Z', userPrincipalName: 'bob@contoso.example', evidence: { list: 'botnet' }, logOnly: false },
    ]);
    await notifier.tick();
    const res = await call('GET', `${BASE}/deliveries?top=5`, 'security-admin');
    expect(res.status).toBe(200);
    const value = res.body?.value as Record<string, unknown>[];
    expect(value).toHaveLength(1);
    expect(value[0]).toMatchObject({ channel: 'email', kind: 'detection', status: 'failed', attempts: 1, lastError: SMTP_NOT_CONFIGURED, target: 'admin@contoso.example, unlicensed@contoso.example, soc@partner.example' });
    expect(value[0]).not.toHaveProperty('payload');
    expect((await call('GET', '/api/v1/tenants/beta/notifications/deliveries', 'global-admin', undefined, 'beta')).body).toEqual({ value: [] });
    expect((await call('GET', `${BASE}/deliveries?top=0`, 'global-admin')).status).toBe(400);
  });
});

describe('test notification route', () => {
  it('queues a test message to the recipients and every webhook for a global admin only, at most once a minute', async () => {
    const before = (await notifier.listDeliveries('alpha', 100)).length;
    expect((await call('POST', `${BASE}/test`, 'security-admin')).status).toBe(403);
    expect((await call('POST', `${BASE}/test`, 'reports-reader')).status).toBe(403);
    const other = await call('POST', `${BASE}/test`, 'global-admin', undefined, 'beta');
    expect(other.status).toBe(404);
    expect(Object.keys(other.body ?? {})).toEqual(['error']);
    expect(await notifier.listDeliveries('alpha', 100)).toHaveLength(before);

    const hook = await call('POST', `${BASE}/webhooks`, 'global-admin', { url: 'https://siem.example/test-hook' });
    expect((await call('POST', `${BASE}/test`, 'global-admin', { to: 'someone@else.example' })).status).toBe(400);
    const res = await call('POST', `${BASE}/test`, 'global-admin', {});
    expect(res.status).toBe(202);
    const value = res.body?.value as Record<string, unknown>[];
    expect(value.map((d) => [d.channel, d.kind, d.status])).toEqual([
      ['email', 'test', 'pending'],
      ['webhook', 'test', 'pending'],
    ]);
    expect(value[0]?.target).toContain('soc@partner.example');
    expect(value[1]?.target).toBe(hook.body?.id);
    expect(value[0]).not.toHaveProperty('payload');
    // Listed like any delivery; the webhook gets a CloudEvent of its own type.
    const listed = (await call('GET', `${BASE}/deliveries`, 'security-admin')).body?.value as Record<string, unknown>[];
    expect(listed.filter((d) => d.kind === 'test')).toHaveLength(2);
    const stored = await notifier.listDeliveries('alpha', 100);
    expect(JSON.parse(stored.find((d) => d.channel === 'webhook' && d.kind === 'test')?.payload ?? '{}')).toMatchObject({ type: 'com.authlens.test', data: { tenant: 'alpha', test: true } });
    expect((await call('GET', '/api/v1/tenants/beta/notifications/deliveries', 'global-admin', undefined, 'beta')).body).toEqual({ value: [] });

    // It mails every admin of the directory: not again within a minute.
    const again = await t.app.inject({
      method: 'POST',
      url: `${BASE}/test`,
      headers: { authorization: `Bearer ${keys.get('alpha/global-admin') ?? ''}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('60');
    expect((again.json() as { error: { code: string } }).error.code).toBe('tooManyRequests');
    expect(await notifier.listDeliveries('alpha', 100)).toHaveLength(before + 2);
  });
});
