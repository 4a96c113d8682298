/**
 * authlens end to end, as `authlens ingest` runs it: read, parse, validate,
 * normalise, enrich (GeoIP, ASN, user agent, IP lists), durable DuckDB append
 * with dedupe, and every streaming detector, into a fresh data dir.
 *
 *   node --import tsx bench/ingest/end-to-end.ts [FILE] [--records N]
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.ts';
import { openRuntime } from '../../src/app.ts';
import { rate, type RateFigures } from './lines.ts';

export interface EndToEndFigures extends RateFigures {
  readonly name: 'authlens-end-to-end';
  readonly accepted: number;
  readonly rejected: number;
  readonly detections: number;
  readonly peakRssMb: number;
  /** User + system CPU of the whole process (all threads) during the ingest: steadier than wall time on a shared box. */
  readonly cpuSeconds: number;
}

const BENCH_TENANT = 'bench';

export async function runEndToEndBench(file: string): Promise<EndToEndFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'authlens-bench-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  try {
    const rt = await openRuntime(loadConfig({ dataDir, demo: false }, process.env));
    try {
      const now = new Date().toISOString();
      await rt.store.control.createTenant({ id: BENCH_TENANT, name: 'bench', edition: 'premium', rms: true, retentionDays: 36500, createdAt: now, optedInAt: now, optedInBy: 'bench' });
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      const s = await rt.ingest(BENCH_TENANT, createReadStream(file, { highWaterMark: 1 << 20 }), { format: 'graph' });
      await rt.flushDetections(BENCH_TENANT);
      const r = rate(s.accepted + s.duplicates + s.rejected.length, started);
      const used = process.cpuUsage(cpu);
      const detections = await rt.store.db.one<{ n: number | bigint }>('SELECT count(*) AS n FROM detections WHERE tenant = $1', [BENCH_TENANT]);
      return {
        name: 'authlens-end-to-end',
        ...r,
        accepted: s.accepted,
        rejected: s.rejected.length,
        detections: Number(detections?.n ?? 0),
        peakRssMb: Math.round(peak / 1e6),
        cpuSeconds: (used.user + used.system) / 1e6,
      };
    } finally {
      await rt.close();
    }
  } finally {
    clearInterval(sampler);
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? path.resolve(import.meta.dirname, '../out/graph-signins-1000000.ndjson');
  const r = await runEndToEndBench(file);
  console.log(
    `authlens end-to-end: ${r.records.toLocaleString('en-US')} records in ${r.seconds.toFixed(1)} s = ${r.recordsPerSecond.toLocaleString('en-US')} records/s, ${r.detections} detections, peak RSS ${r.peakRssMb} MB, CPU ${r.cpuSeconds.toFixed(1)} s`,
  );
}
