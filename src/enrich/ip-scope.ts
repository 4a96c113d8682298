/**
 * Public, private or reserved: decides whether an address may be geolocated
 * and looked up at all. Ranges follow the IANA special-purpose registries
 * (RFC 6890 and successors).
 */
import type { IpScope } from '../schema/enrichment.ts';
import { ipToNum, type IpNum } from './ip-num.ts';

type Scope = Exclude<IpScope, 'none'>;

interface V4Range {
  readonly base: number;
  readonly prefix: number;
  readonly scope: Scope;
}
interface V6Range {
  readonly base: bigint;
  readonly prefix: number;
  readonly scope: Scope;
}

function v4(a: number, b: number, c: number, d: number, prefix: number, scope: Scope): V4Range {
  return { base: ((a << 24) >>> 0) + (b << 16) + (c << 8) + d, prefix, scope };
}

/** Most specific entries need not come first: the ranges below do not overlap with differing scopes. */
const V4_RANGES: readonly V4Range[] = [
  v4(10, 0, 0, 0, 8, 'private'),
  v4(172, 16, 0, 0, 12, 'private'),
  v4(192, 168, 0, 0, 16, 'private'),
  v4(100, 64, 0, 0, 10, 'private'), // CGNAT shared address space (RFC 6598)
  v4(0, 0, 0, 0, 8, 'reserved'), // "this network"
  v4(127, 0, 0, 0, 8, 'reserved'), // loopback
  v4(169, 254, 0, 0, 16, 'reserved'), // link-local
  v4(192, 0, 0, 0, 24, 'reserved'), // IETF protocol assignments
  v4(192, 0, 2, 0, 24, 'reserved'), // TEST-NET-1
  v4(192, 88, 99, 0, 24, 'reserved'), // deprecated 6to4 relay anycast
  v4(198, 18, 0, 0, 15, 'reserved'), // benchmarking
  v4(198, 51, 100, 0, 24, 'reserved'), // TEST-NET-2
  v4(203, 0, 113, 0, 24, 'reserved'), // TEST-NET-3
  v4(224, 0, 0, 0, 4, 'reserved'), // multicast
  v4(240, 0, 0, 0, 4, 'reserved'), // future use, includes 255.255.255.255 broadcast
];

function v6(hex: string, prefix: number, scope: Scope): V6Range {
  return { base: BigInt(`0x${hex.padEnd(32, '0')}`), prefix, scope };
}

const V6_SPECIAL: readonly V6Range[] = [
  v6('fc', 7, 'private'), // unique local
  v6('fe8', 10, 'reserved'), // link-local
  v6('fec', 10, 'reserved'), // deprecated site-local
  v6('ff', 8, 'reserved'), // multicast
  v6('20010db8', 32, 'reserved'), // documentation
  v6('3fff0', 20, 'reserved'), // documentation (RFC 9637)
  v6('200100020000', 48, 'reserved'), // benchmarking
  v6('2001001', 28, 'reserved'), // ORCHIDv2
  v6('0100000000000000', 64, 'reserved'), // discard-only
];

const NAT64 = BigInt(`0x${'0064ff9b'.padEnd(32, '0')}`);

function inPrefix(n: bigint, base: bigint, prefix: number): boolean {
  const shift = BigInt(128 - prefix);
  return n >> shift === base >> shift;
}

export function v4Scope(n: number): Scope {
  for (const r of V4_RANGES) {
    const shift = 32 - r.prefix;
    if (Math.floor(n / 2 ** shift) === Math.floor(r.base / 2 ** shift)) return r.scope;
  }
  return 'public';
}

export function v6Scope(n: bigint): Scope {
  // The well-known NAT64 prefix carries an IPv4 address; its scope is that address's.
  if (inPrefix(n, NAT64, 96)) return v4Scope(Number(n & 0xffffffffn));
  for (const r of V6_SPECIAL) if (inPrefix(n, r.base, r.prefix)) return r.scope;
  // Only 2000::/3 is allocated global unicast; everything else (::1, ::, ::/8...) is special.
  return n >> 125n === 1n ? 'public' : 'reserved';
}

export function scopeOfNum(ip: IpNum): Scope {
  return ip.version === 4 ? v4Scope(ip.v4) : v6Scope((ip.hi << 64n) | ip.lo);
}

/** Scope of an IP literal; 'none' when absent or not an IP. */
export function classifyIp(raw: string | undefined): IpScope {
  if (raw === undefined) return 'none';
  const n = ipToNum(raw);
  return n === undefined ? 'none' : scopeOfNum(n);
}
