/**
 * Incidents (SPEC 4): links detections that belong together, and the directory
 * changes a user made right after a suspicious sign-in, into one incident with
 * a timeline. Pure: the caller passes the interval's detections, the audits
 * `followUpQuery` asked for and the stored statuses. The rules and their
 * reasons are in README.md beside this file.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, type Detection, type DetectorId, type Severity } from '../../schema/detections.ts';
import type { DirectoryAudit } from '../../schema/events.ts';
import type { FollowUpKind, Incident, IncidentEntry, IncidentStatus, IncidentStatusChange } from '../../schema/incidents.ts';

export interface IncidentParams {
  /** Two detections sharing a user or an attacking IP belong together when at most this far apart (ms). */
  readonly linkWindowMs: number;
  /** Directory changes a user makes up to this long after a suspicious sign-in join its incident (ms). */
  readonly followUpWindowMs: number;
}

export const INCIDENT_DEFAULTS: IncidentParams = { linkWindowMs: 86_400_000, followUpWindowMs: 86_400_000 };

/** Users and IPs an incident lists at most (counts are always whole). */
export const MAX_LISTED = 100;

/** Detectors whose detections say something about the IP itself (an attacker's address), so they link by IP. */
const IP_LINKED: ReadonlySet<DetectorId> = new Set(['D4', 'brute-force']);
/** Detectors that flag failed attempts too: those lines of a timeline are runs, not one line each. */
const ATTEMPT_DETECTORS: ReadonlySet<DetectorId> = new Set(['D1', 'D4', 'D5']);

const PHRASES: Readonly<Record<DetectorId, string>> = {
  D1: 'sign-in from an anonymizer',
  D2: 'sign-in after multiple failures',
  D3: 'sign-in from an impossible distance (travel)',
  D4: 'sign-in from an IP address with suspicious activity',
  D5: 'sign-in from a possibly infected device',
  D6: 'irregular sign-in',
  D7: 'anomalous sign-in activity',
  D8: 'leaked credentials matched',
  'mfa-fatigue': 'MFA fatigue',
  'brute-force': 'brute force against one user',
};

interface FollowUpRule {
  readonly kind: FollowUpKind;
  readonly words: string;
  readonly matches: (a: DirectoryAudit) => boolean;
}

/** Directory changes that give an attacker who got in persistence or more reach. */
const FOLLOW_UPS: readonly FollowUpRule[] = [
  {
    kind: 'mfaMethodChange',
    words: 'MFA method registered or changed',
    matches: (a) => a.category === 'PasswordResetRegistration' || /security info|authentication method|strongauthentication|authenticator|phone number/i.test(a.activityDisplayName),
  },
  {
    kind: 'groupOrRoleChange',
    words: 'group or role membership changed',
    matches: (a) => a.category === 'SelfServiceGroupManagement' || /member to (group|role)|owner to group|eligible member|app role assignment/i.test(a.activityDisplayName),
  },
  { kind: 'appConsent', words: 'consent given to an application', matches: (a) => /consent|permission grant|oauth2permissiongrant/i.test(a.activityDisplayName) },
  { kind: 'credentialAdded', words: 'credentials added to an application', matches: (a) => /certificates and secrets|service principal credentials/i.test(a.activityDisplayName) },
  { kind: 'passwordChange', words: 'password changed', matches: (a) => a.category === 'PasswordReset' || /(change|reset) (user )?password/i.test(a.activityDisplayName) },
];

export function followUpKindOf(a: DirectoryAudit): FollowUpRule | undefined {
  return FOLLOW_UPS.find((r) => r.matches(a));
}

/** Whether a detection flags a sign-in that got in: the user may be in an attacker's hands. */
export function isFoothold(d: Detection): boolean {
  switch (d.detector) {
    case 'D1':
    case 'D4':
    case 'D5':
      return d.evidence.outcome === 'success';
    case 'D2':
    case 'D3':
    case 'D6':
      return true;
    case 'brute-force':
      return d.evidence.stage === 'successAfter';
    case 'mfa-fatigue':
      return d.evidence.stage === 'approvedAfter';
    default:
      return false;
  }
}

/**
 * Whether a detection links by its user: a foothold, a leak, or an attack aimed
 * at one user. A failed attempt from a suspicious or listed IP does not: a
 * spray's targets would otherwise pull each target's unrelated detections in.
 */
function linksByUser(d: Detection): boolean {
  return isFoothold(d) || d.detector === 'D8' || d.detector === 'brute-force' || d.detector === 'mfa-fatigue';
}

const userOf = (d: Pick<Detection, 'userPrincipalName' | 'userId'>): string | undefined => (d.userPrincipalName ?? d.userId)?.toLowerCase();
const ms = (iso: string): number => Date.parse(iso);
const usable = (d: Detection): boolean => !d.logOnly && d.detector !== 'D7';
const byTime = (a: Detection, b: Detection): number => a.detectedDateTime.localeCompare(b.detectedDateTime) || a.id.localeCompare(b.id);

/** The users whose footholds may be followed by directory changes, and the range to look in: what to ask the store for. */
export function followUpQuery(detections: readonly Detection[], params: IncidentParams = INCIDENT_DEFAULTS): { readonly upns: string[]; readonly from: string; readonly to: string } | undefined {
  const footholds = detections.filter((d) => usable(d) && isFoothold(d) && d.userPrincipalName !== undefined);
  if (footholds.length === 0) return undefined;
  const times = footholds.map((d) => ms(d.detectedDateTime));
  return {
    upns: [...new Set(footholds.map((d) => (d.userPrincipalName ?? '').toLowerCase()))].sort(),
    from: new Date(Math.min(...times)).toISOString(),
    to: new Date(Math.max(...times) + params.followUpWindowMs + 1).toISOString(),
  };
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] ?? r;
    // Path compression keeps a hostile IP's thousands of detections cheap.
    let c = i;
    while (c !== r) {
      const next = this.parent[c] ?? r;
      this.parent[c] = r;
      c = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

interface FollowUp {
  readonly audit: DirectoryAudit;
  readonly rule: FollowUpRule;
  readonly upn: string;
}

/**
 * The incidents among `detections` (any order; log-only and D7 are left out),
 * with `audits` (from `followUpQuery`) as directory changes of users after
 * their suspicious sign-ins. An incident needs two or more detections, or one
 * detection and a directory change after it: a lone detection is a row of its
 * report, not an incident. Newest activity first.
 */
export function correlateIncidents(
  detections: readonly Detection[],
  audits: readonly DirectoryAudit[],
  statuses: ReadonlyMap<string, IncidentStatusChange> = new Map(),
  params: IncidentParams = INCIDENT_DEFAULTS,
): Incident[] {
  const ds = detections.filter(usable).sort(byTime);
  const uf = new UnionFind(ds.length);
  const byKey = new Map<string, number[]>();
  ds.forEach((d, i) => {
    const keys: string[] = [];
    const user = userOf(d);
    if (user !== undefined && linksByUser(d)) keys.push(`u\u0000${user}`);
    if (d.ipAddress !== undefined && IP_LINKED.has(d.detector)) keys.push(`i\u0000${d.ipAddress}`);
    for (const k of keys) {
      const list = byKey.get(k);
      if (list === undefined) byKey.set(k, [i]);
      else list.push(i);
    }
  });
  // Indices are in time order already: link each to the previous one of its key when close enough.
  for (const list of byKey.values()) {
    for (let j = 1; j < list.length; j++) {
      const a = list[j - 1] ?? 0;
      const b = list[j] ?? 0;
      if (ms(ds[b]?.detectedDateTime ?? '') - ms(ds[a]?.detectedDateTime ?? '') <= params.linkWindowMs) uf.union(a, b);
    }
  }
  const groups = new Map<number, Detection[]>();
  ds.forEach((d, i) => {
    const root = uf.find(i);
    const g = groups.get(root);
    if (g === undefined) groups.set(root, [d]);
    else g.push(d);
  });

  const followUps = attachFollowUps([...groups.values()], audits, params);
  const out: Incident[] = [];
  for (const [members, changes] of followUps) {
    if (members.length < 2 && changes.length === 0) continue;
    out.push(buildIncident(members, changes, statuses));
  }
  return out.sort((a, b) => b.lastDateTime.localeCompare(a.lastDateTime) || a.id.localeCompare(b.id));
}

/** Each group with the directory changes its users made within the follow-up window of one of their footholds in it. */
function attachFollowUps(groups: readonly Detection[][], audits: readonly DirectoryAudit[], params: IncidentParams): [Detection[], FollowUp[]][] {
  // (user -> footholds of that user, with their group), to place each audit once, with the latest foothold before it.
  const footholds = new Map<string, { t: number; g: number }[]>();
  groups.forEach((members, g) => {
    for (const d of members) {
      const upn = d.userPrincipalName?.toLowerCase();
      if (upn === undefined || !isFoothold(d)) continue;
      const list = footholds.get(upn) ?? [];
      list.push({ t: ms(d.detectedDateTime), g });
      footholds.set(upn, list);
    }
  });
  const changes: FollowUp[][] = groups.map(() => []);
  const seen = new Set<string>();
  for (const audit of audits) {
    const upn = audit.initiatedBy.user?.userPrincipalName?.toLowerCase();
    if (upn === undefined || seen.has(audit.id)) continue;
    const rule = followUpKindOf(audit);
    const mine = footholds.get(upn);
    if (rule === undefined || mine === undefined) continue;
    const t = ms(audit.activityDateTime);
    let best: { t: number; g: number } | undefined;
    for (const f of mine) if (f.t <= t && t - f.t <= params.followUpWindowMs && (best === undefined || f.t > best.t)) best = f;
    if (best === undefined) continue;
    seen.add(audit.id);
    changes[best.g]?.push({ audit, rule, upn });
  }
  return groups.map((members, g) => [members, (changes[g] ?? []).sort((a, b) => a.audit.activityDateTime.localeCompare(b.audit.activityDateTime) || a.audit.id.localeCompare(b.audit.id))]);
}

export function incidentId(firstDetectionId: string): string {
  return `inc-${createHash('sha256').update(firstDetectionId).digest('hex').slice(0, 20)}`;
}

function maxSeverity(list: readonly Severity[]): Severity {
  let best = 0;
  for (const s of list) best = Math.max(best, SEVERITIES.indexOf(s));
  return SEVERITIES[best] ?? 'low';
}

function buildIncident(members: readonly Detection[], changes: readonly FollowUp[], statuses: ReadonlyMap<string, IncidentStatusChange>): Incident {
  const first = members[0];
  if (first === undefined) throw new Error('an incident needs a detection');
  const id = incidentId(first.id);
  const compromised = [...new Set(members.filter(isFoothold).map((d) => d.userPrincipalName ?? d.userId).filter((u): u is string => u !== undefined))];
  const users = [...new Set(members.map((d) => d.userPrincipalName ?? d.userId).filter((u): u is string => u !== undefined))];
  const ips = [...new Set(members.map((d) => d.ipAddress).filter((u): u is string => u !== undefined))];
  const detectors: Record<string, number> = {};
  for (const d of members) detectors[d.detector] = (detectors[d.detector] ?? 0) + 1;
  const timeline = timelineOf(members, changes);
  const times = [...members.map((d) => d.detectedDateTime), ...changes.map((c) => c.audit.activityDateTime)].sort();
  const lastDateTime = times.at(-1) ?? first.detectedDateTime;
  // A user who got in and then changed the directory is the pattern of a takeover: high whatever the detectors said.
  const severity = changes.length > 0 ? 'high' : maxSeverity(members.map((d) => d.severity));
  return {
    id,
    title: titleOf(members, compromised, changes),
    severity,
    status: statusOf(statuses.get(id), lastDateTime),
    firstDateTime: times[0] ?? first.detectedDateTime,
    lastDateTime,
    compromisedUsers: compromised.slice(0, MAX_LISTED),
    userPrincipalNames: users.slice(0, MAX_LISTED),
    userCount: users.length,
    ipAddresses: ips.slice(0, MAX_LISTED),
    ipCount: ips.length,
    detectors,
    detectionCount: members.length,
    directoryChanges: changes.length,
    timeline,
  };
}

/** The admin's status; a resolved incident that saw activity after it was resolved is new again. */
function statusOf(change: IncidentStatusChange | undefined, lastDateTime: string): IncidentStatus {
  if (change === undefined) return 'new';
  if (change.to === 'resolved' && lastDateTime > change.at) return 'new';
  return change.to;
}

function mostCommon(values: readonly (string | undefined)[]): string | undefined {
  const n = new Map<string, number>();
  let best: string | undefined;
  for (const v of values) {
    if (v === undefined) continue;
    const c = (n.get(v) ?? 0) + 1;
    n.set(v, c);
    if (best === undefined || c > (n.get(best) ?? 0)) best = v;
  }
  return best;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** How many other directories reported the IP, for a D4 detection made from the shared reputation alone. */
function sharedCount(d: Detection): number | undefined {
  return d.evidence.reason === 'sharedReputation' && typeof d.evidence.otherDirectories === 'number' ? d.evidence.otherDirectories : undefined;
}
const seenAttacking = (n: number): string => `an IP seen attacking ${plural(n, 'other directory', 'other directories')}`;
/** ", an IP seen attacking N other directories" after the IP of a shared-reputation detection: the directory's own data shows no attack. */
const sharedNote = (d: Detection): string => {
  const n = sharedCount(d);
  return n === undefined ? '' : `, ${seenAttacking(n)}`;
};

function titleOf(members: readonly Detection[], compromised: readonly string[], changes: readonly FollowUp[]): string {
  const got = compromised.length === 0 ? '' : compromised.length === 1 ? `; ${compromised[0] ?? ''} signed in` : `; ${compromised.length} of them signed in`;
  const then = changes.length === 0 ? '' : `, then ${plural(changes.length, 'directory change')}`;
  const attacks = members.filter((d) => d.detector === 'D4');
  if (attacks.length > 0) {
    const ip = mostCommon(attacks.map((d) => d.ipAddress));
    const fromIp = attacks.filter((d) => d.ipAddress === ip);
    // D4 flags sign-ins only once the IP is suspicious: its evidence counts the users failed before that too.
    const counted = Math.max(0, ...fromIp.map((d) => (typeof d.evidence.distinctUsersFailed === 'number' ? d.evidence.distinctUsersFailed : 0)));
    const targets = Math.max(counted, new Set(fromIp.map(userOf).filter((u) => u !== undefined)).size);
    const reason = mostCommon(fromIp.map((d) => (typeof d.evidence.reason === 'string' ? d.evidence.reason : undefined)));
    if (reason === 'sharedReputation') {
      const others = Math.max(0, ...fromIp.map((d) => sharedCount(d) ?? 0));
      return `Sign-ins of ${plural(targets, 'user')} from ${ip ?? 'an unknown IP'}, ${seenAttacking(others)}${got}${then}`;
    }
    const what = reason === 'passwordSpray' ? 'Password spray' : reason === 'hostileIp' ? 'Repeated failed sign-ins' : 'Password attack';
    return `${what} from ${ip ?? 'an unknown IP'} against ${plural(targets, 'user')}${got}${then}`;
  }
  const user = mostCommon(members.map((d) => d.userPrincipalName ?? d.userId)) ?? 'an unknown user';
  const brute = members.find((d) => d.detector === 'brute-force');
  if (brute !== undefined) return `Brute force against ${user}${brute.ipAddress === undefined ? '' : ` from ${brute.ipAddress}`}${compromised.length > 0 ? ', then a sign-in' : ''}${then}`;
  if (members.some((d) => d.detector === 'mfa-fatigue')) return `MFA fatigue against ${user}${compromised.length > 0 ? ', then a sign-in' : ''}${then}`;
  const who = new Set(members.map(userOf)).size;
  const kinds = [...new Set(members.map((d) => PHRASES[d.detector]))].join(', ');
  return `${who > 1 ? `Suspicious activity of ${who} users` : `Suspicious activity of ${user}`}: ${kinds}${then}`;
}

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function detectionEntry(d: Detection): IncidentEntry {
  const who = d.userPrincipalName ?? d.userId;
  const outcome = typeof d.evidence.outcome === 'string' && d.evidence.outcome !== 'success' ? ' (did not get in)' : '';
  return {
    kind: 'detection',
    dateTime: d.detectedDateTime,
    summary: capitalised(`${PHRASES[d.detector]}${who === undefined ? '' : ` by ${who}`}${d.ipAddress === undefined ? '' : ` from ${d.ipAddress}${sharedNote(d)}`}${outcome}`),
    detector: d.detector,
    severity: d.severity,
    detectionId: d.id,
    ...(d.signInId !== undefined ? { signInId: d.signInId } : {}),
    ...(who !== undefined ? { userPrincipalName: who } : {}),
    ...(d.ipAddress !== undefined ? { ipAddress: d.ipAddress } : {}),
  };
}

/**
 * Detections and changes in time order. Failed attempts of one detector from
 * one IP in a row are one line with a count and how many users they aimed at.
 */
function timelineOf(members: readonly Detection[], changes: readonly FollowUp[]): IncidentEntry[] {
  const lines: IncidentEntry[] = [];
  let run: { d: Detection; n: number; users: Set<string>; last: string; severity: Severity } | undefined;
  const closeRun = (): void => {
    if (run === undefined) return;
    if (run.n === 1) lines.push(detectionEntry(run.d));
    else {
      const { d } = run;
      lines.push({
        kind: 'detections',
        dateTime: d.detectedDateTime,
        endDateTime: run.last,
        summary: `${plural(run.n, 'failed sign-in')} flagged as ${PHRASES[d.detector]}${d.ipAddress === undefined ? '' : ` from ${d.ipAddress}${sharedNote(d)}`}, aimed at ${plural(run.users.size, 'user')}`,
        detector: d.detector,
        severity: run.severity,
        count: run.n,
        users: run.users.size,
        ...(d.ipAddress !== undefined ? { ipAddress: d.ipAddress } : {}),
      });
    }
    run = undefined;
  };
  for (const d of members) {
    const attempt = ATTEMPT_DETECTORS.has(d.detector) && d.evidence.outcome !== 'success';
    if (attempt && run !== undefined && run.d.detector === d.detector && run.d.ipAddress === d.ipAddress) {
      run.n++;
      run.last = d.detectedDateTime;
      run.severity = maxSeverity([run.severity, d.severity]);
      const u = userOf(d);
      if (u !== undefined) run.users.add(u);
      continue;
    }
    closeRun();
    if (attempt) {
      const u = userOf(d);
      run = { d, n: 1, users: new Set(u === undefined ? [] : [u]), last: d.detectedDateTime, severity: d.severity };
    } else lines.push(detectionEntry(d));
  }
  closeRun();
  for (const c of changes) {
    const a = c.audit;
    // What was changed: a group or app the user touched says more than the user themselves.
    const named = a.targetResources.filter((t) => t.displayName !== undefined || t.userPrincipalName !== undefined);
    const target = named.find((t) => t.userPrincipalName?.toLowerCase() !== c.upn && t.type !== 'User') ?? named[0];
    const on = target === undefined ? '' : ` (${target.displayName ?? target.userPrincipalName ?? ''})`;
    lines.push({
      kind: 'directoryChange',
      dateTime: a.activityDateTime,
      summary: `${a.activityDisplayName}${on} by ${c.upn}${a.result === 'success' ? '' : `: ${a.result}`}; ${c.rule.words} after a suspicious sign-in`,
      userPrincipalName: a.initiatedBy.user?.userPrincipalName ?? c.upn,
      ...(a.initiatedBy.user?.ipAddress !== undefined ? { ipAddress: a.initiatedBy.user.ipAddress } : {}),
      auditId: a.id,
      activity: a.activityDisplayName,
      category: a.category,
      result: a.result,
      followUp: c.rule.kind,
    });
  }
  return lines.sort((a, b) => a.dateTime.localeCompare(b.dateTime));
}
