import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { unzipSync } from 'fflate';
import { loadConfig } from '../../../config/config.ts';
import { createApiKeyService } from '../../../directory/api-keys.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from '../../../schema/directory.ts';
import type { Role, Tenant } from '../../../schema/tenants.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createReportQueries } from '../../../store/duckdb/report-queries.ts';
import { FIXTURE_DETECTIONS, FIXTURE_EVENTS, FIXTURE_NOW, FIXTURE_SIGNINS } from '../../../store/duckdb/report-queries-fixture.ts';
import { buildApp } from '../../build-app.ts';

let store: DuckDbStore;
let app: FastifyInstance;
const keys: Record<string, string> = {};

function tenant(id: string, patch: Partial<Tenant> = {}): Tenant {
  return { id, name: id, edition: 'premium', rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z', optedInAt: '2026-01-02T00:00:00.000Z', ...patch };
}

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  await store.control.createTenant(tenant('t1'));
  await store.control.createTenant(tenant('free', { edition: 'free' }));
  await store.control.createTenant(tenant('new', { optedInAt: undefined }));
  await store.control.importDirectory('t1', {
    users: [
      { id: 'u1', userPrincipalName: 'admin@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
      { id: 'u2', userPrincipalName: 'bare@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
    ],
    groups: [],
    applications: [],
    roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['u1', 'u2'] }],
  });
  await store.events.appendEvents('t1', [...FIXTURE_SIGNINS, ...FIXTURE_EVENTS]);
  await store.detections.appendDetections('t1', FIXTURE_DETECTIONS);
  app = await buildApp(
    {
      config: loadConfig({ logLevel: 'silent' }, {}),
      store,
      ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
      reports: createReportQueries(store.db),
      now: () => new Date(FIXTURE_NOW),
    },
  );
  await app.ready();
  const apiKeys = createApiKeyService(store.control);
  for (const [t, role] of [['t1', 'global-admin'], ['t1', 'security-admin'], ['t1', 'reports-reader'], ['free', 'reports-reader'], ['new', 'reports-reader']] as [string, Role][]) {
    keys[`${t}/${role}`] = (await apiKeys.create(t, role)).key;
  }
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const get = (url: string, key: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
const reader = (): string => keys['t1/reports-reader'] ?? '';

describe('reports routes', () => {
  it('lists the catalog with lock flags', async () => {
    const res = await get('/api/v1/tenants/free/reports', keys['free/reports-reader'] ?? '');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ reportingEnabled: boolean; reports: { id: string; locked: boolean; lockedMessage?: string }[] }>();
    expect(body.reportingEnabled).toBe(true);
    expect(body.reports).toHaveLength(24);
    expect(body.reports.find((r) => r.id === 'audit')).toMatchObject({ locked: false });
    expect(body.reports.find((r) => r.id === 'audit')).not.toHaveProperty('lockedMessage');
    // The portal shows a locked report's own words, the same the report's API answers with.
    expect(body.reports.find((r) => r.id === 'irregular-signin-activity')).toMatchObject({
      locked: true,
      lockedMessage: "the report 'irregular-signin-activity' (Irregular sign in activity) needs the Premium edition",
    });
    expect(body.reports.find((r) => r.id === 'rms-usage')?.lockedMessage).toBe(
      "the report 'rms-usage' (RMS usage) needs the Premium edition with the Rights Management (RMS) add-on",
    );
  });

  it('runs a report as JSON pages and as the portal view', async () => {
    const page = await get('/api/v1/tenants/t1/reports/audit?interval=30d&limit=2&offset=1', reader());
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ report: 'audit', total: 4, offset: 1, truncated: true, nextOffset: 3, from: '2026-10-21T12:00:00.000Z', to: FIXTURE_NOW });
    expect(page.json<{ rows: { id: string }[] }>().rows.map((r) => r.id)).toEqual(['a2', 'a3']);
    const portal = await get('/api/v1/tenants/t1/reports/user-activity?view=portal&user=alice@contoso.example&interval=7d', reader());
    expect(portal.json<{ rows: { signInId: string }[] }>().rows.map((r) => r.signInId)).toEqual(['s1', 's2']);
  });

  it.each([
    ['/api/v1/tenants/new/reports/audit', 'new/reports-reader', 403, 'reportingNotEnabled', 'reporting is not enabled for this directory; a global admin must opt in'],
    ['/api/v1/tenants/free/reports/password-reset-activity', 'free/reports-reader', 403, 'editionRequired', "the report 'password-reset-activity' (Password reset activity) needs the Premium edition"],
    ['/api/v1/tenants/t1/reports/rms-usage', 't1/reports-reader', 403, 'editionRequired', "the report 'rms-usage' (RMS usage) needs the Premium edition with the Rights Management (RMS) add-on"],
    ['/api/v1/tenants/t1/reports/nope', 't1/reports-reader', 404, 'notFound', "no report 'nope'; authlens reports lists them"],
    ['/api/v1/tenants/t1/reports/user-devices', 't1/reports-reader', 400, 'invalidRequest', "the report 'user-devices' is about one user: give user (a UPN)"],
    ['/api/v1/tenants/free/reports/audit', 't1/reports-reader', 404, 'notFound', "tenant 'free' not found"],
    // Schema refusals name what to send instead ("schema is false", "one of the allowed values" said neither).
    [
      '/api/v1/tenants/t1/reports/audit?interval=7d&top=2',
      't1/reports-reader',
      400,
      'invalidRequest',
      "invalid querystring: unknown parameter 'top'; known: interval, from, to, user, app, category, activity, initiator, target, result, view, offset, limit",
    ],
    ['/api/v1/tenants/t1/reports/audit?interval=90d', 't1/reports-reader', 400, 'invalidRequest', 'invalid querystring at /interval: must be one of 24h, 7d, 30d'],
  ])('%s -> %s %s', async (url, key, status, code, message) => {
    const res = await get(url, keys[key] ?? '');
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: { code, message } });
  });

  it('downloads a zip holding <id>.csv', async () => {
    const res = await get('/api/v1/tenants/t1/reports/account-provisioning-activity/download?interval=30d', reader());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe('attachment; filename="account-provisioning-activity_2026-10-21-1200_2026-11-20-1200.zip"');
    const csv = new TextDecoder().decode(unzipSync(res.rawPayload)['account-provisioning-activity.csv']);
    expect(csv.split('\r\n').filter((l) => l !== '').map((l) => l.split(',')[0])).toEqual(['id', 'p2', 'p1']);
  });

  it('exports NDJSON without a cap', async () => {
    const res = await get('/api/v1/tenants/t1/reports/audit/export?format=ndjson&interval=30d&category=PasswordReset', reader());
    expect(res.statusCode).toBe(200);
    expect(res.payload.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a2']);
  });

  it('answers evidence as a JSON value, not as text', async () => {
    const res = await get('/api/v1/tenants/t1/reports/signins-from-unknown-sources?interval=30d', reader());
    const rows = (res.json() as { rows: { evidence: unknown }[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(typeof r.evidence).toBe('object');
  });

  it('ignore: readers 403, unlicensed admins 403, licensed global admin ok', async () => {
    const post = (key: string, body: object) =>
      app.inject({ method: 'POST', url: '/api/v1/tenants/t1/reports/signins-from-unknown-sources/ignore', headers: { authorization: `Bearer ${key}` }, payload: body });
    expect((await post(reader(), { detectionIds: ['det-d1'], by: 'admin@contoso.example' })).statusCode).toBe(403);
    const bare = await post(keys['t1/global-admin'] ?? '', { detectionIds: ['det-d1'], by: 'bare@contoso.example' });
    expect(bare.statusCode).toBe(403);
    expect(bare.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await post(keys['t1/global-admin'] ?? '', { detectionIds: ['det-d1'] })).statusCode).toBe(400);
    const ok = await post(keys['t1/global-admin'] ?? '', { detectionIds: ['det-d1'], by: 'admin@contoso.example' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ignored: ['det-d1'], skipped: [] });
    const after = await get('/api/v1/tenants/t1/reports/signins-from-unknown-sources?interval=30d', reader());
    expect(after.json()).toMatchObject({ total: 0, rows: [] });
  });

  it('suppressions: security admins add and undo, readers only look', async () => {
    const add = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/tenants/t1/suppressions',
        headers: { authorization: `Bearer ${key}` },
        payload: { items: [{ kind: 'detector', value: 'D3' }], reason: 'travel desk trip' },
      });
    expect((await add(reader())).statusCode).toBe(403);
    const created = await add(keys['t1/security-admin'] ?? '');
    expect(created.statusCode).toBe(201);
    const id = created.json<{ value: { id: string }[] }>().value[0]?.id ?? '';
    expect((await get('/api/v1/tenants/t1/reports/signins-from-multiple-geographies?interval=30d', reader())).json()).toMatchObject({ total: 0 });
    const list = await get('/api/v1/tenants/t1/suppressions', reader());
    expect(list.json<{ value: { id: string; createdBy: string }[] }>().value.map((s) => s.id)).toEqual([id]);
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/tenants/t1/suppressions/${id}`, headers: { authorization: `Bearer ${keys['t1/security-admin'] ?? ''}` } });
    expect(del.statusCode).toBe(204);
    expect((await get('/api/v1/tenants/t1/reports/signins-from-multiple-geographies?interval=30d', reader())).json()).toMatchObject({ total: 1 });
  });
});
