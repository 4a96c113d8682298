/**
 * Probe, not product: the most a SQL-native bulk path could do here, to weigh
 * that design (BENCHMARKS.md, "Ingest"). DuckDB reads the Graph NDJSON itself
 * (typed `read_json`, or `read_json_objects` + `json_extract_string`), GeoIP /
 * ASN / UA enrichment runs in JS once per distinct IP and user agent and is
 * joined in, the row is mapped in SQL, dedupe is the store's anti-join, and
 * the rows go into the real `signins` table in one durable transaction. It
 * leaves out what a product path needs on top, so its figure is a ceiling:
 * no per-record validation or rejections (the mapping approximates the Graph
 * adapter for clean records only), no retention check, no progress, no
 * detections. Prints each stage's seconds.
 *
 *   node --import tsx bench/ingest/sql-native-probe.ts [FILE] [typed|objects] [--read-back|--detect]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { loadEnrichmentData } from '../../src/enrich/load.ts';
import { openDuckDbStore } from '../../src/store/duckdb/open.ts';
import type { SignIn } from '../../src/schema/events.ts';
import { DetectionEngine } from '../../src/detect/engine/engine.ts';
import { resolveSettings } from '../../src/detect/engine/settings.ts';
import { STREAMING_DETECTORS } from '../../src/detect/detectors/registry.ts';
import { appendDoubleOrNull as doubleOrNull, appendVarcharOrNull as varcharOrNull, SIGNIN_JSON_SQL, signInFromJson } from '../../src/store/duckdb/signin-rows.ts';
import { EVERY_FIELD } from '../peer/duckdb-sql.ts';

const fileArg = process.argv.slice(2).find((a) => !a.startsWith('-') && a !== 'typed' && a !== 'objects');
const file = path.resolve(fileArg ?? path.join(import.meta.dirname, '../out/graph-signins-1000000.ndjson'));
const mode = process.argv.includes('objects') ? 'objects' : 'typed';
// --read-back: also read the stored rows back into JS in file order, as the streaming detectors would need them;
// --detect: and run the detectors on them (what a bulk path keeping the JS detectors would pay).
const withDetect = process.argv.includes('--detect');
const readBack = withDetect || process.argv.includes('--read-back');
const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;


const STAGE_TYPED = (f: string): string => `
CREATE TEMP TABLE raw AS
SELECT row_number() OVER () AS line, * FROM read_json(${q(f)}, format = 'newline_delimited', columns = ${EVERY_FIELD})`;

const J = (p: string): string => `json_extract_string(j, '$.${p}')`;
const STAGE_OBJECTS = (f: string): string => `
CREATE TEMP TABLE raw AS
SELECT line, ${J('id')} AS id, ${J('createdDateTime')} AS createdDateTime, ${J('userId')} AS userId,
  ${J('userPrincipalName')} AS userPrincipalName, ${J('userDisplayName')} AS userDisplayName, ${J('userType')} AS userType,
  ${J('homeTenantId')} AS homeTenantId, ${J('appId')} AS appId, ${J('appDisplayName')} AS appDisplayName,
  ${J('resourceId')} AS resourceId, ${J('resourceDisplayName')} AS resourceDisplayName, ${J('ipAddress')} AS ipAddress,
  ${J('clientAppUsed')} AS clientAppUsed, TRY_CAST(${J('isInteractive')} AS BOOLEAN) AS isInteractive,
  {'errorCode': TRY_CAST(${J('status.errorCode')} AS BIGINT), 'failureReason': ${J('status.failureReason')}, 'additionalDetails': ${J('status.additionalDetails')}} AS status,
  {'deviceId': ${J('deviceDetail.deviceId')}, 'displayName': ${J('deviceDetail.displayName')}, 'operatingSystem': ${J('deviceDetail.operatingSystem')},
   'browser': ${J('deviceDetail.browser')}, 'isManaged': TRY_CAST(${J('deviceDetail.isManaged')} AS BOOLEAN),
   'isCompliant': TRY_CAST(${J('deviceDetail.isCompliant')} AS BOOLEAN), 'trustType': ${J('deviceDetail.trustType')}} AS deviceDetail,
  ${J('userAgent')} AS userAgent,
  {'city': ${J('location.city')}, 'state': ${J('location.state')}, 'countryOrRegion': ${J('location.countryOrRegion')},
   'geoCoordinates': {'latitude': TRY_CAST(${J('location.geoCoordinates.latitude')} AS DOUBLE), 'longitude': TRY_CAST(${J('location.geoCoordinates.longitude')} AS DOUBLE)}} AS location,
  ${J('authenticationRequirement')} AS authenticationRequirement,
  {'authMethod': ${J('mfaDetail.authMethod')}, 'authDetail': ${J('mfaDetail.authDetail')}} AS mfaDetail,
  ${J('conditionalAccessStatus')} AS conditionalAccessStatus, ${J('correlationId')} AS correlationId
FROM (SELECT row_number() OVER () AS line, json AS j FROM read_json_objects(${q(f)}, format = 'newline_delimited'))`;

const nz = (e: string, max: number): string => `left(nullif(trim(${e}), ''), ${max})`;

const INSERT = `
INSERT INTO main.signins
SELECT 'bench', r.id, r.t, ${nz('r.userId', 256)}, lower(r.upn), ${nz('r.userDisplayName', 512)},
  CASE WHEN lower(r.userType) = 'guest' OR r.upn LIKE '%#EXT#%' THEN 'guest' WHEN lower(r.userType) = 'member' THEN 'member' END,
  ${nz('r.appId', 256)}, ${nz('r.appDisplayName', 512)}, ${nz('r.resourceId', 256)}, ${nz('r.resourceDisplayName', 512)},
  r.ip, ${nz('r.clientAppUsed', 128)}, coalesce(r.isInteractive, true), r.status.errorCode::INTEGER,
  ${nz('r.status.failureReason', 2048)}, ${nz('r.status.additionalDetails', 2048)},
  coalesce(o.outcome, 'other'),
  ${nz('r.deviceDetail.deviceId', 256)}, ${nz('r.deviceDetail.displayName', 256)}, ${nz('r.deviceDetail.operatingSystem', 128)},
  ${nz('r.deviceDetail.browser', 128)}, r.deviceDetail.isManaged, r.deviceDetail.isCompliant, ${nz('r.deviceDetail.trustType', 64)},
  ${nz('r.userAgent', 2048)}, ${nz('r.authenticationRequirement', 128)}, ${nz('r.mfaDetail.authMethod', 128)}, ${nz('r.mfaDetail.authDetail', 512)},
  ${nz('r.conditionalAccessStatus', 64)}, ${nz('r.correlationId', 256)}, 'entra',
  ${nz('r.location.city', 200)}, ${nz('r.location.state', 200)}, ${nz('r.location.countryOrRegion', 64)},
  r.location.geoCoordinates.latitude, r.location.geoCoordinates.longitude,
  coalesce(${nz('r.location.city', 200)}, g.city), coalesce(${nz('r.location.state', 200)}, g.state),
  coalesce(${nz('r.location.countryOrRegion', 64)}, g.country),
  coalesce(r.location.geoCoordinates.latitude, g.lat), coalesce(r.location.geoCoordinates.longitude, g.lon),
  CASE WHEN r.location.city IS NOT NULL THEN 'city' ELSE g.precision END,
  CASE WHEN r.location.city IS NOT NULL THEN 'given' ELSE g.source END,
  coalesce(g.accuracy, 0), coalesce(g.scope, 'none'), g.asn, g.as_org, coalesce(g.tags, '[]'),
  u.os, u.os_version, u.browser, u.browser_version, coalesce(u.device_type, 'unknown'),
  now()::TIMESTAMP, CASE WHEN lower(r.upn) <> r.upn THEN r.upn END,
  (CASE WHEN r.deviceDetail IS NOT NULL THEN 1 ELSE 0 END) | (CASE WHEN r.location IS NOT NULL THEN 2 ELSE 0 END) | (CASE WHEN r.mfaDetail IS NOT NULL THEN 4 ELSE 0 END),
  md5_number_lower(r.id),
  NULL -- shared_ip_directories (migration 005): no shared IP reputation in a bulk load
FROM (SELECT *, trim(userPrincipalName) AS upn, trim(ipAddress) AS ip,
        strptime(createdDateTime[1:23] || 'Z', '%Y-%m-%dT%H:%M:%S.%gZ') AS t
      FROM temp.raw) r
LEFT JOIN temp.ipinfo g ON g.ip = r.ip
LEFT JOIN temp.uainfo u ON u.ua = r.userAgent
LEFT JOIN temp.outcomes o ON o.code = r.status.errorCode
WHERE NOT EXISTS (SELECT 1 FROM main.signins s WHERE s.tenant = 'bench' AND s.id_key = md5_number_lower(r.id) AND s.id = r.id)`;

const dataDir = await mkdtemp(path.join(tmpdir(), 'authlens-probe-'));
const config = loadConfig({ dataDir, demo: false }, {});
const store = await openDuckDbStore({ dataDir });
const enrichment = await loadEnrichmentData(config, { listPollSeconds: 0, urlRefreshSeconds: 0 });
const db = store.db;
const conn0 = store.connection;
const runW = async (sql: string): Promise<void> => { await conn0.run(sql); };
const rowsW = async <T,>(sql: string): Promise<T[]> => (await conn0.runAndReadAll(sql)).getRowObjectsJS() as T[];
const lap = (() => {
  let t = process.hrtime.bigint();
  return (what: string): number => {
    const now = process.hrtime.bigint();
    const s = Number(now - t) / 1e9;
    t = now;
    console.log(`${what.padEnd(28)} ${s.toFixed(2)} s`);
    return s;
  };
})();
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
try {
  await runW(mode === 'objects' ? STAGE_OBJECTS(file) : STAGE_TYPED(file));
  const n = Number((await rowsW<{ n: bigint }>('SELECT count(*) AS n FROM temp.raw'))[0]?.n ?? 0);
  lap(`stage (${mode}) ${n} rows`);

  const ips = await rowsW<{ ip: string }>("SELECT DISTINCT trim(ipAddress) AS ip FROM temp.raw WHERE ipAddress IS NOT NULL");
  const uas = await rowsW<{ ua: string }>('SELECT DISTINCT userAgent AS ua FROM temp.raw WHERE userAgent IS NOT NULL');
  lap(`distinct ${ips.length} ips, ${uas.length} uas`);

  const base: SignIn = {
    kind: 'signIn', id: 'x', createdDateTime: '2026-01-01T00:00:00.000Z', userPrincipalName: 'x', isInteractive: true,
    status: { errorCode: 0 }, outcome: 'success',
  };
  await runW(`CREATE TEMP TABLE ipinfo (ip VARCHAR, city VARCHAR, state VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE,
    precision VARCHAR, source VARCHAR, accuracy DOUBLE, scope VARCHAR, asn BIGINT, as_org VARCHAR, tags VARCHAR)`);
  await runW(`CREATE TEMP TABLE uainfo (ua VARCHAR, os VARCHAR, os_version VARCHAR, browser VARCHAR, browser_version VARCHAR, device_type VARCHAR)`);
  await runW('CREATE TEMP TABLE outcomes (code BIGINT, outcome VARCHAR)');
  await db.transaction(async (conn) => {
    const a = await conn.createAppender('ipinfo', 'main', 'temp');
    for (const { ip } of ips) {
      const e = enrichment.enrich('bench', { ...base, ipAddress: ip });
      if (e.kind !== 'signIn') continue;
      const g = e.enrichment.geo;
      const nw = e.enrichment.network;
      a.appendVarchar(ip);
      for (const v of [g.city, g.state, g.countryCode]) varcharOrNull(a, v);
      for (const v of [g.latitude, g.longitude]) doubleOrNull(a, v);
      a.appendVarchar(g.precision);
      a.appendVarchar(g.source);
      a.appendDouble(g.accuracyRadiusKm);
      a.appendVarchar(nw.scope);
      if (nw.asn === undefined) a.appendNull();
      else a.appendBigInt(BigInt(nw.asn));
      varcharOrNull(a, nw.asOrg);
      a.appendVarchar(JSON.stringify(e.enrichment.ipTags));
      a.endRow();
    }
    a.flushSync();
    a.closeSync();
    const u = await conn.createAppender('uainfo', 'main', 'temp');
    for (const { ua } of uas) {
      const e = enrichment.enrich('bench', { ...base, userAgent: ua });
      if (e.kind !== 'signIn') continue;
      const x = e.enrichment.ua;
      u.appendVarchar(ua);
      for (const v of [x.os, x.osVersion, x.browser, x.browserVersion]) varcharOrNull(u, v);
      u.appendVarchar(x.deviceType);
      u.endRow();
    }
    u.flushSync();
    u.closeSync();
  });
  const { ENTRA_ERROR_OUTCOMES } = await import('../../src/ingest/entra-error-codes.ts');
  await runW(`INSERT INTO temp.outcomes VALUES ${Object.entries(ENTRA_ERROR_OUTCOMES).map(([c, o]) => `(${c}, ${q(o)})`).join(',')}`);
  lap('enrich distinct + append');

  const inserted = await db.transaction(async (conn) => (await conn.run(INSERT)).rowsChanged);
  lap(`insert ${inserted} (durable)`);

  if (readBack) {
    // The streaming detectors as the JS runtime would run them, fed with the stored rows read back in file order.
    const resolved = resolveSettings(STREAMING_DETECTORS, {});
    if (!resolved.ok) throw new Error('default settings must resolve');
    const engine = new DetectionEngine({ tenant: 'bench', detectors: STREAMING_DETECTORS, settings: resolved.settings, latenessMs: 600_000 });
    let found = 0;
    let read = 0;
    const rows = db.stream<{ j: string }>(
      `SELECT ${SIGNIN_JSON_SQL} AS j FROM main.signins s WHERE s.tenant = 'bench' ORDER BY s.time`,
      [],
      { batchRows: 20_480 },
    );
    for await (const batch of rows) {
      read += batch.length;
      const events = batch.map((r) => signInFromJson(r.j));
      if (withDetect) found += engine.push(events).detections.length;
    }
    found += engine.flush().length;
    lap(withDetect ? `read back ${read} + detect (${found} found)` : `read back ${read}`);
  }
  const total = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  console.log(
    `sql-native-store-ceiling (${mode}): ${n.toLocaleString('en-US')} records in ${total.toFixed(2)} s = ${Math.round(n / total).toLocaleString('en-US')} records/s ` +
      `(process CPU ${((used.user + used.system) / 1e6).toFixed(1)} s, RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB)`,
  );
} finally {
  await enrichment.close();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}
