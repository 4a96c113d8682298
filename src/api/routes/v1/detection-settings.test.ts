import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { STREAMING_DETECTORS } from '../../../detect/detectors/registry.ts';
import { createDetectStores } from '../../../store/duckdb/detect-stores.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createHarness, HARNESS_NOW, type Harness } from './detect-routes-harness.ts';
import { effectiveSettings, validateSettings } from './detection-settings.ts';

let store: DuckDbStore;
let h: Harness;
const URL = '/api/v1/tenants/t1/detections/settings';

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  h = await createHarness(store, createDetectStores(store.db));
});
afterAll(async () => {
  await h.close();
  await store.close();
});

interface Body {
  detectors: { id: string; enabled: boolean; logOnly: boolean; params: Record<string, unknown>; defaults: Record<string, unknown>; paramsSchema: { type?: string } }[];
  stored: Record<string, unknown>;
  storedErrors?: { field: string; reason: string }[];
  sharedIpReputation: { enabled: boolean };
}

describe('detection settings routes', () => {
  it('shows every configurable detector with its defaults and schema when nothing is stored', async () => {
    const res = await h.call('GET', URL, h.key('t1', 'reports-reader'));
    expect(res.statusCode).toBe(200);
    const body = res.json<Body>();
    expect(body.detectors.map((d) => d.id)).toEqual([...STREAMING_DETECTORS.map((d) => d.id), 'D8']);
    expect(body.detectors.map((d) => d.id)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'brute-force', 'mfa-fatigue', 'D8']);
    expect(body.stored).toEqual({});
    const bf = body.detectors.find((d) => d.id === 'brute-force');
    expect(bf).toMatchObject({ enabled: true, logOnly: false, params: { threshold: 10, resetAfterMs: 86_400_000, failureOutcomes: ['credentialFailure'] } });
    expect(bf?.params).toEqual(bf?.defaults);
    expect(bf?.paramsSchema.type).toBe('object');
    expect(body.detectors.find((d) => d.id === 'D8')).toEqual({ id: 'D8', enabled: true, logOnly: false, params: {}, defaults: {}, paramsSchema: { type: 'object', properties: {} } });
    // The operator has not turned on shared IP reputation: D4's shared* settings say so.
    expect(body.sharedIpReputation).toEqual({ enabled: false });
  });

  it('stores a valid change with who and when, reloads the engine and shows the effective values', async () => {
    const change = { 'brute-force': { logOnly: true, params: { threshold: 5 } }, D8: { enabled: false } };
    const res = await h.call('PUT', URL, h.key('t1', 'security-admin'), change);
    expect(res.statusCode).toBe(200);
    const body = res.json<Body>();
    expect(body.stored).toEqual(change);
    expect(body.detectors.find((d) => d.id === 'brute-force')).toMatchObject({ enabled: true, logOnly: true, params: { threshold: 5, resetAfterMs: 86_400_000 } });
    expect(body.detectors.find((d) => d.id === 'D8')).toMatchObject({ enabled: false, logOnly: false });
    expect(h.reloaded).toEqual(['t1']);
    expect((await h.call('GET', URL, h.key('t1', 'global-admin'))).json<Body>()).toEqual(body);
    const keyId = h.key('t1', 'security-admin').split('_')[1];
    const rows = await store.db.all<{ changed_by: string; changed_at: unknown }>("SELECT changed_by, strftime(changed_at, '%Y-%m-%dT%H:%M:%S') AS changed_at FROM detector_settings WHERE tenant = 't1'");
    expect(rows).toEqual([{ changed_by: `apiKey:${keyId}`, changed_at: HARNESS_NOW.slice(0, 19) }]);
    // The other tenant is untouched.
    expect((await h.call('GET', '/api/v1/tenants/t2/detections/settings', h.key('t2', 'global-admin'))).json<Body>().stored).toEqual({});
  });

  it.each([
    [{ D9: {} }, 'invalid settings: /D9: unknown detector'],
    [{ D7: { enabled: false } }, 'invalid settings: /D7: has no settings (a rollup of the other detectors)'],
    [{ D8: { params: { threshold: 1 } } }, 'invalid settings: /D8/params: takes no parameters'],
    [{ D1: { enabled: 'yes' } }, 'invalid settings: /D1/enabled: must be boolean'],
    [{ D2: { colour: 'red' } }, 'invalid settings: /D2/colour: unknown property; known: enabled, logOnly, params'],
    [{ 'brute-force': { params: { threshold: 'ten' } } }, 'invalid settings: /brute-force/params/threshold: must be integer'],
    [{ 'brute-force': { params: { treshold: 3 } } }, 'invalid settings: /brute-force/params/treshold: unknown property; known: threshold, resetAfterMs, failureOutcomes'],
    [[], 'invalid body: must be object'],
  ])('refuses %j with the field and reason, storing nothing', async (body, message) => {
    const before = h.reloaded.length;
    const res = await h.call('PUT', URL, h.key('t1', 'global-admin'), body);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'invalidRequest', message });
    expect(h.reloaded.length).toBe(before);
    expect((await h.call('GET', URL, h.key('t1', 'global-admin'))).json<Body>().stored).toEqual({ 'brute-force': { logOnly: true, params: { threshold: 5 } }, D8: { enabled: false } });
  });

  it('keeps every version with who and when, newest first', async () => {
    const before = (await h.call('GET', `${URL}/history`, h.key('t1', 'reports-reader'))).json<{ value: unknown[] }>().value.length;
    await h.call('PUT', URL, h.key('t1', 'global-admin'), { D1: { logOnly: true } });
    await h.call('PUT', URL, h.key('t1', 'global-admin'), { 'brute-force': { logOnly: true, params: { threshold: 5 } }, D8: { enabled: false } });
    const res = await h.call('GET', `${URL}/history?limit=2`, h.key('t1', 'reports-reader'));
    expect(res.statusCode).toBe(200);
    const by = `apiKey:${h.key('t1', 'global-admin').split('_')[1]}`;
    expect(res.json()).toEqual({
      value: [
        { settings: { 'brute-force': { logOnly: true, params: { threshold: 5 } }, D8: { enabled: false } }, by, at: HARNESS_NOW },
        { settings: { D1: { logOnly: true } }, by, at: HARNESS_NOW },
      ],
    });
    const all = (await h.call('GET', `${URL}/history`, h.key('t1', 'reports-reader'))).json<{ value: unknown[] }>().value;
    expect(all.length).toBe(before + 2);
    expect((await h.call('GET', `${URL}/history?limit=0`, h.key('t1', 'reports-reader'))).statusCode).toBe(400);
    expect((await h.call('GET', '/api/v1/tenants/t2/detections/settings/history', h.key('t2', 'reports-reader'))).json()).toEqual({ value: [] });
  });

  it.each([
    ['GET', 'reports-reader', 't1', 200],
    ['PUT', 'reports-reader', 't1', 403],
    ['PUT', 'global-admin', 't1', 200],
    ['GET', 'global-admin', 't2', 404],
    ['PUT', 'security-admin', 't2', 404],
  ] as const)('%s as %s of %s -> %i', async (method, role, tenant, status) => {
    const res = await h.call(method, URL, h.key(tenant, role), method === 'PUT' ? { 'brute-force': { logOnly: true, params: { threshold: 5 } }, D8: { enabled: false } } : undefined);
    expect(res.statusCode).toBe(status);
  });
});

describe('validateSettings and effectiveSettings', () => {
  // Settings documents come from users: any JSON is data, never an exception.
  const doc = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom('D1', 'D7', 'D8', 'brute-force', 'mfa-fatigue', 'x'), fc.jsonValue()),
    fc.dictionary(fc.constantFrom('D1', 'D8', 'brute-force'), fc.record({ enabled: fc.jsonValue(), logOnly: fc.jsonValue(), params: fc.dictionary(fc.string(), fc.jsonValue()) }, { requiredKeys: [] })),
  );

  it('never throws; a document is valid exactly when it has no errors, and errors name a field', () => {
    fc.assert(
      fc.property(doc, (raw) => {
        const errors = validateSettings(raw);
        for (const e of errors) expect(typeof e.field === 'string' && e.reason.length > 0).toBe(true);
        if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
          const shown = effectiveSettings(raw as Record<string, unknown>);
          // Invalid stored settings run with the defaults, and say why.
          expect(shown.storedErrors === undefined).toBe(errors.length === 0);
          if (errors.length > 0) for (const d of shown.detectors) expect(d.params).toEqual(d.defaults);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('says when the deployment shares IP reputation (AUTHLENS_SHARED_IP_REPUTATION=1)', async () => {
    const other = await openDuckDbStore({ path: ':memory:' });
    const on = await createHarness(other, createDetectStores(other.db), { env: { AUTHLENS_SHARED_IP_REPUTATION: '1' } });
    try {
      const res = await on.call('GET', URL, on.key('t1', 'reports-reader'));
      expect(res.json<Body>().sharedIpReputation).toEqual({ enabled: true });
    } finally {
      await on.close();
      await other.close();
    }
  });
});
