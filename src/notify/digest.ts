/**
 * The weekly digest (SPEC 5): new risky users and risky sign-ins of the last
 * seven days. A user is "new" when the week holds a detection of theirs and
 * the week before held none. Due every Monday 08:00 UTC.
 */
import { SEVERITIES, type Detection, type Severity } from '../schema/detections.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { DetectionStore } from '../store/ports.ts';
import { summarizeAlert, type AlertSummary } from './alert-message.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
export const DIGEST_HOUR_UTC = 8;

export interface RiskyUserLine {
  readonly userPrincipalName: string;
  /** The most severe of the user's detections in the week. */
  readonly riskLevel: Severity;
  readonly detections: number;
}

export interface WeeklyDigest {
  readonly tenant: TenantId;
  readonly from: string;
  readonly to: string;
  readonly newRiskyUsers: readonly RiskyUserLine[];
  /** The week's notifiable sign-in detections (not log-only), counted and the top rows. */
  readonly riskySignIns: AlertSummary;
}

/** The latest Monday 08:00 UTC at or before `now`. */
export function digestBoundary(now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), DIGEST_HOUR_UTC));
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  let t = d.getTime() - sinceMonday * DAY_MS;
  if (t > now.getTime()) t -= WEEK_MS;
  return new Date(t);
}

/** Due when no digest went out since the latest boundary. */
export function isDigestDue(lastDigestAt: string | undefined, now: Date): boolean {
  return lastDigestAt === undefined || Date.parse(lastDigestAt) < digestBoundary(now).getTime();
}

const keyOf = (d: Detection): string | undefined => (d.userId ?? d.userPrincipalName)?.toLowerCase();

export async function buildWeeklyDigest(
  deps: { readonly detections: Pick<DetectionStore, 'listDetections'> },
  tenant: TenantId,
  now: Date,
): Promise<WeeklyDigest> {
  const to = now.toISOString();
  const from = new Date(now.getTime() - WEEK_MS).toISOString();
  const before = new Date(now.getTime() - 2 * WEEK_MS).toISOString();
  const week = (await deps.detections.listDetections(tenant, { from, to }, { excludeIgnored: true })).filter((d) => !d.logOnly);
  const earlier = new Set(
    (await deps.detections.listDetections(tenant, { from: before, to: from }, { excludeIgnored: true }))
      .filter((d) => !d.logOnly)
      .map(keyOf)
      .filter((k): k is string => k !== undefined),
  );
  const users = new Map<string, { upn: string; level: Severity; n: number }>();
  for (const d of week) {
    const k = keyOf(d);
    if (k === undefined || earlier.has(k)) continue;
    const u = users.get(k) ?? { upn: d.userPrincipalName ?? k, level: d.severity, n: 0 };
    u.n++;
    if (SEVERITIES.indexOf(d.severity) > SEVERITIES.indexOf(u.level)) u.level = d.severity;
    users.set(k, u);
  }
  const newRiskyUsers = [...users.values()]
    .map((u) => ({ userPrincipalName: u.upn, riskLevel: u.level, detections: u.n }))
    .sort((a, b) => SEVERITIES.indexOf(b.riskLevel) - SEVERITIES.indexOf(a.riskLevel) || b.detections - a.detections || a.userPrincipalName.localeCompare(b.userPrincipalName));
  const signIns = week.filter((d) => d.signInId !== undefined);
  return { tenant, from, to, newRiskyUsers, riskySignIns: summarizeAlert(tenant, signIns) };
}

export function digestEmail(d: WeeklyDigest, tenantName: string): { subject: string; text: string } {
  const name = tenantName.replace(/[\r\n\t]+/g, ' ').slice(0, 200);
  const s = d.riskySignIns;
  const lines = [
    `Weekly authlens digest for "${name}" (tenant ${d.tenant}), ${d.from} to ${d.to}.`,
    '',
    `New risky users: ${d.newRiskyUsers.length}`,
    ...d.newRiskyUsers.slice(0, 50).map((u) => `  ${u.riskLevel.padEnd(6)} ${u.userPrincipalName} (${u.detections} detection${u.detections === 1 ? '' : 's'})`),
    '',
    `Risky sign-ins: ${s.total} (high ${s.bySeverity.high}, medium ${s.bySeverity.medium}, low ${s.bySeverity.low})`,
    ...s.byDetector.map((x) => `  ${x.detector}  ${x.title}: ${x.count}`),
    ...(s.top.length > 0 ? ['', 'Most severe:'] : []),
    ...s.top.map((x) => `  ${x.detectedDateTime}  ${x.severity.padEnd(6)} ${x.detector}  ${x.userPrincipalName ?? '-'}  ${x.ipAddress ?? '-'}`),
    '',
  ];
  return {
    subject: `[authlens] Weekly digest for ${name}: ${d.newRiskyUsers.length} new risky user${d.newRiskyUsers.length === 1 ? '' : 's'}, ${s.total} risky sign-in${s.total === 1 ? '' : 's'}`,
    text: lines.join('\n'),
  };
}
