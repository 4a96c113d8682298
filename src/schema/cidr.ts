/** CIDR membership for suppressions (IPv4 and IPv6), over canonical IP literals. */
import { parseIp } from './ip.ts';

export interface Cidr {
  readonly version: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

function toBigInt(version: 4 | 6, canonical: string): bigint {
  if (version === 4) {
    return canonical.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  }
  const [head = '', tail = ''] = canonical.includes('::') ? canonical.split('::') : [canonical, ''];
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** "10.0.0.0/8", "2001:db8::/32" or a bare IP (a /32 or /128); undefined when malformed. */
export function parseCidr(raw: string): Cidr | undefined {
  const [addr = '', len, extra] = raw.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (ip === undefined) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  const prefix = len === undefined ? bits : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { version: ip.version, network: toBigInt(ip.version, ip.canonical) & mask, prefix };
}

export function formatCidr(c: Cidr): string {
  if (c.version === 4) {
    const parts = [24n, 16n, 8n, 0n].map((s) => String((c.network >> s) & 255n));
    return `${parts.join('.')}/${c.prefix}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((c.network >> BigInt(i * 16)) & 0xffffn).toString(16));
  const ip = parseIp(groups.join(':'));
  return `${ip?.canonical ?? groups.join(':')}/${c.prefix}`;
}

export function cidrContains(c: Cidr, rawIp: string): boolean {
  const ip = parseIp(rawIp);
  if (ip === undefined || ip.version !== c.version) return false;
  const bits = c.version === 4 ? 32 : 128;
  const shift = BigInt(bits - c.prefix);
  return toBigInt(ip.version, ip.canonical) >> shift === c.network >> shift;
}
