import { describe, expect, it } from 'vitest';
import { signIn } from '../detect/testing/fixtures.ts';
import { createSharedIpReputation, type SharedIpReputation } from './shared-reputation.ts';

const H = 3_600_000;
const T = Date.parse('2026-11-02T08:00:00.000Z');
const IP = '185.220.101.7';

function make(opts: { now?: number; maxIps?: number } = {}): { rep: SharedIpReputation; clock: { now: number } } {
  const clock = { now: opts.now ?? T };
  const rep = createSharedIpReputation({ windowMs: 24 * H, maxIps: opts.maxIps ?? 100, now: () => clock.now });
  return { rep, clock };
}

type Report = readonly [source: string, ip: string, t: number];

describe('shared IP reputation', () => {
  it.each<[string, readonly Report[], string, string, number, number]>([
    ['reported by one other directory, at the time', [['a', IP, T]], 'b', IP, T, 1],
    ['until the window after the last report', [['a', IP, T]], 'b', IP, T + 24 * H, 1],
    ['not one ms after it', [['a', IP, T]], 'b', IP, T + 24 * H + 1, 0],
    ['not before the attack was seen (no retroactive flag)', [['a', IP, T]], 'b', IP, T - 1, 0],
    ["a directory's own report never counts for itself", [['a', IP, T]], 'a', IP, T, 0],
    ['directories are counted once however often they report', [['a', IP, T], ['a', IP, T + H], ['c', IP, T]], 'b', IP, T + H, 2],
    ['own reports are left out of the count', [['a', IP, T], ['b', IP, T], ['c', IP, T]], 'b', IP, T, 2],
    ['a later report extends the span', [['a', IP, T], ['a', IP, T + 10 * H]], 'b', IP, T + 30 * H, 1],
    ['an overlapping earlier report extends it back', [['a', IP, T], ['a', IP, T - 2 * H]], 'b', IP, T - H, 1],
    ['a report after the span starts a new episode: the gap is not covered', [['a', IP, T], ['a', IP, T + 48 * H]], 'b', IP, T + 30 * H, 0],
    ['... and the new episode is', [['a', IP, T], ['a', IP, T + 48 * H]], 'b', IP, T + 50 * H, 1],
    ['an older, separate episode reported late does not reopen the gap', [['a', IP, T + 48 * H], ['a', IP, T]], 'b', IP, T + H, 0],
    ['another IP is another IP', [['a', IP, T]], 'b', '185.220.101.8', T, 0],
    ['IPv6 in any spelling is one IP', [['a', '2001:DB8:0:0::1', T]], 'b', '2001:db8::1', T, 1],
    ['IPv4-mapped IPv6 is the IPv4 address', [['a', '::ffff:185.220.101.7', T]], 'b', IP, T, 1],
    ['an invalid IP is ignored', [['a', 'not-an-ip', T]], 'b', 'not-an-ip', T, 0],
  ])('%s', (_name, reports, tenant, ip, t, expected) => {
    const { rep } = make({ now: T - 72 * H });
    for (const [s, reported, at] of reports) rep.report(s, reported, at);
    expect(rep.otherDirectories(tenant, ip, t)).toBe(expected);
  });

  it('retires spans by the wall clock and ignores reports already past their window', () => {
    const { rep, clock } = make({ now: T });
    rep.report('a', IP, T);
    rep.report('c', IP, T - 23 * H);
    expect(rep.otherDirectories('b', IP, T)).toBe(2);
    clock.now = T + 2 * H; // c's span (until T + 1 h) is over: only a's is left
    expect(rep.otherDirectories('b', IP, T)).toBe(1);
    clock.now = T + 24 * H + 1;
    expect(rep.otherDirectories('b', IP, T)).toBe(0);
    expect(rep.size).toBe(0);
    rep.report('a', IP, T); // a day and 1 ms old by the clock: a load of old logs is not a live signal
    expect(rep.size).toBe(0);
  });

  it('holds at most maxIps IPs: past the cap the least recently reported goes first', () => {
    const { rep } = make({ maxIps: 3 });
    const ip = (i: number): string => `185.220.101.${i}`;
    for (let i = 1; i <= 3; i++) rep.report('a', ip(i), T);
    rep.report('c', ip(1), T); // 1 is now the most recently reported
    rep.report('a', ip(4), T);
    rep.report('a', ip(5), T);
    expect(rep.size).toBe(3);
    expect([1, 2, 3, 4, 5].map((i) => rep.otherDirectories('b', ip(i), T))).toEqual([2, 0, 0, 1, 1]);
    for (let i = 0; i < 10_000; i++) rep.report('a', `2001:db8::${i.toString(16)}`, T);
    expect(rep.size).toBe(3);
  });

  it('stamps a count on the sign-in, nothing when no other directory reported its IP', () => {
    const { rep } = make();
    rep.report('a', IP, T);
    rep.report('c', IP, T);
    const e = signIn({ id: 's1', at: T + 1000, ip: IP });
    expect(rep.stamp('b', e).enrichment).toEqual({ ...e.enrichment, sharedReputation: { otherDirectories: 2 } });
    expect(e.enrichment.sharedReputation).toBeUndefined();
    const other = signIn({ id: 's2', at: T + 1000, ip: '198.51.100.9' });
    expect(rep.stamp('b', other)).toBe(other);
    const own = signIn({ id: 's3', at: T + 1000, ip: IP });
    expect(rep.stamp('a', own).enrichment.sharedReputation).toEqual({ otherDirectories: 1 });
  });

  it("forgets a directory's reports when it stops sending", () => {
    const { rep } = make();
    rep.report('a', IP, T);
    rep.report('a', '185.220.101.8', T);
    rep.report('c', IP, T);
    rep.forgetSource('a');
    expect(rep.size).toBe(1);
    expect(rep.otherDirectories('b', IP, T)).toBe(1);
    expect(rep.otherDirectories('b', '185.220.101.8', T)).toBe(0);
  });
});
