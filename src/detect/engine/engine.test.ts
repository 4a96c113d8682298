import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DetectionEngine, type KeyState } from './engine.ts';
import { resolveSettings } from './settings.ts';
import { STREAMING_DETECTORS } from '../detectors/registry.ts';
import { signIn, T0, MIN, PLACES } from '../testing/fixtures.ts';
import type { EnrichedSignIn } from '../../schema/enrichment.ts';
import type { Detection } from '../../schema/detections.ts';
import type { SignInOutcome } from '../../schema/events.ts';

const LATE = 10 * MIN;

function settings() {
  const r = resolveSettings(STREAMING_DETECTORS, {});
  if (!r.ok) throw new Error('defaults must resolve');
  return r.settings;
}
const newEngine = (max?: number) => new DetectionEngine({ tenant: 't', detectors: STREAMING_DETECTORS, settings: settings(), latenessMs: LATE, maxKeysPerDetector: max });

/** A busy little stream: a few users and IPs, all outcomes, two places, some listed IPs. */
function stream(n: number, seedOutcomes: readonly number[]): EnrichedSignIn[] {
  const outcomes: SignInOutcome[] = ['success', 'credentialFailure', 'credentialFailure', 'mfaDenied', 'success', 'credentialFailure'];
  return Array.from({ length: n }, (_, i) => {
    const o = seedOutcomes[i % seedOutcomes.length] ?? 0;
    return signIn({
      id: `e${String(i).padStart(5, '0')}`,
      at: T0 + i * 20_000,
      user: `u${o % 3}@x.example`,
      ip: `203.0.113.${o % 4}`,
      outcome: outcomes[o % outcomes.length] ?? 'success',
      geo: o % 7 === 0 ? PLACES.newYork : PLACES.berlin,
      tags: o % 11 === 0 ? [{ list: 'tor', category: 'anonymizer' }] : [],
    });
  });
}

const ids = (ds: readonly Detection[]) => ds.map((d) => d.id).sort();

function runAll(engine: DetectionEngine, batches: readonly (readonly EnrichedSignIn[])[]): Detection[] {
  const out: Detection[] = [];
  for (const b of batches) out.push(...engine.push(b).detections);
  out.push(...engine.flush());
  return out;
}

describe('DetectionEngine', () => {
  it('out-of-order arrival within the lateness bound gives the same detections as in order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 50, maxLength: 200 }),
        fc.array(fc.integer({ min: -12, max: 12 }), { minLength: 1, maxLength: 50 }),
        (seed, jitter) => {
          const events = stream(seed.length, seed);
          const inOrder = runAll(newEngine(), [events]);
          // Shuffle locally: two events swap across at most 24 positions (24 x 20 s < 10 min).
          const keyed = events.map((e, i) => ({ e, k: i + (jitter[i % jitter.length] ?? 0) }));
          keyed.sort((a, b) => a.k - b.k);
          const batches: EnrichedSignIn[][] = [];
          for (let i = 0; i < keyed.length; i += 7) batches.push(keyed.slice(i, i + 7).map((x) => x.e));
          expect(ids(runAll(newEngine(), batches))).toEqual(ids(inOrder));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reports events older than the released watermark as late and drops re-sent buffered events', () => {
    const engine = newEngine();
    engine.push([signIn({ id: 'a', at: T0 }), signIn({ id: 'b', at: T0 + 30 * MIN })]);
    const r = engine.push([signIn({ id: 'old', at: T0 - MIN }), signIn({ id: 'b', at: T0 + 30 * MIN })]);
    expect(r.late.map((e) => e.id)).toEqual(['old']);
    expect(r.duplicates).toBe(1);
  });

  it('a checkpoint (delta) restored into a fresh engine continues exactly like the original (kill -9 and re-send)', () => {
    const events = stream(400, [1, 2, 5, 1, 1, 2, 5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 7, 11, 4]);
    const whole = runAll(newEngine(), [events]);

    const first = newEngine();
    const before = first.push(events.slice(0, 200)).detections;
    const rows = new Map<string, KeyState>();
    const delta = first.takeDelta();
    for (const u of delta.upserts) rows.set(`${u.detector}|${u.key}`, u);
    for (const d of delta.deletes) rows.delete(`${d.detector}|${d.key}`);
    const snapshot = JSON.parse(JSON.stringify({ meta: delta.meta, keys: [...rows.values()] })) as { meta: typeof delta.meta; keys: KeyState[] };

    const second = newEngine();
    second.restore(snapshot.meta, snapshot.keys);
    // The sender re-sends the last batch it had no acknowledgement for, plus the rest.
    const after = runAll(second, [events.slice(150)]);
    const afterIds = new Set(ids(after));
    const union = [...new Set([...ids(before), ...afterIds])].sort();
    expect(union).toEqual(ids(whole));
    // Nothing counted twice: each detection of the restored engine is one the uninterrupted run made.
    for (const id of afterIds) expect(ids(whole)).toContain(id);
  });

  it('bounds memory: a flood of random IPs and users keeps at most maxKeysPerDetector keys each', () => {
    const engine = newEngine(1000);
    const flood = Array.from({ length: 20_000 }, (_, i) =>
      signIn({ id: `x${i}`, at: T0 + i * 10, user: `rand${i}@x.example`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, outcome: 'credentialFailure' }),
    );
    engine.push(flood);
    engine.flush();
    for (const n of Object.values(engine.stats().keys)) expect(n).toBeLessThanOrEqual(1000);
  });

  it('evicts idle keys once event time has moved past their window', () => {
    const engine = newEngine();
    engine.push([signIn({ id: 'f', at: T0, outcome: 'credentialFailure', user: 'idle@x.example' })]);
    engine.push([signIn({ id: 'later', at: T0 + 3 * 3_600_000, user: 'other@x.example', outcome: 'credentialFailure' })]);
    engine.flush();
    expect(engine.stateOf('D2', 'idle@x.example')).toBeUndefined();
    expect(engine.stateOf('D2', 'other@x.example')).toBeDefined();
  });

  it('detection ids are deterministic and carry user, IP, time and sign-in id', () => {
    const ev = [signIn({ id: 'tor1', at: T0, tags: [{ list: 'tor', category: 'anonymizer' }] })];
    const a = runAll(newEngine(), [ev]);
    const b = runAll(newEngine(), [ev]);
    expect(a).toEqual(b);
    expect(a[0]).toMatchObject({ detector: 'D1', signInId: 'tor1', userPrincipalName: 'alice@contoso.example', ipAddress: '198.51.100.7', detectedDateTime: new Date(T0).toISOString() });
  });

  it('settings: unknown detectors and bad parameters are rejected with field and reason', () => {
    const r = resolveSettings(STREAMING_DETECTORS, { D9: {}, D2: { params: { minFailures: 0 } } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['/D9', '/D2/params/minFailures']));
    }
  });
});
