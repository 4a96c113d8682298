/**
 * Builders of EnrichedSignIns for detector tests and benchmarks: own
 * fixtures (never copies of the shared samples), valid against the schema.
 */
import type { EnrichedSignIn, Geo, IpTag } from '../../schema/enrichment.ts';
import type { SignInOutcome } from '../../schema/events.ts';

const ERROR_CODE: Record<SignInOutcome, number> = {
  success: 0,
  credentialFailure: 50126,
  interrupted: 50074,
  mfaDenied: 500121,
  blocked: 50053,
  disabled: 50057,
  other: 90000,
};

export interface SignInSpec {
  readonly id: string;
  readonly at: number | string;
  readonly user?: string;
  readonly ip?: string;
  readonly outcome?: SignInOutcome;
  readonly geo?: Partial<Geo>;
  readonly asn?: number;
  readonly tags?: readonly IpTag[];
  readonly os?: string;
  readonly browser?: string;
  readonly deviceType?: 'desktop' | 'mobile' | 'tablet' | 'other' | 'unknown';
}

export const PLACES = {
  berlin: { city: 'Berlin', countryCode: 'DE', latitude: 52.52, longitude: 13.405 },
  munich: { city: 'Munich', countryCode: 'DE', latitude: 48.137, longitude: 11.575 },
  potsdam: { city: 'Potsdam', countryCode: 'DE', latitude: 52.39, longitude: 13.065 },
  newYork: { city: 'New York', countryCode: 'US', latitude: 40.713, longitude: -74.006 },
  sydney: { city: 'Sydney', countryCode: 'AU', latitude: -33.869, longitude: 151.209 },
  paris: { city: 'Paris', countryCode: 'FR', latitude: 48.857, longitude: 2.352 },
  lagos: { city: 'Lagos', countryCode: 'NG', latitude: 6.524, longitude: 3.379 },
} as const;

export function signIn(s: SignInSpec): EnrichedSignIn {
  const outcome = s.outcome ?? 'success';
  const at = typeof s.at === 'number' ? new Date(s.at).toISOString() : s.at;
  const user = s.user ?? 'alice@contoso.example';
  const e: EnrichedSignIn = {
    kind: 'signIn',
    id: s.id,
    createdDateTime: at,
    userPrincipalName: user,
    isInteractive: true,
    status: { errorCode: ERROR_CODE[outcome] },
    outcome,
    enrichment: {
      geo: { precision: 'city', source: 'geoip', accuracyRadiusKm: 20, ...PLACES.berlin, ...s.geo },
      network: { scope: 'public', asn: s.asn ?? 3320, asOrg: 'Example Telecom' },
      ipTags: [...(s.tags ?? [])],
      ua: { os: s.os ?? 'Windows', browser: s.browser ?? 'Edge', deviceType: s.deviceType ?? 'desktop' },
    },
  };
  if (s.ip !== undefined) e.ipAddress = s.ip;
  else e.ipAddress = '198.51.100.7';
  return e;
}

export const T0 = Date.parse('2026-11-02T08:00:00.000Z');
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
