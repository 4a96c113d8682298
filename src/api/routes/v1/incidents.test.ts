import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyService } from '../../../directory/api-keys.ts';
import { incidentId } from '../../../detect/incidents/correlate.ts';
import type { Detection } from '../../../schema/detections.ts';
import type { EnrichedEvent } from '../../../schema/enrichment.ts';
import { createDetectStores } from '../../../store/duckdb/detect-stores.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createReportQueries } from '../../../store/duckdb/report-queries.ts';
import { createHarness, type Harness } from './detect-routes-harness.ts';

let store: DuckDbStore;
let h: Harness;
const URL = '/api/v1/tenants/t1/incidents';

// HARNESS_NOW is 2026-11-20T12:00Z: a spray the day before, its success, then the victim's MFA registration.
const det = (id: string, time: string, upn: string, outcome: string): Detection => ({
  id,
  detector: 'D4',
  severity: outcome === 'success' ? 'high' : 'medium',
  detectedDateTime: time,
  signInId: `s-${id}`,
  userPrincipalName: upn,
  ipAddress: '203.0.113.7',
  evidence: { outcome },
  logOnly: false,
});
const SPRAY = [
  det('d-1', '2026-11-19T10:00:00.000Z', 'alice@contoso.example', 'credentialFailure'),
  det('d-2', '2026-11-19T10:01:00.000Z', 'carol@contoso.example', 'credentialFailure'),
  det('d-3', '2026-11-19T10:05:00.000Z', 'bob@contoso.example', 'success'),
];
const mfaRegistration = (id: string, time: string): EnrichedEvent => ({
  kind: 'directoryAudit',
  id,
  activityDateTime: time,
  category: 'UserManagement',
  activityDisplayName: 'User registered security info',
  result: 'success',
  initiatedBy: { user: { userPrincipalName: 'bob@contoso.example', ipAddress: '203.0.113.7' } },
  targetResources: [{ userPrincipalName: 'bob@contoso.example', type: 'User' }],
  additionalDetails: [],
});
const ID = incidentId('d-1');

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  h = await createHarness(store, createDetectStores(store.db), { reports: createReportQueries(store.db) });
  await store.detections.appendDetections('t1', SPRAY);
  await store.events.appendEvents('t1', [mfaRegistration('au-1', '2026-11-19T10:20:00.000Z')]);
  // The same user name in the other tenant changed something too: it must not show in t1's incident.
  await store.events.appendEvents('t2', [mfaRegistration('au-t2', '2026-11-19T10:25:00.000Z')]);
});
afterAll(async () => {
  await h.close();
  await store.close();
});

describe('incidents routes', () => {
  it('lists the spray, its success and the MFA registration as one high incident, for every role of the tenant', async () => {
    for (const role of ['reports-reader', 'security-admin', 'global-admin'] as const) {
      const res = await h.call('GET', URL, h.key('t1', role));
      expect(res.statusCode).toBe(200);
      const body = res.json<{ from: string; to: string; value: Record<string, unknown>[] }>();
      expect([body.from, body.to]).toEqual(['2026-10-21T12:00:00.000Z', '2026-11-20T12:00:00.001Z']);
      expect(body.value).toEqual([
        {
          id: ID,
          title: 'Password attack from 203.0.113.7 against 3 users; bob@contoso.example signed in, then 1 directory change',
          severity: 'high',
          status: 'new',
          firstDateTime: '2026-11-19T10:00:00.000Z',
          lastDateTime: '2026-11-19T10:20:00.000Z',
          compromisedUsers: ['bob@contoso.example'],
          userPrincipalNames: ['alice@contoso.example', 'carol@contoso.example', 'bob@contoso.example'],
          userCount: 3,
          ipAddresses: ['203.0.113.7'],
          ipCount: 1,
          detectors: { D4: 3 },
          detectionCount: 3,
          directoryChanges: 1,
          timelineEntries: 3,
        },
      ]);
    }
  });

  it('gives one incident with its timeline; another tenant has none, and cannot ask for this one', async () => {
    const res = await h.call('GET', `${URL}/${ID}`, h.key('t1', 'reports-reader'));
    expect(res.statusCode).toBe(200);
    const one = res.json<{ timeline: { kind: string; auditId?: string; count?: number }[]; history: unknown[] }>();
    expect(one.timeline.map((e) => [e.kind, e.count ?? e.auditId ?? null])).toEqual([['detections', 2], ['detection', null], ['directoryChange', 'au-1']]);
    expect(one.history).toEqual([]);

    expect((await h.call('GET', '/api/v1/tenants/t2/incidents', h.key('t2', 'global-admin'))).json()).toMatchObject({ value: [] });
    expect((await h.call('GET', `/api/v1/tenants/t2/incidents/${ID}`, h.key('t2', 'global-admin'))).statusCode).toBe(404);
    // A key of t2 at t1's URL: t1 does not exist for it.
    for (const url of [URL, `${URL}/${ID}`]) expect((await h.call('GET', url, h.key('t2', 'global-admin'))).statusCode).toBe(404);
    expect((await h.call('POST', `${URL}/${ID}/status`, h.key('t2', 'global-admin'), { status: 'resolved' })).statusCode).toBe(404);
  });

  it('refuses ids that are not incident ids and asks for one that is not there', async () => {
    expect((await h.call('GET', `${URL}/not-an-id`, h.key('t1', 'reports-reader'))).statusCode).toBe(400);
    const res = await h.call('GET', `${URL}/inc-00000000000000000000`, h.key('t1', 'reports-reader'));
    expect([res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([404, 'notFound']);
    expect((await h.call('GET', `${URL}?status=closed`, h.key('t1', 'reports-reader'))).statusCode).toBe(400);
  });

  it('lets security and global admins change the status with a reason, records who, and filters by it; readers are refused', async () => {
    const reader = await h.call('POST', `${URL}/${ID}/status`, h.key('t1', 'reports-reader'), { status: 'resolved' });
    expect(reader.statusCode).toBe(403);

    const active = await h.call('POST', `${URL}/${ID}/status`, h.key('t1', 'security-admin'), { status: 'active' });
    expect(active.statusCode).toBe(200);
    expect(active.json()).toMatchObject({ incidentId: ID, from: 'new', to: 'active', at: '2026-11-20T12:00:00.000Z' });
    const resolved = await h.call('POST', `${URL}/${ID}/status`, h.key('t1', 'global-admin'), { status: 'resolved', reason: 'password reset, MFA method removed' });
    expect(resolved.json()).toMatchObject({ from: 'active', to: 'resolved', reason: 'password reset, MFA method removed' });
    expect(resolved.json<{ by: string }>().by).toMatch(/^apiKey:/);

    const one = (await h.call('GET', `${URL}/${ID}`, h.key('t1', 'reports-reader'))).json<{ status: string; history: { to: string }[] }>();
    expect([one.status, one.history.map((c) => c.to)]).toEqual(['resolved', ['active', 'resolved']]);
    // Each change is an authlens admin action in the tenant's own audit log.
    const keyId = h.key('t1', 'global-admin').split('_')[1] ?? '';
    const logged = await store.events.listAuditsInitiatedBy('t1', { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, [`apiKey:${keyId}`]);
    expect(logged.map((a) => [a.category, a.activityDisplayName, a.targetResources[0]?.id, a.additionalDetails.filter((d) => d.key !== 'via')])).toEqual([
      ['authlens', 'Change incident status', ID, [{ key: 'from', value: 'active' }, { key: 'to', value: 'resolved' }, { key: 'reason', value: 'password reset, MFA method removed' }]],
    ]);
    expect((await h.call('GET', `${URL}?status=resolved`, h.key('t1', 'reports-reader'))).json<{ value: unknown[] }>().value).toHaveLength(1);
    expect((await h.call('GET', `${URL}?status=new`, h.key('t1', 'reports-reader'))).json<{ value: unknown[] }>().value).toHaveLength(0);
    expect((await h.call('POST', `${URL}/${ID}/status`, h.key('t1', 'global-admin'), { status: 'closed' })).statusCode).toBe(400);
    // The same status again changes nothing and records nothing.
    const again = await h.call('POST', `${URL}/${ID}/status`, h.key('t1', 'global-admin'), { status: 'resolved' });
    expect([again.statusCode, again.json<{ error: { code: string; message: string } }>().error.message]).toEqual([409, 'the incident is already resolved']);
    expect((await h.call('GET', `${URL}/${ID}`, h.key('t1', 'reports-reader'))).json<{ history: unknown[] }>().history).toHaveLength(2);
  });

  it('keeps an incident that began before a narrow interval under one id: the list links to a timeline and a status that work', async () => {
    // Two failed sign-ins from one IP, 2 h apart, astride the edge of a 7-day list (HARNESS_NOW minus 7 days).
    const edge = (hours: number): string => new Date(Date.parse('2026-11-13T12:00:00.000Z') + hours * 3_600_000).toISOString();
    const ip = (id: string, time: string, upn: string): Detection => ({ ...det(id, time, upn, 'credentialFailure'), ipAddress: '198.51.100.9' });
    await store.detections.appendDetections('t1', [ip('e-1', edge(-1), 'dan@contoso.example'), ip('e-2', edge(1), 'eve@contoso.example')]);
    const listed = (await h.call('GET', `${URL}?interval=7d`, h.key('t1', 'reports-reader'))).json<{ value: { id: string; detectionCount: number }[] }>().value;
    expect(listed.map((i) => [i.id, i.detectionCount])).toContainEqual([incidentId('e-1'), 2]);
    expect((await h.call('GET', `${URL}/${incidentId('e-1')}`, h.key('t1', 'reports-reader'))).statusCode).toBe(200);
    expect((await h.call('POST', `${URL}/${incidentId('e-1')}/status`, h.key('t1', 'security-admin'), { status: 'active' })).statusCode).toBe(200);
  });

  it('answers 403 below Premium and before opt-in, naming why', async () => {
    await store.control.updateTenant('t2', { edition: 'basic' });
    const locked = await h.call('GET', '/api/v1/tenants/t2/incidents', h.key('t2', 'global-admin'));
    expect(locked.statusCode).toBe(403);
    expect(locked.json()).toMatchObject({ error: { code: 'editionRequired', message: 'incidents need the Premium edition' } });
    await store.control.createTenant({ id: 't3', name: 't3', edition: 'premium', rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z' });
    const key = (await createApiKeyService(store.control).create('t3', 'global-admin')).key;
    const off = await h.call('GET', '/api/v1/tenants/t3/incidents', key);
    expect([off.statusCode, off.json<{ error: { code: string } }>().error.code]).toEqual([403, 'reportingNotEnabled']);
  });
});
