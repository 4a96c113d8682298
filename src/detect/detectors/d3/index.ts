/**
 * D3 Sign ins from multiple geographies (impossible travel), keyed by user,
 * over successful sign-ins. A pair fires when the distance minus both
 * locations' accuracy radii is above `minDistanceKm` and the speed that
 * distance needs is above `minSpeedKmh`. Not evidence of travel: trusted or
 * anonymizer IPs (their location is the egress, not the user), a pair sharing
 * an ASN of a known VPN/cloud egress, a country-only location against the same
 * country, hops under `noiseKm` within `noiseMs`, and locations without
 * coordinates.
 */
import { Type, type Static } from 'typebox';
import type { EnrichedSignIn } from '../../../schema/enrichment.ts';
import { haversineKm } from '../../engine/geo.ts';
import { NO_FINDINGS, type Detector } from '../../engine/types.ts';

/** Cloud and VPN egress networks whose GeoIP position says little about the user. */
export const DEFAULT_EGRESS_ASNS = [
  16509, 14618, 8987, // Amazon
  8075, 8068, // Microsoft
  15169, 396982, 19527, // Google
  13335, // Cloudflare (WARP)
  22616, 53813, 62044, // Zscaler
  20940, 16625, // Akamai
  54113, // Fastly
  9009, // M247 (commercial VPN exits)
  60068, 212238, // Datacamp / CDN77
  202425, 136787, // IP Volume, TEFINCOM (NordVPN)
  24940, 16276, 14061, 63949, // Hetzner, OVH, DigitalOcean, Akamai Linode
];

export const D3Params = Type.Object(
  {
    minSpeedKmh: Type.Number({ minimum: 1, default: 900 }),
    minDistanceKm: Type.Number({ minimum: 0, default: 500 }),
    noiseKm: Type.Number({ minimum: 0, default: 50 }),
    noiseMs: Type.Integer({ minimum: 0, default: 600_000 }),
    egressAsns: Type.Array(Type.Integer(), { default: DEFAULT_EGRESS_ASNS }),
    /** A user's last location is forgotten after this long without a sign-in. */
    memoryMs: Type.Integer({ minimum: 3_600_000, default: 30 * 86_400_000 }),
    /** Speeds above this are high severity. */
    highSpeedKmh: Type.Number({ minimum: 1, default: 5000 }),
  },
  { additionalProperties: false },
);
export type D3Params = Static<typeof D3Params>;

/** A located sign-in: [time ms, lat, lon, radius km, country, precision, asn (0 none), id, ip, city]. */
export type Place = [number, number, number, number, string, string, number, string, string, string];

export interface D3State {
  /** The anchor: where the user last plausibly was. */
  a: Place;
  /** The place of the last alert; a later sign-in consistent with it moves the anchor without another alert. */
  x?: Place;
}

function placeOf(e: EnrichedSignIn, t: number): Place | undefined {
  const g = e.enrichment.geo;
  if (g.latitude === undefined || g.longitude === undefined || g.precision === 'none') return undefined;
  return [t, g.latitude, g.longitude, g.accuracyRadiusKm, g.countryCode ?? '', g.precision, e.enrichment.network.asn ?? 0, e.id, e.ipAddress ?? '', g.city ?? ''];
}

interface Move {
  readonly km: number;
  readonly effectiveKm: number;
  readonly hours: number;
  readonly speedKmh: number;
  readonly impossible: boolean;
}

function move(from: Place, to: Place, p: D3Params): Move {
  const km = haversineKm(from[1], from[2], to[1], to[2]);
  const effectiveKm = Math.max(0, km - from[3] - to[3]);
  const ms = Math.max(0, to[0] - from[0]);
  const hours = ms / 3_600_000;
  const speedKmh = ms === 0 ? (effectiveKm > 0 ? Number.POSITIVE_INFINITY : 0) : effectiveKm / hours;
  const countryOnly = from[5] === 'country' || to[5] === 'country';
  const sameCountry = from[4] !== '' && from[4] === to[4];
  const sharedEgress = from[6] !== 0 && from[6] === to[6] && p.egressAsns.includes(from[6]);
  const noise = km < p.noiseKm && ms <= p.noiseMs;
  const impossible = !noise && !sharedEgress && !(countryOnly && sameCountry) && effectiveKm > p.minDistanceKm && speedKmh > p.minSpeedKmh;
  return { km, effectiveKm, hours, speedKmh, impossible };
}

const describe = (x: Place) => ({
  signInId: x[7],
  createdDateTime: new Date(x[0]).toISOString(),
  ipAddress: x[8] === '' ? undefined : x[8],
  city: x[9] === '' ? undefined : x[9],
  countryCode: x[4] === '' ? undefined : x[4],
  latitude: x[1],
  longitude: x[2],
  accuracyRadiusKm: x[3],
  precision: x[5],
  asn: x[6] === 0 ? undefined : x[6],
});

const round = (n: number, d = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

export const d3: Detector<D3State, D3Params> = {
  id: 'D3',
  keyBy: 'user',
  paramsSchema: D3Params,
  defaults: { minSpeedKmh: 900, minDistanceKm: 500, noiseKm: 50, noiseMs: 600_000, egressAsns: DEFAULT_EGRESS_ASNS, memoryMs: 30 * 86_400_000, highSpeedKmh: 5000 },
  idleMs: (p) => p.memoryMs,
  step(state, e, t, p) {
    if (e.outcome !== 'success') return { state, findings: NO_FINDINGS };
    if (e.enrichment.ipTags.some((x) => x.category === 'trusted' || x.category === 'anonymizer')) return { state, findings: NO_FINDINGS };
    const here = placeOf(e, t);
    if (here === undefined) return { state, findings: NO_FINDINGS };
    if (state === undefined) return { state: { a: here }, findings: NO_FINDINGS };
    const m = move(state.a, here, p);
    if (!m.impossible) return { state: { a: here }, findings: NO_FINDINGS };
    // Consistent with where the last alert put the user: the user (or attacker) is there now; one alert is enough.
    if (state.x !== undefined && !move(state.x, here, p).impossible) return { state: { a: here }, findings: NO_FINDINGS };
    return {
      state: { a: state.a, x: here },
      findings: [
        {
          severity: m.speedKmh > p.highSpeedKmh ? 'high' : 'medium',
          event: e,
          evidence: {
            from: describe(state.a),
            to: describe(here),
            distanceKm: round(m.km),
            distanceBeyondAccuracyKm: round(m.effectiveKm),
            elapsedMinutes: round(m.hours * 60),
            speedKmh: Number.isFinite(m.speedKmh) ? round(m.speedKmh) : 'instant',
            minSpeedKmh: p.minSpeedKmh,
            minDistanceKm: p.minDistanceKm,
          },
        },
      ],
    };
  },
};
