// The default demo size: 2,000 users x 30 days. It must generate in seconds
// (npm start seeds it on first run) and stay in the 300-500k event budget.
import { describe, expect, it } from 'vitest';
import { simulate } from './simulate.ts';

describe('simulate at demo scale', () => {
  it('generates 2,000 users x 30 days within budget', () => {
    const started = performance.now();
    const world = simulate({ users: 2000, days: 30, seed: 1, end: new Date('2026-11-27T00:00:00.000Z') });
    const setupMs = performance.now() - started;
    let n = 0;
    let signIns = 0;
    for (const e of world.events()) {
      n++;
      if (e.kind === 'signIn') signIns++;
    }
    const totalMs = performance.now() - started;
    console.warn(`simulate 2000 users x 30 days: ${n} events (${signIns} sign-ins), setup ${Math.round(setupMs)} ms, total ${Math.round(totalMs)} ms`);
    expect(n).toBeGreaterThanOrEqual(300_000);
    expect(n).toBeLessThanOrEqual(500_000);
    expect(totalMs).toBeLessThan(60_000);
  }, 120_000);
});
