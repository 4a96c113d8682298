/**
 * D6 Irregular sign-in activity: a per-user frequency model over country,
 * city, ASN, OS, browser, device type and hour of day, learnt from the user's
 * successful sign-ins. A property is unfamiliar when its smoothed probability
 * under the user's history is below `minProbability`; the score is the sum of
 * the weights of the unfamiliar properties, and the sign-in fires when the
 * score reaches `scoreThreshold`. No alert while learning: until the user has
 * `learningSignIns` sign-ins AND `learningMs` of history.
 */
import { Type, type Static } from 'typebox';
import type { EnrichedSignIn } from '../../../schema/enrichment.ts';
import { NO_FINDINGS, type Detector } from '../../engine/types.ts';

export const PROPERTIES = ['country', 'city', 'asn', 'os', 'browser', 'device', 'hour'] as const;
export type Property = (typeof PROPERTIES)[number];

const Weights = Type.Object(
  {
    country: Type.Number({ minimum: 0, default: 0.25 }),
    city: Type.Number({ minimum: 0, default: 0.1 }),
    asn: Type.Number({ minimum: 0, default: 0.1 }),
    os: Type.Number({ minimum: 0, default: 0.15 }),
    browser: Type.Number({ minimum: 0, default: 0.15 }),
    device: Type.Number({ minimum: 0, default: 0.05 }),
    hour: Type.Number({ minimum: 0, default: 0.1 }),
  },
  { additionalProperties: false, default: {} },
);

export const D6Params = Type.Object(
  {
    learningSignIns: Type.Integer({ minimum: 1, default: 10 }),
    learningMs: Type.Integer({ minimum: 0, default: 14 * 86_400_000 }),
    minProbability: Type.Number({ minimum: 0, maximum: 1, default: 0.05 }),
    scoreThreshold: Type.Number({ minimum: 0, default: 0.6 }),
    weights: Weights,
    /** Distinct values kept per property; the rarest go first (bounded state). */
    maxValues: Type.Integer({ minimum: 2, maximum: 1000, default: 32 }),
    /** Users idle this long are forgotten (and learn again). */
    memoryMs: Type.Integer({ minimum: 86_400_000, default: 90 * 86_400_000 }),
  },
  { additionalProperties: false },
);
export type D6Params = Static<typeof D6Params>;

export interface D6State {
  /** Sign-ins learnt and the time of the first. */
  n: number;
  first: number;
  /** Counts per property value; hour is 0-23 UTC. */
  c: Record<Property, Record<string, number>>;
}

function valuesOf(e: EnrichedSignIn, t: number): Record<Property, string | undefined> {
  const g = e.enrichment.geo;
  const ua = e.enrichment.ua;
  return {
    country: g.countryCode,
    // A city is only a property when the location is that precise.
    city: g.precision === 'city' && g.city !== undefined ? `${g.city}|${g.countryCode ?? ''}` : undefined,
    asn: e.enrichment.network.asn === undefined ? undefined : String(e.enrichment.network.asn),
    os: ua.os ?? e.deviceDetail?.operatingSystem,
    browser: ua.browser ?? e.deviceDetail?.browser,
    device: ua.deviceType === 'unknown' ? undefined : ua.deviceType,
    hour: String(new Date(t).getUTCHours()),
  };
}

/** Laplace-smoothed probability of `v`; hours pool the neighbouring hours (a habit is not to the minute). */
function probability(s: D6State, prop: Property, v: string): number {
  const counts = s.c[prop];
  let k = 0;
  let total = 0;
  for (const key in counts) {
    k++;
    total += counts[key] ?? 0;
  }
  let seen = counts[v] ?? 0;
  if (prop === 'hour') {
    const h = Number(v);
    seen += (counts[String((h + 23) % 24)] ?? 0) + (counts[String((h + 1) % 24)] ?? 0);
  }
  return (seen + 0.5) / (total + 0.5 * (k + 1));
}

function learn(s: D6State, values: Record<Property, string | undefined>, maxValues: number): void {
  s.n++;
  for (const prop of PROPERTIES) {
    const v = values[prop];
    if (v === undefined) continue;
    const counts = s.c[prop];
    if (counts[v] === undefined) {
      const keys = Object.keys(counts);
      if (keys.length >= maxValues) {
        let rare = keys[0] ?? '';
        for (const key of keys) if ((counts[key] ?? 0) < (counts[rare] ?? 0)) rare = key;
        delete counts[rare];
      }
      counts[v] = 1;
    } else counts[v] += 1;
  }
}

const empty = (t: number): D6State => ({ n: 0, first: t, c: { country: {}, city: {}, asn: {}, os: {}, browser: {}, device: {}, hour: {} } });

export const d6: Detector<D6State, D6Params> = {
  id: 'D6',
  keyBy: 'user',
  paramsSchema: D6Params,
  defaults: {
    learningSignIns: 10,
    learningMs: 14 * 86_400_000,
    minProbability: 0.05,
    scoreThreshold: 0.6,
    weights: { country: 0.25, city: 0.1, asn: 0.1, os: 0.15, browser: 0.15, device: 0.05, hour: 0.1 },
    maxValues: 32,
    memoryMs: 90 * 86_400_000,
  },
  idleMs: (p) => p.memoryMs,
  step(state, e, t, p) {
    if (e.outcome !== 'success') return { state, findings: NO_FINDINGS };
    const s = state ?? empty(t);
    const values = valuesOf(e, t);
    const learning = s.n < p.learningSignIns || t - s.first < p.learningMs;
    let score = 0;
    const unfamiliar: { property: Property; value: string; probability: number }[] = [];
    if (!learning) {
      for (const prop of PROPERTIES) {
        const v = values[prop];
        if (v === undefined) continue;
        const pr = probability(s, prop, v);
        if (pr < p.minProbability) {
          score += p.weights[prop];
          unfamiliar.push({ property: prop, value: v, probability: Math.round(pr * 10_000) / 10_000 });
        }
      }
    }
    learn(s, values, p.maxValues);
    if (learning || score < p.scoreThreshold) return { state: s, findings: NO_FINDINGS };
    return {
      state: s,
      findings: [
        {
          severity: score >= 0.85 ? 'high' : 'medium',
          event: e,
          evidence: { score: Math.round(score * 1000) / 1000, scoreThreshold: p.scoreThreshold, unfamiliar, signInsLearnt: s.n - 1 },
        },
      ],
    };
  },
};
