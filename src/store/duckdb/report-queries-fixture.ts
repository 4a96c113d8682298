/**
 * A small, hand-written directory month for the report tests: every report
 * has rows, and each row is predictable. Own data (not the shared samples),
 * shaped like the normalised events of src/schema/events.ts.
 */
import type { Detection } from '../../schema/detections.ts';
import type { EnrichedEvent, EnrichedSignIn } from '../../schema/enrichment.ts';
import type { AuthEvent } from '../../schema/events.ts';

export const FIXTURE_NOW = '2026-11-20T12:00:00.000Z';

type SignInInput = Partial<Omit<EnrichedSignIn, 'enrichment'>> &
  Pick<EnrichedSignIn, 'id' | 'createdDateTime' | 'userPrincipalName'> & {
    geo?: { city?: string; countryCode?: string; latitude?: number; longitude?: number };
    asn?: number;
  };

export function signIn(p: SignInInput): EnrichedSignIn {
  const { geo, asn, ...rest } = p;
  return {
    kind: 'signIn',
    isInteractive: true,
    status: { errorCode: 0 },
    outcome: 'success',
    appDisplayName: 'Outlook',
    ipAddress: '203.0.113.5',
    ...rest,
    enrichment: {
      geo: { ...(geo ?? { city: 'Berlin', countryCode: 'DE', latitude: 52.52, longitude: 13.4 }), precision: 'city', source: 'geoip', accuracyRadiusKm: 20 },
      network: { scope: 'public', ...(asn !== undefined ? { asn } : { asn: 64496 }) },
      ipTags: [],
      ua: { deviceType: 'desktop', os: 'Windows', browser: 'Edge' },
    },
  };
}

const PC = { deviceId: 'd-1', displayName: 'ALICE-PC', operatingSystem: 'Windows 11', browser: 'Edge 120' };
const PARIS = { city: 'Paris', countryCode: 'FR', latitude: 48.85, longitude: 2.35 };
const TOR = { countryCode: 'NL' };

export const FIXTURE_SIGNINS: EnrichedSignIn[] = [
  signIn({ id: 's1', createdDateTime: '2026-11-20T10:00:00.000Z', userPrincipalName: 'Alice@contoso.example', deviceDetail: PC }),
  signIn({ id: 's2', createdDateTime: '2026-11-19T09:00:00.000Z', userPrincipalName: 'alice@contoso.example', appDisplayName: 'Salesforce', ipAddress: '198.51.100.7', geo: PARIS, deviceDetail: PC }),
  signIn({
    id: 's3',
    createdDateTime: '2026-11-20T11:00:00.000Z',
    userPrincipalName: 'alice@contoso.example',
    appDisplayName: 'Office 365',
    clientAppUsed: 'Microsoft Online Services Sign-In Assistant',
    isInteractive: false,
  }),
  signIn({
    id: 's4',
    createdDateTime: '2026-11-20T09:30:00.000Z',
    userPrincipalName: 'bob@contoso.example',
    ipAddress: '185.220.101.1',
    geo: TOR,
    asn: 64500,
    status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
    outcome: 'credentialFailure',
  }),
  signIn({ id: 's5', createdDateTime: '2026-11-20T09:40:00.000Z', userPrincipalName: 'bob@contoso.example', ipAddress: '185.220.101.1', geo: TOR, asn: 64500 }),
  signIn({ id: 's6', createdDateTime: '2026-11-20T08:00:00.000Z', userPrincipalName: 'carol@outlook.example', userType: 'consumer' }),
  signIn({ id: 's7', createdDateTime: '2026-11-01T12:00:00.000Z', userPrincipalName: 'alice@contoso.example', ipAddress: '203.0.113.9' }),
];

/** Another tenant's data under the same ids: must never show up in t1's reports. */
export const OTHER_TENANT_SIGNINS: EnrichedSignIn[] = [
  signIn({ id: 's1', createdDateTime: '2026-11-20T10:30:00.000Z', userPrincipalName: 'alice@contoso.example', appDisplayName: 'Secret App' }),
];

function detection(p: Partial<Detection> & Pick<Detection, 'id' | 'detector' | 'severity' | 'detectedDateTime'>): Detection {
  return { evidence: {}, logOnly: false, ...p };
}

export const FIXTURE_DETECTIONS: Detection[] = [
  detection({ id: 'det-d1', detector: 'D1', severity: 'high', detectedDateTime: '2026-11-20T09:40:00.000Z', signInId: 's5', userPrincipalName: 'bob@contoso.example', ipAddress: '185.220.101.1', evidence: { list: 'tor-exits' } }),
  detection({ id: 'det-d2', detector: 'D2', severity: 'medium', detectedDateTime: '2026-11-20T09:40:00.000Z', signInId: 's5', userPrincipalName: 'bob@contoso.example', ipAddress: '185.220.101.1', evidence: { failures: 5 } }),
  detection({ id: 'det-d3', detector: 'D3', severity: 'high', detectedDateTime: '2026-11-19T09:00:00.000Z', signInId: 's2', userPrincipalName: 'alice@contoso.example', ipAddress: '198.51.100.7', evidence: { distanceKm: 880, speedKmh: 1200 } }),
  detection({ id: 'det-d8', detector: 'D8', severity: 'high', detectedDateTime: '2026-11-18T00:00:00.000Z', userPrincipalName: 'alice@contoso.example', evidence: { source: 'combo-list' } }),
  detection({ id: 'det-old', detector: 'D1', severity: 'low', detectedDateTime: '2026-10-01T00:00:00.000Z', signInId: 'gone', userPrincipalName: 'bob@contoso.example', ipAddress: '185.220.101.9' }),
];

const audit = (p: Partial<Extract<AuthEvent, { kind: 'directoryAudit' }>> & { id: string; activityDateTime: string; category: string; activityDisplayName: string }): EnrichedEvent => ({
  kind: 'directoryAudit',
  result: 'success',
  initiatedBy: { user: { userPrincipalName: 'admin@contoso.example', ipAddress: '192.0.2.10' } },
  targetResources: [],
  additionalDetails: [],
  ...p,
});

export const FIXTURE_EVENTS: EnrichedEvent[] = [
  audit({ id: 'a1', activityDateTime: '2026-11-20T07:00:00.000Z', category: 'UserManagement', activityDisplayName: 'Add user', operationType: 'Add', targetResources: [{ id: 'u-dave', type: 'User', userPrincipalName: 'dave@contoso.example' }] }),
  audit({
    id: 'a2',
    activityDateTime: '2026-11-19T12:00:00.000Z',
    category: 'PasswordReset',
    activityDisplayName: 'Reset password (self-service)',
    initiatedBy: { user: { userPrincipalName: 'alice@contoso.example' } },
    targetResources: [{ type: 'User', userPrincipalName: 'alice@contoso.example' }],
    additionalDetails: [{ key: 'Method', value: 'SMS' }, { key: 'Browser', value: 'Edge' }],
  }),
  audit({
    id: 'a3',
    activityDateTime: '2026-11-18T12:00:00.000Z',
    category: 'PasswordResetRegistration',
    activityDisplayName: 'Register security info',
    result: 'failure',
    resultReason: 'User cancelled',
    initiatedBy: { user: { userPrincipalName: 'bob@contoso.example' } },
    targetResources: [{ type: 'User', userPrincipalName: 'bob@contoso.example' }],
    additionalDetails: [{ key: 'Methods', value: 'Mobile phone' }],
  }),
  audit({
    id: 'a4',
    activityDateTime: '2026-11-17T12:00:00.000Z',
    category: 'SelfServiceGroupManagement',
    activityDisplayName: 'Request to join group',
    initiatedBy: { user: { userPrincipalName: 'alice@contoso.example' } },
    targetResources: [{ id: 'g-1', type: 'Group', displayName: 'Hikers' }, { type: 'User', userPrincipalName: 'alice@contoso.example' }],
  }),
  { kind: 'appAccess', id: 'aa1', createdDateTime: '2026-11-19T09:01:00.000Z', userPrincipalName: 'alice@contoso.example', appDisplayName: 'Salesforce', accessType: 'accessPanel' },
  { kind: 'appAccess', id: 'aa2', createdDateTime: '2026-11-20T10:00:00.000Z', userPrincipalName: 'bob@contoso.example', appDisplayName: 'Salesforce', accessType: 'sso' },
  { kind: 'provisioning', id: 'p1', activityDateTime: '2026-11-19T06:00:00.000Z', appDisplayName: 'Salesforce', action: 'create', targetAccount: 'alice@sf.example', sourceUserPrincipalName: 'alice@contoso.example', result: 'success', attempt: 1 },
  { kind: 'provisioning', id: 'p2', activityDateTime: '2026-11-20T06:00:00.000Z', appDisplayName: 'Salesforce', action: 'update', targetAccount: 'bob@sf.example', sourceUserPrincipalName: 'bob@contoso.example', result: 'failure', errorCode: 'DuplicateUser', errorMessage: '=HYPERLINK("http://evil.example")', attempt: 3 },
  { kind: 'passwordRollover', id: 'r1', activityDateTime: '2026-11-18T00:00:00.000Z', appDisplayName: 'Twitter', account: '@contoso', status: 'failure', error: 'rate limited' },
  { kind: 'passwordRollover', id: 'r2', activityDateTime: '2026-11-19T00:00:00.000Z', appDisplayName: 'Twitter', account: '@contoso', status: 'success', lastRolloverDateTime: '2026-11-19T00:00:00.000Z' },
  { kind: 'passwordRollover', id: 'r3', activityDateTime: '2026-11-20T00:00:00.000Z', appDisplayName: 'Dropbox', account: 'ops@contoso.example', status: 'pending', scheduledDateTime: '2026-11-21T00:00:00.000Z' },
  { kind: 'rmsAccess', id: 'm1', createdDateTime: '2026-11-20T08:00:00.000Z', userPrincipalName: 'alice@contoso.example', deviceId: 'dev-a', devicePlatform: 'Windows', application: 'Word', documentId: 'doc-1', action: 'view' },
  { kind: 'rmsAccess', id: 'm2', createdDateTime: '2026-11-20T08:05:00.000Z', userPrincipalName: 'alice@contoso.example', deviceId: 'dev-a', devicePlatform: 'Windows', application: 'Word', documentId: 'doc-1', action: 'edit' },
  { kind: 'rmsAccess', id: 'm3', createdDateTime: '2026-11-19T08:00:00.000Z', userPrincipalName: 'bob@contoso.example', deviceId: 'dev-b', devicePlatform: 'iOS', application: 'Excel', documentId: 'doc-2', action: 'print' },
];
