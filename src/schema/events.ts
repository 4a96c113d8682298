/**
 * The normalised event model: authlens's own ("native") format and the typed
 * value every input format is turned into at the edge. Field names follow
 * Microsoft Graph where Graph has the concept, so Graph exports map 1:1.
 *
 * Times are ISO-8601 UTC strings normalised to `YYYY-MM-DDTHH:mm:ss.sssZ`, so
 * that string order is time order.
 */
import { Type, type Static } from 'typebox';

const Str = (max = 1024) => Type.String({ maxLength: max });
const OptStr = (max = 1024) => Type.Optional(Str(max));
/** Normalised UTC timestamp, e.g. 2026-11-26T08:15:00.000Z. */
export const IsoTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$',
  description: 'UTC time, YYYY-MM-DDTHH:mm:ss.sssZ',
});
export type IsoTime = Static<typeof IsoTime>;

/** Event id as the source gave it; with tenant and kind it is the event's identity. */
export const EventId = Type.String({ minLength: 1, maxLength: 256 });

export const EVENT_KINDS = [
  'signIn',
  'directoryAudit',
  'appAccess',
  'provisioning',
  'passwordRollover',
  'rmsAccess',
  'riskDetection',
  'riskyUser',
] as const;
export const EventKind = Type.Enum(EVENT_KINDS);
export type EventKind = Static<typeof EventKind>;

/**
 * A sign-in's outcome, normalised from the IdP's error code (for Entra see
 * docs/formats/graph.md for the mapping).
 * - success: signed in
 * - credentialFailure: wrong password or unknown user
 * - interrupted: stopped for a further step (MFA required, consent, password change)
 * - mfaDenied: MFA prompt denied, failed or unanswered
 * - blocked: locked out, blocked by policy or by risk
 * - disabled: account disabled or expired
 * - other: any other failure
 */
export const SIGN_IN_OUTCOMES = [
  'success',
  'credentialFailure',
  'interrupted',
  'mfaDenied',
  'blocked',
  'disabled',
  'other',
] as const;
export const SignInOutcome = Type.Enum(SIGN_IN_OUTCOMES);
export type SignInOutcome = Static<typeof SignInOutcome>;

/** member: the directory's own user; guest: B2B guest; consumer: external consumer account (e.g. a Microsoft account). */
export const UserType = Type.Union([Type.Literal('member'), Type.Literal('guest'), Type.Literal('consumer')]);
export type UserType = Static<typeof UserType>;

export const GeoCoordinates = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

/** A location as the source gave it (Graph's signInLocation). */
export const SignInLocation = Type.Object(
  {
    city: OptStr(200),
    state: OptStr(200),
    countryOrRegion: OptStr(64),
    geoCoordinates: Type.Optional(GeoCoordinates),
  },
  { additionalProperties: false },
);
export type SignInLocation = Static<typeof SignInLocation>;

export const DeviceDetail = Type.Object(
  {
    deviceId: OptStr(256),
    displayName: OptStr(256),
    operatingSystem: OptStr(128),
    browser: OptStr(128),
    isManaged: Type.Optional(Type.Boolean()),
    isCompliant: Type.Optional(Type.Boolean()),
    trustType: OptStr(64),
  },
  { additionalProperties: false },
);
export type DeviceDetail = Static<typeof DeviceDetail>;

export const SignInStatus = Type.Object(
  {
    // 32-bit, as Entra's codes are; the store's column is INTEGER.
    errorCode: Type.Integer({ minimum: -2147483648, maximum: 2147483647 }),
    failureReason: OptStr(2048),
    additionalDetails: OptStr(2048),
  },
  { additionalProperties: false },
);

export const SignIn = Type.Object(
  {
    kind: Type.Literal('signIn'),
    id: EventId,
    createdDateTime: IsoTime,
    userId: OptStr(256),
    userPrincipalName: Str(512),
    userDisplayName: OptStr(512),
    userType: Type.Optional(UserType),
    appId: OptStr(256),
    appDisplayName: OptStr(512),
    resourceId: OptStr(256),
    resourceDisplayName: OptStr(512),
    /** Validated IPv4 or IPv6 literal (IPv6 in canonical lower case). */
    ipAddress: OptStr(64),
    clientAppUsed: OptStr(128),
    isInteractive: Type.Boolean(),
    status: SignInStatus,
    outcome: SignInOutcome,
    deviceDetail: Type.Optional(DeviceDetail),
    userAgent: OptStr(2048),
    location: Type.Optional(SignInLocation),
    authenticationRequirement: OptStr(128),
    mfaDetail: Type.Optional(
      Type.Object({ authMethod: OptStr(128), authDetail: OptStr(512) }, { additionalProperties: false }),
    ),
    conditionalAccessStatus: OptStr(64),
    correlationId: OptStr(256),
    /** Which IdP or collector produced it, e.g. "entra", "okta", "simulator". */
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type SignIn = Static<typeof SignIn>;

export const AuditUserIdentity = Type.Object(
  {
    id: OptStr(256),
    userPrincipalName: OptStr(512),
    displayName: OptStr(512),
    ipAddress: OptStr(64),
  },
  { additionalProperties: false },
);
export const AuditAppIdentity = Type.Object(
  {
    appId: OptStr(256),
    displayName: OptStr(512),
    servicePrincipalId: OptStr(256),
    servicePrincipalName: OptStr(512),
  },
  { additionalProperties: false },
);
export const ModifiedProperty = Type.Object(
  { displayName: OptStr(512), oldValue: OptStr(8192), newValue: OptStr(8192) },
  { additionalProperties: false },
);
export const TargetResource = Type.Object(
  {
    id: OptStr(256),
    displayName: OptStr(512),
    type: OptStr(128),
    userPrincipalName: OptStr(512),
    groupType: OptStr(128),
    modifiedProperties: Type.Optional(Type.Array(ModifiedProperty, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export const KeyValue = Type.Object({ key: Str(512), value: Str(8192) }, { additionalProperties: false });

/**
 * A directory audit record (Graph's directoryAudit). The categories
 * PasswordReset, PasswordResetRegistration and SelfServiceGroupManagement feed
 * their own reports; method, group and action live in additionalDetails and
 * targetResources as Graph puts them.
 */
export const DirectoryAudit = Type.Object(
  {
    kind: Type.Literal('directoryAudit'),
    id: EventId,
    activityDateTime: IsoTime,
    category: Str(128),
    activityDisplayName: Str(512),
    operationType: OptStr(128),
    result: Type.Union([
      Type.Literal('success'),
      Type.Literal('failure'),
      Type.Literal('timeout'),
      Type.Literal('unknownFutureValue'),
    ]),
    resultReason: OptStr(2048),
    loggedByService: OptStr(256),
    correlationId: OptStr(256),
    initiatedBy: Type.Object(
      { user: Type.Optional(AuditUserIdentity), app: Type.Optional(AuditAppIdentity) },
      { additionalProperties: false },
    ),
    targetResources: Type.Array(TargetResource, { maxItems: 200 }),
    additionalDetails: Type.Array(KeyValue, { maxItems: 200 }),
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type DirectoryAudit = Static<typeof DirectoryAudit>;

/** A click on an app in the access panel (My Apps) or an SSO launch. */
export const AppAccess = Type.Object(
  {
    kind: Type.Literal('appAccess'),
    id: EventId,
    createdDateTime: IsoTime,
    userId: OptStr(256),
    userPrincipalName: Str(512),
    appId: OptStr(256),
    appDisplayName: Str(512),
    accessType: Type.Union([Type.Literal('accessPanel'), Type.Literal('sso')]),
    ipAddress: OptStr(64),
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type AppAccess = Static<typeof AppAccess>;

/** One attempt to provision an account into (or from) an integrated application. */
export const Provisioning = Type.Object(
  {
    kind: Type.Literal('provisioning'),
    id: EventId,
    activityDateTime: IsoTime,
    appId: OptStr(256),
    appDisplayName: Str(512),
    action: Type.Union([
      Type.Literal('create'),
      Type.Literal('update'),
      Type.Literal('disable'),
      Type.Literal('delete'),
      Type.Literal('other'),
    ]),
    targetAccount: Str(512),
    sourceUserPrincipalName: OptStr(512),
    result: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('skipped')]),
    errorCode: OptStr(128),
    errorMessage: OptStr(4096),
    attempt: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type Provisioning = Static<typeof Provisioning>;

/** Status of the automatic password rollover of an app account, as of activityDateTime. */
export const PasswordRollover = Type.Object(
  {
    kind: Type.Literal('passwordRollover'),
    id: EventId,
    activityDateTime: IsoTime,
    appId: OptStr(256),
    appDisplayName: Str(512),
    account: Str(512),
    scheduledDateTime: Type.Optional(IsoTime),
    lastRolloverDateTime: Type.Optional(IsoTime),
    status: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('pending')]),
    error: OptStr(4096),
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type PasswordRollover = Static<typeof PasswordRollover>;

/** An access to a rights-management (RMS) protected document. */
export const RmsAccess = Type.Object(
  {
    kind: Type.Literal('rmsAccess'),
    id: EventId,
    createdDateTime: IsoTime,
    userId: OptStr(256),
    userPrincipalName: Str(512),
    deviceId: OptStr(256),
    devicePlatform: OptStr(128),
    application: Str(512),
    documentId: OptStr(512),
    documentName: OptStr(1024),
    action: Type.Union([
      Type.Literal('view'),
      Type.Literal('edit'),
      Type.Literal('print'),
      Type.Literal('protect'),
      Type.Literal('other'),
    ]),
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type RmsAccess = Static<typeof RmsAccess>;

/** A risk detection made by the IdP itself (Graph's riskDetection), imported as-is. */
export const RiskDetectionEvent = Type.Object(
  {
    kind: Type.Literal('riskDetection'),
    id: EventId,
    detectedDateTime: IsoTime,
    activityDateTime: Type.Optional(IsoTime),
    riskEventType: Str(128),
    riskLevel: Str(32),
    riskState: Str(64),
    riskDetail: OptStr(128),
    detectionTimingType: OptStr(64),
    activity: OptStr(64),
    requestId: OptStr(256),
    userId: OptStr(256),
    userPrincipalName: OptStr(512),
    userDisplayName: OptStr(512),
    ipAddress: OptStr(64),
    location: Type.Optional(SignInLocation),
    additionalInfo: OptStr(8192),
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type RiskDetectionEvent = Static<typeof RiskDetectionEvent>;

/** A risky-user record made by the IdP itself (Graph's riskyUser), imported as-is. */
export const RiskyUserEvent = Type.Object(
  {
    kind: Type.Literal('riskyUser'),
    id: EventId,
    riskLastUpdatedDateTime: IsoTime,
    userPrincipalName: Str(512),
    userDisplayName: OptStr(512),
    riskLevel: Str(32),
    riskState: Str(64),
    riskDetail: OptStr(128),
    isDeleted: Type.Optional(Type.Boolean()),
    source: OptStr(64),
  },
  { additionalProperties: false },
);
export type RiskyUserEvent = Static<typeof RiskyUserEvent>;

/** Any normalised event; `kind` discriminates. */
export const AuthEvent = Type.Union([
  SignIn,
  DirectoryAudit,
  AppAccess,
  Provisioning,
  PasswordRollover,
  RmsAccess,
  RiskDetectionEvent,
  RiskyUserEvent,
]);
export type AuthEvent = Static<typeof AuthEvent>;

/** The time an event happened, whatever its kind calls it. */
/** The name of the field eventTime reads, for messages about it. */
export function eventTimeField(kind: EventKind): 'createdDateTime' | 'activityDateTime' | 'detectedDateTime' | 'riskLastUpdatedDateTime' {
  switch (kind) {
    case 'signIn':
    case 'appAccess':
    case 'rmsAccess':
      return 'createdDateTime';
    case 'directoryAudit':
    case 'provisioning':
    case 'passwordRollover':
      return 'activityDateTime';
    case 'riskDetection':
      return 'detectedDateTime';
    case 'riskyUser':
      return 'riskLastUpdatedDateTime';
  }
}

export function eventTime(e: AuthEvent): IsoTime {
  switch (e.kind) {
    case 'signIn':
    case 'appAccess':
    case 'rmsAccess':
      return e.createdDateTime;
    case 'directoryAudit':
    case 'provisioning':
    case 'passwordRollover':
      return e.activityDateTime;
    case 'riskDetection':
      return e.detectedDateTime;
    case 'riskyUser':
      return e.riskLastUpdatedDateTime;
  }
}
