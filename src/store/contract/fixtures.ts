/**
 * Event, detection and directory factories for store tests. Values follow
 * the public Graph signIn / directoryAudit schemas; nothing is copied from the
 * shared samples.
 */
import type { Detection } from '../../schema/detections.ts';
import type { DirectorySnapshot } from '../../schema/directory.ts';
import type { EnrichedEvent, EnrichedSignIn } from '../../schema/enrichment.ts';
import type { Tenant } from '../../schema/tenants.ts';

const BASE_MS = Date.parse('2026-11-01T00:00:00.000Z');

/** ISO time `minutes` after 2026-11-01T00:00Z. */
export function at(minutes: number): string {
  return new Date(BASE_MS + minutes * 60_000).toISOString();
}

/** A fully populated sign-in: every optional field set, so a round trip exercises every column. */
export function fullSignIn(n: number, overrides: Partial<EnrichedSignIn> = {}): EnrichedSignIn {
  return {
    kind: 'signIn',
    id: `66ea54eb-6301-4ee5-be62-${n.toString(16).padStart(12, '0')}`,
    createdDateTime: at(n),
    userId: `d7f2c1a0-0000-4000-8000-${(n % 97).toString().padStart(12, '0')}`,
    userPrincipalName: `Adele.Vance${n % 97}@Contoso.com`,
    userDisplayName: `Adele Vance ${n % 97}`,
    userType: 'member',
    appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
    appDisplayName: 'Graph Explorer',
    resourceId: '00000003-0000-0000-c000-000000000000',
    resourceDisplayName: 'Microsoft Graph',
    ipAddress: `203.0.113.${n % 250}`,
    clientAppUsed: 'Browser',
    isInteractive: true,
    status: { errorCode: n % 3 === 0 ? 50126 : 0, failureReason: 'Invalid username or password.', additionalDetails: 'MFA requirement satisfied' },
    outcome: n % 3 === 0 ? 'credentialFailure' : 'success',
    deviceDetail: {
      deviceId: 'a1b2c3',
      displayName: 'LAPTOP-1',
      operatingSystem: 'Windows 10',
      browser: 'Edge 120.0.0',
      isManaged: true,
      isCompliant: false,
      trustType: 'Azure AD joined',
    },
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0',
    location: {
      city: 'Redmond',
      state: 'Washington',
      countryOrRegion: 'US',
      geoCoordinates: { latitude: 47.6740036010742, longitude: -122.1215133667 },
    },
    authenticationRequirement: 'multiFactorAuthentication',
    mfaDetail: { authMethod: 'Mobile app notification', authDetail: 'Notification approved' },
    conditionalAccessStatus: 'success',
    correlationId: `c0ffee00-0000-4000-8000-${n.toString().padStart(12, '0')}`,
    source: 'entra',
    enrichment: {
      geo: {
        city: 'Redmond',
        state: 'Washington',
        countryCode: 'US',
        latitude: 47.674,
        longitude: -122.1215,
        precision: 'city',
        source: 'given',
        accuracyRadiusKm: 20,
      },
      network: { scope: 'public', asn: 4200000001, asOrg: 'EXAMPLE-NET' },
      ipTags: [{ list: 'tor-exits', category: 'anonymizer' }],
      ua: { os: 'Windows', osVersion: '10', browser: 'Edge', browserVersion: '120.0', deviceType: 'desktop' },
    },
    ...overrides,
  };
}

/** A sign-in with only the required fields. */
export function minimalSignIn(n: number, overrides: Partial<EnrichedSignIn> = {}): EnrichedSignIn {
  return {
    kind: 'signIn',
    id: `min-${n}`,
    createdDateTime: at(n),
    userPrincipalName: `user${n % 13}@fabrikam.example`,
    isInteractive: false,
    status: { errorCode: 0 },
    outcome: 'success',
    enrichment: {
      geo: { precision: 'none', source: 'none', accuracyRadiusKm: 0 },
      network: { scope: 'none' },
      ipTags: [],
      ua: { deviceType: 'unknown' },
    },
    ...overrides,
  };
}

/** One event of every other kind, as the ingest adapters produce them. */
export function otherEvents(n: number): EnrichedEvent[] {
  return [
    {
      kind: 'directoryAudit',
      id: `audit-${n}`,
      activityDateTime: at(n),
      category: 'UserManagement',
      activityDisplayName: 'Reset user password',
      operationType: 'Update',
      result: 'success',
      resultReason: '',
      loggedByService: 'Core Directory',
      correlationId: 'b1e7d2c8-0000-4000-8000-000000000001',
      initiatedBy: { user: { id: 'u-1', userPrincipalName: 'Admin@Contoso.com', ipAddress: '198.51.100.7' } },
      targetResources: [
        {
          id: 'u-2',
          displayName: 'Megan Bowen',
          type: 'User',
          userPrincipalName: 'MeganB@Contoso.com',
          modifiedProperties: [{ displayName: 'PasswordPolicies', oldValue: '[]', newValue: '["DisablePasswordExpiration"]' }],
        },
      ],
      additionalDetails: [{ key: 'UserType', value: 'Member' }],
    },
    {
      kind: 'appAccess',
      id: `access-${n}`,
      createdDateTime: at(n),
      userPrincipalName: 'MeganB@Contoso.com',
      appDisplayName: 'Salesforce',
      accessType: 'accessPanel',
    },
    {
      kind: 'provisioning',
      id: `prov-${n}`,
      activityDateTime: at(n),
      appDisplayName: 'Workday',
      action: 'create',
      targetAccount: 'mbowen',
      sourceUserPrincipalName: 'MeganB@Contoso.com',
      result: 'failure',
      errorCode: 'DuplicateTargetEntries',
      errorMessage: 'two accounts match',
      attempt: 2,
    },
    {
      kind: 'passwordRollover',
      id: `roll-${n}`,
      activityDateTime: at(n),
      appDisplayName: 'Twitter',
      account: 'contoso-social',
      scheduledDateTime: at(n + 60),
      status: 'pending',
    },
    {
      kind: 'rmsAccess',
      id: `rms-${n}`,
      createdDateTime: at(n),
      userPrincipalName: 'MeganB@Contoso.com',
      devicePlatform: 'Windows',
      application: 'Word',
      documentName: 'Q4 plan.docx',
      action: 'view',
    },
    {
      kind: 'riskDetection',
      id: `risk-${n}`,
      detectedDateTime: at(n),
      riskEventType: 'unfamiliarFeatures',
      riskLevel: 'medium',
      riskState: 'atRisk',
      ipAddress: '2001:db8::1',
      location: { city: 'Lisbon', countryOrRegion: 'PT' },
    },
    {
      kind: 'riskyUser',
      id: `risky-${n}`,
      riskLastUpdatedDateTime: at(n),
      userPrincipalName: 'MeganB@Contoso.com',
      riskLevel: 'high',
      riskState: 'atRisk',
      isDeleted: false,
    },
  ];
}

export function detection(n: number, overrides: Partial<Detection> = {}): Detection {
  return {
    id: `D2:${n}`,
    detector: 'D2',
    severity: 'high',
    detectedDateTime: at(n),
    signInId: `min-${n}`,
    userId: 'u-1',
    userPrincipalName: 'Adele.Vance@Contoso.com',
    ipAddress: '203.0.113.9',
    evidence: { failures: 6, signInIds: ['a', 'b'], window: { minutes: 60 } },
    logOnly: false,
    ...overrides,
  };
}

export function tenant(id: string, overrides: Partial<Tenant> = {}): Tenant {
  return {
    id,
    name: `Tenant ${id}`,
    edition: 'premium',
    rms: false,
    retentionDays: 30,
    createdAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

export function directory(prefix: string): DirectorySnapshot {
  return {
    users: [
      {
        id: `${prefix}-u1`,
        userPrincipalName: `Adele.Vance@${prefix}.example`,
        displayName: 'Adele Vance',
        mail: `adele@${prefix}.example`,
        userType: 'member',
        accountEnabled: true,
        assignedLicenses: ['c7df2760-2c81-4ef7-b578-5b5392b571df'],
        department: 'Retail',
        country: 'US',
      },
      { id: `${prefix}-u2`, userPrincipalName: `guest_x@${prefix}.example`, userType: 'guest', accountEnabled: false, assignedLicenses: [] },
    ],
    groups: [{ id: `${prefix}-g1`, displayName: 'Sales', selfService: true, memberIds: [`${prefix}-u1`, `${prefix}-u2`] }],
    applications: [{ id: `${prefix}-a1`, appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', displayName: 'Graph Explorer' }, { id: `${prefix}-a2`, displayName: 'Legacy' }],
    roles: [
      {
        id: `${prefix}-r1`,
        displayName: 'Global Administrator',
        roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
        memberIds: [`${prefix}-u1`],
      },
    ],
  };
}
