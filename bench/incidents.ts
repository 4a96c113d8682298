/**
 * Incidents are computed on request from the interval's detections: how long
 * that takes as detections grow. A month of N detections over 50,000 users:
 * 60% D4 failures from 200 hostile IPs (the IP links them into long chains),
 * 40% D3/D6 footholds; a directory change after every 50th foothold. Prints
 * the correlation alone and loadIncidents over an in-memory DuckDB store
 * (reading the detections and audits back included).
 */
import { correlateIncidents } from '../src/detect/incidents/correlate.ts';
import { loadIncidents } from '../src/detect/incidents/load.ts';
import type { Detection } from '../src/schema/detections.ts';
import type { DirectoryAudit } from '../src/schema/events.ts';
import { createDetectStores } from '../src/store/duckdb/detect-stores.ts';
import { openDuckDbStore } from '../src/store/duckdb/open.ts';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const MONTH_MS = 30 * 86_400_000;

function month(n: number): { detections: Detection[]; audits: DirectoryAudit[] } {
  const detections: Detection[] = [];
  const audits: DirectoryAudit[] = [];
  for (let i = 0; i < n; i++) {
    const t = T0 + Math.floor((i / n) * MONTH_MS);
    const upn = `user${(i * 7919) % 50_000}@contoso.example`;
    if (i % 10 < 6) {
      detections.push({ id: `d${i}`, detector: 'D4', severity: 'medium', detectedDateTime: new Date(t).toISOString(), userPrincipalName: upn, ipAddress: `198.51.100.${i % 200}`, evidence: { outcome: 'credentialFailure', reason: 'hostileIp' }, logOnly: false });
      continue;
    }
    detections.push({ id: `d${i}`, detector: i % 10 < 8 ? 'D6' : 'D3', severity: 'high', detectedDateTime: new Date(t).toISOString(), userPrincipalName: upn, ipAddress: `203.0.113.${i % 250}`, evidence: {}, logOnly: false });
    if (i % 50 === 7) {
      audits.push({
        kind: 'directoryAudit',
        id: `a${i}`,
        activityDateTime: new Date(t + 600_000).toISOString(),
        category: 'UserManagement',
        activityDisplayName: 'User registered security info',
        result: 'success',
        initiatedBy: { user: { userPrincipalName: upn } },
        targetResources: [],
        additionalDetails: [],
      });
    }
  }
  return { detections, audits };
}

const ms = (start: number): string => `${(performance.now() - start).toFixed(0)} ms`;

for (const n of [50_000, 200_000]) {
  const { detections, audits } = month(n);
  for (let run = 1; run <= 3; run++) {
    const start = performance.now();
    const incidents = correlateIncidents(detections, audits);
    console.log(`correlate ${n} detections, ${audits.length} audits: ${incidents.length} incidents (largest ${Math.max(...incidents.map((i) => i.detectionCount))} detections) in ${ms(start)}`);
  }
  const store = await openDuckDbStore({ path: ':memory:' });
  const detect = createDetectStores(store.db);
  await store.detections.appendDetections('bench', detections);
  await store.events.appendEvents('bench', audits);
  const range = { from: new Date(T0).toISOString(), to: new Date(T0 + MONTH_MS).toISOString() };
  for (let run = 1; run <= 3; run++) {
    const start = performance.now();
    const incidents = await loadIncidents({ detections: store.detections, events: store.events, incidents: detect.incidents }, 'bench', range);
    console.log(`loadIncidents over DuckDB, ${n} detections: ${incidents.length} incidents in ${ms(start)}`);
  }
  await store.close();
}
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
