/**
 * A set of IPv4 and IPv6 ranges, merged into sorted disjoint intervals in
 * typed arrays. Membership is a binary search: at most log2(n) + 1 steps,
 * which is under the prefix length for any list below 2^32 / 2^128 ranges.
 */
import type { IpNum } from '../ip-num.ts';
import { ipToNum } from '../ip-num.ts';
import type { IpRange } from './ip-range.ts';

const MASK64 = (1n << 64n) - 1n;

export interface CidrSet {
  /** Disjoint intervals after merging overlapping and adjacent ranges. */
  readonly v4Intervals: number;
  readonly v6Intervals: number;
  has(ip: IpNum): boolean;
  hasText(ip: string): boolean;
}

function mergeV4(ranges: { start: number; end: number }[]): { starts: Float64Array; ends: Float64Array } {
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const r of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && r.start <= (ends[last] ?? 0) + 1) {
      if (r.end > (ends[last] ?? 0)) ends[last] = r.end;
    } else {
      starts.push(r.start);
      ends.push(r.end);
    }
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends) };
}

function mergeV6(ranges: { start: bigint; end: bigint }[]): {
  sHi: BigUint64Array;
  sLo: BigUint64Array;
  eHi: BigUint64Array;
  eLo: BigUint64Array;
} {
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  for (const r of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && r.start <= (ends[last] ?? 0n) + 1n) {
      if (r.end > (ends[last] ?? 0n)) ends[last] = r.end;
    } else {
      starts.push(r.start);
      ends.push(r.end);
    }
  }
  return {
    sHi: BigUint64Array.from(starts, (s) => s >> 64n),
    sLo: BigUint64Array.from(starts, (s) => s & MASK64),
    eHi: BigUint64Array.from(ends, (e) => e >> 64n),
    eLo: BigUint64Array.from(ends, (e) => e & MASK64),
  };
}

export function createCidrSet(ranges: Iterable<IpRange>): CidrSet {
  const r4: { start: number; end: number }[] = [];
  const r6: { start: bigint; end: bigint }[] = [];
  for (const r of ranges) {
    if (r.version === 4) r4.push({ start: r.start, end: r.end });
    else r6.push({ start: r.start, end: r.end });
  }
  const v4 = mergeV4(r4);
  const v6 = mergeV6(r6);

  function has4(ip: number): boolean {
    let lo = 0;
    let hi = v4.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((v4.starts[mid] ?? 0) > ip) hi = mid - 1;
      else if ((v4.ends[mid] ?? -1) < ip) lo = mid + 1;
      else return true;
    }
    return false;
  }

  function has6(h: bigint, l: bigint): boolean {
    let lo = 0;
    let hi = v6.sHi.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const sh = v6.sHi[mid] ?? 0n;
      const eh = v6.eHi[mid] ?? 0n;
      if (sh > h || (sh === h && (v6.sLo[mid] ?? 0n) > l)) hi = mid - 1;
      else if (eh < h || (eh === h && (v6.eLo[mid] ?? 0n) < l)) lo = mid + 1;
      else return true;
    }
    return false;
  }

  const set: CidrSet = {
    v4Intervals: v4.starts.length,
    v6Intervals: v6.sHi.length,
    has: (ip) => (ip.version === 4 ? has4(ip.v4) : has6(ip.hi, ip.lo)),
    hasText(text) {
      const n = ipToNum(text);
      return n !== undefined && set.has(n);
    },
  };
  return set;
}
