/**
 * D7 Users with anomalous sign-in activity: a per-user risk level aggregated
 * from the user's detections (D1-D6, D8, brute-force, mfa-fatigue) over an
 * interval, with the contributing detections. Pure: the caller passes the
 * interval's detections and the stored states (RiskyUserStore).
 *
 * Points: low 1, medium 2, high 4. Level: high when any contributing
 * detection is high or points >= 6; medium when points >= 2; low otherwise.
 * Detections on failed sign-ins from a suspicious IP (D4) or a listed IP
 * (D1, D5) do not contribute: the user was a target, not compromised.
 * An admin's dismissed / confirmedSafe / remediated clears what came before
 * it; confirmedCompromised is high until changed. Log-only detections never
 * contribute. A leak (D8) raises the level of a user with anomalous sign-ins
 * but does not list a user on its own: the D8 report lists leaks, this one
 * users whose sign-ins are anomalous (measured: leak-only users were 7 of 30
 * rows on the simulated month, all without any attack).
 */
import type { Detection, Severity } from '../../schema/detections.ts';
import type { RiskLevel, RiskState, RiskyUserRecord } from '../../schema/risk.ts';

export interface Contribution {
  readonly id: string;
  readonly detector: Detection['detector'];
  readonly severity: Severity;
  readonly detectedDateTime: string;
  readonly signInId?: string;
}

export interface RiskyUser {
  readonly userKey: string;
  readonly userPrincipalName: string;
  readonly riskLevel: RiskLevel;
  /** atRisk when the level is above none and no admin state covers it. */
  readonly riskState: RiskState | undefined;
  readonly riskLastUpdatedDateTime: string;
  readonly contributing: readonly Contribution[];
}

const POINTS: Record<Severity, number> = { low: 1, medium: 2, high: 4 };
const CLEARING: ReadonlySet<RiskState> = new Set(['dismissed', 'confirmedSafe', 'remediated']);

/** The user key detections and risky-user states share: directory id when known, else UPN; lower case. */
export function riskUserKey(d: Pick<Detection, 'userId' | 'userPrincipalName'>): string | undefined {
  return (d.userId ?? d.userPrincipalName)?.toLowerCase();
}

/** Whether a detection counts toward its user's risk (log-only, D7 itself and targets of an attack that failed do not). */
export function contributes(d: Detection): boolean {
  if (d.logOnly || d.detector === 'D7') return false;
  if ((d.detector === 'D4' || d.detector === 'D1' || d.detector === 'D5') && d.evidence.outcome !== undefined && d.evidence.outcome !== 'success') return false;
  return true;
}

/**
 * States re-keyed to the directory id of their user: a state recorded under
 * the UPN (its detections then had no user id) follows the user once the UPN
 * is known to be a directory user's; the later of two states wins.
 */
function statesByDirectoryId(states: ReadonlyMap<string, RiskyUserRecord>, idByUpn: ReadonlyMap<string, string>): ReadonlyMap<string, RiskyUserRecord> {
  if (idByUpn.size === 0) return states;
  const out = new Map<string, RiskyUserRecord>();
  for (const [key, s] of states) {
    const target = idByUpn.get(key) ?? key;
    const there = out.get(target);
    if (there === undefined || there.stateAt < s.stateAt) out.set(target, s);
  }
  return out;
}

/**
 * `idByUpn` (lower-case UPN -> lower-case directory id) joins a user's
 * detections that carry only the UPN (sources without a user id: native
 * records, other IdPs) to the ones that carry the directory id (Entra
 * sign-ins, D8 leak matches), so one person is one risky user with one state.
 */
export function aggregateRiskyUsers(
  detections: readonly Detection[],
  recorded: ReadonlyMap<string, RiskyUserRecord> = new Map(),
  idByUpn: ReadonlyMap<string, string> = new Map(),
): RiskyUser[] {
  const states = statesByDirectoryId(recorded, idByUpn);
  const byUser = new Map<string, { upn: string; list: Detection[] }>();
  for (const d of detections) {
    const own = riskUserKey(d);
    const key = d.userId === undefined && own !== undefined ? (idByUpn.get(own) ?? own) : own;
    if (key === undefined || !contributes(d)) continue;
    const state = states.get(key);
    if (state !== undefined && CLEARING.has(state.state) && d.detectedDateTime <= state.stateAt) continue;
    let u = byUser.get(key);
    if (u === undefined) byUser.set(key, (u = { upn: d.userPrincipalName ?? key, list: [] }));
    u.list.push(d);
  }
  for (const [key, s] of states) {
    if (s.state === 'confirmedCompromised' && !byUser.has(key)) byUser.set(key, { upn: s.userPrincipalName, list: [] });
  }
  const out: RiskyUser[] = [];
  for (const [key, u] of byUser) {
    const state = states.get(key);
    if (state?.state !== 'confirmedCompromised' && !u.list.some((d) => d.signInId !== undefined)) continue;
    const points = u.list.reduce((n, d) => n + POINTS[d.severity], 0);
    let level: RiskLevel = u.list.length === 0 ? 'none' : u.list.some((d) => d.severity === 'high') || points >= 6 ? 'high' : points >= 2 ? 'medium' : 'low';
    if (state?.state === 'confirmedCompromised') level = 'high';
    const sorted = [...u.list].sort((a, b) => a.detectedDateTime.localeCompare(b.detectedDateTime));
    const last = sorted.at(-1)?.detectedDateTime ?? state?.stateAt ?? '';
    const riskState: RiskState | undefined = state !== undefined && (state.state === 'confirmedCompromised' || !CLEARING.has(state.state) || level === 'none') ? state.state : level === 'none' ? undefined : 'atRisk';
    out.push({
      userKey: key,
      userPrincipalName: u.upn,
      riskLevel: level,
      riskState,
      riskLastUpdatedDateTime: state !== undefined && state.stateAt > last ? state.stateAt : last,
      contributing: sorted.map((d) => {
        const c: Contribution = { id: d.id, detector: d.detector, severity: d.severity, detectedDateTime: d.detectedDateTime };
        return d.signInId === undefined ? c : { ...c, signInId: d.signInId };
      }),
    });
  }
  const rank: Record<RiskLevel, number> = { high: 3, medium: 2, low: 1, none: 0 };
  return out.sort((a, b) => rank[b.riskLevel] - rank[a.riskLevel] || a.userPrincipalName.localeCompare(b.userPrincipalName));
}

