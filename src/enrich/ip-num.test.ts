import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ipToNum, v4ToInt, v4ToText, v6ToBigInt } from './ip-num.ts';

const hex = (n: bigint) => n.toString(16).padStart(32, '0');

describe('ip-num', () => {
  it.each([
    ['0.0.0.0', 0],
    ['1.1.1.1', 16843009],
    ['255.255.255.255', 4294967295],
  ])('v4ToInt(%s) = %i', (ip, n) => {
    expect(v4ToInt(ip)).toBe(n);
    expect(v4ToText(n)).toBe(ip);
  });

  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['2001:db8::', 0x20010db8n << 96n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', (1n << 128n) - 1n],
  ])('v6ToBigInt(%s)', (ip, n) => {
    expect(v6ToBigInt(ip)).toBe(n);
  });

  it('IPv4-mapped IPv6 is the IPv4 number', () => {
    expect(ipToNum('::ffff:10.1.2.3')).toEqual({ version: 4, v4: v4ToInt('10.1.2.3') });
  });

  it('any 128-bit value written in full survives the round trip as hi/lo halves (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (n) => {
        // parseIp maps ::ffff:0:0/96 to IPv4 on purpose.
        fc.pre(n >> 32n !== 0xffffn);
        const full = hex(n).match(/.{4}/g)?.join(':') ?? '';
        const r = ipToNum(full);
        expect(r?.version === 6 ? (r.hi << 64n) | r.lo : undefined).toBe(n);
      }),
    );
  });

  it('any 32-bit value survives v4 text and back (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => v4ToInt(v4ToText(n)) === n));
  });
});
