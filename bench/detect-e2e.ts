import { createReadStream, readFileSync } from 'node:fs';
import { loadConfig } from '../src/config/config.ts';
import { openRuntime } from '../src/app.ts';
import { DETECTOR_IDS } from '../src/schema/detections.ts';
/**
 * End-to-end ingest time with detection on or off (every detector disabled in
 * the tenant's settings), on a simulated directory and events file:
 *   node bin/authlens.mjs simulate --out SIM --users 1000 --days 14 --seed 3
 *   npx tsx bench/detect-e2e.ts NEW_DATA_DIR on|off SIM
 * Run on and off alternately a few times: the shared machine is noisy.
 */
const [dataDir, mode, sim] = [process.argv[2] ?? '', process.argv[3] ?? 'on', process.argv[4] ?? '/tmp/e2e/sim'];
const rt = await openRuntime(loadConfig({ dataDir, demo: false }));
const now = new Date().toISOString();
await rt.store.control.createTenant({ id: 'e2e', name: 'e2e', edition: 'premium', rms: false, retentionDays: 365, createdAt: now, optedInAt: now, optedInBy: 'bench' });
await rt.store.control.importDirectory('e2e', JSON.parse(readFileSync(`${sim}/directory.json`, 'utf8')));
if (mode === 'off') await rt.detect.settings.putSettings('e2e', Object.fromEntries(DETECTOR_IDS.map((d) => [d, { enabled: false }])), 'bench', now);
const t0 = performance.now();
const s = await rt.ingest('e2e', createReadStream(`${sim}/events.ndjson`), { format: 'auto' });
const flushed = await rt.flushDetections('e2e');
const ms = performance.now() - t0;
const det = await rt.store.detections.listDetections('e2e', { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' });
console.log(JSON.stringify({ mode, accepted: s.accepted, ms: Math.round(ms), perSecond: Math.round(s.accepted / (ms / 1000)), detections: det.length, flushed }));
await rt.close();
