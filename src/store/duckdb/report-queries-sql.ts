/**
 * The SQL of every report over the table contract of migrations/001_events.sql.
 * Each builder returns a SELECT whose output columns are exactly the report's
 * catalog columns (src/reports/catalog.ts; a test checks they agree) and the
 * ORDER BY over those columns that makes "the first N" mean "the newest N" (or,
 * for aggregates, "the largest N").
 *
 * User input only ever reaches SQL as a bound parameter ($name) or, for the
 * validated suppression values, through `sqlString` quoting.
 */
import type { ReportQuerySpec } from '../ports.ts';
import { REPORT_DETECTORS } from '../../schema/reports.ts';
import { rawRms, USER_SIGNIN_COLUMNS } from './report-rollups-sql.ts';

export { REPORT_DETECTORS };

export interface BuiltReportSql {
  readonly sql: string;
  /** ORDER BY expression list over the output columns. */
  readonly order: string;
  readonly params: Record<string, string>;
  /**
   * The same rows with LIMIT/OFFSET applied to the sort keys first and the
   * wide columns computed for the kept rows only ("late materialisation"):
   * 4-6x faster for event lists whose columns parse JSON.
   */
  readonly keyed?: (limitClause: string) => string;
  /**
   * The answer is an aggregate of modest size (a row per user, device, app or
   * day) whose every row costs the whole query: a page counts it in the same
   * run (count(*) OVER ()) instead of running it a second time for the total.
   */
  readonly countInPage?: boolean;
}

/** Active suppressions turned into values the SQL can test (CIDRs resolved to IPs by the caller). */
export interface SuppressionSets {
  readonly users: readonly string[];
  readonly ips: readonly string[];
  readonly asns: readonly number[];
  readonly countries: readonly string[];
  readonly detectors: readonly string[];
}

export const NO_SUPPRESSIONS: SuppressionSets = { users: [], ips: [], asns: [], countries: [], detectors: [] };

/** Detectors whose detections make a user "anomalous" (D7 aggregates them; SPEC 4). */
const CONTRIBUTING_DETECTORS = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D8', 'mfa-fatigue', 'brute-force'];

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
function sqlList(values: readonly string[]): string {
  return values.map(sqlString).join(', ');
}

/** Event time as the API's ISO form (string order = time order). */
const iso = (expr: string): string => `strftime(${expr}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
const RANGE = (col: string): string => `${col} >= CAST($from AS TIMESTAMP) AND ${col} < CAST($to AS TIMESTAMP)`;
const LOCATION = (s: string): string =>
  `NULLIF(concat_ws(', ', coalesce(${s}.geo_city, ${s}.given_city), coalesce(${s}.geo_state, ${s}.given_state), coalesce(${s}.geo_country, ${s}.given_country)), '')`;

class Where {
  readonly parts: string[] = [];
  constructor(readonly params: Record<string, string>) {}
  add(cond: string, param?: { name: string; value: string | undefined }): void {
    if (param === undefined) {
      this.parts.push(cond);
      return;
    }
    if (param.value === undefined || param.value === '') return;
    this.params[param.name] = param.value;
    this.parts.push(cond);
  }
  toString(): string {
    return this.parts.length === 0 ? 'TRUE' : this.parts.join('\n  AND ');
  }
}

function baseParams(tenant: string, spec: ReportQuerySpec): Record<string, string> {
  return { tenant, from: spec.range.from, to: spec.range.to };
}

interface SuppressionColumns {
  readonly upn: string;
  readonly ip: string;
  readonly asn?: string;
  readonly country?: string;
  readonly detector: string;
}
const FLAGGED_COLUMNS: SuppressionColumns = {
  upn: 'lower(coalesce(d.upn, s.upn))',
  ip: 'coalesce(d.ip, s.ip)',
  asn: 's.asn',
  country: 's.country',
  detector: 'd.detector',
};

function suppressedPredicate(sup: SuppressionSets, c: SuppressionColumns): string {
  const ors: string[] = [];
  if (sup.users.length > 0) ors.push(`${c.upn} IN (${sqlList(sup.users)})`);
  if (sup.ips.length > 0) ors.push(`${c.ip} IN (${sqlList(sup.ips)})`);
  if (sup.asns.length > 0 && c.asn !== undefined)
    ors.push(`${c.asn} IN (${sup.asns.map((n) => String(Math.trunc(n))).join(', ')})`);
  if (sup.countries.length > 0 && c.country !== undefined) ors.push(`${c.country} IN (${sqlList(sup.countries)})`);
  if (sup.detectors.length > 0) ors.push(`${c.detector} IN (${sqlList(sup.detectors)})`);
  return ors.length === 0 ? 'FALSE' : `(${ors.join(' OR ')})`;
}

/**
 * Detections of the given detectors in range with their sign-in's fields (from
 * report_flagged_signins, which fillFlaggedSql keeps up to date), minus ignored
 * and suppressed ones.
 */
function flaggedSignIns(detectors: readonly string[], sup: SuppressionSets, w: Where): string {
  return `SELECT d.id AS detection_id, d.detector, d.severity, d.time AS d_time, d.signin_id, d.evidence, d.log_only,
    lower(coalesce(d.upn, s.upn)) AS upn, lower(coalesce(d.user_id, d.upn, s.upn)) AS user_key, coalesce(d.ip, s.ip) AS ip, s.s_time, s.app_name, s.location
  FROM detections d
  LEFT JOIN report_flagged_signins s ON s.tenant = d.tenant AND s.detection_id = d.id
  WHERE d.tenant = $tenant AND ${RANGE('d.time')}
    AND d.detector IN (${sqlList(detectors)})
    AND d.ignored_at IS NULL
    AND NOT coalesce(${suppressedPredicate(sup, FLAGGED_COLUMNS)}, FALSE)
    AND ${w.toString()}`;
}

/** The detections of a tenant that report_flagged_signins does not hold yet: how many, and the time span of their sign-ins' ids. */
export const NEW_FLAGGED_SQL = `SELECT count(*) AS n, min(d.time) AS lo, max(d.time) AS hi
  FROM detections d
  WHERE d.tenant = $tenant AND NOT EXISTS (SELECT 1 FROM report_flagged_signins f WHERE f.tenant = d.tenant AND f.detection_id = d.id)`;

/**
 * Copies the sign-in fields of new detections. The sign-in is looked up only
 * within a day of the detections' span ($lo, $hi): a detection's time is its
 * flagged sign-in's time (schema/detections.ts), and the window lets DuckDB
 * skip every other row group of a time-ordered month of sign-ins.
 */
export const FILL_FLAGGED_SQL = `INSERT INTO report_flagged_signins
  SELECT d.tenant, d.id, d.time, s.id IS NOT NULL, s.time, s.upn, s.ip, s.app_name, ${LOCATION('s')}, s.asn,
    upper(coalesce(s.geo_country, s.given_country))
  FROM detections d
  LEFT JOIN (
    SELECT * FROM signins
    WHERE tenant = $tenant AND time >= CAST($lo AS TIMESTAMP) - INTERVAL 1 DAY AND time <= CAST($hi AS TIMESTAMP) + INTERVAL 1 DAY
  ) s ON s.id = d.signin_id
  WHERE d.tenant = $tenant AND NOT EXISTS (SELECT 1 FROM report_flagged_signins f WHERE f.tenant = d.tenant AND f.detection_id = d.id)`;

function signInAnomaly(tenant: string, spec: ReportQuerySpec, sup: SuppressionSets): BuiltReportSql {
  const params = baseParams(tenant, spec);
  const w = new Where(params);
  w.add('lower(coalesce(d.upn, s.upn)) = lower($user)', { name: 'user', value: spec.filters.user });
  w.add('d.severity = lower($result)', { name: 'result', value: spec.filters.result });
  const detectors = REPORT_DETECTORS[spec.report] ?? [];
  return {
    sql: `SELECT detection_id AS detectionId, signin_id AS signInId, ${iso('coalesce(s_time, d_time)')} AS createdDateTime,
    upn AS userPrincipalName, ip AS ipAddress, location, app_name AS appDisplayName,
    severity, detector AS detection, CAST(evidence AS VARCHAR) AS evidence, log_only AS logOnly
  FROM (${flaggedSignIns(detectors, sup, w)})`,
    order: 'createdDateTime DESC, detectionId',
    params,
  };
}

const SEVERITY_RANK = (col: string): string =>
  `CASE ${col} WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END`;

/** Admin states that clear the detections before them (src/detect/risk/risky-users.ts). */
const CLEARING_STATES = sqlList(['dismissed', 'confirmedSafe', 'remediated']);

/**
 * The D7 risk model of src/detect/risk/risky-users.ts (aggregateRiskyUsers, behind
 * /risky-users) over the range's detections, so the report and the API agree:
 * detections on failed sign-ins from a suspicious or listed IP (D4, D1, D5) do not
 * count (the user was a target), log-only ones never; a user needs a sign-in
 * detection (a leak alone is the D8 report's); points low 1, medium 2, high 4 give
 * the level (high: any high or 6+, medium: 2+); the newest admin state clears what
 * came before a dismissal and pins confirmedCompromised at high. A stored D7
 * detection's level and state still win (its evidence).
 */
function anomalousUsers(tenant: string, spec: ReportQuerySpec, sup: SuppressionSets): BuiltReportSql {
  const params = baseParams(tenant, spec);
  const w = new Where(params);
  w.add('lower(coalesce(d.upn, s.upn)) = lower($user)', { name: 'user', value: spec.filters.user });
  const w7 = new Where(params);
  w7.add('lower(d.upn) = lower($user)', { name: 'user', value: spec.filters.user });
  const wState = new Where(params);
  wState.add('lower(upn) = lower($user)', { name: 'user', value: spec.filters.user });
  return {
    sql: `WITH base AS MATERIALIZED (${flaggedSignIns(CONTRIBUTING_DETECTORS, sup, w)}),
  states AS MATERIALIZED (
    SELECT user_key, lower(upn) AS upn, to_state AS state, changed_at AS state_at FROM risky_user_changes WHERE tenant = $tenant
    QUALIFY row_number() OVER (PARTITION BY user_key ORDER BY changed_at DESC, rowid DESC) = 1
  ),
  contrib AS MATERIALIZED (
    SELECT b.* FROM base b LEFT JOIN states st ON st.user_key = b.user_key
    WHERE b.user_key IS NOT NULL AND NOT b.log_only
      AND NOT (b.detector IN ('D1', 'D4', 'D5') AND coalesce(json_extract_string(b.evidence, '$.outcome'), 'success') <> 'success')
      AND NOT coalesce(st.state IN (${CLEARING_STATES}) AND b.d_time <= st.state_at, FALSE)
  ),
  d7 AS MATERIALIZED (
    SELECT lower(d.upn) AS upn, d.id, d.severity, d.evidence,
      row_number() OVER (PARTITION BY lower(d.upn) ORDER BY d.time DESC, d.id) AS rn
    FROM detections d
    WHERE d.tenant = $tenant AND ${RANGE('d.time')} AND d.detector = 'D7' AND d.ignored_at IS NULL
      AND d.upn IS NOT NULL AND ${w7.toString()}
      AND NOT coalesce(${suppressedPredicate(sup, { upn: 'lower(d.upn)', ip: 'd.ip', detector: 'd.detector' })}, FALSE)
  ),
  agg AS MATERIALIZED (
    SELECT user_key, min(upn) AS upn, max(${SEVERITY_RANK('severity')}) AS sev, sum(CASE severity WHEN 'high' THEN 4 WHEN 'medium' THEN 2 ELSE 1 END) AS points,
      count(*) AS n, max(d_time) AS last, bool_or(signin_id IS NOT NULL) AS on_signin,
      to_json(list({'id': detection_id, 'detector': detector, 'severity': severity, 'detectedDateTime': ${iso('d_time')}}
        ORDER BY d_time DESC, detection_id)) AS dets
    FROM contrib GROUP BY user_key
  ),
  listed AS MATERIALIZED (
    SELECT coalesce(agg.upn, st.upn) AS upn, agg.sev, agg.points, agg.n, agg.last, agg.dets, st.state
    FROM (SELECT user_key FROM agg WHERE on_signin
          UNION SELECT user_key FROM states WHERE state = 'confirmedCompromised' AND ${wState.toString()}) k
    LEFT JOIN agg ON agg.user_key = k.user_key
    LEFT JOIN states st ON st.user_key = k.user_key
  ),
  users AS (SELECT upn FROM listed UNION SELECT upn FROM d7 WHERE rn = 1)
  SELECT u.upn AS userPrincipalName,
    coalesce(json_extract_string(d7.evidence, '$.riskLevel'), d7.severity,
      CASE WHEN l.state = 'confirmedCompromised' OR l.sev = 3 OR l.points >= 6 THEN 'high'
        WHEN l.points >= 2 THEN 'medium' WHEN l.n > 0 THEN 'low' ELSE 'none' END) AS riskLevel,
    coalesce(json_extract_string(d7.evidence, '$.riskState'),
      CASE WHEN l.state IS NOT NULL AND l.state NOT IN (${CLEARING_STATES}) THEN l.state ELSE 'atRisk' END) AS riskState,
    CAST(coalesce(l.n, 0) AS INTEGER) AS detectionCount,
    ${iso('l.last')} AS lastDetectedDateTime,
    coalesce(CAST(l.dets AS VARCHAR), coalesce(CAST(d7.evidence->'$.detections' AS VARCHAR), '[]')) AS detections,
    d7.id AS detectionId
  FROM users u
  LEFT JOIN listed l ON l.upn = u.upn
  LEFT JOIN d7 ON d7.upn = u.upn AND d7.rn = 1`,
    order: `${SEVERITY_RANK('riskLevel')} DESC, lastDetectedDateTime DESC NULLS LAST, userPrincipalName`,
    params,
    countInPage: true,
  };
}

function leakedCredentials(tenant: string, spec: ReportQuerySpec, sup: SuppressionSets): BuiltReportSql {
  const params = baseParams(tenant, spec);
  const w = new Where(params);
  w.add('lower(coalesce(d.upn, s.upn)) = lower($user)', { name: 'user', value: spec.filters.user });
  return {
    sql: `SELECT detection_id AS detectionId, ${iso('d_time')} AS detectedDateTime, upn AS userPrincipalName,
    severity AS riskLevel, json_extract_string(evidence, '$.source') AS source,
    CAST(to_json([{'id': detection_id, 'detector': detector, 'severity': severity, 'detectedDateTime': ${iso('d_time')}, 'evidence': evidence}]) AS VARCHAR) AS detections
  FROM (${flaggedSignIns(['D8'], sup, w)})`,
    order: 'detectedDateTime DESC, detectionId',
    params,
  };
}

const INITIATOR = `coalesce(e.doc->>'$.initiatedBy.user.userPrincipalName', e.doc->>'$.initiatedBy.app.displayName', e.doc->>'$.initiatedBy.user.displayName', e.actor)`;
const TARGETS_LIST = `from_json(e.doc->'$.targetResources', '[{"id":"VARCHAR","displayName":"VARCHAR","type":"VARCHAR","userPrincipalName":"VARCHAR"}]')`;
const TARGET_USER = `lower(coalesce(e.upn, list_filter(${TARGETS_LIST}, x -> x.userPrincipalName IS NOT NULL)[1].userPrincipalName, e.doc->>'$.initiatedBy.user.userPrincipalName'))`;
const METHODS = `NULLIF(array_to_string(list_transform(list_filter(from_json(e.doc->'$.additionalDetails', '[{"key":"VARCHAR","value":"VARCHAR"}]'), x -> contains(lower(x.key), 'method')), x -> x.value), ', '), '')`;

function auditWhere(tenant: string, spec: ReportQuerySpec, category?: string): Where {
  const w = new Where(baseParams(tenant, spec));
  w.add(`e.tenant = $tenant AND e.kind = 'directoryAudit' AND ${RANGE('e.time')}`);
  if (category !== undefined) w.add(`lower(e.category) = ${sqlString(category.toLowerCase())}`);
  return w;
}

/** An event list over `events` in newest-first order, with its late-materialised form. */
function eventList(cols: string, w: Where): BuiltReportSql {
  const where = w.toString();
  return {
    sql: `SELECT ${cols}\n  FROM events e WHERE ${where}`,
    order: 'activityDateTime DESC, id',
    params: w.params,
    keyed: (limitClause) => `WITH k AS (SELECT e.id AS kid FROM events e WHERE ${where} ORDER BY e.time DESC, e.id ${limitClause})
  SELECT ${cols}
  FROM events e SEMI JOIN k ON e.id = k.kid WHERE ${where}
  ORDER BY e.time DESC, e.id`,
  };
}

function audit(tenant: string, spec: ReportQuerySpec): BuiltReportSql {
  const w = auditWhere(tenant, spec);
  const f = spec.filters;
  w.add('lower(e.category) = lower($category)', { name: 'category', value: f.category });
  w.add('contains(lower(e.activity), lower($activity))', { name: 'activity', value: f.activity });
  w.add(`contains(lower(${INITIATOR}), lower($initiator))`, { name: 'initiator', value: f.initiator });
  w.add(`contains(lower(CAST(e.doc->'$.targetResources' AS VARCHAR)), lower($target))`, { name: 'target', value: f.target });
  w.add('lower(e.result) = lower($result)', { name: 'result', value: f.result });
  return eventList(`e.id AS id, ${iso('e.time')} AS activityDateTime, e.category AS category, e.activity AS activity,
    e.doc->>'$.operationType' AS operationType, e.result AS result, e.doc->>'$.resultReason' AS resultReason,
    ${INITIATOR} AS initiatedBy,
    NULLIF(array_to_string(list_transform(${TARGETS_LIST}, x -> coalesce(x.userPrincipalName, x.displayName, x.id)), '; '), '') AS targets,
    coalesce(e.doc->>'$.initiatedBy.user.ipAddress', e.ip) AS ipAddress`, w);
}

function passwordReset(tenant: string, spec: ReportQuerySpec, category: string): BuiltReportSql {
  const w = auditWhere(tenant, spec, category);
  w.add(`${TARGET_USER} = lower($user)`, { name: 'user', value: spec.filters.user });
  w.add('lower(e.result) = lower($result)', { name: 'result', value: spec.filters.result });
  return eventList(`e.id AS id, ${iso('e.time')} AS activityDateTime, ${TARGET_USER} AS userPrincipalName,
    e.activity AS activity, ${METHODS} AS methods, e.result AS result, e.doc->>'$.resultReason' AS failureReason`, w);
}

function selfServiceGroups(tenant: string, spec: ReportQuerySpec): BuiltReportSql {
  const w = auditWhere(tenant, spec, 'SelfServiceGroupManagement');
  const groupExpr = `coalesce(list_filter(${TARGETS_LIST}, x -> lower(x.type) = 'group')[1].displayName, ${TARGETS_LIST}[1].displayName)`;
  const memberExpr = `lower(list_filter(${TARGETS_LIST}, x -> x.userPrincipalName IS NOT NULL)[1].userPrincipalName)`;
  w.add(`(lower(${INITIATOR}) = lower($user) OR ${memberExpr} = lower($user))`, { name: 'user', value: spec.filters.user });
  w.add('contains(lower(e.activity), lower($activity))', { name: 'activity', value: spec.filters.activity });
  w.add('lower(e.result) = lower($result)', { name: 'result', value: spec.filters.result });
  return eventList(`e.id AS id, ${iso('e.time')} AS activityDateTime, ${groupExpr} AS "group", e.activity AS action,
    ${INITIATOR} AS actor, ${memberExpr} AS member, e.result AS result, e.doc->>'$.resultReason' AS resultReason`, w);
}

const APP_MATCH = (nameCol: string, idCol: string): string => `(lower(${nameCol}) = lower($app) OR ${idCol} = $app)`;

/** Successful sign-ins and app-access records (clicks, SSO launches) of [$lo, $hi) as one usage stream. */
function rawUsageStream(spec: ReportQuerySpec, params: Record<string, string>, lo = 'from', hi = 'to'): string {
  const range = (col: string): string => `${col} >= CAST($${lo} AS TIMESTAMP) AND ${col} < CAST($${hi} AS TIMESTAMP)`;
  const ws = new Where(params);
  ws.add(`s.tenant = $tenant AND ${range('s.time')} AND s.outcome = 'success' AND s.app_name IS NOT NULL`);
  ws.add(APP_MATCH('s.app_name', 's.app_id'), { name: 'app', value: spec.filters.app });
  ws.add('s.upn = lower($user)', { name: 'user', value: spec.filters.user });
  const wa = new Where(params);
  wa.add(`e.tenant = $tenant AND e.kind = 'appAccess' AND ${range('e.time')}`);
  wa.add(APP_MATCH('e.app_name', "(e.doc->>'$.appId')"), { name: 'app', value: spec.filters.app });
  wa.add('e.upn = lower($user)', { name: 'user', value: spec.filters.user });
  return `SELECT s.app_name AS app, s.upn, s.time, 1 AS sgn, 0 AS clk, 0 AS sso FROM signins s WHERE ${ws.toString()}
    UNION ALL
    SELECT e.app_name, e.upn, e.time, 0, CAST(e.activity = 'accessPanel' AS INTEGER), CAST(e.activity = 'sso' AS INTEGER)
    FROM events e WHERE ${wa.toString()}`;
}

/**
 * Closed UTC days the usage rollups (migration 022, report-rollups.ts) hold for
 * a run: [fullFrom, fullTo) lie wholly inside the range; `leftDay` is the built
 * day holding the range's partial start. Everything else of the range is read raw.
 */
export interface UsageRollupPlan {
  readonly fullFrom: string;
  readonly fullTo: string;
  readonly leftDay?: string;
  /** Blocks and day masks of [fullFrom, fullTo) (report-rollups-sql.ts blockMasks). */
  readonly masks: ReadonlyMap<number, bigint>;
  /**
   * With an app filter: the stored app names it matches (case-insensitively).
   * The per-user rollup has no app id, so a plan is only made when no app of
   * another name has the filter as its id.
   */
  readonly appNames?: readonly string[];
}

/**
 * Rollup rows filtered like the raw stream (their sums are per day, `last` stands for the time).
 * `names`: the per-user rollup, filtered on the resolved app names (a plain IN list lets DuckDB skip row groups).
 */
function rollupWhere(spec: ReportQuerySpec, params: Record<string, string>, alias: string, dayCond: string, withUser: boolean, names?: readonly string[]): string {
  const w = new Where(params);
  w.add(`${alias}.tenant = $tenant AND ${dayCond}`);
  if ((spec.filters.app ?? '') !== '') {
    if (names === undefined) w.add(APP_MATCH(`${alias}.app`, `${alias}.app_id`), { name: 'app', value: spec.filters.app });
    else w.add(names.length === 0 ? 'FALSE' : `${alias}.app IN (${sqlList(names)})`);
  }
  if (withUser) w.add(`${alias}.upn = lower($user)`, { name: 'user', value: spec.filters.user });
  return w.toString();
}

/**
 * The usage stream, from rollups for the planned days and raw rows for the
 * rest. Rolled-up rows carry counts, so consumers sum sgn/clk/sso (never count rows).
 */
function usageStream(tenant: string, spec: ReportQuerySpec, plan?: UsageRollupPlan, perUser = true): { sql: string; params: Record<string, string> } {
  const params = baseParams(tenant, spec);
  if (plan === undefined) return { sql: rawUsageStream(spec, params), params };
  params['rfrom'] = `${plan.fullFrom}T00:00:00.000Z`;
  params['rto'] = `${plan.fullTo}T00:00:00.000Z`;
  const full = (a: string): string => `${a}.day >= CAST($rfrom AS DATE) AND ${a}.day < CAST($rto AS DATE)`;
  // Without a user filter the per-(day, app) sums are enough and far fewer rows.
  const rolled =
    perUser || (spec.filters.user ?? '') !== ''
      ? `SELECT r.app, r.upn, r.last AS time, r.sgn, r.clk, r.sso FROM report_usage_daily r WHERE ${rollupWhere(spec, params, 'r', full('r'), true, plan.appNames ?? [])}`
      : `SELECT r.app, NULL AS upn, r.last AS time, r.sgn, r.clk, r.sso FROM report_usage_app_days r WHERE ${rollupWhere(spec, params, 'r', full('r'), false)}`;
  return {
    sql: `${rolled}
    UNION ALL ${rawUsageStream(spec, params, 'from', 'rfrom')}
    UNION ALL ${rawUsageStream(spec, params, 'rto', 'to')}`,
    params,
  };
}

/** Block bit masks as SQL over literal integers (computed from dates, never user input). */
function blockPredicate(masks: ReadonlyMap<number, bigint>): string {
  if (masks.size === 0) return 'FALSE';
  return `(${[...masks].map(([b, m]) => `(b.block = ${Math.trunc(b)} AND (b.bits & CAST(${m.toString()} AS UBIGINT)) <> 0)`).join(' OR ')})`;
}

/** application-usage from the rollups: sums per (day, app), distinct users from day bitmaps and user keys. */
function applicationUsageRolled(tenant: string, spec: ReportQuerySpec, plan: UsageRollupPlan): BuiltReportSql {
  const u = usageStream(tenant, spec, plan, false);
  const params = u.params;
  const filtered = (spec.filters.app ?? '') !== '' || (spec.filters.user ?? '') !== '';
  // The bitmaps have no app id or user filter; a filtered run reads the per-day user rows instead.
  const fullUsers = filtered
    ? `SELECT r.app, r.ukey FROM report_usage_daily r WHERE ${rollupWhere(spec, params, 'r', 'r.day >= CAST($rfrom AS DATE) AND r.day < CAST($rto AS DATE)', true, plan.appNames ?? [])} AND r.ukey IS NOT NULL`
    : `SELECT b.app, b.ukey FROM report_usage_blocks b WHERE b.tenant = $tenant AND ${blockPredicate(plan.masks)}`;
  if (plan.leftDay !== undefined) params['lday'] = plan.leftDay;
  // A user of the partial first day used the app inside the range exactly when their last use that day is in it.
  const leftUsers =
    plan.leftDay === undefined
      ? ''
      : `UNION ALL SELECT r.app, r.ukey FROM report_usage_daily r WHERE ${rollupWhere(spec, params, 'r', 'r.day = CAST($lday AS DATE)', true, plan.appNames ?? [])}
        AND r.last >= CAST($from AS TIMESTAMP) AND r.ukey IS NOT NULL`;
  // Users seen only after the last build have no key yet: a negative rank per UPN keeps them distinct.
  // Ranked apart from the keyed ones: the window over every pair of the day was a quarter of the run.
  const rightUsers = `UNION ALL SELECT e.app, k.ukey FROM fresh e JOIN report_user_keys k ON k.tenant = $tenant AND k.upn = e.upn
    UNION ALL SELECT e.app, -CAST(dense_rank() OVER (ORDER BY e.upn) AS INTEGER)
    FROM fresh e ANTI JOIN report_user_keys k ON k.tenant = $tenant AND k.upn = e.upn`;
  return {
    sql: `WITH sums AS (
    SELECT app, sum(sgn) AS sgn, sum(clk) AS clk, sum(sso) AS sso, max(time) AS last FROM (${u.sql}) GROUP BY app
  ), fresh AS MATERIALIZED (
    SELECT DISTINCT app, upn FROM (${rawUsageStream(spec, params, 'rto', 'to')}) WHERE upn IS NOT NULL
  ), people AS (
    ${fullUsers}
    ${leftUsers}
    ${rightUsers}
  ), du AS (SELECT app, count(*) AS n FROM (SELECT DISTINCT app, ukey FROM people) GROUP BY app)
  SELECT s.app AS appDisplayName, CAST(s.sgn AS INTEGER) AS signIns, CAST(s.clk AS INTEGER) AS accessPanelClicks,
    CAST(s.sso AS INTEGER) AS ssoLaunches, CAST(coalesce(du.n, 0) AS INTEGER) AS distinctUsers, ${iso('s.last')} AS lastUsedDateTime
  FROM sums s LEFT JOIN du ON du.app IS NOT DISTINCT FROM s.app`,
    order: 'signIns + accessPanelClicks DESC, appDisplayName',
    params,
  };
}

function applicationUsage(tenant: string, spec: ReportQuerySpec, plan?: UsageRollupPlan): BuiltReportSql {
  if (plan !== undefined) return applicationUsageRolled(tenant, spec, plan);
  const u = usageStream(tenant, spec);
  return {
    // Per (app, user) first, then per app: 2-3x faster than count(DISTINCT) over a month of sign-ins.
    sql: `SELECT app AS appDisplayName, CAST(sum(sgn) AS INTEGER) AS signIns, CAST(sum(clk) AS INTEGER) AS accessPanelClicks,
    CAST(sum(sso) AS INTEGER) AS ssoLaunches, CAST(count(upn) AS INTEGER) AS distinctUsers, ${iso('max(last)')} AS lastUsedDateTime
  FROM (SELECT app, upn, sum(sgn) AS sgn, sum(clk) AS clk, sum(sso) AS sso, max(time) AS last FROM (${u.sql}) GROUP BY app, upn)
  GROUP BY app`,
    order: 'signIns + accessPanelClicks DESC, appDisplayName',
    params: u.params,
  };
}

function applicationUsageDetailed(tenant: string, spec: ReportQuerySpec, plan?: UsageRollupPlan): BuiltReportSql {
  if (plan !== undefined) {
    // The per-user rollup has the report's grain: its rows pass through, only the raw edges are grouped.
    const params = baseParams(tenant, spec);
    params['rfrom'] = `${plan.fullFrom}T00:00:00.000Z`;
    params['rto'] = `${plan.fullTo}T00:00:00.000Z`;
    const full = 'r.day >= CAST($rfrom AS DATE) AND r.day < CAST($rto AS DATE)';
    const edge = (lo: string, hi: string): string => `SELECT CAST(time AS DATE) AS day, upn, app, sum(sgn) AS sgn, sum(clk) AS clk, sum(sso) AS sso, max(time) AS last
      FROM (${rawUsageStream(spec, params, lo, hi)}) GROUP BY ALL`;
    const inner = `SELECT r.day, r.upn, r.app, r.sgn, r.clk, r.sso, r.last FROM report_usage_daily r
    WHERE ${rollupWhere(spec, params, 'r', full, true, plan.appNames ?? [])}
    UNION ALL ${edge('from', 'rfrom')}
    UNION ALL ${edge('rto', 'to')}`;
    const cols = `strftime(day, '%Y-%m-%d') AS date, upn AS userPrincipalName, app AS appDisplayName, CAST(sgn AS INTEGER) AS signIns,
    CAST(clk AS INTEGER) AS accessPanelClicks, CAST(sso AS INTEGER) AS ssoLaunches, ${iso('last')} AS lastUsedDateTime`;
    const order = 'date DESC, signIns + accessPanelClicks + ssoLaunches DESC, userPrincipalName, appDisplayName';
    return {
      sql: `SELECT ${cols}\n  FROM (${inner})`,
      order,
      params,
      // Cut on the raw day and sums first, format the kept rows only (the same order: the date string sorts as the day).
      keyed: (limitClause) => `SELECT ${cols}
  FROM (SELECT * FROM (${inner}) ORDER BY day DESC, sgn + clk + sso DESC, upn, app ${limitClause})
  ORDER BY ${order}`,
    };
  }
  const u = usageStream(tenant, spec);
  return {
    sql: `SELECT strftime(time, '%Y-%m-%d') AS date, upn AS userPrincipalName, app AS appDisplayName,
    CAST(sum(sgn) AS INTEGER) AS signIns, CAST(sum(clk) AS INTEGER) AS accessPanelClicks, CAST(sum(sso) AS INTEGER) AS ssoLaunches,
    ${iso('max(time)')} AS lastUsedDateTime
  FROM (${u.sql}) GROUP BY ALL`,
    order: 'date DESC, signIns + accessPanelClicks + ssoLaunches DESC, userPrincipalName, appDisplayName',
    params: u.params,
  };
}

/** Hourly points for a day or two, daily beyond: a readable chart either way. */
export function dashboardUnit(range: { readonly from: string; readonly to: string }): 'hour' | 'day' {
  return (Date.parse(range.to) - Date.parse(range.from)) / 3_600_000 <= 48 ? 'hour' : 'day';
}

function applicationDashboard(tenant: string, spec: ReportQuerySpec, plan?: UsageRollupPlan): BuiltReportSql {
  const unit = dashboardUnit(spec.range);
  const u = usageStream(tenant, spec, unit === 'day' ? plan : undefined, false);
  return {
    sql: `WITH b AS (
    SELECT date_trunc('${unit}', time) AS bucket, sum(sgn) AS sgn, sum(clk) AS clk FROM (${u.sql}) GROUP BY 1
  ), buckets AS (
    SELECT unnest(range(date_trunc('${unit}', CAST($from AS TIMESTAMP)), CAST($to AS TIMESTAMP), INTERVAL 1 ${unit})) AS bucket
  )
  SELECT ${iso('k.bucket')} AS bucketStart, CAST(coalesce(b.sgn, 0) AS INTEGER) AS signIns,
    CAST(coalesce(b.clk, 0) AS INTEGER) AS accessPanelClicks,
    CAST(sum(coalesce(b.sgn, 0)) OVER (ORDER BY k.bucket) AS INTEGER) AS cumulativeSignIns
  FROM buckets k LEFT JOIN b ON b.bucket = k.bucket`,
    order: 'bucketStart',
    params: u.params,
  };
}

/** Reports the usage rollups can answer. */
export const USAGE_ROLLUP_REPORTS: ReadonlySet<string> = new Set([
  'application-usage',
  'application-usage-detailed',
  'application-dashboard',
  'rms-usage',
  'rms-most-active-users',
  'rms-device-usage',
  'rms-application-usage',
]);

function provisioning(tenant: string, spec: ReportQuerySpec, errorsOnly: boolean): BuiltReportSql {
  const w = new Where(baseParams(tenant, spec));
  w.add(`e.tenant = $tenant AND e.kind = 'provisioning' AND ${RANGE('e.time')}`);
  if (errorsOnly) w.add(`e.result = 'failure'`);
  w.add(APP_MATCH('e.app_name', "(e.doc->>'$.appId')"), { name: 'app', value: spec.filters.app });
  w.add(`(lower(e.doc->>'$.sourceUserPrincipalName') = lower($user) OR lower(e.doc->>'$.targetAccount') = lower($user))`, {
    name: 'user',
    value: spec.filters.user,
  });
  w.add(`lower(e.doc->>'$.action') = lower($activity)`, { name: 'activity', value: spec.filters.activity });
  w.add('lower(e.result) = lower($result)', { name: 'result', value: spec.filters.result });
  return eventList(`e.id AS id, ${iso('e.time')} AS activityDateTime, e.doc->>'$.appDisplayName' AS appDisplayName,
    e.doc->>'$.action' AS action, e.doc->>'$.targetAccount' AS targetAccount,
    e.doc->>'$.sourceUserPrincipalName' AS sourceUserPrincipalName, e.result AS result,
    e.doc->>'$.errorCode' AS errorCode, e.doc->>'$.errorMessage' AS errorMessage,
    CAST(e.doc->>'$.attempt' AS INTEGER) AS attempt`, w);
}

function passwordRollover(tenant: string, spec: ReportQuerySpec): BuiltReportSql {
  const w = new Where(baseParams(tenant, spec));
  w.add(`e.tenant = $tenant AND e.kind = 'passwordRollover' AND ${RANGE('e.time')}`);
  w.add(APP_MATCH('e.app_name', "(e.doc->>'$.appId')"), { name: 'app', value: spec.filters.app });
  const wOuter = new Where(w.params);
  wOuter.add('lower(status) = lower($result)', { name: 'result', value: spec.filters.result });
  // The latest report of each (app, account) in the range is its status.
  return {
    sql: `SELECT * FROM (
    SELECT e.doc->>'$.appDisplayName' AS appDisplayName, e.doc->>'$.account' AS account,
      e.doc->>'$.status' AS status, e.doc->>'$.scheduledDateTime' AS scheduledDateTime,
      e.doc->>'$.lastRolloverDateTime' AS lastRolloverDateTime, e.doc->>'$.error' AS error,
      ${iso('e.time')} AS reportedDateTime
    FROM events e WHERE ${w.toString()}
    QUALIFY row_number() OVER (PARTITION BY e.doc->>'$.appDisplayName', e.doc->>'$.account' ORDER BY e.time DESC, e.id DESC) = 1
  ) WHERE ${wOuter.toString()}`,
    order: `CASE status WHEN 'failure' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, reportedDateTime DESC, appDisplayName, account`,
    params: w.params,
  };
}

/**
 * RMS accesses with their typed values (rawRms), each row a count: raw rows
 * count 1; with a plan, closed days come from report_rms_daily (migration 023),
 * or are left out (`edges`: only the range's raw partial days) for a caller
 * that answers the closed days itself.
 */
function rmsStream(spec: ReportQuerySpec, params: Record<string, string>, plan?: UsageRollupPlan, rolled: 'all' | 'edges' = 'all'): string {
  const filters = (alias: string): string => {
    const w = new Where(params);
    w.add('TRUE');
    w.add(`${alias}.upn = lower($user)`, { name: 'user', value: spec.filters.user });
    w.add(`lower(${alias}.app) = lower($app)`, { name: 'app', value: spec.filters.app });
    return w.toString();
  };
  const raw = (lo: string, hi: string): string =>
    `SELECT x.time, x.upn, x.app, x.action, x.device_id, x.device_platform, x.doc_key, 1 AS n, x.time AS last FROM (${rawRms(lo, hi)}) x WHERE ${filters('x')}`;
  if (plan === undefined) return raw('from', 'to');
  params['rfrom'] = `${plan.fullFrom}T00:00:00.000Z`;
  params['rto'] = `${plan.fullTo}T00:00:00.000Z`;
  const edges = `${raw('from', 'rfrom')}
    UNION ALL ${raw('rto', 'to')}`;
  if (rolled === 'edges') return edges;
  return `SELECT r.last AS time, r.upn, r.app, r.action, r.device_id, r.device_platform, r.doc_key, r.n, r.last FROM report_rms_daily r
    WHERE r.tenant = $tenant AND r.day >= CAST($rfrom AS DATE) AND r.day < CAST($rto AS DATE) AND ${filters('r')}
    UNION ALL ${edges}`;
}

/**
 * rms-usage's closed days as stored when they were built (migration 025): the
 * day over every application, or over those named like the app filter. Only
 * without a user filter (the stored counts are over every user).
 */
function rmsDayStatsRows(spec: ReportQuerySpec, params: Record<string, string>): string {
  const w = new Where(params);
  w.add('r.tenant = $tenant AND r.day >= CAST($rfrom AS DATE) AND r.day < CAST($rto AS DATE)');
  if ((spec.filters.app ?? '') === '') w.add('r.every_app');
  else w.add('NOT r.every_app AND r.app_l = lower($app)', { name: 'app', value: spec.filters.app });
  return `SELECT r.day, r.accesses, r.views, r.edits, r.prints, r.protects, r.users AS distinctUsers,
      r.documents AS distinctDocuments, r.devices AS distinctDevices
    FROM report_rms_day_stats r WHERE ${w.toString()}`;
}

/**
 * Groups the RMS stream by `keys` with sums (`aggs`, over s) and exact distinct
 * counts. Each distinct count is its own DISTINCT-then-count pass joined back:
 * DuckDB's count(DISTINCT) per group was 3-6x slower over half a million rows.
 * `top` (ORDER BY ... LIMIT over the sums) keeps only those groups, and the
 * distinct passes then read only their rows (a semi-join: same answer, a
 * fiftieth of the pairs for the top 1000 of 50,000 users).
 */
function rmsGrouped(
  stream: string,
  keys: readonly (readonly [string, string])[],
  aggs: string,
  distincts: readonly (readonly [string, string])[],
  top?: string,
): string {
  const names = keys.map(([, n]) => n).join(', ');
  const same = (a: string, b: string): string => keys.map(([, n]) => `${a}.${n} IS NOT DISTINCT FROM ${b}.${n}`).join(' AND ');
  const from = top === undefined ? 's' : 't';
  const ctes = distincts.map(
    ([col], i) => `d${i} AS (SELECT ${names}, count(*) AS c FROM (SELECT DISTINCT ${names}, ${col} FROM ${from} WHERE ${col} IS NOT NULL) GROUP BY ALL)`,
  );
  const kept = top === undefined ? '' : `,\n  t AS MATERIALIZED (SELECT s.* FROM s SEMI JOIN b ON ${same('s', 'b')})`;
  const joins = distincts.map((_, i) => `LEFT JOIN d${i} ON ${same(`d${i}`, 'b')}`);
  // Only the columns used: the materialised rows of a month are the run's largest cost.
  const cols = [...new Set([...distincts.map(([c]) => c), ...(/\baction\b/.test(aggs) ? ['action'] : []), 'n', 'last'])].join(', ');
  return `WITH s AS MATERIALIZED (SELECT ${keys.map(([e, n]) => `${e} AS ${n}`).join(', ')}, ${cols} FROM (${stream})),
  b AS (SELECT ${names}, ${aggs} FROM s GROUP BY ALL ${top ?? ''})${kept}${ctes.map((c) => `,\n  ${c}`).join('')}
  SELECT b.*, ${distincts.map(([, alias], i) => `CAST(coalesce(d${i}.c, 0) AS INTEGER) AS ${alias}`).join(', ')}
  FROM b ${joins.join(' ')}`;
}

function rms(tenant: string, spec: ReportQuerySpec, plan?: UsageRollupPlan): BuiltReportSql {
  const params = baseParams(tenant, spec);
  // rms-usage without a user filter: closed days come whole from report_rms_day_stats, only the partial days are counted here.
  const dayStats = spec.report === 'rms-usage' && plan !== undefined && (spec.filters.user ?? '') === '';
  const stream = rmsStream(spec, params, plan, dayStats ? 'edges' : 'all');
  const count = (a: string): string => `CAST(coalesce(sum(n) FILTER (WHERE action = '${a}'), 0) AS INTEGER)`;
  switch (spec.report) {
    case 'rms-usage': {
      // Grouped on the DATE, formatted after: strftime on every row cost a third of the run.
      const counted = rmsGrouped(
        stream,
        [['CAST(time AS DATE)', 'day']],
        `CAST(sum(n) AS INTEGER) AS accesses, ${count('view')} AS views, ${count('edit')} AS edits, ${count('print')} AS prints, ${count('protect')} AS protects`,
        [['upn', 'distinctUsers'], ['doc_key', 'distinctDocuments'], ['device_id', 'distinctDevices']],
      );
      // A day is either closed (stored answer) or partial (counted), never both, so the union is the per-day answer.
      const days = dayStats ? `${rmsDayStatsRows(spec, params)}\n  UNION ALL BY NAME (${counted})` : counted;
      return {
        sql: `SELECT strftime(day, '%Y-%m-%d') AS date, accesses, distinctUsers, distinctDocuments, distinctDevices, views, edits, prints, protects FROM (${days})`,
        order: 'date DESC',
        params,
        countInPage: true,
      };
    }
    case 'rms-most-active-users':
      // The seed's "top 1000" is the report's definition, not a display cap.
      return {
        sql: `SELECT userPrincipalName, accesses, distinctDocuments, distinctDevices, ${iso('last')} AS lastAccessDateTime FROM (${rmsGrouped(
          stream,
          [['upn', 'userPrincipalName']],
          'CAST(sum(n) AS INTEGER) AS accesses, max(last) AS last',
          [['doc_key', 'distinctDocuments'], ['device_id', 'distinctDevices']],
          'ORDER BY accesses DESC, userPrincipalName LIMIT 1000',
        )})`,
        order: 'accesses DESC, userPrincipalName',
        params,
        countInPage: true,
      };
    case 'rms-device-usage':
      return {
        sql: `SELECT deviceId, devicePlatform, accesses, distinctUsers, ${iso('last')} AS lastAccessDateTime FROM (${rmsGrouped(
          stream,
          [["coalesce(device_id, '')", 'deviceId'], ['device_platform', 'devicePlatform']],
          'CAST(sum(n) AS INTEGER) AS accesses, max(last) AS last',
          [['upn', 'distinctUsers']],
        )})`,
        order: 'accesses DESC, deviceId, devicePlatform',
        params,
        countInPage: true,
      };
    default:
      return {
        sql: `SELECT application, accesses, distinctUsers, distinctDocuments, ${iso('last')} AS lastAccessDateTime FROM (${rmsGrouped(
          stream,
          [['app', 'application']],
          'CAST(sum(n) AS INTEGER) AS accesses, max(last) AS last',
          [['upn', 'distinctUsers'], ['doc_key', 'distinctDocuments']],
        )})`,
        order: 'accesses DESC, application',
        params,
        countInPage: true,
      };
  }
}

function userSignInsWhere(tenant: string, spec: ReportQuerySpec): Where {
  const w = new Where(baseParams(tenant, spec));
  w.add(`s.tenant = $tenant AND ${RANGE('s.time')}`);
  // Without a user the report would be every user's history; the service refuses that earlier.
  w.add('s.upn = lower($user)', { name: 'user', value: spec.filters.user ?? '\u0000' });
  // The seed: no history for external consumer (Microsoft) accounts.
  w.add(`coalesce(s.user_type, '') <> 'consumer'`);
  return w;
}

/** Reports whose one user's sign-ins of closed days come from report_user_signins (migration 024). */
export const USER_ROLLUP_REPORTS: ReadonlySet<string> = new Set(['user-devices', 'user-activity']);

/**
 * The user's sign-ins as rows shaped like `signins`: whole closed days of the
 * plan from the side table, the rest of the range raw. The caller's WHERE
 * still applies every filter, so both sources answer like the raw table.
 */
function userSignInsSource(w: Where, plan: UsageRollupPlan | undefined): string {
  if (plan === undefined) return 'signins';
  w.params['uFrom'] = plan.fullFrom;
  w.params['uTo'] = plan.fullTo;
  const lo = `CAST(CAST($uFrom AS DATE) AS TIMESTAMP)`;
  const hi = `CAST(CAST($uTo AS DATE) AS TIMESTAMP)`;
  return `(SELECT tenant, ${USER_SIGNIN_COLUMNS} FROM report_user_signins
      WHERE tenant = $tenant AND upn = lower($user) AND day >= CAST($uFrom AS DATE) AND day < CAST($uTo AS DATE)
    UNION ALL
    SELECT tenant, ${USER_SIGNIN_COLUMNS} FROM signins
      WHERE tenant = $tenant AND upn = lower($user) AND ${RANGE('time')} AND (time < ${lo} OR time >= ${hi}))`;
}

function userDevices(tenant: string, spec: ReportQuerySpec, plan?: UsageRollupPlan): BuiltReportSql {
  const w = userSignInsWhere(tenant, spec);
  const src = userSignInsSource(w, plan);
  return {
    sql: `SELECT s.device_id AS deviceId, s.device_name AS deviceName, coalesce(s.device_os, s.ua_os) AS operatingSystem,
    coalesce(s.device_browser, s.ua_browser) AS browser, s.ip AS ipAddress, ${LOCATION('s')} AS location,
    coalesce(s.geo_city, s.given_city) AS city, coalesce(s.geo_country, s.given_country) AS countryOrRegion,
    any_value(coalesce(s.geo_lat, s.given_lat)) AS latitude, any_value(coalesce(s.geo_lon, s.given_lon)) AS longitude,
    CAST(count(*) AS INTEGER) AS signIns, ${iso('min(s.time)')} AS firstSeenDateTime, ${iso('max(s.time)')} AS lastSeenDateTime
  FROM ${src} s WHERE ${w.toString()}
  GROUP BY s.device_id, s.device_name, coalesce(s.device_os, s.ua_os), coalesce(s.device_browser, s.ua_browser), s.ip,
    ${LOCATION('s')}, coalesce(s.geo_city, s.given_city), coalesce(s.geo_country, s.given_country)`,
    order: 'lastSeenDateTime DESC, ipAddress, deviceId',
    params: w.params,
  };
}

function userActivity(tenant: string, spec: ReportQuerySpec, plan?: UsageRollupPlan): BuiltReportSql {
  const w = userSignInsWhere(tenant, spec);
  const src = userSignInsSource(w, plan);
  if (spec.noiseClients.length > 0) {
    const noise = sqlList(spec.noiseClients.map((c) => c.toLowerCase()));
    w.add(`NOT (coalesce(lower(s.client_app), '') IN (${noise}) OR coalesce(lower(s.app_name), '') IN (${noise}))`);
  }
  w.add(APP_MATCH('s.app_name', 's.app_id'), { name: 'app', value: spec.filters.app });
  w.add('s.outcome = $result', { name: 'result', value: spec.filters.result });
  return {
    sql: `SELECT s.id AS signInId, ${iso('s.time')} AS createdDateTime, s.upn AS userPrincipalName, s.app_name AS appDisplayName,
    s.client_app AS clientAppUsed, s.device_name AS deviceName, coalesce(s.device_os, s.ua_os) AS operatingSystem,
    coalesce(s.device_browser, s.ua_browser) AS browser, s.ip AS ipAddress, ${LOCATION('s')} AS location,
    s.outcome AS status, s.error_code AS errorCode, s.failure_reason AS failureReason, s.interactive AS isInteractive
  FROM ${src} s WHERE ${w.toString()}`,
    order: 'createdDateTime DESC, signInId',
    params: w.params,
  };
}

/** The SQL of one report run. */
export function buildReportSql(tenant: string, spec: ReportQuerySpec, sup: SuppressionSets, usagePlan?: UsageRollupPlan): BuiltReportSql {
  switch (spec.report) {
    case 'signins-from-unknown-sources':
    case 'signins-after-multiple-failures':
    case 'signins-from-multiple-geographies':
    case 'signins-from-suspicious-ips':
    case 'signins-from-infected-devices':
    case 'irregular-signin-activity':
      return signInAnomaly(tenant, spec, sup);
    case 'users-with-anomalous-signin-activity':
      return anomalousUsers(tenant, spec, sup);
    case 'users-with-leaked-credentials':
      return leakedCredentials(tenant, spec, sup);
    case 'audit':
      return audit(tenant, spec);
    case 'password-reset-activity':
      return passwordReset(tenant, spec, 'PasswordReset');
    case 'password-reset-registration-activity':
      return passwordReset(tenant, spec, 'PasswordResetRegistration');
    case 'self-service-groups-activity':
      return selfServiceGroups(tenant, spec);
    case 'application-usage':
      return applicationUsage(tenant, spec, usagePlan);
    case 'application-usage-detailed':
      return applicationUsageDetailed(tenant, spec, usagePlan);
    case 'application-dashboard':
      return applicationDashboard(tenant, spec, usagePlan);
    case 'account-provisioning-activity':
      return provisioning(tenant, spec, false);
    case 'account-provisioning-errors':
      return provisioning(tenant, spec, true);
    case 'password-rollover-status':
      return passwordRollover(tenant, spec);
    case 'rms-usage':
    case 'rms-most-active-users':
    case 'rms-device-usage':
    case 'rms-application-usage':
      return rms(tenant, spec, usagePlan);
    case 'user-devices':
      return userDevices(tenant, spec, usagePlan);
    case 'user-activity':
      return userActivity(tenant, spec, usagePlan);
  }
}
