/**
 * The floor for any JSON ingest: read the NDJSON file line by line and
 * JSON.parse each line, nothing else.
 *
 *   node --import tsx bench/ingest/json-parse.ts bench/out/graph-signins-1000000.ndjson
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileLines, rate, type RateFigures } from './lines.ts';

export async function runJsonParseBench(file: string): Promise<RateFigures & { readonly name: 'json-parse' }> {
  const started = process.hrtime.bigint();
  let records = 0;
  let sink = 0;
  for await (const line of fileLines(file)) {
    const v: unknown = JSON.parse(line.toString('utf8'));
    // Touch the result so the parse cannot be optimised away.
    if (typeof v === 'object' && v !== null) sink++;
    records++;
  }
  if (sink !== records) throw new Error('non-object line in the benchmark file');
  return { name: 'json-parse', ...rate(records, started) };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? path.resolve(import.meta.dirname, '../out/graph-signins-1000000.ndjson');
  const r = await runJsonParseBench(file);
  console.log(`json-parse: ${r.records.toLocaleString('en-US')} records in ${r.seconds.toFixed(2)} s = ${r.recordsPerSecond.toLocaleString('en-US')} records/s`);
}
