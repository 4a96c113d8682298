import { describe, expect, it } from 'vitest';
import { IpAllocator, buildGeoPool, locate, type GeoIp, type GeoPool } from './geo-pool.ts';
import { CITIES, cityKey, haversineKm } from './cities.ts';
import { Rng } from './rng.ts';

const ip = (n: number): GeoIp => ({ ip: `198.51.100.${n}`, version: 4, city: 'X', country: 'ZZ', lat: 0, lon: 0 });

function poolOf(size: number): GeoPool {
  return { cityV4: new Map([['X|ZZ', Array.from({ length: size }, (_, i) => ip(i + 1))]]), cityV6: new Map(), countryV4: new Map(), lookups: 0 };
}

describe('IpAllocator', () => {
  it('never hands a unique address to a household, even when households exhaust the bucket first', () => {
    const alloc = new IpAllocator(poolOf(60), new Rng(1));
    const homes = Array.from({ length: 500 }, () => alloc.city('X|ZZ').ip);
    const unique = Array.from({ length: 16 }, () => alloc.city('X|ZZ', true).ip);
    expect(new Set(unique).size).toBe(16);
    for (const u of unique) expect(homes).not.toContain(u);
    const later = Array.from({ length: 200 }, () => alloc.city('X|ZZ').ip);
    for (const u of unique) expect(later).not.toContain(u);
  });

  it('says so when a bucket has no unique address left', () => {
    const alloc = new IpAllocator(poolOf(9), new Rng(1));
    for (let i = 0; i < 9; i++) alloc.city('X|ZZ', true);
    expect(() => alloc.city('X|ZZ', true)).toThrow(/ran out of unique IPs/);
  });
});

describe('buildGeoPool', () => {
  it('puts only addresses that GeoLite2 places in (and near) the city into its bucket', () => {
    const pool = buildGeoPool(1);
    for (const c of CITIES) {
      const list = pool.cityV4.get(cityKey(c)) ?? [];
      expect(list.length, c.name).toBeGreaterThan(20);
      for (const g of list.slice(0, 5)) {
        const again = locate(g.ip);
        expect(again?.city).toBe(c.name);
        expect(haversineKm(c.lat, c.lon, g.lat, g.lon)).toBeLessThan(80);
      }
    }
    for (const [cc, list] of pool.countryV4) for (const g of list.slice(0, 3)) expect(locate(g.ip)).toMatchObject({ city: '', country: cc });
  });
});
