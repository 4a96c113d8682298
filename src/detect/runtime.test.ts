import { describe, it, expect } from 'vitest';
import { createDetectionRuntime } from './runtime.ts';
import { signIn, T0, MIN } from './testing/fixtures.ts';
import type { DetectorStateRow, StateStore, TimeRange } from '../store/ports.ts';
import type { EnrichedSignIn } from '../schema/enrichment.ts';

function memoryState(): StateStore & { saves: number } {
  const rows = new Map<string, DetectorStateRow>();
  let meta: unknown;
  const s = {
    saves: 0,
    async load() {
      return { meta: structuredClone(meta), keys: structuredClone([...rows.values()]) };
    },
    async save(_tenant: string, delta: Parameters<StateStore['save']>[1]) {
      s.saves++;
      for (const u of delta.upserts) rows.set(`${u.detector}|${u.key}`, structuredClone(u));
      for (const d of delta.deletes) rows.delete(`${d.detector}|${d.key}`);
      meta = structuredClone(delta.meta);
    },
  };
  return s;
}

const noSettings = { getSettings: async () => ({}), putSettings: async () => undefined };

describe('createDetectionRuntime', () => {
  it('throttles per-call checkpoints but always saves on shutdown (checkpoint of all tenants)', async () => {
    const state = memoryState();
    let now = T0;
    const rt = createDetectionRuntime({ state, settings: noSettings, now: () => now, latenessMs: 10 * MIN });
    await rt.onEvents('t', [signIn({ id: 'a', at: T0 })]);
    await rt.checkpoint('t');
    await rt.onEvents('t', [signIn({ id: 'b', at: T0 + MIN })]);
    await rt.checkpoint('t');
    expect(state.saves).toBe(1);
    // Under the default interval (30 s) a per-call checkpoint is skipped; past it, it saves.
    now += 29_000;
    await rt.onEvents('t', [signIn({ id: 'b2', at: T0 + MIN + 1 })]);
    await rt.checkpoint('t');
    expect(state.saves).toBe(1);
    now += 1_000;
    await rt.onEvents('t', [signIn({ id: 'c', at: T0 + 2 * MIN })]);
    await rt.checkpoint('t');
    expect(state.saves).toBe(2);
    await rt.onEvents('t', [signIn({ id: 'd', at: T0 + 3 * MIN })]);
    await rt.checkpoint();
    expect(state.saves).toBe(3);
  });

  it('backfills events later than the lateness bound from the event store, idempotently', async () => {
    const stored: EnrichedSignIn[] = [];
    const events = {
      async *scanSignIns(_t: string, r: TimeRange) {
        for (const e of [...stored].sort((x, y) => x.createdDateTime.localeCompare(y.createdDateTime))) if (e.createdDateTime >= r.from && e.createdDateTime < r.to) yield e;
      },
    };
    const rt = createDetectionRuntime({ state: memoryState(), settings: noSettings, now: () => T0, latenessMs: 10 * MIN, events });
    const fails = Array.from({ length: 6 }, (_, i) => signIn({ id: `f${i}`, at: T0 + i * MIN, user: 'bob@x.example', outcome: 'credentialFailure' }));
    const success = signIn({ id: 'ok', at: T0 + 7 * MIN, user: 'bob@x.example' });
    const later = signIn({ id: 'later', at: T0 + 60 * MIN, user: 'carol@x.example' });
    stored.push(success, later);
    await rt.onEvents('t', [success, later]);
    // The failures arrive 53 minutes late: past the 10-minute bound.
    stored.push(...fails);
    const found = await rt.onEvents('t', fails);
    expect(found.filter((d) => d.detector === 'D2').map((d) => d.signInId)).toEqual(['ok']);
    const again = await rt.onEvents('t', fails);
    expect(again.map((d) => d.id)).toEqual(found.map((d) => d.id));
  });

  it('releases a quiet stream by the wall clock: the last sign-in before a lull is detected once it is older than the lateness', async () => {
    let now = T0;
    const rt = createDetectionRuntime({ state: memoryState(), settings: noSettings, now: () => now, latenessMs: 10 * MIN });
    const tor = signIn({ id: 'tor', at: T0, user: 'bob@x.example', tags: [{ list: 'tor', category: 'anonymizer' }] });
    // Nothing comes after it: the watermark (latest event time - lateness) never passes it.
    expect(await rt.onEvents('t', [tor])).toEqual([]);
    now = T0 + 9 * MIN;
    expect(await rt.releaseDue()).toEqual([]);
    now = T0 + 10 * MIN;
    const due = await rt.releaseDue();
    expect(due.map((r) => [r.tenant, r.detections.map((d) => [d.detector, d.signInId])])).toEqual([['t', [['D1', 'tor']]]]);
    // Released once: nothing again, and a sign-in of that minute arriving now is late (backfilled), not lost.
    expect(await rt.releaseDue()).toEqual([]);
  });
});
