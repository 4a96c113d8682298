/**
 * The reports' queries over the embedded store (ReportQueries of ports.ts):
 * paging, streaming and Parquet export of every report, Ignore, suppressions
 * and the retention purge. The SQL itself is in report-queries-sql.ts.
 */
import { randomUUID } from 'node:crypto';
import type { ReportRow, Suppression, SuppressionKind } from '../../schema/reports.ts';
import type { PurgeCounts, ReportQueries, ReportQuerySpec } from '../ports.ts';
import type { DuckDb } from './database.ts';
import { insertAudit } from './event-rows.ts';
import { cidrContains, parseCidr } from '../../schema/cidr.ts';
import { usageRollupsFor, warmReportRollups } from './report-rollups.ts';
import { csvLineSql } from './report-queries-csv.ts';
import {
  buildReportSql,
  dashboardUnit,
  USAGE_ROLLUP_REPORTS,
  USER_ROLLUP_REPORTS,
  FILL_FLAGGED_SQL,
  NEW_FLAGGED_SQL,
  NO_SUPPRESSIONS,
  REPORT_DETECTORS,
  type BuiltReportSql,
  type SuppressionSets,
  type UsageRollupPlan,
} from './report-queries-sql.ts';
import type { PlainValue } from './values.ts';

const ANOMALY_REPORTS = new Set(Object.keys(REPORT_DETECTORS));
/** The window column page() adds to reports counted in the same run (BuiltReportSql.countInPage). */
const TOTAL_COLUMN = '__authlens_total';

function cell(v: PlainValue | undefined): ReportRow[string] {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(v);
}

function toReportRow(r: Record<string, PlainValue>): ReportRow {
  const out: ReportRow = {};
  for (const [k, v] of Object.entries(r)) out[k] = cell(v);
  return out;
}

/** DuckDB refuses bound parameters that the statement does not use. */
function usedParams(sql: string, params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (new RegExp(`\\$${k}\\b`).test(sql)) out[k] = v;
  return out;
}

interface SuppressionRow {
  id: string;
  kind: string;
  value: string;
  reason: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  removed_at: string | null;
  removed_by: string | null;
}

function fromRow(r: SuppressionRow): Suppression {
  const s: Suppression = {
    id: r.id,
    kind: r.kind as SuppressionKind,
    value: r.value,
    reason: r.reason,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
  if (r.expires_at !== null) s.expiresAt = r.expires_at;
  if (r.removed_at !== null) s.removedAt = r.removed_at;
  if (r.removed_by !== null) s.removedBy = r.removed_by;
  return s;
}

export function createReportQueries(db: DuckDb): ReportQueries {
  const rollups = usageRollupsFor(db);

  async function activeSuppressions(tenant: string, spec: ReportQuerySpec): Promise<SuppressionSets> {
    if (!ANOMALY_REPORTS.has(spec.report)) return NO_SUPPRESSIONS;
    const rows = await db.all<{ kind: string; value: string }>(
      `SELECT kind, value FROM report_suppressions
       WHERE tenant = $tenant AND removed_at IS NULL AND (expires_at IS NULL OR expires_at > CAST($now AS TIMESTAMP))`,
      { tenant, now: spec.now },
    );
    if (rows.length === 0) return NO_SUPPRESSIONS;
    const pick = (k: SuppressionKind): string[] => rows.filter((r) => r.kind === k).map((r) => r.value);
    const ips = pick('ip');
    const cidrs = pick('cidr').flatMap((c) => parseCidr(c) ?? []);
    if (cidrs.length > 0) {
      // Detections of a range are few next to sign-ins: resolve the CIDRs to the IPs actually flagged.
      const flagged = await db.all<{ ip: string }>(
        `SELECT DISTINCT d.ip FROM detections d WHERE d.tenant = $tenant AND d.ip IS NOT NULL
           AND d.time >= CAST($from AS TIMESTAMP) AND d.time < CAST($to AS TIMESTAMP)`,
        { tenant, from: spec.range.from, to: spec.range.to },
      );
      for (const { ip } of flagged) if (cidrs.some((c) => cidrContains(c, ip))) ips.push(ip);
    }
    return {
      users: pick('user'),
      ips,
      asns: pick('asn').map(Number).filter(Number.isInteger),
      countries: pick('country'),
      detectors: pick('detector'),
    };
  }

  /** Brings report_flagged_signins up to date with the tenant's detections (see migration 021). */
  async function fillFlagged(tenant: string): Promise<void> {
    const fresh = await db.one<{ n: number; lo: string | null; hi: string | null }>(NEW_FLAGGED_SQL, { tenant });
    if (fresh === undefined || fresh.n === 0 || fresh.lo === null || fresh.hi === null) return;
    const { lo, hi } = fresh;
    await db.transaction(async (conn) => {
      await conn.run(FILL_FLAGGED_SQL, { tenant, lo, hi });
    });
  }

  /**
   * Resolves an app filter to the stored names it matches. The per-user rollup
   * has no app id: when the filter is the id of an app with another name, the
   * run reads the raw tables (undefined) so the answer stays exact.
   */
  async function withAppNames(tenant: string, spec: ReportQuerySpec, plan: UsageRollupPlan | undefined): Promise<UsageRollupPlan | undefined> {
    const app = spec.filters.app ?? '';
    if (plan === undefined || app === '') return plan;
    const rows = await db.all<{ app: string | null; by_id: boolean }>(
      `SELECT DISTINCT app, lower(coalesce(app, '')) <> lower($app) AS by_id FROM report_usage_app_days
       WHERE tenant = $tenant AND day >= CAST($lo AS DATE) AND day < CAST($hi AS DATE) AND (lower(app) = lower($app) OR app_id = $app)`,
      { tenant, app, lo: plan.leftDay ?? plan.fullFrom, hi: plan.fullTo },
    );
    if (rows.some((r) => r.by_id)) return undefined;
    return { ...plan, appNames: rows.flatMap((r) => (r.app === null ? [] : [r.app])) };
  }

  async function built(tenant: string, spec: ReportQuerySpec): Promise<BuiltReportSql> {
    if (ANOMALY_REPORTS.has(spec.report)) await fillFlagged(tenant);
    // Usage reports read closed days from the rollups (migration 022); the hourly dashboard has no use for them.
    const rolled =
      USER_ROLLUP_REPORTS.has(spec.report) ||
      (USAGE_ROLLUP_REPORTS.has(spec.report) && !(spec.report === 'application-dashboard' && dashboardUnit(spec.range) === 'hour'));
    const days = rolled ? await rollups.plan(tenant, spec.range, spec.now) : undefined;
    // RMS filters by application name only, and the per-user sign-ins keep the app id; the usage reports' app filter also takes ids.
    const plan = spec.report.startsWith('rms-') || USER_ROLLUP_REPORTS.has(spec.report) ? days : await withAppNames(tenant, spec, days);
    return buildReportSql(tenant, spec, await activeSuppressions(tenant, spec), plan);
  }

  return {
    async page(tenant, spec, window) {
      const q = await built(tenant, spec);
      const params = usedParams(q.sql, q.params);
      const limit = Math.max(0, Math.trunc(window.limit));
      const offset = Math.max(0, Math.trunc(window.offset));
      // Only the total (the download's trailer): one count, no row fetched first.
      if (limit === 0) return { rows: [], total: Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM (${q.sql})`, params))?.n ?? 0) };
      // One row beyond the page tells whether the page is the whole report, sparing the count of a report exactly one page long.
      const slice = `LIMIT ${limit + 1} OFFSET ${offset}`;
      // An aggregate counted in the same run: the total rides on every row (and is taken off it).
      const counted = q.keyed === undefined && q.countInPage === true;
      const fetched = await db.all<Record<string, PlainValue>>(
        q.keyed !== undefined
          ? q.keyed(slice)
          : `SELECT *${counted ? `, count(*) OVER () AS ${TOTAL_COLUMN}` : ''} FROM (${q.sql}) ORDER BY ${q.order} ${slice}`,
        params,
      );
      const rows = fetched.slice(0, limit);
      const inline = counted ? fetched[0]?.[TOTAL_COLUMN] : undefined;
      if (counted) for (const r of fetched) delete r[TOTAL_COLUMN];
      const total =
        offset === 0 && fetched.length <= limit
          ? rows.length
          : inline !== undefined && inline !== null
            ? Number(inline)
            : Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM (${q.sql})`, params))?.n ?? 0);
      return { rows: rows.map(toReportRow), total };
    },

    async *stream(tenant, spec, limit) {
      const q = await built(tenant, spec);
      const cap = limit === undefined ? '' : `LIMIT ${Math.max(0, Math.trunc(limit))}`;
      const sql = cap !== '' && q.keyed !== undefined ? q.keyed(cap) : `SELECT * FROM (${q.sql}) ORDER BY ${q.order} ${cap}`;
      for await (const batch of db.stream<Record<string, PlainValue>>(sql, usedParams(q.sql, q.params))) {
        yield batch.map(toReportRow);
      }
    },

    async csvText(tenant, spec, columns, limit) {
      const q = await built(tenant, spec);
      const params = usedParams(q.sql, q.params);
      const cap = limit === undefined ? '' : `LIMIT ${Math.max(0, Math.trunc(limit))}`;
      const ordered = cap !== '' && q.keyed !== undefined ? q.keyed(cap) : `SELECT * FROM (${q.sql}) ORDER BY ${q.order} ${cap}`;
      const sql = await csvLineSql(db, ordered, params, columns);
      if (sql === undefined) return undefined;
      return (async function* lines(): AsyncIterable<string> {
        for await (const batch of db.stream<{ line: string }>(sql, params, { batchRows: 8192 })) {
          let text = '';
          for (const r of batch) text += r.line;
          yield text;
        }
      })();
    },

    async warm(tenant, now) {
      await fillFlagged(tenant);
      await warmReportRollups(db, tenant, now);
    },

    async exportParquet(tenant, spec, file) {
      const q = await built(tenant, spec);
      const params = usedParams(q.sql, q.params);
      // COPY takes no bound parameters: materialise the rows into a temp table first, then copy it.
      const table = `report_export_${randomUUID().replaceAll('-', '')}`;
      return db.transaction(async (conn) => {
        const bound: Record<string, string> = params;
        await conn.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM (${q.sql}) ORDER BY ${q.order}`, bound);
        try {
          const quoted = `'${file.replaceAll("'", "''")}'`;
          const res = await conn.run(`COPY (SELECT * FROM ${table}) TO ${quoted} (FORMAT parquet)`);
          return res.rowsChanged;
        } finally {
          await conn.run(`DROP TABLE ${table}`);
        }
      });
    },

    async getDetectionFlags(tenant, detectionId) {
      const r = await db.one<{ detector: string; ignored_at: string | null }>(
        'SELECT detector, ignored_at FROM detections WHERE tenant = $1 AND id = $2',
        [tenant, detectionId],
      );
      if (r === undefined) return undefined;
      return r.ignored_at === null ? { detector: r.detector } : { detector: r.detector, ignoredAt: r.ignored_at };
    },

    async ignoreDetection(tenant, detectionId, by, at, audit) {
      return db.transaction(async (conn) => {
        const res = await conn.run(
          `UPDATE detections SET ignored_at = CAST($3 AS TIMESTAMP), ignored_by = $4
           WHERE tenant = $1 AND id = $2 AND ignored_at IS NULL`,
          [tenant, detectionId, at, by],
        );
        if (res.rowsChanged === 0) return false;
        await insertAudit(conn, tenant, audit, at);
        return true;
      });
    },

    async addSuppression(tenant, s, audit) {
      await db.transaction(async (conn) => {
        await conn.run(
          `INSERT INTO report_suppressions (tenant, id, kind, value, reason, created_at, created_by, expires_at)
           VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMP), $7, CAST($8 AS TIMESTAMP))`,
          [tenant, s.id, s.kind, s.value, s.reason, s.createdAt, s.createdBy, s.expiresAt ?? null],
        );
        await insertAudit(conn, tenant, audit, s.createdAt);
      });
    },

    async listSuppressions(tenant) {
      const rows = await db.all<SuppressionRow>(
        `SELECT id, kind, value, reason, created_at, created_by, expires_at, removed_at, removed_by
         FROM report_suppressions WHERE tenant = $1 ORDER BY created_at DESC, id`,
        [tenant],
      );
      return rows.map(fromRow);
    },

    async removeSuppression(tenant, id, by, at, audit) {
      return db.transaction(async (conn) => {
        const res = await conn.run(
          `UPDATE report_suppressions SET removed_at = CAST($3 AS TIMESTAMP), removed_by = $4
           WHERE tenant = $1 AND id = $2 AND removed_at IS NULL`,
          [tenant, id, at, by],
        );
        if (res.rowsChanged === 0) return false;
        await insertAudit(conn, tenant, audit, at);
        return true;
      });
    },

    async purgeBefore(tenant, before): Promise<PurgeCounts> {
      return db.transaction(async (conn) => {
        const del = async (table: string): Promise<number> =>
          (await conn.run(`DELETE FROM ${table} WHERE tenant = $1 AND time < CAST($2 AS TIMESTAMP)`, [tenant, before]))
            .rowsChanged;
        await conn.run('DELETE FROM report_flagged_signins WHERE tenant = $1 AND d_time < CAST($2 AS TIMESTAMP)', [tenant, before]);
        await rollups.purge(conn, tenant, before);
        return { signins: await del('signins'), events: await del('events'), detections: await del('detections') };
      });
    },
  };
}
