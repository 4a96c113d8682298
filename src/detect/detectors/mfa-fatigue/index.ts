/**
 * mfa-fatigue: more than `maxDenied` denied or unanswered MFA prompts
 * (outcome mfaDenied) for one user within `windowMs`. Fires once per episode
 * (medium) and again, high, when the user then approves one.
 */
import { Type, type Static } from 'typebox';
import { NO_FINDINGS, type Detector } from '../../engine/types.ts';

export const MfaFatigueParams = Type.Object(
  {
    maxDenied: Type.Integer({ minimum: 1, default: 10 }),
    windowMs: Type.Integer({ minimum: 10_000, default: 600_000 }),
  },
  { additionalProperties: false },
);
export type MfaFatigueParams = Static<typeof MfaFatigueParams>;

/** d: denied prompts in the window [time ms, id, ip]; fired: this episode already alerted. */
export interface MfaFatigueState {
  d: [number, string, string][];
  fired: boolean;
}

export const mfaFatigue: Detector<MfaFatigueState, MfaFatigueParams> = {
  id: 'mfa-fatigue',
  keyBy: 'user',
  paramsSchema: MfaFatigueParams,
  defaults: { maxDenied: 10, windowMs: 600_000 },
  idleMs: (p) => p.windowMs,
  step(state, e, t, p) {
    if (e.outcome === 'mfaDenied') {
      const s = state ?? { d: [], fired: false };
      prune(s, t, p);
      if (s.d.length === 0) s.fired = false;
      s.d.push([t, e.id, e.ipAddress ?? '']);
      // Bounded: only the newest maxDenied + 1 matter for the count.
      if (s.d.length > p.maxDenied + 1) s.d.shift();
      if (s.fired || s.d.length <= p.maxDenied) return { state: s, findings: NO_FINDINGS };
      s.fired = true;
      return { state: s, findings: [{ severity: 'medium', event: e, evidence: evidence(s, 'prompts') }] };
    }
    if (e.outcome !== 'success' || state === undefined) return { state, findings: NO_FINDINGS };
    prune(state, t, p);
    if (!state.fired || state.d.length === 0) return { state: state.d.length === 0 ? undefined : state, findings: NO_FINDINGS };
    return { state: undefined, findings: [{ severity: 'high', event: e, evidence: evidence(state, 'approvedAfter') }] };
  },
};

function prune(s: MfaFatigueState, t: number, p: MfaFatigueParams): void {
  while (s.d.length > 0 && (s.d[0]?.[0] ?? t) < t - p.windowMs) s.d.shift();
}

function evidence(s: MfaFatigueState, stage: string): Record<string, unknown> {
  const first = s.d[0];
  return {
    stage,
    deniedPrompts: s.d.length,
    firstPromptDateTime: first === undefined ? undefined : new Date(first[0]).toISOString(),
    deniedSignInIds: s.d.map((x) => x[1]),
    ipAddresses: [...new Set(s.d.map((x) => x[2]).filter((x) => x !== ''))],
  };
}
