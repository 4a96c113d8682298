/**
 * What of a tenant's detections feeds the deployment's shared IP reputation
 * (src/enrich/shared-reputation.ts), and when a tenant takes part. The
 * composition root calls this only when the operator turned the signal on.
 *
 * - Sent: D4's own findings (reason passwordSpray or hostileIp), not log-only,
 *   as (IP, event time) only. A D4 finding made from the shared signal itself
 *   (reason sharedReputation) is never sent back: one directory's attack is
 *   not echoed into a growing count.
 * - A tenant sends while D4 is enabled and sharedReputationSend is on, and
 *   receives (its sign-ins are stamped at ingest) while D4 is enabled and
 *   sharedReputationReceive is on. Both default to on once the deployment
 *   enables the signal; each tenant can opt out of either in its D4 settings.
 *   An opted-out receiver gets nothing written into its data.
 * - Rebuilt at start from the stored detections of the last window, so the
 *   set survives a restart (and a CLI process sees what earlier ones shared).
 */
import type { SharedIpReputation } from '../enrich/shared-reputation.ts';
import type { Detection } from '../schema/detections.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { DetectionStore } from '../store/ports.ts';
import type { D4Params } from './detectors/d4/index.ts';
import type { ResolvedSettings } from './engine/settings.ts';

/** D4 reasons that are the directory's own evidence: the only ones shared. */
export const SHARED_REASONS: readonly string[] = ['passwordSpray', 'hostileIp'];

export interface SharingPolicy {
  readonly send: boolean;
  readonly receive: boolean;
}

export function sharingPolicy(settings: ResolvedSettings): SharingPolicy {
  const s = settings.get('D4');
  if (s === undefined || !s.enabled) return { send: false, receive: false };
  const p = s.params as D4Params;
  return { send: p.sharedReputationSend, receive: p.sharedReputationReceive };
}

export interface IpSignal {
  readonly ip: string;
  /** Event times (ms) of the first and last shareable detection of the IP in the batch. */
  readonly first: number;
  readonly last: number;
}

/** The IPs and times the detections may share, in order of first appearance; nothing else of them. */
export function sharedSignalsOf(detections: readonly Detection[]): IpSignal[] {
  const byIp = new Map<string, { first: number; last: number }>();
  for (const d of detections) {
    if (d.detector !== 'D4' || d.logOnly || d.ipAddress === undefined) continue;
    const reason = d.evidence.reason;
    if (typeof reason !== 'string' || !SHARED_REASONS.includes(reason)) continue;
    const t = Date.parse(d.detectedDateTime);
    if (Number.isNaN(t)) continue;
    const span = byIp.get(d.ipAddress);
    if (span === undefined) byIp.set(d.ipAddress, { first: t, last: t });
    else {
      if (t < span.first) span.first = t;
      if (t > span.last) span.last = t;
    }
  }
  return [...byIp].map(([ip, span]) => ({ ip, ...span }));
}

export interface ReputationSharingDeps {
  readonly reputation: SharedIpReputation;
  /** The settings the tenant's detectors run with (DetectionRuntime.settingsOf). */
  settingsOf(tenant: TenantId): Promise<ResolvedSettings>;
}

export interface ReputationSharing {
  readonly reputation: SharedIpReputation;
  /** Whether the tenant's sign-ins get the shared count at ingest. */
  receives(tenant: TenantId): Promise<boolean>;
  /** After the tenant's detections are durable: reports the shareable ones when it sends; returns how many IPs. */
  publish(tenant: TenantId, detections: readonly Detection[]): Promise<number>;
  /** After a settings change: a tenant that no longer sends is forgotten at once, not a window later. */
  settingsChanged(tenant: TenantId): Promise<void>;
}

export function createReputationSharing(deps: ReputationSharingDeps): ReputationSharing {
  const { reputation } = deps;
  return {
    reputation,
    async receives(tenant) {
      return sharingPolicy(await deps.settingsOf(tenant)).receive;
    },
    async publish(tenant, detections) {
      const signals = sharedSignalsOf(detections);
      if (signals.length === 0 || !sharingPolicy(await deps.settingsOf(tenant)).send) return 0;
      for (const s of signals) {
        reputation.report(tenant, s.ip, s.first);
        if (s.last !== s.first) reputation.report(tenant, s.ip, s.last);
      }
      return signals.length;
    },
    async settingsChanged(tenant) {
      if (!sharingPolicy(await deps.settingsOf(tenant)).send) reputation.forgetSource(tenant);
    },
  };
}

export interface RebuildDeps {
  readonly detections: Pick<DetectionStore, 'ipSpansAllTenants'>;
  /** The tenant's stored settings, resolved (not the runtime's: that would load every tenant's engine at start). */
  settingsOf(tenant: TenantId): Promise<ResolvedSettings>;
  readonly windowMs: number;
  readonly maxIps: number;
  now(): number;
}

/**
 * Fills the set from the stored D4 detections of the last window of every
 * tenant that sends now: what it held before a restart, each span's start
 * clipped to the window. Returns how many (tenant, IP) spans were reported.
 */
export async function rebuildSharedReputation(reputation: SharedIpReputation, deps: RebuildDeps): Promise<number> {
  const since = new Date(deps.now() - deps.windowMs).toISOString();
  const rows = await deps.detections.ipSpansAllTenants('D4', SHARED_REASONS, since, deps.maxIps);
  const sends = new Map<TenantId, boolean>();
  let n = 0;
  // Oldest first, so the most recently reported IPs are the ones the cap keeps.
  for (const r of [...rows].reverse()) {
    let send = sends.get(r.tenant);
    if (send === undefined) {
      send = sharingPolicy(await deps.settingsOf(r.tenant)).send;
      sends.set(r.tenant, send);
    }
    if (!send) continue;
    reputation.report(r.tenant, r.ip, Date.parse(r.first));
    reputation.report(r.tenant, r.ip, Date.parse(r.last));
    n++;
  }
  return n;
}
