/** IP address literals: validation and one canonical spelling, shared by every adapter and lookup. */
import { isIP } from 'node:net';

export interface ParsedIp {
  readonly version: 4 | 6;
  /** IPv4 dotted quad as given; IPv6 compressed lower case (RFC 5952). */
  readonly canonical: string;
}

/** Parses an IP literal; IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes the IPv4 address. Zone ids are refused. */
export function parseIp(raw: string): ParsedIp | undefined {
  const text = raw.trim();
  const v = isIP(text);
  if (v === 4) return { version: 4, canonical: text };
  if (v !== 6 || text.includes('%')) return undefined;
  // URL's host parser canonicalises IPv6 per the WHATWG spec (compressed, lower case).
  const host = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped !== null && mapped[1] !== undefined && mapped[2] !== undefined) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return { version: 4, canonical: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}` };
  }
  return { version: 6, canonical: host };
}
