import { describe, it, expect, beforeAll } from 'vitest';
import { openGeoIp, recordToGeo, type GeoLookup } from './geoip.ts';
import { countryRadiusKm, DEFAULT_COUNTRY_RADIUS_KM } from './geo-radius.ts';

describe('recordToGeo', () => {
  it.each([
    ['flat city row', { city: 'Berlin', state1: 'Land Berlin', country_code: 'DE', latitude: 52.5, longitude: 13.4 }, 'city', 25],
    ['flat region row', { state1: 'Bavaria', country_code: 'DE', latitude: 48, longitude: 11 }, 'region', 150],
    ['flat country row', { country_code: 'US', latitude: 37.751, longitude: -97.822 }, 'country', 1769],
    ['small country row', { country_code: 'LU', latitude: 49.6, longitude: 6.1 }, 'country', DEFAULT_COUNTRY_RADIUS_KM],
    [
      'MaxMind city with radius',
      {
        city: { names: { en: 'London' } },
        country: { iso_code: 'GB' },
        subdivisions: [{ names: { en: 'England' } }],
        location: { latitude: 51.5, longitude: -0.1, accuracy_radius: 10 },
      },
      'city',
      10,
    ],
    ['MaxMind country only', { country: { iso_code: 'fr' }, location: { latitude: 46, longitude: 2 } }, 'country', 453],
    ['empty strings', { city: '', state1: ' ', country_code: '' }, 'none', 0],
  ])('%s -> %s, radius %i km', (_label, rec, precision, radius) => {
    const geo = recordToGeo(rec);
    expect(geo.precision).toBe(precision);
    expect(geo.accuracyRadiusKm).toBe(radius);
    expect(geo.source).toBe(precision === 'none' ? 'none' : 'geoip');
  });

  it('keeps names and coordinates of both layouts', () => {
    expect(recordToGeo({ city: 'Berlin', state1: 'Land Berlin', country_code: 'de', latitude: 52.5, longitude: 13.4 })).toEqual({
      city: 'Berlin',
      state: 'Land Berlin',
      countryCode: 'DE',
      latitude: 52.5,
      longitude: 13.4,
      precision: 'city',
      source: 'geoip',
      accuracyRadiusKm: 25,
    });
    expect(recordToGeo(null)).toEqual({ precision: 'none', source: 'none', accuracyRadiusKm: 0 });
  });

  it('country radius is the radius of a disc of the country area', () => {
    expect(countryRadiusKm('US')).toBe(Math.round(Math.sqrt(9_834_000 / Math.PI)));
    expect(countryRadiusKm(undefined)).toBe(DEFAULT_COUNTRY_RADIUS_KM);
  });
});

describe('bundled GeoLite2 City', () => {
  let geo: GeoLookup;
  beforeAll(async () => {
    geo = await openGeoIp();
  });

  it.each([
    // Google's anycast resolver has a country-only row with the US centroid.
    ['8.8.8.8', 4, 'country', 'US'],
    ['2001:4860:4860::8888', 6, 'country', 'US'],
    // MaxMind's own test address range in Bracknell.
    ['81.2.69.142', 4, 'city', 'GB'],
  ] as const)('%s -> %s in %s', (ip, version, precision, country) => {
    const g = geo.lookup(ip, version);
    expect(g.precision).toBe(precision);
    expect(g.countryCode).toBe(country);
    expect(g.source).toBe('geoip');
    expect(typeof g.latitude).toBe('number');
  });

  it('an address the database lacks is unknown, not an error', () => {
    expect(geo.lookup('10.0.0.1', 4)).toEqual({ precision: 'none', source: 'none', accuracyRadiusKm: 0 });
  });
});
