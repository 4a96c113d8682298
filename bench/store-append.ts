/**
 * Append throughput of the DuckDB store: 200k generated EnrichedSignIns in
 * batches (default 50k) into a fresh file store, then the same again (all
 * duplicates), printing rows/s and peak RSS. Not run by the tests.
 *
 *   node --import tsx bench/store-append.ts [rows=200000] [batch=50000]
 *   BENCH_MEMORY=1 node --import tsx bench/store-append.ts   (in-memory database)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EnrichedSignIn } from '../src/schema/enrichment.ts';
import { openDuckDbStore } from '../src/store/duckdb/open.ts';

const rows = Number(process.argv[2] ?? 200_000);
const batchSize = Number(process.argv[3] ?? 50_000);

const APPS = ['Office 365 Exchange Online', 'Microsoft Teams', 'Salesforce', 'Workday', 'Graph Explorer'];
const CITIES = [
  ['Redmond', 'Washington', 'US', 47.674, -122.1215],
  ['Lisbon', 'Lisboa', 'PT', 38.7223, -9.1393],
  ['Pune', 'Maharashtra', 'IN', 18.5204, 73.8567],
] as const;

function signIn(i: number): EnrichedSignIn {
  const u = i % 5000;
  const c = CITIES[i % CITIES.length] ?? CITIES[0];
  const failed = i % 7 === 0;
  return {
    kind: 'signIn',
    id: `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-6301-4ee5-be62-${i.toString(16).padStart(12, '0')}`,
    createdDateTime: new Date(Date.parse('2026-11-01T00:00:00.000Z') + i * 1300).toISOString(),
    userId: `d7f2c1a0-0000-4000-8000-${u.toString().padStart(12, '0')}`,
    userPrincipalName: `user${u}@contoso.example`,
    userDisplayName: `User ${u}`,
    userType: 'member',
    appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
    appDisplayName: APPS[i % APPS.length],
    resourceId: '00000003-0000-0000-c000-000000000000',
    resourceDisplayName: 'Microsoft Graph',
    ipAddress: `198.51.${(i >> 8) & 255}.${i & 255}`,
    clientAppUsed: 'Browser',
    isInteractive: i % 3 !== 0,
    status: failed ? { errorCode: 50126, failureReason: 'Invalid username or password.' } : { errorCode: 0 },
    outcome: failed ? 'credentialFailure' : 'success',
    deviceDetail: { operatingSystem: 'Windows 10', browser: 'Edge 120.0.0', isManaged: false, isCompliant: false },
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0',
    location: { city: c[0], state: c[1], countryOrRegion: c[2], geoCoordinates: { latitude: c[3], longitude: c[4] } },
    authenticationRequirement: 'singleFactorAuthentication',
    conditionalAccessStatus: 'notApplied',
    correlationId: `c0ffee00-0000-4000-8000-${i.toString().padStart(12, '0')}`,
    source: 'simulator',
    enrichment: {
      geo: { city: c[0], state: c[1], countryCode: c[2], latitude: c[3], longitude: c[4], precision: 'city', source: 'given', accuracyRadiusKm: 20 },
      network: { scope: 'public', asn: 8075, asOrg: 'MICROSOFT-CORP-MSN-AS-BLOCK' },
      ipTags: i % 50 === 0 ? [{ list: 'tor-exits', category: 'anonymizer' }] : [],
      ua: { os: 'Windows', osVersion: '10', browser: 'Edge', browserVersion: '120.0', deviceType: 'desktop' },
    },
  };
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

// Batches are generated when sent (deterministically, so the second pass re-sends the same events):
// peak RSS then measures the store, not 200k events held by the benchmark.
const makeBatch = (start: number): EnrichedSignIn[] =>
  Array.from({ length: Math.min(batchSize, rows - start) }, (_, k) => signIn(start + k));
const dir = mkdtempSync(path.join(tmpdir(), 'authlens-bench-'));
// BENCH_MEMORY=1 measures without the file (no WAL, no checkpoints), to see what durability costs.
const store = await openDuckDbStore(process.env.BENCH_MEMORY === '1' ? { path: ':memory:' } : { dataDir: dir });
try {
  for (const pass of ['new', 'duplicates'] as const) {
    let wallMs = 0;
    let cpuMicros = 0;
    let inserted = 0;
    for (let s = 0; s < rows; s += batchSize) {
      const batch = makeBatch(s);
      // Only the append is timed, not generating the batch.
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const r = await store.events.appendEvents('bench', batch);
      const cpu = process.cpuUsage(cpu0);
      cpuMicros += cpu.user + cpu.system;
      wallMs += performance.now() - t0;
      inserted += r.inserted.filter(Boolean).length;
    }
    const secs = wallMs / 1000;
    // CPU seconds of this process (JS and DuckDB threads): a steadier figure than wall time on a shared box.
    const cpuSecs = cpuMicros / 1e6;
    console.log(
      `${pass}: ${rows} sign-ins in batches of ${batchSize}: ${secs.toFixed(2)} s wall, ${Math.round(rows / secs)} rows/s; ` +
        `${cpuSecs.toFixed(2)} s CPU; inserted ${inserted}; peak RSS so far ${Math.round(peakRss / 1024 / 1024)} MiB`,
    );
  }
  const t0 = performance.now();
  let scanned = 0;
  for await (const _ of store.events.scanSignIns('bench', { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' })) scanned++;
  const secs = (performance.now() - t0) / 1000;
  console.log(`scan: ${scanned} sign-ins in ${secs.toFixed(2)} s, ${Math.round(scanned / secs)} rows/s`);
} finally {
  await store.close();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`peak RSS: ${Math.round(peakRss / 1024 / 1024)} MiB (one batch of generated events in memory at a time)`);
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
