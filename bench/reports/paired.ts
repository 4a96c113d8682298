/**
 * Before/after timing of the aggregate reports in one process, interleaved
 * run by run, so both sides see the same machine load (the shared box swings
 * 2-3x between runs). "old" is the report queries of another checkout (a git
 * worktree of the commit to compare with), "new" this one; both read the same
 * data dir (made by run.ts --dir DIR) and every pair of answers must be equal.
 * Besides wall p50/p95 it prints each side's process CPU time p50 (DuckDB's
 * threads included) and the load average at start and end.
 *
 *   git worktree add --detach /tmp/old 210638c && ln -s "$PWD/node_modules" /tmp/old/node_modules
 *   node --import tsx bench/reports/paired.ts --old /tmp/old --dir DIR [--reps 7] [--only REGEX]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ReportQueries, ReportQuerySpec } from '../../src/store/ports.ts';
import type { ReportId } from '../../src/schema/reports.ts';
import type { DuckDb } from '../../src/store/duckdb/database.ts';
import { openDuckDbStore } from '../../src/store/duckdb/open.ts';
import { createReportQueries } from '../../src/store/duckdb/report-queries.ts';

const { values: args } = parseArgs({
  options: {
    old: { type: 'string' },
    dir: { type: 'string' },
    reps: { type: 'string', default: '7' },
    only: { type: 'string', default: '.' },
  },
});
if (args.old === undefined || args.dir === undefined) throw new Error('--old CHECKOUT and --dir DATA are required');
const oldModule = (await import(path.resolve(args.old, 'src/store/duckdb/report-queries.ts'))) as {
  createReportQueries: (db: DuckDb) => ReportQueries;
};

const NOW = '2026-11-20T12:00:00.000Z';
const store = await openDuckDbStore({ dataDir: args.dir });
const neu = createReportQueries(store.db);
const old = oldModule.createReportQueries(store.db);
const reps = Number(args.reps);
const only = new RegExp(args.only);
const REPORTS: [ReportId, Record<string, string>][] = [
  ['application-usage', {}],
  ['application-usage-detailed', { app: 'Salesforce' }],
  ['application-dashboard', {}],
  ['rms-usage', {}],
  ['rms-most-active-users', {}],
  ['rms-device-usage', {}],
  ['rms-application-usage', {}],
];
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
let mismatches = 0;
/** Process CPU time (JS and DuckDB's threads), ms: what a loaded box turns into wall time. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
console.log(`${os.loadavg().map((l) => l.toFixed(2)).join(' ')} load at start`);
console.log(`${'report'.padEnd(30)} range  old p50/p95  new p50/p95 (ms)  old CPU  new CPU p50 (ms)`);
for (const [report, filters] of REPORTS.filter(([r]) => only.test(r))) {
  for (const days of [7, 30]) {
    const spec: ReportQuerySpec = {
      report,
      range: { from: new Date(Date.parse(NOW) - days * 86_400_000).toISOString(), to: NOW },
      filters,
      noiseClients: [],
      now: NOW,
    };
    const to: number[] = [];
    const tn: number[] = [];
    const co: number[] = [];
    const cn: number[] = [];
    for (let r = 0; r <= reps; r++) {
      let t = performance.now();
      let c = cpuMs();
      const a = await old.page('bench', spec, { offset: 0, limit: 1000 });
      const eo = performance.now() - t;
      const ceo = cpuMs() - c;
      t = performance.now();
      c = cpuMs();
      const b = await neu.page('bench', spec, { offset: 0, limit: 1000 });
      const en = performance.now() - t;
      const cen = cpuMs() - c;
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        mismatches++;
        console.log(`  answers differ: ${report} ${days}d`);
      }
      if (r > 0) {
        to.push(eo);
        tn.push(en);
        co.push(ceo);
        cn.push(cen);
      }
    }
    const cell = (xs: number[]): string => `${pct(xs, 50).toFixed(0)}/${pct(xs, 95).toFixed(0)}`.padStart(11);
    console.log(`${report.padEnd(30)} ${`${days}d`.padStart(5)}  ${cell(to)}  ${cell(tn)}  ${pct(co, 50).toFixed(0).padStart(7)}  ${pct(cn, 50).toFixed(0).padStart(7)}`);
  }
}
console.log(mismatches === 0 ? 'every answer equal' : `${mismatches} answers differ`);
console.log(`${os.loadavg().map((l) => l.toFixed(2)).join(' ')} load at end`);
await store.close();
