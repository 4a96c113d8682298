/**
 * The 75,000-row audit download both ways, interleaved in one process so both
 * see the same load: rows streamed to JS and written by csvLine (the service's
 * path today) against lines made by DuckDB (ReportQueries.csvText), each
 * zipped as the download is; the two zips' CSV bytes must be equal.
 *
 *   node --import tsx bench/reports/csv.ts --dir DIR [--reps 5] [--report audit]
 */
import { parseArgs } from 'node:util';
import type { ReportId } from '../../src/schema/reports.ts';
import { findReport } from '../../src/reports/catalog.ts';
import { collect, csvChunks, csvChunksFromText, zipOneFile } from '../../src/reports/export/encode.ts';
import { openDuckDbStore } from '../../src/store/duckdb/open.ts';
import { createReportQueries } from '../../src/store/duckdb/report-queries.ts';

const { values: args } = parseArgs({ options: { dir: { type: 'string' }, reps: { type: 'string', default: '5' }, report: { type: 'string', default: 'audit' } } });
if (args.dir === undefined) throw new Error('--dir DATA (made by run.ts --dir DIR) is required');
const NOW = '2026-11-20T12:00:00.000Z';
const CAP = 75_000;
const store = await openDuckDbStore({ dataDir: args.dir });
const q = createReportQueries(store.db);
const def = findReport(args.report);
if (def === undefined) throw new Error(`no report ${args.report}`);
const spec = { report: args.report as ReportId, range: { from: new Date(Date.parse(NOW) - 30 * 86_400_000).toISOString(), to: NOW }, filters: {}, noiseClients: [], now: NOW };
const opts = { columns: def.columns, trailer: () => 'Truncated' };

async function js(): Promise<Buffer> {
  return collect(zipOneFile('r.csv', csvChunks(q.stream('bench', spec, CAP), opts)));
}
async function sql(): Promise<Buffer> {
  const text = await q.csvText?.('bench', spec, def?.columns.map((c) => c.name) ?? [], CAP);
  if (text === undefined) throw new Error('no SQL path for this report');
  return collect(zipOneFile('r.csv', csvChunksFromText(text, opts)));
}
const rawJs = await collect(csvChunks(q.stream('bench', spec, CAP), opts));
const t = await q.csvText?.('bench', spec, def.columns.map((c) => c.name), CAP);
const rawSql = t === undefined ? undefined : await collect(csvChunksFromText(t, opts));
if (rawSql === undefined || !rawSql.equals(rawJs)) throw new Error('the two CSVs differ');
console.log(`${args.report}: ${(rawJs.length / 1e6).toFixed(1)} MB CSV, equal both ways`);
const times: Record<'js' | 'sql', number[]> = { js: [], sql: [] };
for (let i = 0; i < Number(args.reps); i++) {
  for (const [name, fn] of [['js', js], ['sql', sql]] as const) {
    const t0 = performance.now();
    await fn();
    times[name].push(performance.now() - t0);
  }
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
for (const k of ['js', 'sql'] as const) console.log(`${k}: median ${med(times[k]).toFixed(0)} ms (${times[k].map((x) => x.toFixed(0)).join(', ')})`);
await store.close();
