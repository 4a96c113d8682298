/**
 * The IdP connector routes and the breach-action route over a real store,
 * with the webhook connector posting to a real local receiver: roles, tenant
 * boundaries, write-only secrets (answers, logs, the database), SSRF refusals,
 * outcomes (202, 501, 502), the history and the audit log, and rate limits.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDetectStores } from '../../../store/duckdb/detect-stores.ts';
import { createConnectorStore } from '../../../store/duckdb/connector-store.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createReportQueries } from '../../../store/duckdb/report-queries.ts';
import { createBreachActions } from '../../../reports/breach-actions.ts';
import { verifySignature } from '../../../notify/cloud-events.ts';
import { startHook, type LocalHook } from '../../../notify/testing/local-servers.ts';
import { DEFAULT_RATE_LIMITS } from '../../plugins/rate-limit.ts';
import { createHarness, HARNESS_NOW, type Harness } from './detect-routes-harness.ts';

const KEY = new Uint8Array(32).fill(3);
const SECRET = 'whsec-a-very-private-signing-key';
const OKTA_TOKEN = '00-okta-token-that-must-not-leak';
const CONNECTOR = '/api/v1/tenants/t1/connector';
const ACTIONS = (upn: string, tenant = 't1') => `/api/v1/tenants/${tenant}/risky-users/${encodeURIComponent(upn)}/actions`;

let store: DuckDbStore;
let h: Harness;
let hook: LocalHook;
const lines: string[] = [];
const others: { close(): Promise<void> }[] = [];

async function harnessOn(s: DuckDbStore, hosts: 'any' | 'public', extra: Parameters<typeof createHarness>[2] = {}): Promise<Harness> {
  const breachActions = createBreachActions({ store: createConnectorStore(s.db), key: KEY, hosts, now: () => new Date(HARNESS_NOW), timeoutMs: 2000 });
  return createHarness(s, createDetectStores(s.db), { reports: createReportQueries(s.db), breachActions, ...extra });
}

/** Another app over a store of its own (the harness creates its tenants). */
async function harness(hosts: 'any' | 'public', extra: Parameters<typeof createHarness>[2] = {}): Promise<Harness> {
  const s = await openDuckDbStore({ path: ':memory:' });
  const x = await harnessOn(s, hosts, extra);
  others.push({ close: async () => { await x.close(); await s.close(); } });
  return x;
}

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  hook = await startHook();
  h = await harnessOn(store, 'any', { logStream: { write: (l) => void lines.push(l) } });
});
afterAll(async () => {
  await h.close();
  for (const o of others) await o.close();
  await hook.close();
  await store.close();
});
afterEach(() => {
  hook.received.length = 0;
});

describe('connector settings', () => {
  it('is 404 until set; only a global admin sets it; the answer never holds the secret', async () => {
    expect((await h.call('GET', CONNECTOR, h.key('t1', 'global-admin'))).statusCode).toBe(404);
    const put = await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'webhook', url: hook.url, secret: SECRET });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ kind: 'webhook', url: hook.url, secretSet: true, updatedBy: expect.stringMatching(/^apiKey:/), updatedAt: HARNESS_NOW });
    for (const role of ['global-admin', 'security-admin'] as const) {
      const got = await h.call('GET', CONNECTOR, h.key('t1', role));
      expect(got.statusCode).toBe(200);
      expect(got.body).not.toContain(SECRET);
      expect(got.json()).toEqual(put.json());
    }
  });

  it.each([
    ['GET', 'reports-reader', 't1', 403],
    ['PUT', 'security-admin', 't1', 403],
    ['PUT', 'reports-reader', 't1', 403],
    ['DELETE', 'security-admin', 't1', 403],
    ['GET', 'global-admin', 't2', 404],
    ['PUT', 'global-admin', 't2', 404],
    ['DELETE', 'global-admin', 't2', 404],
  ] as const)('%s by a %s of %s is refused (%i)', async (method, role, tenant, status) => {
    const res = await h.call(method, CONNECTOR, h.key(tenant, role), method === 'PUT' ? { kind: 'webhook', url: 'https://evil.example.com/', secret: 'attacker-secret-123456' } : undefined);
    expect(res.statusCode).toBe(status);
    expect((await h.call('GET', CONNECTOR, h.key('t1', 'global-admin'))).json()).toMatchObject({ url: hook.url });
  });

  it('keeps the secret sealed in the database and out of the logs', async () => {
    const rows = await store.db.all<{ settings: string; sealed_secret: string }>('SELECT settings, sealed_secret FROM connector_settings');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    expect(rows[0]!.sealed_secret).toMatch(/^v1\./);
    const audits = await store.db.all<{ doc: string }>("SELECT doc FROM events WHERE tenant = 't1' AND category = 'authlens'");
    expect(audits.map((a) => JSON.parse(a.doc).activityDisplayName)).toContain('Set IdP connector');
    expect(JSON.stringify(audits)).not.toContain(SECRET);
    expect(lines.join('')).not.toContain(SECRET);
  });

  it('a change without the secret keeps it; a change of kind needs one; secrets never echo, not even in a refusal', async () => {
    const same = await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'webhook', url: hook.url });
    expect(same.statusCode).toBe(200);
    const bad = await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'okta', orgUrl: 'https://contoso.okta.com', apiToken: OKTA_TOKEN, extra: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain(OKTA_TOKEN);
    const noSecret = await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'okta', orgUrl: 'https://contoso.okta.com' });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.json()).toMatchObject({ error: { code: 'invalidRequest', message: 'apiToken: is required when the kind changes (the stored secret belongs to the webhook connector, not to okta)' } });
    expect(lines.join('')).not.toContain(OKTA_TOKEN);
  });

  it.each([
    [{ kind: 'webhook', url: 'https://soar.example.com/hook', secret: 'short' }, 'invalid body at /secret: must not have fewer than 16 characters'],
    [{ kind: 'okta', orgUrl: 'https://contoso.okta.com', apiToken: 'x', extra: 1 }, "invalid body: unknown field 'extra'"],
    [{ kind: 'keycloak', baseUrl: 'https://sso.example.com', realm: 'a/b', clientId: 'c', clientSecret: 's' }, 'invalid body at /realm: '],
    [{ kind: 'entra', directoryId: 'contoso.onmicrosoft.com' }, 'invalid body: must have required properties clientId'],
    [{ kind: 'ldap', url: 'https://x.example.com' }, 'invalid body at /kind: must be one of webhook, keycloak, okta, entra'],
    [{ url: 'https://x.example.com' }, 'invalid body: must have the property kind (one of webhook, keycloak, okta, entra)'],
  ])('names what is wrong for the kind given: %j', async (body, message) => {
    const res = await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), body);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain(message);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fe80::1]:8080/', 'link-local'],
    ['ftp://files.example.com/', 'only http and https'],
    ['https://admin:pw@soar.example.com/', 'credentials in the URL'],
  ])('refuses the URL %s (%s), even where private hosts are allowed', async (url, why) => {
    const res = await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'webhook', url, secret: 'another-secret-123456' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain(why);
  });

  it('refuses loopback and private hosts unless the operator allows them (AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1)', async () => {
    const strict = await harness('public');
    for (const url of ['http://127.0.0.1:9000/hook', 'https://10.0.0.8/hook', 'https://localhost/hook', 'https://[::1]/hook']) {
      const res = await strict.call('PUT', '/api/v1/tenants/t2/connector', strict.key('t2', 'global-admin'), { kind: 'webhook', url, secret: 'a-secret-of-16-chars' });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ error: { message: string } }>().error.message).toContain('public addresses only');
    }
    const idp = await strict.call('PUT', '/api/v1/tenants/t2/connector', strict.key('t2', 'global-admin'), { kind: 'keycloak', baseUrl: 'http://kc.example.com', realm: 'r', clientId: 'c', clientSecret: 's' });
    expect(idp.json<{ error: { message: string } }>().error.message).toContain('https only');
  });
});

describe('breach actions', () => {
  it('answers 501 connectorNotConfigured in a tenant without a connector', async () => {
    const res = await h.call('POST', ACTIONS('bob@contoso.example', 't2'), h.key('t2', 'security-admin'), { action: 'revokeSessions' });
    expect(res.statusCode).toBe(501);
    expect(res.json()).toMatchObject({ error: { code: 'connectorNotConfigured' } });
  });

  it('revokes sessions through the webhook: 202 with the outcome, a signed request at the receiver, the history and the audit log', async () => {
    const res = await h.call('POST', ACTIONS('bob@contoso.example'), h.key('t1', 'security-admin'), { action: 'revokeSessions' });
    expect(res.statusCode).toBe(202);
    const record = res.json<{ id: string; by: string }>();
    expect(record).toEqual({
      id: expect.any(String),
      userKey: 'u-bob',
      userPrincipalName: 'bob@contoso.example',
      action: 'revokeSessions',
      connector: 'webhook',
      outcome: 'accepted',
      detail: `request accepted by the automation at ${new URL(hook.url).host}`,
      by: expect.stringMatching(/^apiKey:/),
      at: HARNESS_NOW,
    });
    expect(hook.received).toHaveLength(1);
    const sent = hook.received[0]!;
    expect(verifySignature(sent.body, SECRET, sent.headers['x-authlens-signature'] as string)).toBe(true);
    expect(JSON.parse(sent.body)).toMatchObject({ id: record.id, type: 'com.authlens.breachAction', data: { action: 'revokeSessions', user: { userPrincipalName: 'bob@contoso.example', id: 'U-BOB' }, tenant: 't1', requestedBy: record.by } });

    const user = await h.call('GET', '/api/v1/tenants/t1/risky-users/bob@contoso.example', h.key('t1', 'reports-reader'));
    expect(user.json<{ actions: unknown[] }>().actions).toEqual([record]);
    const audit = (await store.db.all<{ doc: string }>("SELECT doc FROM events WHERE tenant = 't1' AND category = 'authlens'")).map((r) => JSON.parse(r.doc) as Record<string, unknown>);
    expect(audit.find((a) => a.activityDisplayName === 'Revoke sessions through IdP connector')).toMatchObject({
      result: 'success',
      initiatedBy: { user: { userPrincipalName: record.by } },
      targetResources: [{ id: 'U-BOB', userPrincipalName: 'bob@contoso.example', type: 'User' }],
      additionalDetails: expect.arrayContaining([
        { key: 'action', value: 'revokeSessions' },
        { key: 'connector', value: 'webhook' },
        { key: 'outcome', value: 'accepted' },
      ]),
    });
  });

  it('answers 502 connectorFailed with the reason when the automation refuses, and records the failure too', async () => {
    const refusing = await startHook([503]);
    others.push(refusing);
    await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'webhook', url: refusing.url });
    const res = await h.call('POST', ACTIONS('alice@contoso.example'), h.key('t1', 'global-admin'), { action: 'resetPassword' });
    expect(res.statusCode).toBe(502);
    const msg = res.json<{ error: { code: string; message: string } }>().error;
    expect(msg.code).toBe('connectorFailed');
    expect(msg.message).toBe(`Reset password for alice@contoso.example through the webhook connector failed: the automation at ${new URL(refusing.url).host} did not accept it: HTTP 503`);
    expect(res.body).not.toContain(SECRET);
    const user = await h.call('GET', '/api/v1/tenants/t1/risky-users/alice@contoso.example', h.key('t1', 'security-admin'));
    expect(user.json<{ actions: { outcome: string; action: string }[] }>().actions).toMatchObject([{ action: 'resetPassword', outcome: 'failed' }]);
    const audit = (await store.db.all<{ doc: string }>("SELECT doc FROM events WHERE tenant = 't1' AND category = 'authlens'")).map((r) => JSON.parse(r.doc) as Record<string, unknown>);
    expect(audit.find((a) => a.activityDisplayName === 'Reset password through IdP connector')).toMatchObject({ result: 'failure' });
    await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'webhook', url: hook.url });
  });

  it.each([
    ['reports-reader', 't1', 'bob@contoso.example', { action: 'revokeSessions' }, 403, 'forbidden'],
    ['security-admin', 't2', 'bob@contoso.example', { action: 'revokeSessions' }, 404, 'notFound'],
    ['global-admin', 't1', 'mallory@elsewhere.example', { action: 'revokeSessions' }, 404, 'notFound'],
    ['global-admin', 't1', 'bob@contoso.example', { action: 'wipeDevice' }, 400, 'invalidRequest'],
  ] as const)('a %s of %s acting on %s %j: %i %s, and nothing is sent', async (role, keyTenant, upn, body, status, code) => {
    const res = await h.call('POST', ACTIONS(upn), h.key(keyTenant, role), body);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: { code } });
    expect(hook.received).toHaveLength(0);
  });

  it('removing the connector keeps the history and brings back 501', async () => {
    expect((await h.call('DELETE', CONNECTOR, h.key('t1', 'global-admin'))).statusCode).toBe(204);
    expect((await h.call('POST', ACTIONS('bob@contoso.example'), h.key('t1', 'global-admin'), { action: 'requireMfa' })).statusCode).toBe(501);
    const user = await h.call('GET', '/api/v1/tenants/t1/risky-users/bob@contoso.example', h.key('t1', 'security-admin'));
    expect(user.json<{ actions: unknown[] }>().actions).toHaveLength(1);
    expect((await h.call('DELETE', CONNECTOR, h.key('t1', 'global-admin'))).statusCode).toBe(404);
    await h.call('PUT', CONNECTOR, h.key('t1', 'global-admin'), { kind: 'webhook', url: hook.url, secret: SECRET });
  });

  it('limits each caller: past the burst, 429 with Retry-After, and nothing more is sent', async () => {
    const limited = await harness('any', { rateLimits: { ...DEFAULT_RATE_LIMITS, connectorActionPerPrincipal: { capacity: 2, refillPerSecond: 0.001 } } });
    await limited.call('PUT', CONNECTOR, limited.key('t1', 'global-admin'), { kind: 'webhook', url: hook.url, secret: SECRET });
    const key = limited.key('t1', 'security-admin');
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await limited.call('POST', ACTIONS('bob@contoso.example'), key, { action: 'revokeSessions' })).statusCode);
    expect(codes).toEqual([202, 202, 429]);
    const last = await limited.call('POST', ACTIONS('bob@contoso.example'), key, { action: 'revokeSessions' });
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(hook.received).toHaveLength(2);
  });
});
