/**
 * Engine-alone throughput and state size: N synthetic sign-ins (default 1M)
 * of U users from a pool of IPs, all detectors on, default settings.
 * Run: npx tsx bench/detect.ts [N] [USERS]
 */
import { DetectionEngine } from '../src/detect/engine/engine.ts';
import { resolveSettings } from '../src/detect/engine/settings.ts';
import { STREAMING_DETECTORS } from '../src/detect/detectors/registry.ts';
import { signIn, PLACES, T0 } from '../src/detect/testing/fixtures.ts';
import type { EnrichedSignIn } from '../src/schema/enrichment.ts';
import type { SignInOutcome } from '../src/schema/events.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const USERS = Number(process.argv[3] ?? 20_000);
const BATCH = 2000;
const places = Object.values(PLACES);
const outcomes: SignInOutcome[] = ['success', 'success', 'success', 'success', 'success', 'credentialFailure', 'interrupted', 'mfaDenied'];

// mulberry32: a seeded PRNG, so every run sees the same stream.
let seed = 42;
const rnd = (n: number): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (((t ^ (t >>> 14)) >>> 0) % n);
};

function batch(start: number): EnrichedSignIn[] {
  const out: EnrichedSignIn[] = [];
  for (let i = start; i < Math.min(N, start + BATCH); i++) {
    const u = rnd(USERS);
    // Arrival jitter of up to 2 minutes exercises the lateness buffer.
    out.push(
      signIn({
        id: `s${i}`,
        at: T0 + i * 500 + rnd(120_000),
        user: `user${u}@bench.example`,
        ip: `198.51.${(u >> 8) & 255}.${u & 255}`,
        outcome: outcomes[rnd(outcomes.length)] ?? 'success',
        geo: places[u % 97 === 0 ? rnd(places.length) : u % places.length],
        asn: 64500 + (u % 50),
        tags: rnd(5000) === 0 ? [{ list: 'tor', category: 'anonymizer' }] : [],
      }),
    );
  }
  return out;
}

const resolved = resolveSettings(STREAMING_DETECTORS, {});
if (!resolved.ok) throw new Error('default settings must resolve');
const engine = new DetectionEngine({ tenant: 'bench', detectors: STREAMING_DETECTORS, settings: resolved.settings, latenessMs: 600_000 });

// Inputs are built batch by batch outside the timed section, so the figure is the engine's alone
// (holding 1M built events at once would measure the garbage collector instead).
let detections = 0;
let ms = 0;
for (let i = 0; i < N; i += BATCH) {
  const b = batch(i);
  const t0 = performance.now();
  detections += engine.push(b).detections.length;
  ms += performance.now() - t0;
}
const tf = performance.now();
detections += engine.flush().length;
ms += performance.now() - tf;

const delta = engine.takeDelta();
const bytes: Record<string, { keys: number; jsonBytes: number }> = {};
for (const u of delta.upserts) {
  const b = (bytes[u.detector] ??= { keys: 0, jsonBytes: 0 });
  b.keys++;
  b.jsonBytes += JSON.stringify(u.state).length + u.key.length;
}
// Heap held by the engine's state: heap with it minus heap without it (run with --expose-gc).
const stats = engine.stats();
global.gc?.();
const heapWith = process.memoryUsage().heapUsed;
(engine as unknown as { active: unknown[] }).active.length = 0;
global.gc?.();
const heapWithout = process.memoryUsage().heapUsed;
const trackedKeys = Object.values(stats.keys).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({
  events: N,
  users: USERS,
  ms: Math.round(ms),
  eventsPerSecond: Math.round(N / (ms / 1000)),
  detections,
  trackedKeys: stats.keys,
  stateHeapMiB: Math.round(((heapWith - heapWithout) / 1048576) * 10) / 10,
  heapBytesPerTrackedKey: Math.round((heapWith - heapWithout) / Math.max(1, trackedKeys)),
  statePerKey: Object.fromEntries(Object.entries(bytes).map(([d, b]) => [d, { keys: b.keys, avgJsonBytes: Math.round(b.jsonBytes / b.keys) }])),
}, null, 1));
