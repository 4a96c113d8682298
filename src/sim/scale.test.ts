// The default demo size: 2,000 users x 30 days. It must generate in seconds
// (npm start seeds it on first run), stay in the 300-500k event budget, and
// keep its benign traffic benign at that size too (the office NAT is busiest here).
import { describe, expect, it } from 'vitest';
import { simulate } from './simulate.ts';

describe('simulate at demo scale', () => {
  it('generates 2,000 users x 30 days within budget, with no spray-like benign IP', () => {
    const started = performance.now();
    const world = simulate({ users: 2000, days: 30, seed: 1, end: new Date('2026-11-27T00:00:00.000Z') });
    const setupMs = performance.now() - started;
    const attackIds = new Set(world.labels.flatMap((l) => l.signInIds));
    const recent = new Map<string, Array<{ t: number; upn: string }>>();
    let worstBenignIp = 0;
    let n = 0;
    let signIns = 0;
    for (const e of world.events()) {
      n++;
      if (e.kind !== 'signIn') continue;
      signIns++;
      if (e.outcome === 'success' || attackIds.has(e.id)) continue;
      const t = Date.parse(e.createdDateTime);
      const ip = e.ipAddress ?? '';
      const window = (recent.get(ip) ?? []).filter((x) => t - x.t <= 30 * 60_000);
      window.push({ t, upn: e.userPrincipalName });
      recent.set(ip, window);
      worstBenignIp = Math.max(worstBenignIp, new Set(window.map((x) => x.upn)).size);
    }
    const totalMs = performance.now() - started;
    console.warn(
      `simulate 2000 users x 30 days: ${n} events (${signIns} sign-ins), setup ${Math.round(setupMs)} ms, total ${Math.round(totalMs)} ms; ` +
        `most distinct failing users behind one benign IP in 30 min: ${worstBenignIp}`,
    );
    expect(n).toBeGreaterThanOrEqual(300_000);
    expect(n).toBeLessThanOrEqual(500_000);
    expect(totalMs).toBeLessThan(60_000);
    expect(worstBenignIp).toBeLessThan(10);
  }, 120_000);
});
