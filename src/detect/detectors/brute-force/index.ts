/**
 * brute-force (Auth0 style): `threshold` consecutive failed passwords for one
 * user from one IP. Fires on the failure that reaches the threshold (medium)
 * and again, high, when that IP then gets in.
 */
import { Type, type Static } from 'typebox';
import { OutcomeList } from '../../engine/outcomes.ts';
import { NO_FINDINGS, type Detector, type Finding } from '../../engine/types.ts';

export const BruteForceParams = Type.Object(
  {
    threshold: Type.Integer({ minimum: 2, default: 10 }),
    /** A streak older than this is forgotten (Auth0 keeps it until an unblock; bounded state needs a limit). */
    resetAfterMs: Type.Integer({ minimum: 60_000, default: 86_400_000 }),
    failureOutcomes: OutcomeList(['credentialFailure']),
  },
  { additionalProperties: false },
);
export type BruteForceParams = Static<typeof BruteForceParams>;

/** n: failures in the streak; first: time of the first; ids: the last few failure ids. */
export interface BruteForceState {
  n: number;
  first: number;
  ids: string[];
}

const KEEP_IDS = 20;

export const bruteForce: Detector<BruteForceState, BruteForceParams> = {
  id: 'brute-force',
  keyBy: 'userIp',
  paramsSchema: BruteForceParams,
  defaults: { threshold: 10, resetAfterMs: 86_400_000, failureOutcomes: ['credentialFailure'] },
  idleMs: (p) => p.resetAfterMs,
  step(state, e, t, p) {
    if (p.failureOutcomes.includes(e.outcome)) {
      const s = state !== undefined && t - state.first <= p.resetAfterMs ? state : { n: 0, first: t, ids: [] };
      s.n++;
      s.ids.push(e.id);
      if (s.ids.length > KEEP_IDS) s.ids.shift();
      const findings: Finding[] =
        s.n === p.threshold
          ? [{ severity: 'medium', event: e, evidence: evidence(s, t, p, 'threshold') }]
          : [];
      return { state: s, findings: findings.length === 0 ? NO_FINDINGS : findings };
    }
    if (e.outcome !== 'success') return { state, findings: NO_FINDINGS };
    if (state === undefined || state.n < p.threshold || t - state.first > p.resetAfterMs) return { state: undefined, findings: NO_FINDINGS };
    return { state: undefined, findings: [{ severity: 'high', event: e, evidence: evidence(state, t, p, 'successAfter') }] };
  },
};

function evidence(s: BruteForceState, t: number, p: BruteForceParams, stage: string): Record<string, unknown> {
  return {
    stage,
    consecutiveFailures: s.n,
    threshold: p.threshold,
    firstFailureDateTime: new Date(s.first).toISOString(),
    durationMs: t - s.first,
    failureSignInIds: [...s.ids],
  };
}
