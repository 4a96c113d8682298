/**
 * Every event kind but signIn -> a row of `events`: a few typed columns to
 * filter and group on, and the event itself as JSON in `doc` (which is what
 * getEvent returns, so the round trip is exact).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EnrichedEvent } from '../../schema/enrichment.ts';
import type { DirectoryAudit } from '../../schema/events.ts';

export type OtherEvent = Exclude<EnrichedEvent, { kind: 'signIn' }>;

/** The typed columns of `events` besides tenant, kind, id, time, doc, ingested_at. */
export interface EventColumns {
  readonly upn: string | null;
  readonly actor: string | null;
  readonly appName: string | null;
  readonly category: string | null;
  readonly activity: string | null;
  readonly result: string | null;
  readonly ip: string | null;
}

const lower = (v: string | undefined): string | null => (v === undefined ? null : v.toLowerCase());
const orNull = (v: string | undefined): string | null => v ?? null;

/** What each kind puts in the typed columns; reports filter on these. */
export function eventColumns(e: OtherEvent): EventColumns {
  switch (e.kind) {
    case 'directoryAudit': {
      const target = e.targetResources.find((t) => t.userPrincipalName !== undefined);
      const initiator = e.initiatedBy.user?.userPrincipalName ?? e.initiatedBy.app?.displayName;
      return {
        upn: lower(target?.userPrincipalName),
        actor: lower(initiator),
        appName: orNull(e.initiatedBy.app?.displayName),
        category: e.category,
        activity: e.activityDisplayName,
        result: e.result,
        ip: orNull(e.initiatedBy.user?.ipAddress),
      };
    }
    case 'appAccess':
      return {
        upn: lower(e.userPrincipalName),
        actor: null,
        appName: e.appDisplayName,
        category: null,
        activity: e.accessType,
        result: null,
        ip: orNull(e.ipAddress),
      };
    case 'provisioning':
      return {
        upn: lower(e.sourceUserPrincipalName),
        actor: null,
        appName: e.appDisplayName,
        category: null,
        activity: e.action,
        result: e.result,
        ip: null,
      };
    case 'passwordRollover':
      return { upn: null, actor: null, appName: e.appDisplayName, category: null, activity: null, result: e.status, ip: null };
    case 'rmsAccess':
      return {
        upn: lower(e.userPrincipalName),
        actor: null,
        appName: e.application,
        category: null,
        activity: e.action,
        result: null,
        ip: null,
      };
    case 'riskDetection':
      return {
        upn: lower(e.userPrincipalName),
        actor: null,
        appName: null,
        category: e.riskLevel,
        activity: e.riskEventType,
        result: e.riskState,
        ip: orNull(e.ipAddress),
      };
    case 'riskyUser':
      return {
        upn: lower(e.userPrincipalName),
        actor: null,
        appName: null,
        category: e.riskLevel,
        activity: null,
        result: e.riskState,
        ip: null,
      };
  }
}

/** Stores one of authlens's own admin actions in the tenant's audit log, inside the caller's transaction. */
export async function insertAudit(conn: DuckDBConnection, tenant: string, audit: DirectoryAudit, at: string): Promise<void> {
  const c = eventColumns(audit);
  await conn.run(
    `INSERT INTO events (tenant, kind, id, time, upn, actor, app_name, category, activity, result, ip, doc, ingested_at)
     VALUES ($1, 'directoryAudit', $2, CAST($3 AS TIMESTAMP), $4, $5, $6, $7, $8, $9, $10, $11, CAST($12 AS TIMESTAMP))`,
    [tenant, audit.id, audit.activityDateTime, c.upn, c.actor, c.appName, c.category, c.activity, c.result, c.ip, JSON.stringify(audit), at],
  );
}
