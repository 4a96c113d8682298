import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { classifyIp } from './ip-scope.ts';

describe('classifyIp', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.0', 'public'],
    ['127.0.0.1', 'reserved'],
    ['0.1.2.3', 'reserved'],
    ['169.254.10.10', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.55', 'reserved'],
    ['198.18.5.5', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.20.0.0', 'public'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.200', 'reserved'],
    ['224.0.0.251', 'reserved'],
    ['239.255.255.250', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['2001:4860:4860::8888', 'public'],
    ['2a02:8109:b6c0::1', 'public'],
    ['fd12:3456:789a::1', 'private'],
    ['fc00::1', 'private'],
    ['fe80::1', 'reserved'],
    ['ff02::1', 'reserved'],
    ['::1', 'reserved'],
    ['::', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['3fff::1', 'reserved'],
    ['2001:2::1', 'reserved'],
    ['100::1', 'reserved'],
    ['64:ff9b::808:808', 'public'], // NAT64 of 8.8.8.8
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['::ffff:192.168.0.1', 'private'], // IPv4-mapped is the IPv4 address
    ['::ffff:8.8.8.8', 'public'],
    ['not-an-ip', 'none'],
    ['1.2.3.256', 'none'],
    [undefined, 'none'],
  ] as const)('%s -> %s', (ip, scope) => {
    expect(classifyIp(ip)).toBe(scope);
  });

  it('every RFC 1918 10/8 address is private (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (b, c, d) =>
        classifyIp(`10.${b}.${c}.${d}`) === 'private',
      ),
    );
  });

  it('IPv6 outside 2000::/3 and fc00::/7 is never public (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (first, second) => {
        const ip = `${first.toString(16)}:${second.toString(16)}::1`;
        const scope = classifyIp(ip);
        const globalUnicast = first >> 13 === 1;
        return globalUnicast || scope !== 'public' || (first === 0x64 && second === 0xff9b);
      }),
    );
  });
});
