/**
 * Report latency on a month of a large directory (SPEC 8): generates N
 * sign-ins (default 10M) over 30 days for a 50,000-user directory plus
 * proportional other events and detections straight into DuckDB with SQL,
 * then times every report at 24h, 7d and 30d (portal view: 1000 newest rows +
 * total) and the zipped CSV download (75,000 rows of 200,000 for audit).
 *
 *   npm run bench -- reports [--signins 10000000] [--users 50000] [--reps 10] [--dir DIR] [--keep] [--only REGEX] [--no-zip]
 *   (or node --import tsx bench/reports/run.ts with the same options; an existing --dir is reused as it is)
 *
 * Targets: p50 < 100 ms per report at 30 days; zip < 1 s. The rollups
 * (docs/reports.md, "Performance") are warmed once before timing, as the
 * server does at start, and the time printed; bench/reports/paired.ts compares with an older checkout.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDbStore } from '../../src/store/duckdb/open.ts';
import { REPORT_CATALOG } from '../../src/reports/catalog.ts';
import { collect } from '../../src/reports/export/encode.ts';
import { createReportService } from '../../src/reports/service.ts';
import type { ReportQueries } from '../../src/store/ports.ts';

const { values: args } = parseArgs({
  options: {
    signins: { type: 'string', default: '10000000' },
    users: { type: 'string', default: '50000' },
    reps: { type: 'string', default: '10' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string', description: 'regex of report ids to time' },
    'no-zip': { type: 'boolean', default: false },
  },
});
const N = Number(args.signins);
const USERS = Number(args.users);
const REPS = Number(args.reps);
const DAYS = 30;
const NOW = new Date('2026-11-20T12:00:00.000Z');
const START = new Date(NOW.getTime() - DAYS * 86_400_000).toISOString().replace('T', ' ').replace('Z', '');
const STEP_US = Math.floor((DAYS * 86_400_000_000) / N);

const dir = args.dir ?? (await mkdtemp(path.join(tmpdir(), 'authlens-bench-reports-')));
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`${new Date().toISOString()} UTC, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load ${load()}`);
const store = await openDuckDbStore({ dataDir: dir });
const db = store.db;
const t0 = performance.now();
const ms = (t: number): string => `${(performance.now() - t).toFixed(0)} ms`;

// Every column derives from the row number with hash(); rows arrive in time order like a live feed,
// each stored 2 s after it happened (ingested_at), as the report rollups expect of a live store.
const time = (k: number) => `TIMESTAMP '${START}' + to_microseconds(CAST(i AS BIGINT) * ${Math.floor((DAYS * 86_400_000_000) / (N / k))})`;
const upn = `'user' || (bh(i) % ${USERS}) || '@contoso.example'`;
const APPS = `['Outlook','Teams','SharePoint','Salesforce','Workday','ServiceNow','GitHub','Zoom','Slack','Box','Dropbox','Jira']`;
const CITIES = `[['Berlin','DE'],['Paris','FR'],['London','GB'],['New York','US'],['Tokyo','JP'],['Sydney','AU'],['Madrid','ES'],['Toronto','CA']]`;

const existing = Number((await db.one<{ n: number }>(`SELECT count(*) AS n FROM signins WHERE tenant = 'bench'`))?.n ?? 0);
if (existing === 0) {
  // hash() is UBIGINT, which list indexing refuses; a signed copy of it keeps the SQL readable.
  await db.run('CREATE OR REPLACE TEMP MACRO bh(x) AS CAST(hash(x) >> 1 AS BIGINT)');
  await store.control.createTenant({ id: 'bench', name: 'bench', edition: 'premium', rms: true, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z', optedInAt: '2026-01-01T00:00:00.000Z' });
  let t = performance.now();
  await db.run(`INSERT INTO signins (tenant, id, time, user_id, upn, user_type, app_id, app_name, ip, client_app, interactive, error_code, failure_reason,
      outcome, device_id, device_name, device_os, device_browser, geo_city, geo_country, geo_lat, geo_lon, geo_precision, geo_source, geo_accuracy_km,
      ip_scope, asn, ip_tags, ua_os, ua_browser, ua_device_type, ingested_at)
    SELECT 'bench', 's' || i, TIMESTAMP '${START}' + to_microseconds(CAST(i AS BIGINT) * ${STEP_US}), 'u' || (bh(i) % ${USERS}), ${upn},
      CASE WHEN bh(i) % ${USERS} < 100 THEN 'consumer' ELSE 'member' END,
      'app' || (bh(i * 7) % 12), ${APPS}[1 + bh(i * 7) % 12],
      '198.' || (bh(i) % 200) || '.' || (bh(i * 3) % 8) || '.' || (bh(i) % 250 + 1),
      CASE WHEN bh(i * 11) % 10 = 0 THEN 'Microsoft Online Services Sign-In Assistant' ELSE 'Browser' END,
      bh(i * 11) % 10 <> 0,
      CASE WHEN bh(i * 13) % 20 = 0 THEN 50126 ELSE 0 END,
      CASE WHEN bh(i * 13) % 20 = 0 THEN 'Invalid username or password.' END,
      CASE WHEN bh(i * 13) % 20 = 0 THEN 'credentialFailure' ELSE 'success' END,
      'dev-' || (bh(i) % ${USERS}) || '-' || (bh(i * 5) % 2), 'PC-' || (bh(i) % ${USERS}), 'Windows 11', 'Edge 120',
      ${CITIES}[1 + bh(i) % 8][1], ${CITIES}[1 + bh(i) % 8][2], 50.0, 8.0, 'city', 'geoip', 20.0,
      'public', 64496 + bh(i) % 50, '[]', 'Windows', 'Edge', 'desktop',
      TIMESTAMP '${START}' + to_microseconds(CAST(i AS BIGINT) * ${STEP_US}) + INTERVAL 2 SECOND
    FROM range(${N}) r(i)`);
  console.log(`signins: ${N.toLocaleString('en-US')} rows in ${ms(t)}`);

  t = performance.now();
  const kinds: [string, number, string][] = [
    // [kind, one per how many sign-ins, extra columns]
    ['directoryAudit', 50, `'UserManagement', 'Update user', 'success', 'admin' || (bh(i) % 20) || '@contoso.example', NULL,
      '{"initiatedBy":{"user":{"userPrincipalName":"admin@contoso.example"}},"targetResources":[{"type":"User","userPrincipalName":"user' || (bh(i) % ${USERS}) || '@contoso.example"}],"additionalDetails":[{"key":"Method","value":"SMS"}]}'`],
    ['appAccess', 10, `NULL, 'accessPanel', NULL, NULL, ${APPS}[1 + bh(i * 7) % 12],
      '{"accessType":"accessPanel","appDisplayName":"x"}'`],
    ['provisioning', 200, `NULL, 'create', CASE WHEN bh(i) % 10 = 0 THEN 'failure' ELSE 'success' END, NULL, ${APPS}[1 + bh(i * 7) % 12],
      '{"appDisplayName":"Salesforce","action":"create","targetAccount":"a@sf.example","errorCode":"E1","attempt":1}'`],
    ['passwordRollover', 2000, `NULL, NULL, 'success', NULL, ${APPS}[1 + bh(i * 7) % 12],
      '{"appDisplayName":"Twitter","account":"acct' || (bh(i) % 300) || '","status":"success"}'`],
    ['rmsAccess', 20, `NULL, 'view', NULL, NULL, 'Word',
      '{"application":"Word","deviceId":"dev' || (bh(i) % 5000) || '","devicePlatform":"Windows","documentId":"doc' || (bh(i) % 20000) || '","action":"view"}'`],
  ];
  for (const [kind, per, cols] of kinds) {
    const n = Math.floor(N / per);
    await db.run(`INSERT INTO events (tenant, kind, id, time, upn, category, activity, result, actor, app_name, doc, ingested_at)
      SELECT 'bench', '${kind}', '${kind}-' || i, ${time(per)}, ${upn}, ${cols}, ${time(per)} + INTERVAL 2 SECOND FROM range(${n}) r(i)`);
  }
  console.log(`events: ${kinds.map(([k, per]) => `${k} ${Math.floor(N / per).toLocaleString('en-US')}`).join(', ')} in ${ms(t)}`);

  t = performance.now();
  const nd = Math.floor(N / 1000);
  await db.run(`INSERT INTO detections (tenant, id, detector, severity, time, signin_id, upn, ip, evidence, log_only, created_at)
    SELECT 'bench', 'det-' || i, ['D1','D2','D3','D4','D5','D6','D7','D8'][1 + i % 8], ['low','medium','high'][1 + bh(i) % 3],
      TIMESTAMP '${START}' + to_microseconds(CAST(i AS BIGINT) * 1000 * ${STEP_US}), 's' || (i * 1000), ${upn}, '198.51.100.' || (i % 250),
      '{"note":"bench"}', false, TIMESTAMP '${START}'
    FROM range(${nd}) r(i)`);
  console.log(`detections: ${nd.toLocaleString('en-US')} in ${ms(t)}`);
  await db.run('CHECKPOINT');
}

// What the server's start and hourly job do (ReportQueries.warm): build the month's rollups, so the table below shows steady state.
{
  const t = performance.now();
  await store.reports.warm?.('bench', NOW.toISOString());
  console.log(`warm (rollups of the 31 closed days before now): built or checked in ${ms(t)}`);
  const t2 = performance.now();
  await store.reports.warm?.('bench', NOW.toISOString());
  console.log(`warm again: up-to-date check in ${ms(t2)}`);
}

// Notes which downloads got their CSV lines from the store (ReportQueries.csvText) rather than the JS path.
const sqlLines = new Set<string>();
const queries: ReportQueries = {
  ...store.reports,
  async csvText(tenant, spec, columns, limit) {
    const text = await store.reports.csvText?.(tenant, spec, columns, limit);
    if (text !== undefined) sqlLines.add(spec.report);
    return text;
  },
};
const service = createReportService({ queries, control: store.control, now: () => NOW });
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

console.log(`\nreport latency (portal view: 1000 newest rows + total), ${REPS} runs after one warm-up, ms`);
// CPU time (process.cpuUsage: JS and DuckDB's threads) is printed beside wall time: it swings far less with the shared box's load.
console.log(`${'report'.padEnd(38)} ${'24h p50/p95'.padStart(14)} ${'7d p50/p95'.padStart(14)} ${'30d p50/p95'.padStart(14)} ${'30d cpu p50'.padStart(12)}  rows@30d`);
const over: string[] = [];
const only = args.only === undefined ? undefined : new RegExp(args.only);
for (const def of REPORT_CATALOG.filter((d) => only === undefined || only.test(d.id))) {
  const cells: string[] = [];
  let total = 0;
  for (const interval of ['24h', '7d', '30d']) {
    const filters = def.requiresUser ? { user: `user${USERS - 7}@contoso.example` } : def.requiresApp ? { app: 'Salesforce' } : {};
    const times: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r <= REPS; r++) {
      const c = process.cpuUsage();
      const t = performance.now();
      const v = await service.view({ tenant: 'bench', report: def.id, interval, filters }, { portal: true });
      const el = performance.now() - t;
      const used = process.cpuUsage(c);
      if (!v.ok) throw new Error(`${def.id}: ${v.message}`);
      if (r > 0) {
        times.push(el);
        cpu.push((used.user + used.system) / 1000);
      }
      total = v.total;
    }
    const p50 = pct(times, 50);
    cells.push(`${p50.toFixed(0)}/${pct(times, 95).toFixed(0)}`.padStart(14));
    if (interval === '30d') cells.push(pct(cpu, 50).toFixed(0).padStart(12));
    if (interval === '30d' && p50 >= 100) over.push(def.id);
  }
  console.log(`${def.id.padEnd(38)} ${cells.join(' ')}  ${total}`);
}

console.log(`\nzipped CSV download (30 days, at most 75,000 rows), ${REPS} runs after one warm-up, ms; load ${load()}`);
const ZIPS = [
  ['audit', {}],
  ['application-usage-detailed', { app: 'Salesforce' }],
  ['user-activity', { user: `user${USERS - 7}@contoso.example` }],
  ['user-devices', { user: `user${USERS - 7}@contoso.example` }],
] as const;
for (const [report, filters] of args['no-zip'] ? [] : ZIPS) {
  const times: number[] = [];
  let size = 0;
  let total = 0;
  for (let r = 0; r <= REPS; r++) {
    const t = performance.now();
    const d = await service.download({ tenant: 'bench', report, interval: '30d', filters });
    if (!d.ok) throw new Error(d.message);
    size = (await collect(d.body)).length;
    total = d.total;
    if (r > 0) times.push(performance.now() - t);
  }
  const how = sqlLines.has(report) ? 'lines made by DuckDB' : 'rows through csvLine';
  console.log(
    `${report.padEnd(38)} p50/p95 ${pct(times, 50).toFixed(0)}/${pct(times, 95).toFixed(0)} ms; ${Math.min(total, 75_000).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows, ${(size / 1e6).toFixed(1)} MB zip; ${how}`,
  );
}
console.log(`\n30d p50 at or over 100 ms: ${over.length === 0 ? 'none' : over.join(', ')}`);
console.log(`total bench time ${ms(t0)}; load ${load()}; ${new Date().toISOString()} UTC; data in ${dir}`);
await store.close();
if (!args.keep && args.dir === undefined) await rm(dir, { recursive: true, force: true });
