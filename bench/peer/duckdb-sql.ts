/**
 * The batch-SQL peer: what a team would do without authlens. DuckDB reads the
 * Graph sign-in NDJSON with read_json (only the columns the rules need) and
 * three SQL queries find success after 5+ failures (D2), impossible travel
 * (D3, >900 km/h over >500 km) and password spray (D4, >=10 users failing from
 * one IP in 30 minutes). Prints records/s for load + queries, twice: as the
 * issue defines the peer (6 columns in an in-memory table), and the same
 * peer keeping every field authlens keeps of a sign-in, durably (a database
 * file, CHECKPOINT before the clock stops). The second is what any product
 * answering reports from stored events pays before enrichment, validation,
 * dedupe or detection.
 *
 *   node --import tsx bench/peer/duckdb-sql.ts bench/out/graph-signins-1000000.ndjson
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

/** rule-columns: the peer; every-field-durably: the same, keeping what a report store must keep. */
export type PeerKeeps = 'rule-columns' | 'every-field-durably';

export interface PeerFigures {
  readonly name: 'duckdb-sql-peer';
  readonly keeps: PeerKeeps;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly loadSeconds: number;
  readonly querySeconds: { readonly successAfterFailures: number; readonly impossibleTravel: number; readonly passwordSpray: number };
  readonly found: { readonly successAfterFailures: number; readonly impossibleTravel: number; readonly passwordSpray: number };
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const RULE_COLUMNS = `id, createdDateTime::TIMESTAMP AS t, lower(userPrincipalName) AS upn, ipAddress AS ip,
       status.errorCode AS code, location.geoCoordinates.latitude AS lat, location.geoCoordinates.longitude AS lon`;

const LOAD = (file: string): string => `
CREATE TABLE s AS
SELECT ${RULE_COLUMNS}
FROM read_json(${sqlString(file)}, format = 'newline_delimited',
  columns = {id: 'VARCHAR', createdDateTime: 'VARCHAR', userPrincipalName: 'VARCHAR', ipAddress: 'VARCHAR',
             status: 'STRUCT(errorCode INTEGER)',
             location: 'STRUCT(geoCoordinates STRUCT(latitude DOUBLE, longitude DOUBLE))'})`;

/** Every field of a Graph signIn that authlens stores (src/store/duckdb/signin-rows.ts), before enrichment. */
export const EVERY_FIELD = `{
  id: 'VARCHAR', createdDateTime: 'VARCHAR', userId: 'VARCHAR', userPrincipalName: 'VARCHAR', userDisplayName: 'VARCHAR',
  userType: 'VARCHAR', homeTenantId: 'VARCHAR', appId: 'VARCHAR', appDisplayName: 'VARCHAR', resourceId: 'VARCHAR',
  resourceDisplayName: 'VARCHAR', ipAddress: 'VARCHAR', clientAppUsed: 'VARCHAR', isInteractive: 'BOOLEAN',
  status: 'STRUCT(errorCode INTEGER, failureReason VARCHAR, additionalDetails VARCHAR)',
  deviceDetail: 'STRUCT(deviceId VARCHAR, displayName VARCHAR, operatingSystem VARCHAR, browser VARCHAR, isManaged BOOLEAN, isCompliant BOOLEAN, trustType VARCHAR)',
  userAgent: 'VARCHAR',
  location: 'STRUCT(city VARCHAR, state VARCHAR, countryOrRegion VARCHAR, geoCoordinates STRUCT(latitude DOUBLE, longitude DOUBLE))',
  authenticationRequirement: 'VARCHAR', mfaDetail: 'STRUCT(authMethod VARCHAR, authDetail VARCHAR)',
  conditionalAccessStatus: 'VARCHAR', correlationId: 'VARCHAR'}`;

// The rules then read the stored table, as a report store's queries would.
const LOAD_EVERY_FIELD = (file: string): readonly string[] => [
  `CREATE TABLE signins AS SELECT * FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${EVERY_FIELD})`,
  'CHECKPOINT',
  `CREATE VIEW s AS SELECT ${RULE_COLUMNS} FROM signins`,
];

// Failures since the user's previous success form a run; a success counts when 5+ failures of its run fall in the hour before it.
const SUCCESS_AFTER_FAILURES_SQL = `
WITH o AS (
  SELECT upn, t, code,
         SUM(CASE WHEN code = 0 THEN 1 ELSE 0 END) OVER (PARTITION BY upn ORDER BY t ROWS UNBOUNDED PRECEDING) AS run
  FROM s),
succ AS (SELECT upn, t, run FROM o WHERE code = 0),
fails AS (SELECT upn, run, t FROM o WHERE code = 50126)
SELECT COUNT(*) AS n FROM (
  SELECT succ.upn, succ.t
  FROM succ JOIN fails ON fails.upn = succ.upn AND fails.run = succ.run - 1
  WHERE fails.t >= succ.t - INTERVAL 1 HOUR
  GROUP BY succ.upn, succ.t
  HAVING COUNT(*) >= 5)`;

const IMPOSSIBLE_TRAVEL_SQL = `
WITH ok AS (
  SELECT upn, t, lat, lon,
         LAG(t) OVER w AS pt, LAG(lat) OVER w AS plat, LAG(lon) OVER w AS plon
  FROM s WHERE code = 0 AND lat IS NOT NULL
  WINDOW w AS (PARTITION BY upn ORDER BY t)),
d AS (
  SELECT upn, t, pt,
         2 * 6371 * asin(sqrt(pow(sin(radians(lat - plat) / 2), 2) + cos(radians(plat)) * cos(radians(lat)) * pow(sin(radians(lon - plon) / 2), 2))) AS km
  FROM ok WHERE pt IS NOT NULL)
SELECT COUNT(*) AS n FROM d
WHERE km > 500 AND km / greatest(epoch(t - pt) / 3600.0, 1.0 / 3600) > 900`;

const PASSWORD_SPRAY_SQL = `
SELECT COUNT(*) AS n FROM (
  SELECT ip, time_bucket(INTERVAL 30 MINUTE, t) AS b
  FROM s WHERE code = 50126
  GROUP BY ip, b
  HAVING COUNT(DISTINCT upn) >= 10)`;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const v = await f();
  return [v, Number(process.hrtime.bigint() - started) / 1e9];
}

export async function runPeerBench(file: string, opts: { threads?: number; keeps?: PeerKeeps } = {}): Promise<PeerFigures> {
  const keeps = opts.keeps ?? 'rule-columns';
  const dir = keeps === 'every-field-durably' ? await mkdtemp(path.join(tmpdir(), 'authlens-peer-')) : undefined;
  const instance = await DuckDBInstance.create(dir === undefined ? ':memory:' : path.join(dir, 'peer.duckdb'), { threads: String(opts.threads ?? 2) });
  const conn = await instance.connect();
  try {
    const count = async (sql: string): Promise<number> => {
      const r = await conn.runAndReadAll(sql);
      return Number(r.getRows()[0]?.[0] ?? 0);
    };
    const load = keeps === 'rule-columns' ? [LOAD(path.resolve(file))] : LOAD_EVERY_FIELD(path.resolve(file));
    const [, loadSeconds] = await timed(async () => {
      for (const sql of load) await conn.run(sql);
    });
    const records = await count('SELECT COUNT(*) FROM s');
    const [saf, safS] = await timed(() => count(SUCCESS_AFTER_FAILURES_SQL));
    const [trav, travS] = await timed(() => count(IMPOSSIBLE_TRAVEL_SQL));
    const [spray, sprayS] = await timed(() => count(PASSWORD_SPRAY_SQL));
    const seconds = loadSeconds + safS + travS + sprayS;
    return {
      name: 'duckdb-sql-peer',
      keeps,
      records,
      seconds,
      recordsPerSecond: Math.round(records / seconds),
      loadSeconds,
      querySeconds: { successAfterFailures: safS, impossibleTravel: travS, passwordSpray: sprayS },
      found: { successAfterFailures: saf, impossibleTravel: trav, passwordSpray: spray },
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? path.resolve(import.meta.dirname, '../out/graph-signins-1000000.ndjson');
  for (const keeps of ['rule-columns', 'every-field-durably'] as const) {
    const r = await runPeerBench(file, { keeps });
    console.log(
      `duckdb-sql-peer (${keeps}): ${r.records.toLocaleString('en-US')} records in ${r.seconds.toFixed(2)} s = ${r.recordsPerSecond.toLocaleString('en-US')} records/s ` +
        `(load ${r.loadSeconds.toFixed(2)} s; D2 ${r.querySeconds.successAfterFailures.toFixed(2)} s, D3 ${r.querySeconds.impossibleTravel.toFixed(2)} s, ` +
        `D4 ${r.querySeconds.passwordSpray.toFixed(2)} s; found D2=${r.found.successAfterFailures}, D3=${r.found.impossibleTravel}, D4=${r.found.passwordSpray})`,
    );
  }
}
