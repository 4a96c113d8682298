/**
 * What enrichment adds to an event before detection: where an IP is, what
 * network it belongs to, which IP lists hold it, and what the user agent says.
 */
import { Type, type Static } from 'typebox';
import { SignIn, type AuthEvent } from './events.ts';

export const IP_CATEGORIES = ['anonymizer', 'botnet', 'malicious', 'trusted'] as const;
export const IpCategory = Type.Enum(IP_CATEGORIES);
export type IpCategory = Static<typeof IpCategory>;

/**
 * How precise a location is. A country-only location never proves travel
 * between two cities of that country.
 */
export const GeoPrecision = Type.Union([
  Type.Literal('city'),
  Type.Literal('region'),
  Type.Literal('country'),
  Type.Literal('none'),
]);
export type GeoPrecision = Static<typeof GeoPrecision>;

export const Geo = Type.Object({
  city: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  /** ISO 3166-1 alpha-2 where known. */
  countryCode: Type.Optional(Type.String()),
  latitude: Type.Optional(Type.Number()),
  longitude: Type.Optional(Type.Number()),
  precision: GeoPrecision,
  /** given: the record carried it; geoip: looked up; none: private, reserved or unknown. */
  source: Type.Union([Type.Literal('given'), Type.Literal('geoip'), Type.Literal('none')]),
  /** Radius (km) the true position lies within, from the database or the precision class. */
  accuracyRadiusKm: Type.Number(),
});
export type Geo = Static<typeof Geo>;

/**
 * public: routable; private: RFC 1918 / ULA / CGNAT; reserved: loopback,
 * link-local, documentation, multicast and other special ranges; none: the
 * event had no IP.
 */
export const IpScope = Type.Union([
  Type.Literal('public'),
  Type.Literal('private'),
  Type.Literal('reserved'),
  Type.Literal('none'),
]);
export type IpScope = Static<typeof IpScope>;

export const Network = Type.Object({
  scope: IpScope,
  asn: Type.Optional(Type.Integer()),
  asOrg: Type.Optional(Type.String()),
});
export type Network = Static<typeof Network>;

/** One IP list that held the event's IP when it was ingested. */
export const IpTag = Type.Object({ list: Type.String(), category: IpCategory });
export type IpTag = Static<typeof IpTag>;

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'other', 'unknown'] as const;
export const UserAgentInfo = Type.Object({
  os: Type.Optional(Type.String()),
  osVersion: Type.Optional(Type.String()),
  browser: Type.Optional(Type.String()),
  browserVersion: Type.Optional(Type.String()),
  deviceType: Type.Enum(DEVICE_TYPES),
});
export type UserAgentInfo = Static<typeof UserAgentInfo>;

/**
 * The deployment's shared IP reputation (SPEC 4 D4), when it held the event's IP at
 * ingest: how many other directories' D4 found the IP spraying or hostile within the
 * shared window around the sign-in. A count only: never which directories, users or data.
 * Absent when the deployment or the tenant does not use the signal, or no other directory reported the IP.
 */
export const SharedReputation = Type.Object({ otherDirectories: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export type SharedReputation = Static<typeof SharedReputation>;

export const Enrichment = Type.Object({
  geo: Geo,
  network: Network,
  ipTags: Type.Array(IpTag),
  ua: UserAgentInfo,
  sharedReputation: Type.Optional(SharedReputation),
});
export type Enrichment = Static<typeof Enrichment>;

// One object schema, not an intersection: SignIn refuses unknown properties, so Intersect would refuse `enrichment`.
export const EnrichedSignIn = Type.Object({ ...SignIn.properties, enrichment: Enrichment }, { additionalProperties: false });
export type EnrichedSignIn = Static<typeof EnrichedSignIn>;

/** An event after enrichment: sign-ins carry their enrichment, other kinds pass through. */
export type EnrichedEvent = Exclude<AuthEvent, { kind: 'signIn' }> | EnrichedSignIn;
