import { describe, it, expect } from 'vitest';
import type { AuthEvent, SignIn } from '../schema/events.ts';
import type { Geo } from '../schema/enrichment.ts';
import { createEnricher, givenLocationToGeo } from './enricher.ts';
import type { GeoLookup } from './geoip.ts';
import type { AsnLookup } from './asn.ts';
import { createUserAgentParser } from './user-agent.ts';
import { createIpListRegistry } from './ip-lists/registry.ts';
import { createCidrSet } from './ip-lists/cidr-set.ts';
import { parseIpList } from './ip-lists/formats.ts';

const PARIS: Geo = { city: 'Paris', countryCode: 'FR', latitude: 48.85, longitude: 2.35, precision: 'city', source: 'geoip', accuracyRadiusKm: 25 };

function fakes() {
  const calls = { geo: 0, asn: 0 };
  const geo: GeoLookup = {
    lookup: () => {
      calls.geo++;
      return PARIS;
    },
  };
  const asn: AsnLookup = {
    lookup: () => {
      calls.asn++;
      return { asn: 64500, org: 'Example Net' };
    },
  };
  const lists = createIpListRegistry();
  lists.replace({ scope: 'global', name: 'tor', category: 'anonymizer', set: createCidrSet(parseIpList('203.0.114.0/24\n').ranges) });
  lists.replace({ scope: { tenant: 'acme' }, name: 'corp', category: 'trusted', set: createCidrSet(parseIpList('203.0.114.7\n').ranges) });
  return { calls, enrich: createEnricher({ geo, asn, ua: createUserAgentParser(), lists, ipCacheSize: 2 }) };
}

const signIn = (over: Partial<SignIn> = {}): SignIn => ({
  kind: 'signIn',
  id: 's1',
  createdDateTime: '2026-11-26T08:00:00.000Z',
  userPrincipalName: 'a@acme.test',
  isInteractive: true,
  status: { errorCode: 0 },
  outcome: 'success',
  ipAddress: '203.0.114.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  ...over,
});

describe('createEnricher', () => {
  it('adds geo, network, tenant-scoped list tags and UA to a sign-in', () => {
    const { enrich } = fakes();
    const e = enrich('acme', signIn());
    expect(e.kind === 'signIn' && e.enrichment).toEqual({
      geo: PARIS,
      network: { scope: 'public', asn: 64500, asOrg: 'Example Net' },
      ipTags: [
        { list: 'tor', category: 'anonymizer' },
        { list: 'corp', category: 'trusted' },
      ],
      ua: { os: 'Linux', browser: 'Firefox', browserVersion: '121.0', deviceType: 'desktop' },
    });
    const other = enrich('globex', signIn());
    expect(other.kind === 'signIn' && other.enrichment.ipTags).toEqual([{ list: 'tor', category: 'anonymizer' }]);
  });

  it.each([
    ['10.1.2.3', 'private'],
    ['127.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ] as const)('%s is %s and never geolocated', (ip, scope) => {
    const { enrich, calls } = fakes();
    const e = enrich('acme', signIn({ ipAddress: ip }));
    expect(e.kind === 'signIn' && e.enrichment.network).toEqual({ scope });
    expect(e.kind === 'signIn' && e.enrichment.geo).toEqual({ precision: 'none', source: 'none', accuracyRadiusKm: 0 });
    expect(calls).toEqual({ geo: 0, asn: 0 });
  });

  it('no IP: scope none, no tags; no UA: unknown device', () => {
    const { enrich } = fakes();
    const e = enrich('acme', signIn({ ipAddress: undefined, userAgent: undefined }));
    expect(e.kind === 'signIn' && e.enrichment).toEqual({
      geo: { precision: 'none', source: 'none', accuracyRadiusKm: 0 },
      network: { scope: 'none' },
      ipTags: [],
      ua: { deviceType: 'unknown' },
    });
  });

  it('a location in the record wins and is marked given', () => {
    const { enrich } = fakes();
    const e = enrich('acme', signIn({ location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US', geoCoordinates: { latitude: 47.68, longitude: -122.12 } } }));
    expect(e.kind === 'signIn' && e.enrichment.geo).toEqual({
      city: 'Redmond',
      state: 'Washington',
      countryCode: 'US',
      latitude: 47.68,
      longitude: -122.12,
      precision: 'city',
      source: 'given',
      accuracyRadiusKm: 25,
    });
  });

  it('looks GeoIP up only for records without a location of their own, once per IP', () => {
    const { enrich, calls } = fakes();
    const located = { location: { city: 'Redmond', countryOrRegion: 'US' } };
    for (let i = 0; i < 3; i++) enrich('acme', signIn(located));
    expect(calls).toEqual({ geo: 0, asn: 1 });
    const bare = enrich('acme', signIn());
    expect(bare.kind === 'signIn' && bare.enrichment.geo).toEqual(PARIS);
    enrich('acme', signIn());
    enrich('acme', signIn(located));
    expect(calls).toEqual({ geo: 1, asn: 1 });
  });

  it('caches per IP: repeated IPs do not hit GeoIP or ASN again, the LRU stays bounded', () => {
    const { enrich, calls } = fakes();
    for (let i = 0; i < 5; i++) enrich('acme', signIn());
    expect(calls).toEqual({ geo: 1, asn: 1 });
    enrich('acme', signIn({ ipAddress: '198.51.99.1' }));
    enrich('acme', signIn({ ipAddress: '198.51.99.2' }));
    enrich('acme', signIn());
    // Capacity 2: the first IP was evicted and is looked up again.
    expect(calls).toEqual({ geo: 4, asn: 4 });
  });

  it('other event kinds pass through as the same object', () => {
    const { enrich } = fakes();
    const audit = { kind: 'directoryAudit', id: 'a' } as unknown as AuthEvent;
    expect(enrich('acme', audit)).toBe(audit);
  });
});

describe('givenLocationToGeo', () => {
  it.each([
    [{ city: 'Oslo', countryOrRegion: 'no' }, 'city', 'NO', 25],
    [{ state: 'Bavaria', countryOrRegion: 'DE' }, 'region', 'DE', 150],
    [{ countryOrRegion: 'US' }, 'country', 'US', 1769],
    [{ countryOrRegion: 'LU' }, 'country', 'LU', 500],
  ] as const)('%j -> %s', (loc, precision, country, radius) => {
    const g = givenLocationToGeo(loc);
    expect([g?.precision, g?.countryCode, g?.accuracyRadiusKm, g?.source]).toEqual([precision, country, radius, 'given']);
  });

  it('empty or missing locations and 0,0 coordinates are not locations', () => {
    expect(givenLocationToGeo(undefined)).toBeUndefined();
    expect(givenLocationToGeo({ city: '', countryOrRegion: ' ' })).toBeUndefined();
    expect(givenLocationToGeo({ countryOrRegion: 'US', geoCoordinates: { latitude: 0, longitude: 0 } })).not.toHaveProperty('latitude');
  });
});
