/**
 * SQL of the application usage rollups (migration 022): building one set of
 * closed UTC days from the raw tables, and the three usage reports answered
 * from the rollups plus the raw rows of the range's partial edges.
 *
 * The raw "usage stream" here must stay row-for-row the one of
 * report-queries-sql.ts (usageStream); report-rollups.test.ts compares both.
 */

/** A UTC day as 'YYYY-MM-DD'. */
export type Day = string;

const DAY_MS = 86_400_000;

export function dayOf(iso: string): Day {
  return new Date(Date.parse(iso)).toISOString().slice(0, 10);
}
export function epochDay(day: Day): number {
  return Math.floor(Date.parse(`${day}T00:00:00.000Z`) / DAY_MS);
}
export function dayFromEpoch(n: number): Day {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}
export function dayStart(day: Day): string {
  return `${day}T00:00:00.000Z`;
}

/** Days of a block: block b holds epoch days [64b, 64b+64). */
export const BLOCK_DAYS = 64;

/** Blocks and bit masks covering a set of epoch days. */
export function blockMasks(epochDays: readonly number[]): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const d of epochDays) {
    const b = Math.floor(d / BLOCK_DAYS);
    out.set(b, (out.get(b) ?? 0n) | (1n << BigInt(d - b * BLOCK_DAYS)));
  }
  return out;
}

/** The raw usage rows of [$lo, $hi): successful sign-ins and app-access records. */
export function rawUsage(lo: string, hi: string): string {
  return `SELECT s.app_name AS app, s.app_id, s.upn, s.time, 1 AS sgn, 0 AS clk, 0 AS sso
    FROM signins s WHERE s.tenant = $tenant AND s.time >= CAST($${lo} AS TIMESTAMP) AND s.time < CAST($${hi} AS TIMESTAMP)
      AND s.outcome = 'success' AND s.app_name IS NOT NULL
    UNION ALL
    SELECT e.app_name, e.doc->>'$.appId', e.upn, e.time, CAST(0 AS INTEGER), CAST(e.activity = 'accessPanel' AS INTEGER), CAST(e.activity = 'sso' AS INTEGER)
    FROM events e WHERE e.tenant = $tenant AND e.kind = 'appAccess' AND e.time >= CAST($${lo} AS TIMESTAMP) AND e.time < CAST($${hi} AS TIMESTAMP)`;
}

/** The raw RMS rows of [$lo, $hi) with the typed values the RMS reports group on (report-queries-sql.ts rms). */
export function rawRms(lo: string, hi: string): string {
  return `SELECT e.time, e.upn, e.app_name AS app, e.activity AS action, e.doc->>'$.deviceId' AS device_id,
      e.doc->>'$.devicePlatform' AS device_platform, coalesce(e.doc->>'$.documentId', e.doc->>'$.documentName') AS doc_key
    FROM events e WHERE e.tenant = $tenant AND e.kind = 'rmsAccess' AND e.time >= CAST($${lo} AS TIMESTAMP) AND e.time < CAST($${hi} AS TIMESTAMP)`;
}

/**
 * rms-usage's answer per day (migration 025) from RMS rollup rows (`source`: a
 * FROM target with its WHERE): once over every application and once per
 * lower-cased application name, with the raw report's casts and NULL handling
 * (count(DISTINCT) skips NULLs as the raw report's `IS NOT NULL` does).
 */
export function rmsDayStats(source: string): string {
  const action = (a: string): string => `CAST(coalesce(sum(n) FILTER (WHERE action = '${a}'), 0) AS INTEGER)`;
  return `SELECT tenant, day, every_app, app_l, CAST(sum(n) AS INTEGER), CAST(count(DISTINCT upn) AS INTEGER),
      CAST(count(DISTINCT doc_key) AS INTEGER), CAST(count(DISTINCT device_id) AS INTEGER),
      ${action('view')}, ${action('edit')}, ${action('print')}, ${action('protect')}
    FROM (
      SELECT tenant, day, TRUE AS every_app, NULL AS app_l, upn, doc_key, device_id, action, n FROM ${source}
      UNION ALL
      SELECT tenant, day, FALSE, lower(app), upn, doc_key, device_id, action, n FROM ${source} AND app IS NOT NULL
    )
    GROUP BY tenant, day, every_app, app_l`;
}

/** Every sign-in, app-access and RMS row per day of [$lo, $hi) (the staleness fingerprint; sign-ins of any outcome, for the per-user table). */
export const DAY_COUNTS_SQL = `SELECT CAST(CAST(time AS DATE) AS VARCHAR) AS day, count(*) AS n FROM (
    SELECT time FROM signins WHERE tenant = $tenant AND time >= CAST($lo AS TIMESTAMP) AND time < CAST($hi AS TIMESTAMP)
    UNION ALL
    SELECT time FROM events WHERE tenant = $tenant AND kind IN ('appAccess', 'rmsAccess') AND time >= CAST($lo AS TIMESTAMP) AND time < CAST($hi AS TIMESTAMP)
  ) GROUP BY 1`;

/** The columns of report_user_signins (migration 024) after tenant and day, as named in signins. */
export const USER_SIGNIN_COLUMNS = `upn, id, time, user_type, app_name, app_id, client_app, device_id, device_name,
    device_os, ua_os, device_browser, ua_browser, ip, geo_city, given_city, geo_state, given_state, geo_country, given_country,
    geo_lat, given_lat, geo_lon, given_lon, outcome, error_code, failure_reason, interactive`;

/** Days (before $today) holding rows ingested at or after $since, and the highest ingested_at. */
export const TOUCHED_DAYS_SQL = `SELECT CAST(CAST(time AS DATE) AS VARCHAR) AS day, max(ing) AS mark FROM (
    SELECT time, ingested_at AS ing FROM signins WHERE tenant = $tenant AND ingested_at >= CAST($since AS TIMESTAMP)
    UNION ALL
    SELECT time, ingested_at FROM events WHERE tenant = $tenant AND kind IN ('appAccess', 'rmsAccess') AND ingested_at >= CAST($since AS TIMESTAMP)
  ) GROUP BY 1`;

/**
 * Statements that (re)build the days listed in temp table rollup_build_days(day DATE)
 * whose rows lie in [$lo, $hi); run in one transaction. Blocks' bits of those
 * days are cleared first, so a rebuilt day drops users it no longer has.
 */
export function buildStatements(masks: Map<number, bigint>): string[] {
  const clear = [...masks].map(
    ([b, m]) => `UPDATE report_usage_blocks SET bits = bits & ~CAST(${m.toString()} AS UBIGINT)
      WHERE tenant = $tenant AND block = ${b} AND (bits & CAST(${m.toString()} AS UBIGINT)) <> 0`,
  );
  return [
    'DELETE FROM report_usage_daily WHERE tenant = $tenant AND day IN (SELECT day FROM rollup_build_days)',
    'DELETE FROM report_usage_app_days WHERE tenant = $tenant AND day IN (SELECT day FROM rollup_build_days)',
    'DELETE FROM report_usage_days WHERE tenant = $tenant AND day IN (SELECT day FROM rollup_build_days)',
    ...clear,
    `CREATE OR REPLACE TEMP TABLE rollup_stage AS
      SELECT CAST(time AS DATE) AS day, app, app_id, upn, CAST(sum(sgn) AS INTEGER) AS sgn,
        CAST(coalesce(sum(clk), 0) AS INTEGER) AS clk, CAST(coalesce(sum(sso), 0) AS INTEGER) AS sso,
        min(time) AS first, max(time) AS last, count(*) AS n
      FROM (${rawUsage('lo', 'hi')}) u
      WHERE CAST(time AS DATE) IN (SELECT day FROM rollup_build_days)
      GROUP BY ALL`,
    `INSERT INTO report_user_keys
      SELECT $tenant, upn, CAST((SELECT coalesce(max(ukey), 0) FROM report_user_keys WHERE tenant = $tenant) + row_number() OVER (ORDER BY upn) AS INTEGER)
      FROM (SELECT DISTINCT upn FROM rollup_stage WHERE upn IS NOT NULL) n
      WHERE NOT EXISTS (SELECT 1 FROM report_user_keys k WHERE k.tenant = $tenant AND k.upn = n.upn)`,
    // Sorted by (day, app) so a one-app filter skips most row groups.
    `INSERT INTO report_usage_daily
      SELECT $tenant, s.day, s.app, s.upn, k.ukey, CAST(sum(s.sgn) AS INTEGER), CAST(sum(s.clk) AS INTEGER), CAST(sum(s.sso) AS INTEGER),
        min(s.first), max(s.last)
      FROM rollup_stage s LEFT JOIN report_user_keys k ON k.tenant = $tenant AND k.upn = s.upn
      GROUP BY s.day, s.app, s.upn, k.ukey
      ORDER BY s.day, s.app, s.upn`,
    `INSERT INTO report_usage_app_days
      SELECT $tenant, day, app, app_id, sum(sgn), sum(clk), sum(sso), max(last) FROM rollup_stage GROUP BY ALL`,
    'DELETE FROM report_rms_daily WHERE tenant = $tenant AND day IN (SELECT day FROM rollup_build_days)',
    `INSERT INTO report_rms_daily
      SELECT $tenant, CAST(time AS DATE) AS day, upn, app, action, device_id, device_platform, doc_key, CAST(count(*) AS INTEGER), max(time)
      FROM (${rawRms('lo', 'hi')}) r
      WHERE CAST(time AS DATE) IN (SELECT day FROM rollup_build_days)
      GROUP BY ALL ORDER BY day, upn`,
    'DELETE FROM report_rms_day_stats WHERE tenant = $tenant AND day IN (SELECT day FROM rollup_build_days)',
    `INSERT INTO report_rms_day_stats ${rmsDayStats("report_rms_daily WHERE tenant = $tenant AND day IN (SELECT day FROM rollup_build_days)")}`,
    'DELETE FROM report_user_signins WHERE tenant = $tenant AND day IN (SELECT day FROM rollup_build_days)',
    // Sorted by user so one user's days are a few small ranges (zone maps on upn).
    `INSERT INTO report_user_signins
      SELECT $tenant, CAST(time AS DATE), ${USER_SIGNIN_COLUMNS} FROM signins
      WHERE tenant = $tenant AND time >= CAST($lo AS TIMESTAMP) AND time < CAST($hi AS TIMESTAMP)
        AND CAST(time AS DATE) IN (SELECT day FROM rollup_build_days)
      ORDER BY upn, time`,
    // The fingerprint of DAY_COUNTS_SQL: every sign-in, plus app-access (the stage's rows that are not sign-ins) and RMS rows.
    `INSERT INTO report_usage_days
      SELECT $tenant, d.day, coalesce((SELECT sum(n) - sum(sgn) FROM rollup_stage s WHERE s.day = d.day), 0)
        + coalesce((SELECT count(*) FROM report_user_signins u WHERE u.tenant = $tenant AND u.day = d.day), 0)
        + coalesce((SELECT sum(n) FROM report_rms_daily r WHERE r.tenant = $tenant AND r.day = d.day), 0), CAST($builtAt AS TIMESTAMP)
      FROM rollup_build_days d`,
    `CREATE OR REPLACE TEMP TABLE rollup_bits AS
      SELECT CAST(floor((d.day - DATE '1970-01-01') / ${BLOCK_DAYS}) AS INTEGER) AS block, d.app, d.ukey,
        bit_or(CAST(1 AS UBIGINT) << CAST((d.day - DATE '1970-01-01') % ${BLOCK_DAYS} AS INTEGER)) AS bits
      FROM report_usage_daily d
      WHERE d.tenant = $tenant AND d.day IN (SELECT day FROM rollup_build_days) AND d.ukey IS NOT NULL
      GROUP BY ALL`,
    `UPDATE report_usage_blocks b SET bits = b.bits | n.bits FROM rollup_bits n
      WHERE b.tenant = $tenant AND b.block = n.block AND b.app IS NOT DISTINCT FROM n.app AND b.ukey = n.ukey`,
    `INSERT INTO report_usage_blocks
      SELECT $tenant, n.block, n.app, n.ukey, n.bits FROM rollup_bits n
      WHERE NOT EXISTS (SELECT 1 FROM report_usage_blocks b
        WHERE b.tenant = $tenant AND b.block = n.block AND b.app IS NOT DISTINCT FROM n.app AND b.ukey = n.ukey)`,
    'DROP TABLE rollup_stage',
    'DROP TABLE rollup_bits',
  ];
}

/**
 * Retention: days up to the cut's own day (now partial) leave every rollup;
 * their bits are cleared, and keys no longer used are forgotten (they are UPNs).
 */
export function purgeStatements(masks: Map<number, bigint>): string[] {
  return [
    'DELETE FROM report_usage_daily WHERE tenant = $tenant AND day <= CAST($cutDay AS DATE)',
    'DELETE FROM report_usage_app_days WHERE tenant = $tenant AND day <= CAST($cutDay AS DATE)',
    'DELETE FROM report_usage_days WHERE tenant = $tenant AND day <= CAST($cutDay AS DATE)',
    'DELETE FROM report_rms_daily WHERE tenant = $tenant AND day <= CAST($cutDay AS DATE)',
    'DELETE FROM report_rms_day_stats WHERE tenant = $tenant AND day <= CAST($cutDay AS DATE)',
    'DELETE FROM report_user_signins WHERE tenant = $tenant AND day <= CAST($cutDay AS DATE)',
    ...[...masks].map(
      ([b, m]) => `UPDATE report_usage_blocks SET bits = bits & ~CAST(${m.toString()} AS UBIGINT) WHERE tenant = $tenant AND block = ${b}`,
    ),
    `DELETE FROM report_usage_blocks WHERE tenant = $tenant AND (bits = 0 OR block < CAST($cutBlock AS INTEGER))`,
    `DELETE FROM report_user_keys k WHERE k.tenant = $tenant
      AND NOT EXISTS (SELECT 1 FROM report_usage_daily d WHERE d.tenant = $tenant AND d.ukey = k.ukey)`,
  ];
}
