/**
 * authlens's ingest path without storage: read + frame + parse + Graph
 * adapter (validation, normalisation) through the real pipeline, with a sink
 * that enriches nothing and stores nothing. Shows what ingest itself costs
 * next to the bare JSON.parse floor and the batch-SQL peer.
 *
 *   node --import tsx bench/ingest/pipeline-bench.ts bench/out/graph-signins-1000000.ndjson
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.ts';
import { createIngestPipeline, type IngestSink } from '../../src/ingest/pipeline.ts';
import type { EnrichedEvent } from '../../src/schema/enrichment.ts';
import { rate, type RateFigures } from './lines.ts';

const nullSink: IngestSink = {
  enrich: (e) => e as EnrichedEvent,
  append: (events) => Promise.resolve({ inserted: events.map(() => true) }),
};

export async function runIngestPipelineBench(file: string): Promise<RateFigures & { readonly name: 'ingest-pipeline'; readonly rejected: number }> {
  const pipeline = createIngestPipeline({ limits: loadConfig({}, {}).limits, batchSize: 5000 });
  const started = process.hrtime.bigint();
  const s = await pipeline.ingest(createReadStream(file, { highWaterMark: 1 << 20 }), nullSink, { format: 'graph' });
  return { name: 'ingest-pipeline', rejected: s.rejected.length, ...rate(s.accepted + s.duplicates + s.rejected.length, started) };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? path.resolve(import.meta.dirname, '../out/graph-signins-1000000.ndjson');
  const r = await runIngestPipelineBench(file);
  console.log(
    `ingest-pipeline (read+parse+graph adapter, no enrich/store): ${r.records.toLocaleString('en-US')} records in ${r.seconds.toFixed(2)} s = ${r.recordsPerSecond.toLocaleString('en-US')} records/s (${r.rejected} rejected)`,
  );
}
