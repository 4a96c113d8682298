import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIp } from './ip.ts';

describe('parseIp', () => {
  it.each([
    ['8.8.8.8', { version: 4, canonical: '8.8.8.8' }],
    [' 10.0.0.1 ', { version: 4, canonical: '10.0.0.1' }],
    ['2001:DB8:0:0:0:0:0:1', { version: 6, canonical: '2001:db8::1' }],
    ['::ffff:192.0.2.1', { version: 4, canonical: '192.0.2.1' }],
  ])('%s', (raw, expected) => {
    expect(parseIp(raw)).toEqual(expected);
  });

  it.each(['123.456.7.89', '', 'localhost', '1.2.3', 'fe80::1%eth0', '::1::2'])('refuses %s', (raw) => {
    expect(parseIp(raw)).toBeUndefined();
  });

  it('accepts every IPv4 and IPv6 address and is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        const p = parseIp(ip);
        expect(p).toBeDefined();
        expect(parseIp(p!.canonical)).toEqual(p);
      }),
    );
  });
});
