/**
 * IP literals as numbers, for range tables and prefix checks. IPv4 is an
 * unsigned 32-bit number; IPv6 is two unsigned 64-bit halves as bigint, so
 * typed arrays (BigUint64Array) can hold them compactly.
 */
import { parseIp, type ParsedIp } from '../schema/ip.ts';

export type IpNum = { readonly version: 4; readonly v4: number } | { readonly version: 6; readonly hi: bigint; readonly lo: bigint };

const MASK64 = (1n << 64n) - 1n;

/** Dotted quad (already validated) to an unsigned 32-bit number. */
export function v4ToInt(canonical: string): number {
  let acc = 0;
  let part = 0;
  for (let i = 0; i < canonical.length; i++) {
    const c = canonical.charCodeAt(i);
    if (c === 46) {
      acc = acc * 256 + part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  return acc * 256 + part;
}

/** Compressed or full IPv6 text (already validated, no embedded IPv4) to a 128-bit bigint. */
export function v6ToBigInt(canonical: string): bigint {
  const dbl = canonical.indexOf('::');
  let groups: string[];
  if (dbl === -1) groups = canonical.split(':');
  else {
    const head = canonical.slice(0, dbl);
    const tail = canonical.slice(dbl + 2);
    const h = head === '' ? [] : head.split(':');
    const t = tail === '' ? [] : tail.split(':');
    groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  }
  let acc = 0n;
  for (const g of groups) acc = (acc << 16n) | BigInt(parseInt(g, 16));
  return acc;
}

export function splitV6(n: bigint): { hi: bigint; lo: bigint } {
  return { hi: n >> 64n, lo: n & MASK64 };
}

/** Parses any IP literal into numbers; IPv6 with an embedded IPv4 tail is normalised by parseIp first. */
export function ipToNum(raw: string): IpNum | undefined {
  const ip = parseIp(raw);
  return ip === undefined ? undefined : parsedToNum(ip);
}

export function parsedToNum(ip: ParsedIp): IpNum {
  if (ip.version === 4) return { version: 4, v4: v4ToInt(ip.canonical) };
  // WHATWG canonicalisation turns a dotted tail into hex groups; kept as a guard should that change.
  const text = ip.canonical.includes('.') ? expandDottedTail(ip.canonical) : ip.canonical;
  const n = v6ToBigInt(text);
  return { version: 6, hi: n >> 64n, lo: n & MASK64 };
}

function expandDottedTail(text: string): string {
  const idx = text.lastIndexOf(':');
  const v4 = v4ToInt(text.slice(idx + 1));
  return `${text.slice(0, idx + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
}

export function v4ToText(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
