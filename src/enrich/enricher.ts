/**
 * Adds geo, network, IP-list tags and user-agent details to sign-ins. Pure
 * over loaded data: per-IP results (geo, network) are cached in a bounded LRU;
 * list tags are looked up per event because they depend on the tenant and
 * lists reload at runtime.
 */
import type { AuthEvent, SignIn, SignInLocation } from '../schema/events.ts';
import type { EnrichedEvent, EnrichedSignIn, Geo, Network } from '../schema/enrichment.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { AsnLookup } from './asn.ts';
import { CITY_RADIUS_KM, REGION_RADIUS_KM, countryRadiusKm } from './geo-radius.ts';
import { NO_GEO, type GeoLookup } from './geoip.ts';
import { parsedToNum, type IpNum } from './ip-num.ts';
import { parseIp } from '../schema/ip.ts';
import { scopeOfNum } from './ip-scope.ts';
import type { IpListRegistry } from './ip-lists/registry.ts';
import { BoundedCache } from './bounded-cache.ts';
import type { UserAgentParser } from './user-agent.ts';

export interface EnricherDeps {
  readonly geo: GeoLookup;
  readonly asn: AsnLookup;
  readonly ua: UserAgentParser;
  readonly lists: IpListRegistry;
  /** Distinct IPs kept (default 200,000: ~70k distinct IPs in 300k generated Graph sign-ins thrashed 50,000). */
  readonly ipCacheSize?: number;
}

export type Enricher = (tenant: TenantId, event: AuthEvent) => EnrichedEvent;

interface IpFacts {
  readonly num: IpNum | undefined;
  /** GeoIP's answer, looked up on first need: records that carry their location (Graph's) never need it. */
  geo: Geo | undefined;
  /** What to look up: the canonical spelling (an IPv4-mapped IPv6 literal is looked up as the IPv4 address). */
  readonly canonical: string;
  readonly network: Network;
}

const NO_IP: IpFacts = Object.freeze({ num: undefined, geo: NO_GEO, canonical: '', network: Object.freeze({ scope: 'none' }) as Network });

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

/** A location the record carried, or undefined when it has nothing usable. */
export function givenLocationToGeo(loc: SignInLocation | undefined): Geo | undefined {
  if (loc === undefined) return undefined;
  const city = nonEmpty(loc.city);
  const state = nonEmpty(loc.state);
  const country = nonEmpty(loc.countryOrRegion);
  const coords = loc.geoCoordinates;
  const precision: Geo['precision'] =
    city !== undefined ? 'city' : state !== undefined ? 'region' : country !== undefined ? 'country' : 'none';
  if (precision === 'none') return undefined;
  const geo: { -readonly [K in keyof Geo]: Geo[K] } = {
    precision,
    source: 'given',
    accuracyRadiusKm:
      precision === 'city' ? CITY_RADIUS_KM : precision === 'region' ? REGION_RADIUS_KM : countryRadiusKm(country),
  };
  if (city !== undefined) geo.city = city;
  if (state !== undefined) geo.state = state;
  // Graph gives countryOrRegion as a two-letter code; other spellings are kept as given.
  if (country !== undefined) geo.countryCode = /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : country;
  // Graph sends 0,0 for "unknown"; Null Island is never a real sign-in location.
  if (coords !== undefined && !(coords.latitude === 0 && coords.longitude === 0)) {
    geo.latitude = coords.latitude;
    geo.longitude = coords.longitude;
  }
  return geo;
}

export function createEnricher(deps: EnricherDeps): Enricher {
  const cache = new BoundedCache<string, IpFacts>(deps.ipCacheSize ?? 200_000);

  function factsFor(ip: string | undefined): IpFacts {
    if (ip === undefined || ip === '') return NO_IP;
    const hit = cache.get(ip);
    if (hit !== undefined) return hit;
    const parsed = parseIp(ip);
    let facts: IpFacts;
    if (parsed === undefined) facts = NO_IP;
    else {
      const num = parsedToNum(parsed);
      const scope = scopeOfNum(num);
      if (scope !== 'public') facts = { num, geo: NO_GEO, canonical: parsed.canonical, network: { scope } };
      else {
        const as = deps.asn.lookup(num);
        facts = {
          num,
          geo: undefined,
          canonical: parsed.canonical,
          network: as === undefined ? { scope } : { scope, asn: as.asn, asOrg: as.org },
        };
      }
    }
    cache.set(ip, facts);
    return facts;
  }

  function enrichSignIn(tenant: TenantId, e: SignIn): EnrichedSignIn {
    const facts = factsFor(e.ipAddress);
    const geo = givenLocationToGeo(e.location) ?? (facts.geo ??= facts.num === undefined ? NO_GEO : deps.geo.lookup(facts.canonical, facts.num.version));
    const ipTags = facts.num === undefined ? [] : deps.lists.lookup(tenant, facts.num);
    return { ...e, enrichment: { geo, network: facts.network, ipTags, ua: deps.ua.parse(e.userAgent) } };
  }

  return (tenant, event) => (event.kind === 'signIn' ? enrichSignIn(tenant, event) : event);
}
