/**
 * Parsers for the plain IP-list formats in common use. Every parser returns
 * the ranges it understood and, for each line it could not use, the line
 * number and a reason; a bad line never stops a list from loading.
 */
import { parseIpRange, truncate, type IpRange } from './ip-range.ts';

export const IP_LIST_FORMATS = [
  /** One IP or CIDR per line, `#` or `;` comments (also the Tor bulk exit list). */
  'plain',
  /** FireHOL .ipset / .netset: plain with a `#` header naming the ipset. */
  'firehol',
  /** Spamhaus DROP/EDROP text: `1.10.16.0/20 ; SBL256894`. */
  'spamhaus-drop',
  /** Spamhaus drop_v4.json / drop_v6.json: one JSON object per line with `cidr`. */
  'spamhaus-drop-json',
  /** Tor exit-addresses: `ExitAddress 1.2.3.4 2024-02-27 09:00:00` among other keywords. */
  'tor-exit-addresses',
  /** abuse.ch Feodo Tracker CSV: `first_seen_utc,dst_ip,dst_port,...`, `#` header lines. */
  'feodo-csv',
  /** stamparm ipsum: `IP<TAB>count`; lines under minCount are left out. */
  'ipsum',
] as const;
export type IpListFormat = (typeof IP_LIST_FORMATS)[number];

export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedIpList {
  readonly format: IpListFormat;
  readonly ranges: IpRange[];
  readonly v4: number;
  readonly v6: number;
  /** Lines skipped on purpose (ipsum below minCount, duplicate header), not errors. */
  readonly skipped: number;
  /** The first 1,000 rejected lines. */
  readonly rejected: RejectedLine[];
  /** All rejected lines, including those beyond the ones kept. */
  readonly rejectedCount: number;
}

export interface ParseOptions {
  /** Force a format instead of detecting it. */
  readonly format?: IpListFormat;
  /** ipsum: keep IPs seen on at least this many blacklists (default 1). */
  readonly minCount?: number;
  /** A file name or URL, used as a hint (.ipset, .netset, .json, .csv). */
  readonly sourceName?: string;
}

const MAX_REJECTED_KEPT = 1000;

class Collector {
  readonly ranges: IpRange[] = [];
  v4 = 0;
  v6 = 0;
  skipped = 0;
  rejectedTotal = 0;
  readonly rejected: RejectedLine[] = [];
  add(lineNo: number, text: string): void {
    const r = parseIpRange(text);
    if (typeof r === 'string') this.reject(lineNo, r);
    else {
      this.ranges.push(r);
      if (r.version === 4) this.v4++;
      else this.v6++;
    }
  }
  reject(line: number, reason: string): void {
    this.rejectedTotal++;
    // A wrong file (say an HTML error page) would otherwise make a huge report.
    if (this.rejected.length < MAX_REJECTED_KEPT) this.rejected.push({ line, reason });
  }
  result(format: IpListFormat): ParsedIpList {
    return {
      format,
      ranges: this.ranges,
      v4: this.v4,
      v6: this.v6,
      skipped: this.skipped,
      rejected: this.rejected,
      rejectedCount: this.rejectedTotal,
    };
  }
}

function stripComment(line: string): string {
  let cut = line.length;
  const hash = line.indexOf('#');
  if (hash >= 0) cut = hash;
  const semi = line.indexOf(';');
  if (semi >= 0 && semi < cut) cut = semi;
  return line.slice(0, cut).trim();
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines[0]?.startsWith('\uFEFF')) lines[0] = lines[0].slice(1);
  return lines;
}

function parsePlainLike(lines: readonly string[], format: IpListFormat): ParsedIpList {
  const c = new Collector();
  lines.forEach((raw, i) => {
    const body = stripComment(raw);
    if (body === '') return;
    const tokens = body.split(/\s+/);
    const first = tokens[0] ?? '';
    if (tokens.length > 1) c.reject(i + 1, `unexpected text after address: ${truncate(body)}`);
    else c.add(i + 1, first);
  });
  return c.result(format);
}

function parseTorExitAddresses(lines: readonly string[]): ParsedIpList {
  const c = new Collector();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line.startsWith('ExitAddress')) return;
    const ip = line.split(/\s+/)[1];
    if (ip === undefined) c.reject(i + 1, 'ExitAddress without an address');
    else c.add(i + 1, ip);
  });
  return c.result('tor-exit-addresses');
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t;
}

function parseFeodoCsv(lines: readonly string[]): ParsedIpList {
  const c = new Collector();
  let ipColumn = 1;
  lines.forEach((raw, i) => {
    let line = raw.trim();
    if (line === '') return;
    const isComment = line.startsWith('#');
    if (isComment) line = line.slice(1).trim();
    const cells = line.split(',').map(unquote);
    const header = cells.indexOf('dst_ip');
    if (header >= 0) {
      ipColumn = header;
      return;
    }
    if (isComment) return;
    const ip = cells[ipColumn];
    if (ip === undefined || ip === '') c.reject(i + 1, `no dst_ip in column ${ipColumn + 1}`);
    else c.add(i + 1, ip);
  });
  return c.result('feodo-csv');
}

function parseSpamhausJson(lines: readonly string[]): ParsedIpList {
  const c = new Collector();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      c.reject(i + 1, 'not a JSON object');
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      c.reject(i + 1, 'not a JSON object');
      return;
    }
    const rec = value as Record<string, unknown>;
    if (rec.type === 'metadata') {
      c.skipped++;
      return;
    }
    if (typeof rec.cidr !== 'string') c.reject(i + 1, 'missing field cidr');
    else c.add(i + 1, rec.cidr);
  });
  return c.result('spamhaus-drop-json');
}

function parseIpsum(lines: readonly string[], minCount: number): ParsedIpList {
  const c = new Collector();
  lines.forEach((raw, i) => {
    const body = stripComment(raw);
    if (body === '') return;
    const [ip = '', count, extra] = body.split(/\s+/);
    if (extra !== undefined) {
      c.reject(i + 1, `unexpected text after count: ${truncate(body)}`);
      return;
    }
    // levels/N.txt files are plain IPs with no count: everything in them qualifies.
    if (count !== undefined) {
      if (!/^\d+$/.test(count)) {
        c.reject(i + 1, `count is not a number: ${truncate(count)}`);
        return;
      }
      if (Number(count) < minCount) {
        c.skipped++;
        return;
      }
    }
    c.add(i + 1, ip);
  });
  return c.result('ipsum');
}

/** Guesses the format from the first lines and the source name. */
export function detectFormat(lines: readonly string[], sourceName = ''): IpListFormat {
  const name = sourceName.toLowerCase();
  const head = lines.slice(0, 200);
  const comments = head.filter((l) => /^\s*#/.test(l)).join('\n');
  const data = head.filter((l) => l.trim() !== '' && !/^\s*[#;]/.test(l));
  if (head.some((l) => /^(ExitNode|ExitAddress)\s/.test(l))) return 'tor-exit-addresses';
  if (/first_seen_utc|dst_ip/.test(comments) || data.some((l) => /(^|,)"?(dst_ip|first_seen_utc)"?(,|$)/.test(l)))
    return 'feodo-csv';
  // "Most lines" rather than "all", so a few bad lines still get the right parser and are reported.
  const most = (re: RegExp): boolean => data.length > 0 && data.filter((l) => re.test(l)).length >= data.length * 0.8;
  if (most(/^\s*\{/)) return 'spamhaus-drop-json';
  if (most(/^\S+\t\d+\s*$/)) return 'ipsum';
  if (head.some((l) => /;\s*SBL\d+/.test(l))) return 'spamhaus-drop';
  if (name.endsWith('.ipset') || name.endsWith('.netset') || /\b(hash:ip|hash:net|ipset|netset|firehol)\b/i.test(comments))
    return 'firehol';
  return 'plain';
}

/** Parses a whole list. */
export function parseIpList(text: string, options: ParseOptions = {}): ParsedIpList {
  const lines = splitLines(text);
  const format = options.format ?? detectFormat(lines, options.sourceName);
  switch (format) {
    case 'plain':
    case 'firehol':
    case 'spamhaus-drop':
      return parsePlainLike(lines, format);
    case 'tor-exit-addresses':
      return parseTorExitAddresses(lines);
    case 'feodo-csv':
      return parseFeodoCsv(lines);
    case 'spamhaus-drop-json':
      return parseSpamhausJson(lines);
    case 'ipsum':
      return parseIpsum(lines, options.minCount ?? 1);
  }
}
