/**
 * D2 Sign ins after multiple failures: a success preceded by at least
 * `minFailures` consecutive failures of the same user (any IP) within
 * `windowMs`. A success resets the streak; the failures are the evidence.
 */
import { Type, type Static } from 'typebox';
import type { Severity } from '../../../schema/detections.ts';
import { OutcomeList } from '../../engine/outcomes.ts';
import { NO_FINDINGS, type Detector } from '../../engine/types.ts';

export const D2Params = Type.Object(
  {
    minFailures: Type.Integer({ minimum: 1, default: 5 }),
    windowMs: Type.Integer({ minimum: 1000, default: 3_600_000 }),
    /** Outcomes that count as a failed attempt; mfaDenied included because a denied prompt follows a right password. */
    failureOutcomes: OutcomeList(['credentialFailure', 'mfaDenied', 'blocked']),
    /** Counts at which severity rises to medium and to high (below: low). */
    mediumAt: Type.Integer({ minimum: 1, default: 10 }),
    highAt: Type.Integer({ minimum: 1, default: 20 }),
    /** Failures remembered per user; beyond it the count saturates (bounded state). */
    maxTracked: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
  },
  { additionalProperties: false },
);
export type D2Params = Static<typeof D2Params>;

/** Failures of the current streak, oldest first: [time ms, sign-in id, ip]. */
export interface D2State {
  f: [number, string, string][];
}

export const d2: Detector<D2State, D2Params> = {
  id: 'D2',
  keyBy: 'user',
  paramsSchema: D2Params,
  defaults: { minFailures: 5, windowMs: 3_600_000, failureOutcomes: ['credentialFailure', 'mfaDenied', 'blocked'], mediumAt: 10, highAt: 20, maxTracked: 200 },
  idleMs: (p) => p.windowMs,
  step(state, e, t, p) {
    if (p.failureOutcomes.includes(e.outcome)) {
      const s = state ?? { f: [] };
      s.f.push([t, e.id, e.ipAddress ?? '']);
      prune(s, t, p);
      return { state: s, findings: NO_FINDINGS };
    }
    if (e.outcome !== 'success') return { state, findings: NO_FINDINGS };
    if (state === undefined) return { state: undefined, findings: NO_FINDINGS };
    prune(state, t, p);
    const n = state.f.length;
    if (n < p.minFailures) return { state: undefined, findings: NO_FINDINGS };
    const severity: Severity = n >= p.highAt ? 'high' : n >= p.mediumAt ? 'medium' : 'low';
    const first = state.f[0];
    return {
      state: undefined,
      findings: [
        {
          severity,
          event: e,
          evidence: {
            failures: n,
            saturated: n >= p.maxTracked,
            firstFailureDateTime: first === undefined ? undefined : new Date(first[0]).toISOString(),
            windowMs: p.windowMs,
            failureSignInIds: state.f.slice(-20).map((x) => x[1]),
            ipAddresses: [...new Set(state.f.map((x) => x[2]).filter((x) => x !== ''))].slice(0, 20),
            successIpAddress: e.ipAddress,
          },
        },
      ],
    };
  },
};

function prune(s: D2State, t: number, p: D2Params): void {
  let drop = 0;
  while (drop < s.f.length && (s.f[drop]?.[0] ?? t) < t - p.windowMs) drop++;
  if (s.f.length - drop > p.maxTracked) drop = s.f.length - p.maxTracked;
  if (drop > 0) s.f.splice(0, drop);
}
