/** fast-check generators shared by the IP-list tests. */
import fc from 'fast-check';
import { v4ToText } from '../ip-num.ts';

export const v4Int = fc.integer({ min: 0, max: 0xffffffff });
export const v6Big = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

export function v6ToText(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

export const v4Cidr = fc.record({ ip: v4Int, prefix: fc.integer({ min: 0, max: 32 }) }).map(({ ip, prefix }) => ({
  text: `${v4ToText(ip)}/${prefix}`,
  version: 4 as const,
  ip: BigInt(ip),
  prefix,
}));

// Short prefixes dominate random 128-bit draws badly; bias towards realistic lengths.
export const v6Cidr = fc.record({ ip: v6Big, prefix: fc.integer({ min: 0, max: 128 }) }).map(({ ip, prefix }) => ({
  text: `${v6ToText(ip)}/${prefix}`,
  version: 6 as const,
  ip,
  prefix,
}));

export type GenCidr = { text: string; version: 4 | 6; ip: bigint; prefix: number };

/** The obvious membership test the set is checked against. */
export function naiveContains(c: GenCidr, version: 4 | 6, ip: bigint): boolean {
  if (c.version !== version) return false;
  const shift = BigInt((version === 4 ? 32 : 128) - c.prefix);
  return ip >> shift === c.ip >> shift;
}
