/**
 * The deployment's shared IP reputation (SPEC 1 and SPEC 4 D4): the one
 * signal that crosses a tenant boundary, and only when the operator turns it
 * on (Config.sharedIpReputation). A sending directory reports "D4 found this
 * IP spraying or hostile at time t"; enrichment of another directory's
 * sign-in asks how many *other* directories reported its IP around the
 * sign-in's time. The answer is a count: the set holds tenant ids only to
 * count each directory once and to leave a directory's own reports out of
 * its own count, and never hands them out.
 *
 * Spans: per (IP, reporting directory) one span [from, until], from = the
 * first reported time of the current episode, until = the last reported time
 * plus `windowMs`. A report after `until` starts a new episode; one that
 * overlaps extends the span. A sign-in matches a span when its event time lies
 * inside it: sign-ins before the attack was seen are not flagged, as D4 does
 * not flag retroactively.
 *
 * Time: spans are in event time; the wall clock only retires them. A span
 * whose `until` has passed by the wall clock is dropped (it can no longer
 * match a sign-in arriving on time), so a load of last month's logs never
 * becomes a live signal, and the set after a restart (rebuilt from the
 * detections of the last window) equals the set before it.
 *
 * Bounded: at most `maxIps` IPs. A report moves its IP to the young end; past
 * the cap the IP reported least recently is forgotten first (O(1)), so a
 * flood of new suspicious IPs replaces the stalest ones and never grows
 * memory. Per IP there is one span per reporting directory, and directories
 * are created by the operator, not by input.
 */
import type { EnrichedSignIn } from '../schema/enrichment.ts';
import { parseIp } from '../schema/ip.ts';
import type { TenantId } from '../schema/tenants.ts';

export interface SharedIpReputationOptions {
  /** How long after the last reported sign-in an IP stays shared, ms. */
  readonly windowMs: number;
  /** Most IPs held; past it the least recently reported IP goes first. */
  readonly maxIps: number;
  /** Wall clock, ms. */
  now(): number;
}

export interface SharedIpReputation {
  /** `source`'s D4 found `ip` spraying or hostile in a sign-in at event time `t` (ms). */
  report(source: TenantId, ip: string, t: number): void;
  /** How many directories other than `tenant` reported `ip` in a span holding event time `t`. */
  otherDirectories(tenant: TenantId, ip: string, t: number): number;
  /** The sign-in with enrichment.sharedReputation set when other directories reported its IP; the same object when none did. */
  stamp(tenant: TenantId, e: EnrichedSignIn): EnrichedSignIn;
  /** Drops everything `source` reported (it opted out of sending). */
  forgetSource(source: TenantId): void;
  /** IPs held. */
  readonly size: number;
}

interface Span {
  from: number;
  until: number;
}

function keyOf(ip: string): string | undefined {
  return parseIp(ip)?.canonical;
}

export function createSharedIpReputation(opts: SharedIpReputationOptions): SharedIpReputation {
  if (!(opts.maxIps >= 1)) throw new RangeError('maxIps must be at least 1');
  if (!(opts.windowMs > 0)) throw new RangeError('windowMs must be positive');
  /** IP -> reporting directory -> span. Map order is report order: the first key is the least recently reported. */
  const ips = new Map<string, Map<TenantId, Span>>();

  function live(key: string, sources: Map<TenantId, Span>, now: number): boolean {
    for (const [src, span] of sources) if (span.until < now) sources.delete(src);
    if (sources.size > 0) return true;
    ips.delete(key);
    return false;
  }

  function otherDirectories(tenant: TenantId, ip: string, t: number): number {
    if (ips.size === 0) return 0;
    const key = keyOf(ip);
    const sources = key === undefined ? undefined : ips.get(key);
    if (key === undefined || sources === undefined || !live(key, sources, opts.now())) return 0;
    let n = 0;
    for (const [src, span] of sources) if (src !== tenant && span.from <= t && t <= span.until) n++;
    return n;
  }

  return {
    report(source, ip, t) {
      const key = keyOf(ip);
      if (key === undefined || !Number.isFinite(t)) return;
      const until = t + opts.windowMs;
      if (until < opts.now()) return;
      let sources = ips.get(key);
      if (sources === undefined) sources = new Map();
      else ips.delete(key);
      // Re-inserted at the young end: the least recently reported IP stays first.
      ips.set(key, sources);
      const span = sources.get(source);
      if (span === undefined || t > span.until) sources.set(source, { from: t, until });
      else if (t >= span.from) span.until = Math.max(span.until, until);
      else if (until >= span.from) span.from = t;
      // else: an older, separate episode arriving late; the newer one is the one that matters.
      while (ips.size > opts.maxIps) {
        const oldest = ips.keys().next();
        if (oldest.done === true) break;
        ips.delete(oldest.value);
      }
    },
    otherDirectories,
    stamp(tenant, e) {
      if (e.ipAddress === undefined) return e;
      const n = otherDirectories(tenant, e.ipAddress, Date.parse(e.createdDateTime));
      return n === 0 ? e : { ...e, enrichment: { ...e.enrichment, sharedReputation: { otherDirectories: n } } };
    },
    forgetSource(source) {
      for (const [key, sources] of ips) {
        sources.delete(source);
        if (sources.size === 0) ips.delete(key);
      }
    },
    get size() {
      return ips.size;
    },
  };
}
