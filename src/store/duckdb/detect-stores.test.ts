import { describe, it, expect, afterEach } from 'vitest';
import { openDuckDbStore, type DuckDbStore } from './open.ts';
import { createDetectStores } from './detect-stores.ts';
import { createDetectionRuntime } from '../../detect/runtime.ts';
import { signIn, T0, MIN } from '../../detect/testing/fixtures.ts';
import type { EnrichedSignIn } from '../../schema/enrichment.ts';
import type { Detection } from '../../schema/detections.ts';

let store: DuckDbStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function open(): Promise<DuckDbStore> {
  store = await openDuckDbStore({ path: ':memory:' });
  return store;
}

/** 12 failures for bob from one IP, then a success: D2 and brute-force material. */
const attack: EnrichedSignIn[] = [
  ...Array.from({ length: 12 }, (_, i) => signIn({ id: `f${i}`, at: T0 + i * MIN, user: 'bob@x.example', ip: '203.0.113.4', outcome: 'credentialFailure' })),
  signIn({ id: 'ok', at: T0 + 13 * MIN, user: 'bob@x.example', ip: '203.0.113.4' }),
  signIn({ id: 'tail', at: T0 + 60 * MIN, user: 'carol@x.example' }),
];

describe('detect stores over DuckDB', () => {
  it('state checkpoints round-trip, with deletes', async () => {
    const s = await open();
    const { state } = createDetectStores(s.db);
    await state.save('t1', { upserts: [{ detector: 'D2', key: 'a', state: { f: [[1, 'x', '']] }, last: 5 }, { detector: 'D2', key: 'b', state: { f: [] }, last: 6 }], deletes: [], meta: { version: 1 } });
    await state.save('t1', { upserts: [{ detector: 'D2', key: 'a', state: { f: [] }, last: 9 }], deletes: [{ detector: 'D2', key: 'b' }], meta: { version: 1, n: 2 } });
    const loaded = await state.load('t1');
    expect(loaded.keys).toEqual([{ detector: 'D2', key: 'a', state: { f: [] }, last: 9 }]);
    expect(loaded.meta).toEqual({ version: 1, n: 2 });
    expect((await state.load('t2')).keys).toEqual([]);
  });

  it('settings: newest wins per tenant; leaks idempotent; risky-user history', async () => {
    const s = await open();
    const st = createDetectStores(s.db);
    await st.settings.putSettings('t1', { D2: { params: { minFailures: 3 } } }, 'admin@x', '2026-11-01T00:00:00.000Z');
    await st.settings.putSettings('t1', { D2: { logOnly: true } }, 'admin@x', '2026-11-02T00:00:00.000Z');
    expect(await st.settings.getSettings('t1')).toEqual({ D2: { logOnly: true } });
    const rec = { account: 'bob@x.example', sha1: 'A'.repeat(40), source: 'feed', importedAt: '2026-11-02T00:00:00.000Z' };
    expect(await st.leaks.importLeaks('t1', [rec, rec])).toEqual({ inserted: 1, duplicates: 1 });
    expect(await st.leaks.listLeaks('t1')).toEqual([rec]);
    await st.riskyUsers.changeRiskState('t1', { userKey: 'bob', userPrincipalName: 'bob@x.example', to: 'atRisk', by: 'authlens', at: '2026-11-02T00:00:00.000Z' });
    await st.riskyUsers.changeRiskState('t1', { userKey: 'bob', userPrincipalName: 'bob@x.example', from: 'atRisk', to: 'dismissed', by: 'admin@x', at: '2026-11-03T00:00:00.000Z', reason: 'travel' });
    expect(await st.riskyUsers.getRiskyUser('t1', 'bob')).toMatchObject({ state: 'dismissed', updatedBy: 'admin@x' });
    expect((await st.riskyUsers.riskHistory('t1', 'bob')).map((c) => c.to)).toEqual(['atRisk', 'dismissed']);
  });

  it('runtime: a kill after some batches and a re-send yields the same detections, none lost or double-counted', async () => {
    const s = await open();
    const mk = () => createDetectionRuntime({ ...createDetectStores(s.db), events: s.events, now: () => T0 + 2 * 3_600_000, latenessMs: 10 * MIN });
    const ids = (ds: readonly Detection[]) => [...new Set(ds.map((d) => d.id))].sort();

    // Reference: one uninterrupted runtime.
    const ref = mk();
    const all: Detection[] = [];
    all.push(...(await ref.onEvents('t1', attack)), ...(await ref.flush('t1')));

    // Interrupted: a fresh tenant id; first half, checkpoint, then "kill -9" after storing the second half.
    const run1 = mk();
    const got: Detection[] = [];
    await s.events.appendEvents('t2', attack.slice(0, 7));
    got.push(...(await run1.onEvents('t2', attack.slice(0, 7))));
    await run1.checkpoint('t2');
    await s.events.appendEvents('t2', attack.slice(7));
    got.push(...(await run1.onEvents('t2', attack.slice(7))));
    // Killed before the checkpoint of the second call; a new process re-sends the second half.
    const run2 = mk();
    got.push(...(await run2.onEvents('t2', attack.slice(7))), ...(await run2.flush('t2')));
    expect(ids(got).map((i) => i.split('-')[0])).toEqual(ids(all).map((i) => i.split('-')[0]));
    expect(ids(got)).toEqual(ids(all));
  });
});
