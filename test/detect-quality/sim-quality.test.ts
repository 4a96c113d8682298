// Detection quality on the seeded simulated month (labelled attacks plus
// confounders: frequent flyers, VPN users on trusted egress, country-only
// mobile IPs, office NAT, users who mistype twice), through real enrichment.
import { describe, it, expect } from 'vitest';
import { simulate } from '../../src/sim/index.ts';
import { detectWorld } from './sim-harness.ts';
import { scoreDetections as score, shortfalls } from '../../src/sim/score.ts';

describe('detection quality on the simulated month (seed 7, 400 users, 30 days)', () => {
  it('every detector has recall >= 0.95 and precision >= 0.90', async () => {
    const world = simulate({ users: 400, days: 30, seed: 7, end: new Date('2026-11-27T00:00:00.000Z') });
    const scores = score(world, await detectWorld(world));
    // Every labelled detector was scored, so a detector that silently stops firing fails here.
    expect(new Set(scores.map((s) => s.detector))).toEqual(new Set(world.labels.map((l) => l.detector)));
    expect(shortfalls(scores)).toEqual([]);
    // Confounders fool nobody.
    expect(scores.reduce((n, s) => n + s.confounderHits, 0)).toBe(0);
  }, 120_000);
});
