import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidrContains, formatCidr, parseCidr } from './cidr.ts';
import { parseIp } from './ip.ts';

describe('CIDR', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8', '10.255.0.1', '11.0.0.1'],
    ['2001:DB8::1/32', '2001:db8::/32', '2001:db8:ffff::9', '2001:db9::1'],
    ['198.51.100.7', '198.51.100.7/32', '198.51.100.7', '198.51.100.8'],
    ['::/0', '::/0', '2a00::1', '1.2.3.4'],
  ])('%s', (raw, canonical, inside, outside) => {
    const c = parseCidr(raw);
    expect(c && formatCidr(c)).toBe(canonical);
    expect(c && cidrContains(c, inside)).toBe(true);
    expect(c && cidrContains(c, outside)).toBe(false);
  });

  it.each(['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', 'x/8', '1.2.3.4/8/9', '10.0.0.0/-1'])('refuses %s', (raw) => {
    expect(parseCidr(raw)).toBeUndefined();
  });

  it('every address is inside its own prefixes and the canonical form parses to itself', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4().map((ip) => [ip, 32] as const), fc.ipV6().map((ip) => [ip, 128] as const)), fc.nat(128), ([ip, bits], n) => {
        // IPv4-mapped IPv6 literals are IPv4 addresses (parseIp), with 32 bits.
        fc.pre(parseIp(ip)?.version === (bits === 32 ? 4 : 6));
        const prefix = n % (bits + 1);
        const c = parseCidr(`${ip}/${prefix}`);
        expect(c).toBeDefined();
        if (c === undefined) return;
        expect(cidrContains(c, ip)).toBe(true);
        expect(parseCidr(formatCidr(c))).toEqual(c);
      }),
    );
  });
});
