/**
 * `npm run bench [-- NAME... | -- NAME --option...]`: every benchmark, one after another, each in
 * its own process (so one's heap and DuckDB caches never colour the next),
 * printing its figures. Names: ingest, store, detect, detect-quality, incidents, reports.
 * Results are recorded by hand in BENCHMARKS.md with the machine and command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = import.meta.dirname;
const GRAPH_FILE = path.join(here, 'out', 'graph-signins-1000000.ndjson');

interface Bench {
  readonly name: string;
  readonly what: string;
  readonly steps: readonly (readonly string[])[];
}

const BENCHES: readonly Bench[] = [
  {
    name: 'ingest',
    what:
      'ingest of 1M Graph sign-ins: JSON.parse floor, DuckDB batch-SQL peer (as the issue defines it, and keeping every field durably), ' +
      'the SQL-native store ceiling, pipeline alone, authlens end to end',
    steps: [
      ...(existsSync(GRAPH_FILE) ? [] : [['bench/ingest/gen-graph-signins.ts']]),
      ['bench/ingest/json-parse.ts', GRAPH_FILE],
      ['bench/peer/duckdb-sql.ts', GRAPH_FILE],
      ['bench/ingest/sql-native-probe.ts', GRAPH_FILE],
      ['bench/ingest/pipeline-bench.ts', GRAPH_FILE],
      ['bench/ingest/end-to-end.ts', GRAPH_FILE],
    ],
  },
  { name: 'store', what: 'DuckDB store append rate', steps: [['bench/store-append.ts']] },
  { name: 'detect', what: 'detection engine alone: events/s and state bytes per key', steps: [['bench/detect.ts']] },
  { name: 'detect-quality', what: 'precision and recall per detector on the simulated month', steps: [['bench/detect-quality.ts']] },
  { name: 'incidents', what: 'incidents computed on request from a month of 50k and 200k detections, alone and over DuckDB', steps: [['bench/incidents.ts']] },
  { name: 'reports', what: 'report latency at 24h/7d/30d on 10M sign-ins, and the 75,000-row zip', steps: [['bench/reports/run.ts']] },
];

// Names first; options after them (`npm run bench -- reports --dir DIR --keep`) go to the one benchmark named.
const argv = process.argv.slice(2);
const firstOption = argv.findIndex((a) => a.startsWith('-'));
const wanted = firstOption < 0 ? argv : argv.slice(0, firstOption);
const passed = firstOption < 0 ? [] : argv.slice(firstOption);
if (passed.length > 0 && wanted.length !== 1) {
  console.error(`options (${passed.join(' ')}) need exactly one benchmark named before them`);
  process.exit(1);
}
const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(1);
}
const chosen = wanted.length === 0 ? BENCHES : BENCHES.filter((b) => wanted.includes(b.name));
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let failed = 0;
for (const b of chosen) {
  console.log(`\n== ${b.name}: ${b.what}`);
  for (const [script, ...args] of b.steps) {
    if (script === undefined) continue;
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, '..', script), ...args, ...passed], { stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      console.error(`${script} exited with ${r.status ?? r.signal}`);
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
