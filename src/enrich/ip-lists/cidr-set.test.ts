import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCidrSet } from './cidr-set.ts';
import { parseIpRange, type IpRange } from './ip-range.ts';
import { v4ToText } from '../ip-num.ts';
import { naiveContains, v4Cidr, v4Int, v6Big, v6Cidr, v6ToText, type GenCidr } from './test-arbitraries.ts';

function ranges(cidrs: readonly GenCidr[]): IpRange[] {
  return cidrs.map((c) => {
    const r = parseIpRange(c.text);
    if (typeof r === 'string') throw new Error(r);
    return r;
  });
}

describe('CidrSet', () => {
  it.each([
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['1.2.3.4', '1.2.3.4', true],
    ['1.2.3.4', '1.2.3.5', false],
    ['0.0.0.0/0', '255.255.255.255', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['::/0', 'ffff::1', true],
    ['::/0', '1.2.3.4', false],
    ['1.2.3.0/24', '::ffff:1.2.3.9', true],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(createCidrSet(ranges([{ text: cidr, version: 4, ip: 0n, prefix: 0 }])).hasText(ip)).toBe(expected);
  });

  it('merges overlapping and adjacent ranges', () => {
    const set = createCidrSet(
      ranges(['10.0.0.0/24', '10.0.1.0/24', '10.0.0.128/25', '10.0.3.0/24', '2001:db8::/33', '2001:db8:8000::/33'].map((text) => ({ text, version: 4, ip: 0n, prefix: 0 }))),
    );
    expect([set.v4Intervals, set.v6Intervals]).toEqual([2, 1]);
    expect(set.hasText('10.0.2.0')).toBe(false);
    expect(set.hasText('10.0.1.255')).toBe(true);
  });

  it('agrees with a naive scan over random IPv4 CIDRs and IPs (property)', () => {
    fc.assert(
      fc.property(fc.array(v4Cidr, { maxLength: 40 }), fc.array(v4Int, { minLength: 1, maxLength: 40 }), (cidrs, ips) => {
        const set = createCidrSet(ranges(cidrs));
        // Also probe the exact edges of every range, where off-by-one errors live.
        const probes = [...ips.map(BigInt), ...cidrs.flatMap((c) => {
          const size = 1n << BigInt(32 - c.prefix);
          const start = (c.ip / size) * size;
          return [start, start + size - 1n, start - 1n, start + size].filter((x) => x >= 0n && x <= 0xffffffffn);
        })];
        for (const ip of probes) {
          expect(set.hasText(v4ToText(Number(ip)))).toBe(cidrs.some((c) => naiveContains(c, 4, ip)));
        }
      }),
    );
  });

  it('agrees with a naive scan over random IPv6 CIDRs and IPs (property)', () => {
    fc.assert(
      fc.property(fc.array(v6Cidr, { maxLength: 30 }), fc.array(v6Big, { minLength: 1, maxLength: 30 }), (cidrs, ips) => {
        const set = createCidrSet(ranges(cidrs));
        const max = (1n << 128n) - 1n;
        const probes = [...ips, ...cidrs.flatMap((c) => {
          const size = 1n << BigInt(128 - c.prefix);
          const start = (c.ip / size) * size;
          return [start, start + size - 1n, start - 1n, start + size].filter((x) => x >= 0n && x <= max);
        })];
        for (const ip of probes) {
          // Skip ::ffff:0:0/96: parseIp maps those to IPv4 on purpose.
          if (ip >> 32n === 0xffffn) continue;
          expect(set.hasText(v6ToText(ip))).toBe(cidrs.some((c) => naiveContains(c, 6, ip)));
        }
      }),
    );
  });
});
