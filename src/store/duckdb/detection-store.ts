/** DetectionStore over DuckDB: idempotent by (tenant, detection id) with an anti-join (migration 004). */
import type { Detection } from '../../schema/detections.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { DetectionStore, IpSpanRow, ListDetectionsOptions, TimeRange } from '../ports.ts';
import type { DuckDb, Row } from './database.ts';
import { timestampFromIso } from './values.ts';

const COLUMNS =
  'tenant, id, detector, severity, time, signin_id, user_id, upn, ip, evidence, log_only, ignored_at, ignored_by, created_at, upn_given';

function detectionFromRow(row: Row): Detection {
  const d: Detection = {
    id: String(row.id),
    detector: row.detector as Detection['detector'],
    severity: row.severity as Detection['severity'],
    detectedDateTime: String(row.time),
    evidence: JSON.parse(String(row.evidence)) as Detection['evidence'],
    logOnly: row.log_only === true,
  };
  if (typeof row.signin_id === 'string') d.signInId = row.signin_id;
  if (typeof row.user_id === 'string') d.userId = row.user_id;
  const upn = typeof row.upn_given === 'string' ? row.upn_given : row.upn;
  if (typeof upn === 'string') d.userPrincipalName = upn;
  if (typeof row.ip === 'string') d.ipAddress = row.ip;
  return d;
}

export function createDetectionStore(db: DuckDb, now: () => Date = () => new Date()): DetectionStore {
  return {
    async appendDetections(tenant: TenantId, detections: readonly Detection[]): Promise<void> {
      if (detections.length === 0) return;
      const createdAt = timestampFromIso(now().toISOString());
      await db.transaction(async (conn) => {
        // Every time, not once: a CREATE inside a transaction that rolls back is undone with it.
        await conn.run('CREATE TEMP TABLE IF NOT EXISTS stage_detections AS SELECT * FROM main.detections LIMIT 0');
        await conn.run('DELETE FROM temp.main.stage_detections');
        const a = await conn.createAppender('stage_detections', 'main', 'temp');
        const str = (v: string | undefined): void => (v === undefined ? a.appendNull() : a.appendVarchar(v));
        try {
          for (const d of detections) {
            const upn = d.userPrincipalName?.toLowerCase();
            a.appendVarchar(tenant);
            a.appendVarchar(d.id);
            a.appendVarchar(d.detector);
            a.appendVarchar(d.severity);
            a.appendTimestamp(timestampFromIso(d.detectedDateTime));
            str(d.signInId);
            str(d.userId);
            str(upn);
            str(d.ipAddress);
            a.appendVarchar(JSON.stringify(d.evidence));
            a.appendBoolean(d.logOnly);
            a.appendNull();
            a.appendNull();
            a.appendTimestamp(createdAt);
            str(upn === d.userPrincipalName ? undefined : d.userPrincipalName);
            a.endRow();
          }
          a.flushSync();
        } finally {
          a.closeSync();
        }
        // DISTINCT ON keeps the first copy of an id repeated inside the batch.
        await conn.run(
          `INSERT INTO main.detections (${COLUMNS})
           SELECT DISTINCT ON (s.id) ${COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}
             FROM temp.main.stage_detections s
            WHERE NOT EXISTS (SELECT 1 FROM main.detections t WHERE t.tenant = $1 AND t.id = s.id)
            ORDER BY s.id, s.rowid`,
          [tenant],
        );
      });
    },

    async listDetections(tenant: TenantId, range: TimeRange, options: ListDetectionsOptions = {}): Promise<Detection[]> {
      const rows = await db.all<Row>(
        `SELECT ${COLUMNS} FROM detections
          WHERE tenant = $1 AND time >= $2::TIMESTAMP AND time < $3::TIMESTAMP${options.excludeIgnored === true ? ' AND ignored_at IS NULL' : ''}
          ORDER BY time, id`,
        [tenant, range.from, range.to],
      );
      return rows.map(detectionFromRow);
    },

    async ipSpansAllTenants(detector, reasons, since, limit): Promise<IpSpanRow[]> {
      if (reasons.length === 0 || limit <= 0) return [];
      const slots = reasons.map((_, i) => `$${i + 4}`).join(', ');
      const rows = await db.all<{ tenant: string; ip: string; first: string; last: string }>(
        `SELECT tenant, ip, min(time) AS first, max(time) AS last FROM detections
          WHERE detector = $1 AND time >= $2::TIMESTAMP AND NOT log_only AND ip IS NOT NULL
            AND json_extract_string(evidence, '$.reason') IN (${slots})
          GROUP BY tenant, ip ORDER BY last DESC, tenant, ip LIMIT $3`,
        [detector, since, limit, ...reasons],
      );
      return rows.map((r) => ({ tenant: String(r.tenant), ip: String(r.ip), first: String(r.first), last: String(r.last) }));
    },
  };
}
