// Prints per-detector quality on a seeded simulated month: npx tsx bench/detect-quality.ts [users] [days] [seed]
import { simulate } from '../src/sim/index.ts';
import { detectWorld } from '../test/detect-quality/sim-harness.ts';
import { scoreDetections as score } from '../src/sim/score.ts';

const users = Number(process.argv[2] ?? 400);
const days = Number(process.argv[3] ?? 30);
const seed = Number(process.argv[4] ?? 7);
const world = simulate({ users, days, seed, end: new Date('2026-11-27T00:00:00.000Z') });
const t0 = performance.now();
const ds = await detectWorld(world);
console.log(`detections ${ds.length} in ${Math.round(performance.now() - t0)} ms`);
for (const s of score(world, ds)) console.log(JSON.stringify(s));
