import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Detection } from '../../../schema/detections.ts';
import { createDetectStores } from '../../../store/duckdb/detect-stores.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createReportQueries } from '../../../store/duckdb/report-queries.ts';
import { createGraphQueries } from '../../../store/duckdb/graph-queries.ts';
import { adminAudit } from '../../../reports/admin-actions.ts';
import { createApiKeyService } from '../../../directory/api-keys.ts';
import { createHarness, HARNESS_NOW, type Harness } from './detect-routes-harness.ts';

let store: DuckDbStore;
let h: Harness;
const URL = '/api/v1/tenants/t1/risky-users';

const det = (d: Partial<Detection> & Pick<Detection, 'id' | 'detector' | 'severity' | 'detectedDateTime'>): Detection => ({ evidence: {}, logOnly: false, ...d });
const BOB_D3 = det({ id: 'd-bob', detector: 'D3', severity: 'high', detectedDateTime: '2026-11-19T10:00:00.000Z', signInId: 's1', userId: 'U-BOB', userPrincipalName: 'bob@contoso.example' });
const ALICE_BF = det({ id: 'd-alice', detector: 'brute-force', severity: 'medium', detectedDateTime: '2026-11-18T09:00:00.000Z', signInId: 's2', userId: 'U-ALICE', userPrincipalName: 'alice@contoso.example' });
const ALICE_LOGONLY = det({ id: 'd-alice-lo', detector: 'D2', severity: 'high', detectedDateTime: '2026-11-18T10:00:00.000Z', signInId: 's3', userId: 'U-ALICE', userPrincipalName: 'alice@contoso.example', logOnly: true });
const ALICE_OLD = det({ id: 'd-alice-old', detector: 'D3', severity: 'high', detectedDateTime: '2026-09-01T10:00:00.000Z', signInId: 's0', userId: 'U-ALICE', userPrincipalName: 'alice@contoso.example' });
const CAROL_D1 = det({ id: 'd-carol', detector: 'D1', severity: 'low', detectedDateTime: '2026-11-17T08:00:00.000Z', signInId: 's4', userPrincipalName: 'carol@fabrikam.example', evidence: { outcome: 'success' } });

const view = (d: Detection, level: string, state: string | null) => ({
  userKey: (d.userId ?? d.userPrincipalName ?? '').toLowerCase(),
  userPrincipalName: d.userPrincipalName,
  riskLevel: level,
  riskState: state,
  riskLastUpdatedDateTime: d.detectedDateTime,
  contributing: [{ id: d.id, detector: d.detector, severity: d.severity, detectedDateTime: d.detectedDateTime, signInId: d.signInId }],
});

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  h = await createHarness(store, createDetectStores(store.db), { reports: createReportQueries(store.db), graph: createGraphQueries(store.db) });
  await store.detections.appendDetections('t1', [BOB_D3, ALICE_BF, ALICE_LOGONLY, ALICE_OLD, CAROL_D1]);
});
afterAll(async () => {
  await h.close();
  await store.close();
});

describe('risky users routes', () => {
  it('lists users by level with their contributing detections (log-only and older ones left out)', async () => {
    const res = await h.call('GET', URL, h.key('t1', 'reports-reader'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: '2026-10-21T12:00:00.000Z',
      to: '2026-11-20T12:00:00.001Z',
      value: [view(BOB_D3, 'high', 'atRisk'), view(ALICE_BF, 'medium', 'atRisk'), view(CAROL_D1, 'low', 'atRisk')],
    });
  });

  it.each([
    ['?level=high', ['bob@contoso.example']],
    ['?level=low', ['carol@fabrikam.example']],
    ['?state=dismissed', []],
    ['?interval=90d', ['alice@contoso.example', 'bob@contoso.example', 'carol@fabrikam.example']],
  ])('filters %s', async (query, upns) => {
    const res = await h.call('GET', `${URL}${query}`, h.key('t1', 'security-admin'));
    expect(res.json<{ value: { userPrincipalName: string }[] }>().value.map((u) => u.userPrincipalName)).toEqual(upns);
  });

  it('the 90-day view counts the older high detection: alice is high', async () => {
    const res = await h.call('GET', `${URL}/alice@contoso.example?interval=90d`, h.key('t1', 'reports-reader'));
    expect(res.json()).toMatchObject({ userKey: 'u-alice', riskLevel: 'high', history: [] });
  });

  it('serves the same risky users through Graph\'s identityProtection/riskyUsers (90 days), filtered and one by one, to its own tenant only', async () => {
    const ours = (await h.call('GET', `${URL}?interval=90d`, h.key('t1', 'reports-reader'))).json<{ value: { userKey: string; userPrincipalName: string; riskLevel: string; riskState: string; riskLastUpdatedDateTime: string }[] }>().value;
    const graph = await h.call('GET', '/v1.0/identityProtection/riskyUsers', h.key('t1', 'reports-reader'));
    expect(graph.statusCode).toBe(200);
    const value = graph.json<{ value: Record<string, unknown>[] }>().value;
    expect(value.map((u) => u['userPrincipalName']).sort()).toEqual(ours.map((u) => u.userPrincipalName).sort());
    for (const u of ours) {
      expect(value.find((g) => g['id'] === u.userKey)).toEqual({
        id: u.userKey,
        isDeleted: false,
        isProcessing: false,
        riskLastUpdatedDateTime: u.riskLastUpdatedDateTime,
        riskLevel: u.riskLevel,
        riskState: u.riskState,
        riskDetail: 'none',
        userPrincipalName: u.userPrincipalName,
      });
    }
    const high = await h.call('GET', `/v1.0/identityProtection/riskyUsers?$filter=${encodeURIComponent("riskLevel eq 'high'")}`, h.key('t1', 'reports-reader'));
    expect(high.json<{ value: { id: string }[] }>().value.map((u) => u.id).sort()).toEqual(['u-alice', 'u-bob']);
    const one = await h.call('GET', '/v1.0/identityProtection/riskyUsers/u-bob', h.key('t1', 'reports-reader'));
    expect(one.json()).toMatchObject({ id: 'u-bob', riskLevel: 'high', riskState: 'atRisk' });
    expect((await h.call('GET', '/v1.0/identityProtection/riskyUsers', h.key('t2', 'global-admin'))).json<{ value: unknown[] }>().value).toEqual([]);
    expect((await h.call('GET', '/v1.0/identityProtection/riskyUsers/u-bob', h.key('t2', 'global-admin'))).statusCode).toBe(404);
  });

  it('records a state change with who, when and why, and the change clears what came before', async () => {
    const keyId = h.key('t1', 'security-admin').split('_')[1];
    const res = await h.call('POST', `${URL}/BOB@contoso.example/state`, h.key('t1', 'security-admin'), { state: 'dismissed', reason: 'travel confirmed by phone' });
    expect(res.statusCode).toBe(200);
    const change = { userKey: 'u-bob', userPrincipalName: 'bob@contoso.example', to: 'dismissed', by: `apiKey:${keyId}`, at: HARNESS_NOW, reason: 'travel confirmed by phone' };
    expect(res.json()).toEqual(change);
    const list = await h.call('GET', URL, h.key('t1', 'reports-reader'));
    expect(list.json<{ value: { userPrincipalName: string }[] }>().value.map((u) => u.userPrincipalName)).toEqual(['alice@contoso.example', 'carol@fabrikam.example']);
    const one = await h.call('GET', `${URL}/bob@contoso.example`, h.key('t1', 'reports-reader'));
    expect(one.json()).toEqual({ userKey: 'u-bob', userPrincipalName: 'bob@contoso.example', riskLevel: 'none', riskState: 'dismissed', riskLastUpdatedDateTime: HARNESS_NOW, contributing: [], history: [change], actions: [] });
    // And an authlens admin action in the tenant's own audit log, in Entra's words.
    const logged = await store.events.listAuditsInitiatedBy('t1', { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, [`apiKey:${keyId ?? ''}`]);
    expect(logged.map((a) => [a.category, a.activityDisplayName, a.targetResources[0]?.userPrincipalName, a.additionalDetails.filter((d) => d.key !== 'via')])).toEqual([
      ['authlens', 'Dismiss user risk', 'bob@contoso.example', [{ key: 'to', value: 'dismissed' }, { key: 'reason', value: 'travel confirmed by phone' }]],
    ]);
  });

  it('confirmedCompromised keeps the user high, with the previous state in the history', async () => {
    const res = await h.call('POST', `${URL}/bob@contoso.example/state`, h.key('t1', 'global-admin'), { state: 'confirmedCompromised' });
    expect(res.json()).toMatchObject({ from: 'dismissed', to: 'confirmedCompromised' });
    const one = await h.call('GET', `${URL}/bob@contoso.example`, h.key('t1', 'security-admin'));
    expect(one.json()).toMatchObject({ riskLevel: 'high', riskState: 'confirmedCompromised' });
    expect(one.json<{ history: { to: string }[] }>().history.map((c) => c.to)).toEqual(['dismissed', 'confirmedCompromised']);
  });

  it('a user outside the directory is known through its detections', async () => {
    const res = await h.call('POST', `${URL}/carol@fabrikam.example/state`, h.key('t1', 'global-admin'), { state: 'confirmedSafe' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userKey: 'carol@fabrikam.example', to: 'confirmedSafe' });
  });

  it.each([
    ['GET', `${URL}/nobody@contoso.example`, 'reports-reader', undefined, 404, 'notFound'],
    ['POST', `${URL}/nobody@contoso.example/state`, 'global-admin', { state: 'dismissed' }, 404, 'notFound'],
    ['POST', `${URL}/bob@contoso.example/state`, 'global-admin', { state: 'pwned' }, 400, 'invalidRequest'],
    ['POST', `${URL}/bob@contoso.example/state`, 'global-admin', { state: 'dismissed', reason: 'x'.repeat(2049) }, 400, 'invalidRequest'],
    ['POST', `${URL}/bob@contoso.example/state`, 'reports-reader', { state: 'dismissed' }, 403, 'forbidden'],
    ['POST', `${URL}/bob@contoso.example/actions`, 'security-admin', { action: 'revokeSessions' }, 501, 'connectorNotConfigured'],
    ['POST', `${URL}/bob@contoso.example/actions`, 'global-admin', { action: 'wipeDevice' }, 400, 'invalidRequest'],
    ['POST', `${URL}/bob@contoso.example/actions`, 'reports-reader', { action: 'resetPassword' }, 403, 'forbidden'],
    ['GET', '/api/v1/tenants/t2/risky-users', 'global-admin', undefined, 404, 'notFound'],
    ['GET', '/api/v1/tenants/t2/risky-users/bob@contoso.example', 'security-admin', undefined, 404, 'notFound'],
    ['POST', '/api/v1/tenants/t2/risky-users/bob@contoso.example/state', 'global-admin', { state: 'dismissed' }, 404, 'notFound'],
  ] as const)('%s %s as %s -> %i %s', async (method, url, role, body, status, code) => {
    // The t2 rows use t1's keys: another tenant's URL.
    const res = await h.call(method, url, h.key('t1', role), body);
    expect(res.statusCode).toBe(status);
    expect(res.json<{ error: { code: string } }>().error.code).toBe(code);
  });

  it('a directory user whose detections carry only the UPN is one risky user with those that carry the id, and one state', async () => {
    const t2 = '/api/v1/tenants/t2/risky-users';
    // A native (or other IdP's) sign-in without the user id, and a leak match with it, of the same directory user.
    await store.detections.appendDetections('t2', [
      det({ id: 'd-t2-bob', detector: 'D3', severity: 'high', detectedDateTime: '2026-11-19T10:00:00.000Z', signInId: 'x1', userPrincipalName: 'Bob@contoso.example' }),
      det({ id: 'd-t2-bob-leak', detector: 'D8', severity: 'medium', detectedDateTime: '2026-11-19T09:00:00.000Z', userId: 'U-BOB', userPrincipalName: 'bob@contoso.example' }),
    ]);
    const listed = (await h.call('GET', t2, h.key('t2', 'global-admin'))).json<{ value: { userKey: string; riskLevel: string; contributing: { id: string }[] }[] }>();
    expect(listed.value.map((u) => [u.userKey, u.riskLevel, u.contributing.map((c) => c.id)])).toEqual([['u-bob', 'high', ['d-t2-bob-leak', 'd-t2-bob']]]);
    const res = await h.call('POST', `${t2}/bob@contoso.example/state`, h.key('t2', 'global-admin'), { state: 'remediated' });
    expect(res.json()).toMatchObject({ userKey: 'u-bob', to: 'remediated' });
    expect((await h.call('GET', t2, h.key('t2', 'global-admin'))).json()).toMatchObject({ value: [] });
    const one = await h.call('GET', `${t2}/bob@contoso.example`, h.key('t2', 'global-admin'));
    expect(one.json()).toMatchObject({ userKey: 'u-bob', riskLevel: 'none', riskState: 'remediated', history: [{ to: 'remediated' }] });
  });

  it('an ignored detection (SPEC 5: gone for good) no longer makes its user risky', async () => {
    const t2 = '/api/v1/tenants/t2/risky-users';
    const dave = det({ id: 'd-t2-dave', detector: 'D1', severity: 'high', detectedDateTime: '2026-11-19T11:00:00.000Z', signInId: 'x2', userPrincipalName: 'dave@fabrikam.example', evidence: { outcome: 'success' } });
    await store.detections.appendDetections('t2', [dave]);
    expect((await h.call('GET', `${t2}?level=high`, h.key('t2', 'reports-reader'))).json()).toMatchObject({ value: [{ userPrincipalName: 'dave@fabrikam.example' }] });
    const audit = adminAudit({ at: HARNESS_NOW, actor: { upn: 'alice@contoso.example', via: 'apiKey' }, activity: 'Ignore event in report', operationType: 'Update', targets: [], details: {} });
    expect(await createReportQueries(store.db).ignoreDetection('t2', dave.id, 'alice@contoso.example', HARNESS_NOW, audit)).toBe(true);
    expect((await h.call('GET', `${t2}?level=high`, h.key('t2', 'reports-reader'))).json()).toMatchObject({ value: [] });
    expect((await h.call('GET', `${t2}/dave@fabrikam.example`, h.key('t2', 'reports-reader'))).statusCode).toBe(404);
  });

  it('a suppression (user, IP, CIDR, detector) hides its detections from the risk, as from the anomaly reports', async () => {
    const t2 = '/api/v1/tenants/t2/risky-users';
    await store.detections.appendDetections('t2', [
      det({ id: 'd-t2-erin', detector: 'D3', severity: 'high', detectedDateTime: '2026-11-19T12:00:00.000Z', signInId: 'x3', userPrincipalName: 'erin@fabrikam.example', ipAddress: '203.0.113.9' }),
    ]);
    const erin = async (): Promise<string[]> =>
      (await h.call('GET', t2, h.key('t2', 'reports-reader'))).json<{ value: { userPrincipalName: string }[] }>().value.map((u) => u.userPrincipalName).filter((u) => u.startsWith('erin'));
    expect(await erin()).toEqual(['erin@fabrikam.example']);
    const sup = await h.call('POST', '/api/v1/tenants/t2/suppressions', h.key('t2', 'security-admin'), { items: [{ kind: 'cidr', value: '203.0.113.0/24' }], reason: 'our pentest' });
    expect(sup.statusCode).toBe(201);
    expect(await erin()).toEqual([]);
    const id = sup.json<{ value: { id: string }[] }>().value[0]?.id ?? '';
    expect((await h.call('DELETE', `/api/v1/tenants/t2/suppressions/${id}`, h.key('t2', 'security-admin'))).statusCode).toBe(204);
    expect(await erin()).toEqual(['erin@fabrikam.example']);
    await h.call('POST', `${t2}/erin@fabrikam.example/state`, h.key('t2', 'security-admin'), { state: 'dismissed' });
  });

  it("a spray's failed targets (UPN only) cost no directory lookup", async () => {
    const targets = Array.from({ length: 40 }, (_, i) =>
      det({ id: `d-t2-spray-${i}`, detector: 'D4', severity: 'medium', detectedDateTime: '2026-11-19T13:00:00.000Z', signInId: `sp${i}`, userPrincipalName: `target${i}@fabrikam.example`, evidence: { reason: 'passwordSpray', outcome: 'credentialFailure' } }),
    );
    await store.detections.appendDetections('t2', targets);
    const lookups = vi.spyOn(store.control, 'findUserByUpn');
    try {
      expect((await h.call('GET', '/api/v1/tenants/t2/risky-users', h.key('t2', 'reports-reader'))).statusCode).toBe(200);
      expect(lookups.mock.calls.filter(([, upn]) => upn.startsWith('target'))).toEqual([]);
    } finally {
      lookups.mockRestore();
    }
  });

  it("another tenant's risky users are its own", async () => {
    const res = await h.call('GET', '/api/v1/tenants/t2/risky-users?state=atRisk', h.key('t2', 'reports-reader'));
    expect(res.json<{ value: unknown[] }>().value).toEqual([]);
    expect((await h.call('GET', URL, h.key('t1', 'reports-reader'))).json<{ value: unknown[] }>().value.length).toBeGreaterThan(0);
  });

  it('answers 403 editionRequired below Premium: risky users are the Premium "Users with anomalous sign in activity" report', async () => {
    await store.control.updateTenant('t1', { edition: 'basic' });
    try {
      for (const [method, url, body] of [
        ['GET', URL, undefined],
        ['GET', `${URL}/bob@contoso.example`, undefined],
        ['POST', `${URL}/bob@contoso.example/state`, { state: 'dismissed' }],
      ] as const) {
        const res = await h.call(method, url, h.key('t1', 'global-admin'), body);
        expect(res.statusCode, url).toBe(403);
        expect(res.json<{ error: { code: string; message: string } }>().error).toEqual(
          expect.objectContaining({ code: 'editionRequired', message: 'risky users need the Premium edition' }),
        );
      }
    } finally {
      await store.control.updateTenant('t1', { edition: 'premium' });
    }
  });

  it('answers 403 reportingNotEnabled before a global admin opted in (SPEC 3), as the report does', async () => {
    await store.control.createTenant({ id: 't9', name: 't9', edition: 'premium', rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z' });
    const key = (await createApiKeyService(store.control).create('t9', 'global-admin')).key;
    for (const url of ['/api/v1/tenants/t9/risky-users', '/api/v1/tenants/t9/risky-users/bob@contoso.example']) {
      const res = await h.call('GET', url, key);
      expect(res.statusCode, url).toBe(403);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('reportingNotEnabled');
    }
  });
});
