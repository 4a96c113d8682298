import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { signIn } from '../../../detect/testing/fixtures.ts';
import type { Detection } from '../../../schema/detections.ts';
import { createDetectStores } from '../../../store/duckdb/detect-stores.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { intervalMs, MAX_BACKTEST_MS } from './backtest.ts';
import { createHarness, type Harness } from './detect-routes-harness.ts';

let store: DuckDbStore;
let h: Harness;
const URL = '/api/v1/tenants/t1/detections/brute-force/backtest';
const ALL_TIME = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };
const START = Date.parse('2026-11-19T10:00:00.000Z');

interface Result {
  detector: string;
  range: { from: string; to: string };
  signInsScanned: number;
  added: number;
  removed: number;
  unchanged: number;
  examples: { added: Detection[]; removed: Detection[] };
}

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  h = await createHarness(store, createDetectStores(store.db));
  // Twelve wrong passwords for bob in twelve minutes, and one good sign-in of alice.
  const failures = Array.from({ length: 12 }, (_, i) => signIn({ id: `f${i + 1}`, at: START + i * 60_000, user: 'bob@contoso.example', outcome: 'credentialFailure' }));
  await store.events.appendEvents('t1', [...failures, signIn({ id: 'ok1', at: START, user: 'alice@contoso.example' })]);
});
afterAll(async () => {
  await h.close();
  await store.close();
});

const run = async (body: unknown): Promise<Result> => {
  const res = await h.call('POST', URL, h.key('t1', 'security-admin'), body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Result>();
};

describe('backtest route', () => {
  it('with the stored settings and no live detections, everything found is added', async () => {
    const r = await run({ interval: '7d' });
    expect(r).toMatchObject({ detector: 'brute-force', range: { from: '2026-11-13T12:00:00.000Z', to: '2026-11-20T12:00:00.001Z' }, signInsScanned: 13, added: 1, removed: 0, unchanged: 0 });
    expect(r.examples.added.map((d) => [d.userPrincipalName, d.signInId, d.severity])).toEqual([['bob@contoso.example', 'f10', 'medium']]);
    // Make that finding live: the next runs compare against it.
    await store.detections.appendDetections('t1', r.examples.added);
  });

  it('the same settings again: unchanged', async () => {
    expect(await run({})).toMatchObject({ added: 0, removed: 0, unchanged: 1 });
  });

  it('a lower threshold flags an earlier sign-in: one added, one removed; nothing is written', async () => {
    const r = await run({ set: { threshold: 5 }, interval: '30d' });
    expect(r).toMatchObject({ added: 1, removed: 1, unchanged: 0 });
    expect(r.examples.added.map((d) => d.signInId)).toEqual(['f5']);
    expect(r.examples.removed.map((d) => d.signInId)).toEqual(['f10']);
    expect((await store.detections.listDetections('t1', ALL_TIME)).map((d) => d.signInId)).toEqual(['f10']);
    expect(h.reloaded).toEqual([]);
  });

  it('an interval that ends before the attack finds nothing in it', async () => {
    expect(await run({ interval: '1h' })).toMatchObject({ added: 0, removed: 0, unchanged: 0 });
  });

  it('takes an object parameter (D6 weights) and validates what is inside it', async () => {
    const d6 = '/api/v1/tenants/t1/detections/D6/backtest';
    const weights = { country: 0.3, city: 0.1, asn: 0.1, os: 0.15, browser: 0.1, device: 0.1, hour: 0.15 };
    const ok = await h.call('POST', d6, h.key('t1', 'security-admin'), { set: { weights }, interval: '7d' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<Result>()).toMatchObject({ detector: 'D6', signInsScanned: 13 });
    const bad = await h.call('POST', d6, h.key('t1', 'security-admin'), { set: { weights: { ...weights, country: -1 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toBe('invalid settings: /D6/params/weights/country: must be >= 0');
  });

  it.each([
    [URL, { set: { threshold: 'ten' } }, 400, 'invalid settings: /brute-force/params/threshold: must be integer'],
    [URL, { set: { treshold: 3 } }, 400, 'invalid settings: /brute-force/params/treshold: unknown property; known: threshold, resetAfterMs, failureOutcomes'],
    [URL, { set: { logOnly: 'maybe' } }, 400, 'invalid settings: logOnly: must be true or false'],
    [URL, { set: { 'a=b': 1 } }, 400, 'set: "a=b" is not a parameter name'],
    [URL, { interval: '91d' }, 400, 'interval: must look like 24h, 7d or 30d and be at most 90d, got "91d"'],
    [URL, { interval: 'forever' }, 400, 'invalid body at /interval: must match pattern "^[0-9]{1,4}[mhd]$"'],
    [URL, { since: '7d' }, 400, "invalid body: unknown field 'since'; known: set, interval"],
    ['/api/v1/tenants/t1/detections/D8/backtest', {}, 400, 'invalid settings: DETECTOR: D8 is not a streaming detector; backtest runs D1, D2, D3, D4, D5, D6, brute-force, mfa-fatigue'],
    ['/api/v1/tenants/t1/detections/D99/backtest', {}, 400, undefined],
  ])('refuses %s %j', async (url, body, status, message) => {
    const res = await h.call('POST', url, h.key('t1', 'global-admin'), body);
    expect(res.statusCode).toBe(status);
    const err = res.json<{ error: { code: string; message: string } }>().error;
    expect(err.code).toBe('invalidRequest');
    if (message !== undefined) expect(err.message).toBe(message);
  });

  it.each([
    ['reports-reader', 't1', 403],
    ['global-admin', 't2', 404],
    ['security-admin', 't2', 404],
  ] as const)('as %s of %s -> %i', async (role, tenant, status) => {
    const res = await h.call('POST', URL, h.key(tenant, role), {});
    expect(res.statusCode).toBe(status);
    expect(Object.keys(res.json<object>())).toEqual(['error']);
  });
});

describe('intervalMs', () => {
  it.each([
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['90d', MAX_BACKTEST_MS],
    ['91d', undefined],
    ['0d', undefined],
    ['7 d', undefined],
    ['', undefined],
  ])('%j -> %s', (text, ms) => {
    expect(intervalMs(text)).toBe(ms);
  });

  it('never throws and stays within (0, 90d] for any input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ms = intervalMs(s);
        return ms === undefined || (ms > 0 && ms <= MAX_BACKTEST_MS);
      }),
    );
  });
});
