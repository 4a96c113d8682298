/**
 * Ignore (SPEC 5) and suppressions (SPEC 4): who may, what is checked, and the
 * record each leaves in the tenant's own audit log (category 'authlens').
 */
import { randomUUID } from 'node:crypto';
import { formatCidr, parseCidr } from '../schema/cidr.ts';
import { DETECTOR_IDS } from '../schema/detections.ts';
import type { DirectoryAudit } from '../schema/events.ts';
import type { IncidentStatusChange } from '../schema/incidents.ts';
import type { RiskState, RiskStateChange } from '../schema/risk.ts';
import { parseIp } from '../schema/ip.ts';
import { REPORT_DETECTORS, type Suppression, type SuppressionKind } from '../schema/reports.ts';
import type { DirectorySnapshot } from '../schema/directory.ts';
import type { ControlStore, ReportQueries } from '../store/ports.ts';
import { findReport } from './catalog.ts';
import { lockedMessage, REPORTING_NOT_ENABLED, reportAvailable, reportingEnabled } from './editions.ts';
import type { ReportFailure, ReportResult } from './service.ts';

/** The audit category of authlens's own admin actions in a tenant's audit log. */
export const AUTHLENS_AUDIT_CATEGORY = 'authlens';

export interface AdminActionDeps {
  readonly queries: ReportQueries;
  readonly control: Pick<ControlStore, 'getTenant' | 'getDirectory'>;
  /** "Licensed global admin" check of src/directory/global-admin.ts. */
  readonly isLicensedGlobalAdminIn: (dir: Pick<DirectorySnapshot, 'users' | 'roles'>, upn: string) => boolean;
  readonly now?: () => Date;
}

/** Who acts: the portal user's UPN, or the UPN an API-key caller names; `via` says through what. */
export interface Actor {
  readonly upn: string;
  readonly via: string;
}

export type AdminFailure = ReportFailure | { readonly ok: false; readonly code: 'forbidden'; readonly message: string };

export function adminAudit(opts: {
  at: string;
  actor: Actor;
  activity: string;
  operationType: string;
  targets: DirectoryAudit['targetResources'];
  details: Record<string, string | undefined>;
}): DirectoryAudit {
  return {
    kind: 'directoryAudit',
    id: `authlens-${randomUUID()}`,
    activityDateTime: opts.at,
    category: AUTHLENS_AUDIT_CATEGORY,
    activityDisplayName: opts.activity,
    operationType: opts.operationType,
    result: 'success',
    loggedByService: 'authlens',
    initiatedBy: { user: { userPrincipalName: opts.actor.upn } },
    targetResources: opts.targets,
    additionalDetails: [
      ...Object.entries(opts.details).flatMap(([key, value]) => (value === undefined ? [] : [{ key, value }])),
      { key: 'via', value: opts.actor.via },
    ],
    source: 'authlens',
  };
}

/** Entra's words for a risky user's state changes in an audit log. */
const RISK_STATE_ACTIVITIES: Readonly<Record<RiskState, string>> = {
  confirmedCompromised: 'Confirm user compromised',
  dismissed: 'Dismiss user risk',
  remediated: 'Remediate user risk',
  confirmedSafe: 'Confirm user safe',
  atRisk: 'Set user at risk',
};

/** The audit record of a risky user's state change (SPEC 4 states), for the tenant's own audit log. */
export function riskStateAudit(change: RiskStateChange, actor: Actor): DirectoryAudit {
  return adminAudit({
    at: change.at,
    actor,
    activity: RISK_STATE_ACTIVITIES[change.to],
    operationType: 'Update',
    targets: [{ id: change.userKey, userPrincipalName: change.userPrincipalName, type: 'User' }],
    details: { from: change.from, to: change.to, reason: change.reason },
  });
}

/** The audit record of an incident's status change, for the tenant's own audit log. */
export function incidentStatusAudit(change: IncidentStatusChange, title: string, actor: Actor): DirectoryAudit {
  return adminAudit({
    at: change.at,
    actor,
    activity: 'Change incident status',
    operationType: 'Update',
    targets: [{ id: change.incidentId, displayName: title, type: 'Incident' }],
    details: { from: change.from, to: change.to, reason: change.reason },
  });
}

export interface SuppressionInput {
  readonly kind: SuppressionKind;
  readonly value: string;
}

/** Normalises a suppression's value so matching is exact; undefined with the reason when it is not valid for its kind. */
export function normaliseSuppressionValue(kind: SuppressionKind, raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  const v = raw.trim();
  switch (kind) {
    case 'user':
      return v !== '' && !/\s/.test(v) ? { ok: true, value: v.toLowerCase() } : { ok: false, reason: 'a user suppression takes a UPN' };
    case 'ip': {
      const ip = parseIp(v);
      return ip !== undefined ? { ok: true, value: ip.canonical } : { ok: false, reason: 'not an IPv4 or IPv6 address' };
    }
    case 'cidr': {
      const c = parseCidr(v);
      return c !== undefined ? { ok: true, value: formatCidr(c) } : { ok: false, reason: 'not a CIDR such as 203.0.113.0/24 or 2001:db8::/32' };
    }
    case 'asn': {
      const m = /^(?:AS)?(\d{1,10})$/i.exec(v);
      const n = m?.[1] === undefined ? NaN : Number(m[1]);
      return Number.isInteger(n) && n <= 4294967295 ? { ok: true, value: String(n) } : { ok: false, reason: 'an ASN is a number such as 64496 or AS64496' };
    }
    case 'country':
      return /^[A-Za-z]{2}$/.test(v) ? { ok: true, value: v.toUpperCase() } : { ok: false, reason: 'a country is an ISO 3166-1 alpha-2 code such as DE' };
    case 'detector':
      return (DETECTOR_IDS as readonly string[]).includes(v) ? { ok: true, value: v } : { ok: false, reason: `a detector is one of ${DETECTOR_IDS.join(', ')}` };
  }
}

export function createAdminActions(deps: AdminActionDeps) {
  const now = deps.now ?? (() => new Date());

  async function gate(tenantId: string): Promise<ReportResult<object>> {
    const tenant = await deps.control.getTenant(tenantId);
    if (tenant === undefined) return { ok: false, code: 'notFound', message: `tenant '${tenantId}' not found` };
    if (!reportingEnabled(tenant)) return { ok: false, code: 'reportingNotEnabled', message: REPORTING_NOT_ENABLED };
    return { ok: true };
  }

  return {
    /**
     * Ignores detections shown in an anomaly report: each disappears from it for
     * good, stays stored (flagged) and is audited. Only licensed global admins.
     */
    async ignore(req: {
      tenant: string;
      report: string;
      detectionIds: readonly string[];
      actor: Actor;
    }): Promise<
      | { ok: true; ignored: string[]; skipped: { id: string; reason: 'notFound' | 'notInReport' | 'alreadyIgnored' }[] }
      | AdminFailure
    > {
      const g = await gate(req.tenant);
      if (!g.ok) return g;
      const def = findReport(req.report);
      const detectors = REPORT_DETECTORS[def?.id ?? 'audit'];
      if (def === undefined || detectors === undefined) {
        return { ok: false, code: 'notFound', message: `'${req.report}' is not an anomaly report; only their events can be ignored` };
      }
      const tenant = await deps.control.getTenant(req.tenant);
      if (tenant !== undefined) {
        const avail = reportAvailable(tenant, def);
        if (!avail.ok) return { ok: false, code: 'editionRequired', message: lockedMessage(def, avail.needs), needs: avail.needs };
      }
      const dir = await deps.control.getDirectory(req.tenant);
      if (!deps.isLicensedGlobalAdminIn(dir, req.actor.upn)) {
        return { ok: false, code: 'forbidden', message: `only licensed global admins can ignore events; ${req.actor.upn} is not one in this directory` };
      }
      const ignored: string[] = [];
      const skipped: { id: string; reason: 'notFound' | 'notInReport' | 'alreadyIgnored' }[] = [];
      for (const id of new Set(req.detectionIds)) {
        const flags = await deps.queries.getDetectionFlags(req.tenant, id);
        if (flags === undefined) skipped.push({ id, reason: 'notFound' });
        else if (!detectors.includes(flags.detector)) skipped.push({ id, reason: 'notInReport' });
        else if (flags.ignoredAt !== undefined) skipped.push({ id, reason: 'alreadyIgnored' });
        else {
          const at = now().toISOString();
          const audit = adminAudit({
            at,
            actor: req.actor,
            activity: 'Ignore event in report',
            operationType: 'Update',
            targets: [{ id, displayName: `detection ${id} (${flags.detector})`, type: 'Detection' }],
            details: { report: def.id, detector: flags.detector },
          });
          if (await deps.queries.ignoreDetection(req.tenant, id, req.actor.upn, at, audit)) ignored.push(id);
          else skipped.push({ id, reason: 'alreadyIgnored' });
        }
      }
      return { ok: true, ignored, skipped };
    },

    /** Adds one suppression per item (bulk: many rows at once), each audited. */
    async suppress(req: {
      tenant: string;
      items: readonly SuppressionInput[];
      reason: string;
      expiresAt?: string;
      actor: Actor;
    }): Promise<{ ok: true; created: Suppression[] } | AdminFailure> {
      const g = await gate(req.tenant);
      if (!g.ok) return g;
      const at = now();
      if (req.reason.trim() === '') return { ok: false, code: 'invalidRequest', message: 'a suppression needs a reason', field: 'reason' };
      let expiresAt: string | undefined;
      if (req.expiresAt !== undefined) {
        const ms = Date.parse(req.expiresAt);
        if (Number.isNaN(ms)) return { ok: false, code: 'invalidRequest', message: 'expiresAt must be an ISO 8601 time', field: 'expiresAt' };
        if (ms <= at.getTime()) return { ok: false, code: 'invalidRequest', message: 'expiresAt must be in the future', field: 'expiresAt' };
        expiresAt = new Date(ms).toISOString();
      }
      const normalised: SuppressionInput[] = [];
      for (const [i, item] of req.items.entries()) {
        const n = normaliseSuppressionValue(item.kind, item.value);
        if (!n.ok) return { ok: false, code: 'invalidRequest', message: `items/${i}: ${n.reason}`, field: `/items/${i}/value` };
        normalised.push({ kind: item.kind, value: n.value });
      }
      const created: Suppression[] = [];
      for (const item of normalised) {
        const s: Suppression = {
          id: randomUUID(),
          kind: item.kind,
          value: item.value,
          reason: req.reason.trim(),
          createdAt: at.toISOString(),
          createdBy: req.actor.upn,
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        };
        const audit = adminAudit({
          at: s.createdAt,
          actor: req.actor,
          activity: 'Add suppression',
          operationType: 'Add',
          targets: [{ id: s.id, displayName: `${s.kind} ${s.value}`, type: 'Suppression' }],
          details: { kind: s.kind, value: s.value, reason: s.reason, expiresAt },
        });
        await deps.queries.addSuppression(req.tenant, s, audit);
        created.push(s);
      }
      return { ok: true, created };
    },

    async list(tenant: string): Promise<{ ok: true; suppressions: Suppression[] } | AdminFailure> {
      const g = await gate(tenant);
      if (!g.ok) return g;
      return { ok: true, suppressions: await deps.queries.listSuppressions(tenant) };
    },

    /** Undo: the suppression stops hiding anything; the row and its audit trail stay. */
    async unsuppress(req: { tenant: string; id: string; actor: Actor }): Promise<{ ok: true } | AdminFailure> {
      const g = await gate(req.tenant);
      if (!g.ok) return g;
      const at = now().toISOString();
      const audit = adminAudit({
        at,
        actor: req.actor,
        activity: 'Remove suppression',
        operationType: 'Delete',
        targets: [{ id: req.id, type: 'Suppression' }],
        details: {},
      });
      const done = await deps.queries.removeSuppression(req.tenant, req.id, req.actor.upn, at, audit);
      return done ? { ok: true } : { ok: false, code: 'notFound', message: `no active suppression '${req.id}'` };
    },
  };
}

export type AdminActions = ReturnType<typeof createAdminActions>;
