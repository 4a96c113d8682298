/**
 * A Log Analytics CSV export row (SigninLogs, AuditLogs and the AAD* sign-in
 * and risk tables) turned into the Graph-shaped object the Graph mapping reads,
 * plus the way back from a Graph field to the row's column for rejections.
 */
import type { EventKind } from '../../schema/events.ts';
import type { CsvRow } from '../raw-record.ts';

/** Log Analytics table (`Type` column) -> event kind. */
export const CSV_TABLE_KINDS: Readonly<Record<string, { kind: EventKind; interactive?: boolean }>> = {
  SigninLogs: { kind: 'signIn', interactive: true },
  AADNonInteractiveUserSignInLogs: { kind: 'signIn', interactive: false },
  AADServicePrincipalSignInLogs: { kind: 'signIn', interactive: false },
  AADManagedIdentitySignInLogs: { kind: 'signIn', interactive: false },
  AuditLogs: { kind: 'directoryAudit' },
  AADRiskyUsers: { kind: 'riskyUser' },
  AADUserRiskEvents: { kind: 'riskDetection' },
};

/** Columns whose Graph name is not the column name with a lower-case first letter. */
const RENAMES: Readonly<Record<string, string>> = {
  IPAddress: 'ipAddress',
  ResourceIdentity: 'resourceId',
  // The Azure resource path and region of the log, not Graph's resourceId / location.
  ResourceId: 'azureResourceId',
  Location: 'azureRegion',
  LocationDetails: 'location',
  AADOperationType: 'operationType',
  AADTenantId: 'aadTenantId',
};

export interface CsvAsGraph {
  readonly record: Readonly<Record<string, unknown>>;
  /** Graph top-level field -> the column it came from. */
  readonly columnOf: Readonly<Record<string, string>>;
}

function graphName(column: string): string {
  const base = column.replace(/\s*\[UTC\]$/i, '').replace(/_(dynamic|string)$/, '');
  return RENAMES[base] ?? base.charAt(0).toLowerCase() + base.slice(1);
}

/** Graph-shaped view of a row: JSON cells stay strings here, the readers in graph-values parse them. */
export function csvRowAsGraph(row: CsvRow): CsvAsGraph {
  const record: Record<string, unknown> = {};
  const columnOf: Record<string, string> = {};
  for (const [column, cell] of Object.entries(row)) {
    const name = graphName(column);
    // Exports carry both X_dynamic and X_string; keep whichever is filled, preferring the first seen.
    if (cell === '' && name in record) continue;
    if (name in record && record[name] !== '') continue;
    record[name] = cell;
    columnOf[name] = column;
  }
  return { record, columnOf };
}

/** Maps a rejection path in Graph terms ("/status/errorCode") to the CSV column ("/Status_dynamic/errorCode"). */
export function csvPath(path: string, columnOf: Readonly<Record<string, string>>): string {
  const m = /^\/([^/]+)(.*)$/.exec(path);
  if (m === null) return path;
  const col = columnOf[m[1] ?? ''];
  return col === undefined ? path : `/${col}${m[2] ?? ''}`;
}
