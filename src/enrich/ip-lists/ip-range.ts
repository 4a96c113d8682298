/** An IP or CIDR as an inclusive numeric range, the unit every list parser produces. */
import { parseIp } from '../../schema/ip.ts';
import { v4ToInt, v6ToBigInt } from '../ip-num.ts';

export type IpRange =
  | { readonly version: 4; readonly start: number; readonly end: number }
  | { readonly version: 6; readonly start: bigint; readonly end: bigint };

const ALL128 = (1n << 128n) - 1n;

/**
 * "1.2.3.0/24", "2001:db8::/32" or a bare address. Host bits under the prefix
 * are ignored (lists often write "1.2.3.4/24" meaning the /24). Returns a
 * reason string when the text is not one.
 */
export function parseIpRange(text: string): IpRange | string {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addr);
  if (ip === undefined) return `not an IP address: ${truncate(addr)}`;
  const bits = ip.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const len = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(len) || Number(len) > bits) return `bad prefix length /${truncate(len)} for IPv${ip.version}`;
    prefix = Number(len);
  }
  if (ip.version === 4) {
    const n = v4ToInt(ip.canonical);
    const size = 2 ** (32 - prefix);
    const start = Math.floor(n / size) * size;
    return { version: 4, start, end: start + size - 1 };
  }
  const n = v6ToBigInt(ip.canonical);
  const hostMask = ALL128 >> BigInt(prefix);
  const start = n & ~hostMask & ALL128;
  return { version: 6, start, end: start | hostMask };
}

export function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
