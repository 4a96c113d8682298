/**
 * D4 Sign ins from IP addresses with suspicious activity, keyed by IP.
 * Spray: failures against >= `sprayMinUsers` distinct users within
 * `sprayWindowMs`, when failures are at least `sprayMinFailureRatio` of the
 * window's attempts (an office NAT with hundreds of users and a few typos is
 * not a spray). Hostile: >= `hostileMinFailures` failures in `hostileWindowMs`,
 * or >= `hostileMinAttempts` attempts with more than `hostileFailureRatio`
 * failing. Every sign-in from the IP while it is suspicious (and for
 * `holdMs` after) is flagged; a success is high. Trusted IPs are skipped.
 *
 * Shared reputation (SPEC 4, when the deployment turns it on): a sign-in whose
 * enrichment says other directories found its IP attacking
 * (enrichment.sharedReputation, stamped at ingest like IP-list tags) is
 * flagged too, with that count as its evidence; the directory's own finding
 * wins, so one sign-in gets one D4 detection. `sharedReputationSend` is read
 * by the composition root (which findings leave the tenant), not here.
 */
import { Type, type Static } from 'typebox';
import { userKey } from '../../engine/keys.ts';
import { OutcomeList } from '../../engine/outcomes.ts';
import { NO_FINDINGS, type Detector } from '../../engine/types.ts';

export const D4Params = Type.Object(
  {
    sprayMinUsers: Type.Integer({ minimum: 2, default: 10 }),
    sprayWindowMs: Type.Integer({ minimum: 60_000, default: 1_800_000 }),
    sprayMinFailureRatio: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
    hostileMinFailures: Type.Integer({ minimum: 1, default: 100 }),
    hostileMinAttempts: Type.Integer({ minimum: 1, default: 50 }),
    hostileFailureRatio: Type.Number({ minimum: 0, maximum: 1, default: 0.9 }),
    hostileWindowMs: Type.Integer({ minimum: 60_000, default: 86_400_000 }),
    /** The 24 h counts are kept in buckets of this size (bounded state; the window edge is this precise). */
    bucketMs: Type.Integer({ minimum: 1000, default: 300_000 }),
    holdMs: Type.Integer({ minimum: 0, default: 3_600_000 }),
    failureOutcomes: OutcomeList(['credentialFailure', 'blocked', 'disabled']),
    /** Attempts remembered in the spray window per IP; beyond it the oldest go (bounded state). */
    maxTracked: Type.Integer({ minimum: 10, maximum: 100_000, default: 5000 }),
    /** Share this directory's spray and hostile-IP findings (the IP and the time, nothing else) with the deployment's other directories. */
    sharedReputationSend: Type.Boolean({ default: true }),
    /** Flag sign-ins from IPs that other directories found attacking (only while the deployment shares IP reputation). */
    sharedReputationReceive: Type.Boolean({ default: true }),
    /** ... when at least this many other directories found the IP attacking. */
    sharedMinDirectories: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
  },
  { additionalProperties: false },
);
export type D4Params = Static<typeof D4Params>;

export interface D4State {
  /** Spray window attempts: [time ms, user key, failed 0|1]. */
  w: [number, string, 0 | 1][];
  /** Failures per user key inside the spray window. */
  fu: Record<string, number>;
  /** Distinct failing users and failures inside the spray window. */
  nfu: number;
  nf: number;
  /** Hostile buckets [start ms, attempts, failures] and their sums. */
  b: [number, number, number][];
  ba: number;
  bf: number;
  /** Suspicious until (ms) and why. */
  until: number;
  why: string;
}

export const d4: Detector<D4State, D4Params> = {
  id: 'D4',
  keyBy: 'ip',
  paramsSchema: D4Params,
  defaults: {
    sprayMinUsers: 10,
    sprayWindowMs: 1_800_000,
    sprayMinFailureRatio: 0.5,
    hostileMinFailures: 100,
    hostileMinAttempts: 50,
    hostileFailureRatio: 0.9,
    hostileWindowMs: 86_400_000,
    bucketMs: 300_000,
    holdMs: 3_600_000,
    failureOutcomes: ['credentialFailure', 'blocked', 'disabled'],
    maxTracked: 5000,
    sharedReputationSend: true,
    sharedReputationReceive: true,
    sharedMinDirectories: 1,
  },
  idleMs: (p) => Math.max(p.hostileWindowMs, p.sprayWindowMs + p.holdMs),
  step(state, e, t, p) {
    if (e.enrichment.ipTags.some((x) => x.category === 'trusted') || e.enrichment.network.scope !== 'public') {
      return { state: undefined, findings: NO_FINDINGS };
    }
    const s = state ?? { w: [], fu: {}, nfu: 0, nf: 0, b: [], ba: 0, bf: 0, until: 0, why: '' };
    const failed = p.failureOutcomes.includes(e.outcome) ? 1 : 0;
    const u = userKey(e);
    // Spray window.
    while (s.w.length > 0 && ((s.w[0]?.[0] ?? t) < t - p.sprayWindowMs || s.w.length >= p.maxTracked)) dropOldest(s);
    s.w.push([t, u, failed]);
    if (failed === 1) {
      s.nf++;
      const c = s.fu[u] ?? 0;
      if (c === 0) s.nfu++;
      s.fu[u] = c + 1;
    }
    // Hostile buckets.
    while (s.b.length > 0 && (s.b[0]?.[0] ?? t) <= t - p.hostileWindowMs) {
      const old = s.b.shift();
      if (old !== undefined) {
        s.ba -= old[1];
        s.bf -= old[2];
      }
    }
    const start = t - (t % p.bucketMs);
    const last = s.b[s.b.length - 1];
    if (last !== undefined && last[0] === start) {
      last[1]++;
      last[2] += failed;
    } else s.b.push([start, 1, failed]);
    s.ba++;
    s.bf += failed;

    const spray = s.nfu >= p.sprayMinUsers && s.nf >= p.sprayMinFailureRatio * s.w.length;
    const hostile = s.bf >= p.hostileMinFailures || (s.ba >= p.hostileMinAttempts && s.bf > p.hostileFailureRatio * s.ba);
    if (spray || hostile) {
      s.until = t + p.holdMs;
      s.why = spray ? 'passwordSpray' : 'hostileIp';
    }
    const others = p.sharedReputationReceive ? (e.enrichment.sharedReputation?.otherDirectories ?? 0) : 0;
    const shared = others >= p.sharedMinDirectories;
    const severity = e.outcome === 'success' ? 'high' : 'medium';
    if (t > s.until) {
      if (!shared) return { state: s, findings: NO_FINDINGS };
      // Only the count crosses the boundary: nothing here names another directory, its users or its data.
      return {
        state: s,
        findings: [
          {
            severity,
            event: e,
            evidence: {
              reason: 'sharedReputation',
              otherDirectories: others,
              outcome: e.outcome,
              asn: e.enrichment.network.asn,
              asOrg: e.enrichment.network.asOrg,
            },
          },
        ],
      };
    }
    return {
      state: s,
      findings: [
        {
          severity,
          event: e,
          evidence: {
            reason: s.why,
            distinctUsersFailed: s.nfu,
            failuresInSprayWindow: s.nf,
            attemptsInSprayWindow: s.w.length,
            sprayWindowMs: p.sprayWindowMs,
            attemptsInHostileWindow: s.ba,
            failuresInHostileWindow: s.bf,
            failureRatio: s.ba === 0 ? 0 : s.bf / s.ba,
            hostileWindowMs: p.hostileWindowMs,
            suspiciousUntil: new Date(s.until).toISOString(),
            outcome: e.outcome,
            asn: e.enrichment.network.asn,
            asOrg: e.enrichment.network.asOrg,
            // The directory's own finding wins; the shared count is context.
            ...(shared ? { otherDirectories: others } : {}),
          },
        },
      ],
    };
  },
};

function dropOldest(s: D4State): void {
  const old = s.w.shift();
  if (old === undefined || old[2] === 0) return;
  s.nf--;
  const c = (s.fu[old[1]] ?? 1) - 1;
  if (c <= 0) {
    delete s.fu[old[1]];
    s.nfu--;
  } else s.fu[old[1]] = c;
}
