/**
 * ASN and organisation from the @ip-location-db/asn CSVs, held in sorted typed
 * arrays (about 410k IPv4 and 100k IPv6 ranges) and found by binary search.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { ipToNum, splitV6, type IpNum } from './ip-num.ts';

export interface AsnInfo {
  readonly asn: number;
  readonly org: string;
}

export interface AsnLookup {
  lookup(ip: IpNum): AsnInfo | undefined;
}

export interface AsnTable extends AsnLookup {
  readonly v4Ranges: number;
  readonly v6Ranges: number;
}

const require = createRequire(import.meta.url);

export function bundledAsnFiles(): { v4: string; v6: string } {
  return {
    v4: require.resolve('@ip-location-db/asn/asn-ipv4-num.csv'),
    v6: require.resolve('@ip-location-db/asn/asn-ipv6-num.csv'),
  };
}

/** Splits `a,b,asn,org` where org may be a double-quoted CSV field. */
function splitRow(line: string): [string, string, string, string] | undefined {
  const c1 = line.indexOf(',');
  const c2 = line.indexOf(',', c1 + 1);
  const c3 = line.indexOf(',', c2 + 1);
  if (c1 < 0 || c2 < 0 || c3 < 0) return undefined;
  let org = line.slice(c3 + 1);
  if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replaceAll('""', '"');
  return [line.slice(0, c1), line.slice(c1 + 1, c2), line.slice(c2 + 1, c3), org];
}

class Growable<T extends Uint32Array | BigUint64Array> {
  arr: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.arr = make(1024);
  }
  push(v: T extends BigUint64Array ? bigint : number): void {
    if (this.length === this.arr.length) {
      const next = this.make(this.arr.length * 2);
      next.set(this.arr as never);
      this.arr = next;
    }
    (this.arr as unknown as (typeof v)[])[this.length++] = v;
  }
  done(): T {
    return this.arr.slice(0, this.length) as T;
  }
}

class OrgPool {
  readonly names: string[] = [];
  readonly #index = new Map<string, number>();
  id(name: string): number {
    let i = this.#index.get(name);
    if (i === undefined) {
      i = this.names.length;
      // A fresh copy: a slice of a read chunk would keep the whole 64 KB chunk alive (~30 MB in all).
      this.names.push(Buffer.from(name, 'utf8').toString('utf8'));
      this.#index.set(name, i);
    }
    return i;
  }
}

async function* lines(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

/** Reads both CSVs (numeric form: decimal start and end) into one table. Rows must be sorted and disjoint, as shipped. */
export async function loadAsnTable(files: { v4: string; v6: string } = bundledAsnFiles()): Promise<AsnTable> {
  const orgs = new OrgPool();
  const s4 = new Growable((n) => new Uint32Array(n));
  const e4 = new Growable((n) => new Uint32Array(n));
  const a4 = new Growable((n) => new Uint32Array(n));
  const o4 = new Growable((n) => new Uint32Array(n));
  for await (const line of lines(files.v4)) {
    const row = splitRow(line);
    if (row === undefined) continue;
    s4.push(Number(row[0]));
    e4.push(Number(row[1]));
    a4.push(Number(row[2]));
    o4.push(orgs.id(row[3]));
  }
  const sHi = new Growable((n) => new BigUint64Array(n));
  const sLo = new Growable((n) => new BigUint64Array(n));
  const eHi = new Growable((n) => new BigUint64Array(n));
  const eLo = new Growable((n) => new BigUint64Array(n));
  const a6 = new Growable((n) => new Uint32Array(n));
  const o6 = new Growable((n) => new Uint32Array(n));
  for await (const line of lines(files.v6)) {
    const row = splitRow(line);
    if (row === undefined) continue;
    const s = splitV6(BigInt(row[0]));
    const e = splitV6(BigInt(row[1]));
    sHi.push(s.hi);
    sLo.push(s.lo);
    eHi.push(e.hi);
    eLo.push(e.lo);
    a6.push(Number(row[2]));
    o6.push(orgs.id(row[3]));
  }
  return createAsnTable(
    { starts: s4.done(), ends: e4.done(), asns: a4.done(), orgIds: o4.done() },
    { startHi: sHi.done(), startLo: sLo.done(), endHi: eHi.done(), endLo: eLo.done(), asns: a6.done(), orgIds: o6.done() },
    orgs.names,
  );
}

interface V4Columns {
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  orgIds: Uint32Array;
}
interface V6Columns {
  startHi: BigUint64Array;
  startLo: BigUint64Array;
  endHi: BigUint64Array;
  endLo: BigUint64Array;
  asns: Uint32Array;
  orgIds: Uint32Array;
}

export function createAsnTable(v4: V4Columns, v6: V6Columns, orgs: readonly string[]): AsnTable {
  const info = (asn: number | undefined, orgId: number | undefined): AsnInfo | undefined =>
    asn === undefined || asn === 0 ? undefined : { asn, org: orgs[orgId ?? -1] ?? '' };

  function find4(ip: number): AsnInfo | undefined {
    // Last range whose start <= ip.
    let lo = 0;
    let hi = v4.starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((v4.starts[mid] ?? 0) <= ip) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0 || (v4.ends[at] ?? -1) < ip) return undefined;
    return info(v4.asns[at], v4.orgIds[at]);
  }

  function find6(h: bigint, l: bigint): AsnInfo | undefined {
    let lo = 0;
    let hi = v6.startHi.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const sh = v6.startHi[mid] ?? 0n;
      if (sh < h || (sh === h && (v6.startLo[mid] ?? 0n) <= l)) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) return undefined;
    const eh = v6.endHi[at] ?? 0n;
    if (eh < h || (eh === h && (v6.endLo[at] ?? 0n) < l)) return undefined;
    return info(v6.asns[at], v6.orgIds[at]);
  }

  return {
    v4Ranges: v4.starts.length,
    v6Ranges: v6.startHi.length,
    lookup: (ip) => (ip.version === 4 ? find4(ip.v4) : find6(ip.hi, ip.lo)),
  };
}

/** Convenience for tests and the CLI: look up an IP literal. */
export function lookupAsnText(table: AsnLookup, raw: string): AsnInfo | undefined {
  const n = ipToNum(raw);
  return n === undefined ? undefined : table.lookup(n);
}

let shared: Promise<AsnTable> | undefined;
/** The bundled table, loaded once per process on first use. */
export function sharedAsnTable(): Promise<AsnTable> {
  shared ??= loadAsnTable();
  return shared;
}
