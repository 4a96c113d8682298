/**
 * Microsoft Graph / Entra ID records -> the native model: signIn,
 * directoryAudit, riskDetection and riskyUser, alone or from a list response
 * (the reader expands those), inside the Azure diagnostic-settings envelope
 * (record under `properties`), or as Log Analytics CSV rows. See
 * docs/formats/graph.md for the mapping and the decisions behind it.
 */
import type { EventKind, SignInOutcome, UserType } from '../../schema/events.ts';
import { entraOutcome } from '../entra-error-codes.ts';
import type { RawRecord } from '../raw-record.ts';
import { parseEntraTime } from '../time.ts';
import { reject, validateEvent, type AdaptResult } from './adapt-result.ts';
import { CSV_TABLE_KINDS, csvPath, csvRowAsGraph } from './graph-csv.ts';
import { arr, bool, compact, int, ipField as ip, nonEmpty, num, obj, str, type Field } from './graph-values.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;
type Obj = Readonly<Record<string, unknown>>;

/** The tenant id Entra gives personal Microsoft accounts (MSA): a consumer, not a directory member. */
export const MSA_CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** Azure diagnostic-settings category -> kind, and whether its sign-ins are interactive. */
export const ENVELOPE_CATEGORIES: Readonly<Record<string, { kind: EventKind; interactive?: boolean }>> = {
  SignInLogs: { kind: 'signIn', interactive: true },
  NonInteractiveUserSignInLogs: { kind: 'signIn', interactive: false },
  ServicePrincipalSignInLogs: { kind: 'signIn', interactive: false },
  ManagedIdentitySignInLogs: { kind: 'signIn', interactive: false },
  MicrosoftServicePrincipalSignInLogs: { kind: 'signIn', interactive: false },
  AuditLogs: { kind: 'directoryAudit' },
  RiskyUsers: { kind: 'riskyUser' },
  UserRiskEvents: { kind: 'riskDetection' },
};

/** What a record's container knows when the record itself does not. */
interface Context {
  /** Where the record sits in the input, for rejection paths ("" or "/properties"). */
  readonly prefix: string;
  readonly time?: unknown;
  readonly errorCode?: unknown;
  readonly failureReason?: unknown;
  readonly ipAddress?: unknown;
  readonly interactive?: boolean;
}

/** An Azure diagnostic-settings record: the Graph record under `properties`, its table in `category`. */
export function isDiagnosticEnvelope(v: Obj): boolean {
  // Some collectors forward `properties` as a JSON string.
  const p = v.properties;
  const props = (typeof p === 'object' && p !== null && !Array.isArray(p)) || (typeof p === 'string' && p.trimStart().startsWith('{'));
  return props && typeof v.category === 'string';
}

const CATEGORY_BY_LOWER = new Map(Object.entries(ENVELOPE_CATEGORIES).map(([k, v]) => [k.toLowerCase(), v]));

/** The kind of a bare Graph record, when its fields say so unambiguously. */
export function graphKindOf(v: Obj): EventKind | undefined {
  const t = typeof v['@odata.type'] === 'string' ? v['@odata.type'].toLowerCase() : '';
  if (t.endsWith('.signin')) return 'signIn';
  if (t.endsWith('.directoryaudit')) return 'directoryAudit';
  if (t.endsWith('.riskdetection')) return 'riskDetection';
  if (t.endsWith('.riskyuser')) return 'riskyUser';
  if ('riskEventType' in v && 'detectedDateTime' in v) return 'riskDetection';
  if ('riskLastUpdatedDateTime' in v) return 'riskyUser';
  if ('createdDateTime' in v && ('userPrincipalName' in v || 'status' in v || 'appId' in v)) return 'signIn';
  if ('activityDateTime' in v && ('activityDisplayName' in v || 'category' in v)) return 'directoryAudit';
  return undefined;
}

/** True when a CSV row looks like a Log Analytics sign-in or audit export row. */
export function isGraphCsvRow(row: Readonly<Record<string, string>>): boolean {
  return 'Id' in row && ((row.Type ?? '') in CSV_TABLE_KINDS || 'UserPrincipalName' in row || 'ActivityDisplayName' in row);
}

export function adaptGraph(rec: OkRecord): AdaptResult {
  if (rec.shape === 'csv') return adaptCsvRow(rec.value);
  if (rec.shape === 'text') return reject('', 'graph reads JSON and CSV exports, not server log lines');
  const v = rec.value;
  if (isDiagnosticEnvelope(v)) return adaptEnvelope(v);
  const kind = graphKindOf(v);
  if (kind === undefined) {
    return reject('', 'not a recognised Graph record (signIn, directoryAudit, riskDetection or riskyUser)');
  }
  return mapKind(kind, v, { prefix: '' });
}

function adaptEnvelope(env: Obj): AdaptResult {
  const category = String(env.category);
  const spec = CATEGORY_BY_LOWER.get(category.toLowerCase());
  if (spec === undefined) {
    return reject('/category', `diagnostic category "${category.slice(0, 80)}" is not supported (supported: ${Object.keys(ENVELOPE_CATEGORIES).join(', ')})`);
  }
  const props = obj(env.properties);
  if (props === undefined) return reject('/properties', 'not a JSON object');
  return mapKind(spec.kind, props, {
    prefix: '/properties',
    time: env.time,
    errorCode: env.resultType,
    failureReason: env.resultDescription,
    ipAddress: env.callerIpAddress,
    interactive: spec.interactive,
  });
}

function adaptCsvRow(row: Readonly<Record<string, string>>): AdaptResult {
  const { record, columnOf } = csvRowAsGraph(row);
  const table = CSV_TABLE_KINDS[row.Type ?? ''];
  const kind =
    table?.kind ?? ('CreatedDateTime [UTC]' in row || 'UserPrincipalName' in row ? 'signIn' : 'ActivityDisplayName' in row ? 'directoryAudit' : undefined);
  if (kind === undefined || !('Id' in row)) {
    return reject('', 'not a recognised Log Analytics row (expected a SigninLogs or AuditLogs export with an Id column)');
  }
  // Some exports drop the time column; the first authentication step's time is the sign-in's own.
  const steps = arr(record.authenticationDetails);
  const firstStep = obj(steps[0]);
  const r = mapKind(kind, record, {
    prefix: '',
    time: record.timeGenerated ?? firstStep?.authenticationStepDateTime,
    errorCode: record.resultType,
    failureReason: record.resultDescription,
    interactive: table?.interactive,
  });
  return r.ok ? r : reject(csvPath(r.field, columnOf), r.reason);
}

function mapKind(kind: EventKind, g: Obj, ctx: Context): AdaptResult {
  switch (kind) {
    case 'signIn':
      return mapSignIn(g, ctx);
    case 'directoryAudit':
      return mapAudit(g, ctx);
    case 'riskDetection':
      return mapRiskDetection(g, ctx);
    case 'riskyUser':
      return mapRiskyUser(g, ctx);
    default:
      return reject(`${ctx.prefix}`, `Graph records of kind ${kind} are not supported`);
  }
}


function time(raw: unknown, fallback: unknown, path: string, required: boolean): Field<string | undefined> {
  const text = str(raw) ?? str(fallback);
  if (text === undefined) {
    return required ? { ok: false, result: reject(path, 'required field is missing (no time in the record)') } : { ok: true, value: undefined };
  }
  const t = parseEntraTime(text);
  return t.ok ? { ok: true, value: t.value } : { ok: false, result: reject(path, t.reason) };
}

function userTypeOf(g: Obj, upn: string): UserType | undefined {
  if (str(g.homeTenantId) === MSA_CONSUMER_TENANT) return 'consumer';
  const t = str(g.userType)?.toLowerCase();
  if (t === 'guest') return 'guest';
  if (upn.includes('#EXT#')) return 'guest';
  if (t === 'member') return 'member';
  return undefined;
}

function location(v: unknown): Record<string, unknown> | undefined {
  const l = obj(v);
  if (l === undefined) return undefined;
  const geo = obj(l.geoCoordinates);
  const lat = num(geo?.latitude);
  const lon = num(geo?.longitude);
  // Out-of-range coordinates (some exports swap them) are dropped; the city and country stay.
  const coords =
    lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { latitude: lat, longitude: lon } : undefined;
  return nonEmpty({
    city: str(l.city, 200),
    state: str(l.state, 200),
    countryOrRegion: str(l.countryOrRegion, 64),
    geoCoordinates: coords,
  });
}

function mapSignIn(g: Obj, ctx: Context): AdaptResult {
  const p = ctx.prefix;
  const id = str(g.id, 256);
  if (id === undefined) return reject(`${p}/id`, 'required field is missing');
  const created = time(g.createdDateTime, ctx.time, `${p}/createdDateTime`, true);
  if (!created.ok) return created.result;
  const upn =
    str(g.userPrincipalName, 512) ?? str(g.servicePrincipalName, 512) ?? str(g.servicePrincipalId, 512) ?? str(g.userId, 512);
  if (upn === undefined) return reject(`${p}/userPrincipalName`, 'required field is missing (no user or service principal)');
  const ipAddress = ip(g.ipAddress ?? ctx.ipAddress, `${p}/ipAddress`);
  if (!ipAddress.ok) return ipAddress.result;
  const status = obj(g.status);
  const errorCode = int(status?.errorCode) ?? int(ctx.errorCode);
  if (errorCode === undefined) return reject(`${p}/status/errorCode`, 'required field is missing or not an integer');
  const outcome: SignInOutcome = entraOutcome(errorCode);
  const device = obj(g.deviceDetail);
  const mfa = obj(g.mfaDetail);
  const event = compact({
    kind: 'signIn',
    id,
    createdDateTime: created.value,
    userId: str(g.userId, 256),
    userPrincipalName: upn,
    userDisplayName: str(g.userDisplayName, 512),
    userType: userTypeOf(g, upn),
    appId: str(g.appId, 256),
    appDisplayName: str(g.appDisplayName, 512),
    resourceId: str(g.resourceId, 256),
    resourceDisplayName: str(g.resourceDisplayName, 512),
    ipAddress: ipAddress.value,
    clientAppUsed: str(g.clientAppUsed, 128),
    isInteractive: bool(g.isInteractive) ?? ctx.interactive ?? true,
    status: compact({
      errorCode,
      failureReason: str(status?.failureReason, 2048) ?? (errorCode !== 0 ? str(ctx.failureReason, 2048) : undefined),
      additionalDetails: str(status?.additionalDetails, 2048),
    }),
    outcome,
    deviceDetail:
      device === undefined
        ? undefined
        : nonEmpty({
            deviceId: str(device.deviceId, 256),
            displayName: str(device.displayName, 256),
            operatingSystem: str(device.operatingSystem, 128),
            browser: str(device.browser, 128),
            isManaged: bool(device.isManaged),
            isCompliant: bool(device.isCompliant),
            trustType: str(device.trustType, 64),
          }),
    userAgent: str(g.userAgent, 2048),
    location: location(g.location),
    authenticationRequirement: str(g.authenticationRequirement, 128),
    mfaDetail: mfa === undefined ? undefined : nonEmpty({ authMethod: str(mfa.authMethod, 128), authDetail: str(mfa.authDetail, 512) }),
    conditionalAccessStatus: str(g.conditionalAccessStatus, 64),
    correlationId: str(g.correlationId, 256),
    source: 'entra',
  });
  return validateEvent('signIn', event, p);
}

const AUDIT_RESULTS = ['success', 'failure', 'timeout', 'unknownFutureValue'] as const;

function mapAudit(g: Obj, ctx: Context): AdaptResult {
  const p = ctx.prefix;
  const id = str(g.id, 256);
  if (id === undefined) return reject(`${p}/id`, 'required field is missing');
  const at = time(g.activityDateTime, ctx.time, `${p}/activityDateTime`, true);
  if (!at.ok) return at.result;
  const resultRaw = str(g.result);
  const result = AUDIT_RESULTS.find((r) => r.toLowerCase() === resultRaw?.toLowerCase());
  if (result === undefined) {
    return reject(`${p}/result`, resultRaw === undefined ? 'required field is missing' : `unknown result "${resultRaw.slice(0, 40)}" (success, failure, timeout)`);
  }
  const by = obj(g.initiatedBy);
  const byUser = obj(by?.user);
  const byApp = obj(by?.app);
  const userIp = ip(byUser?.ipAddress, `${p}/initiatedBy/user/ipAddress`);
  if (!userIp.ok) return userIp.result;
  const event = compact({
    kind: 'directoryAudit',
    id,
    activityDateTime: at.value,
    category: str(g.category, 128) ?? 'Other',
    activityDisplayName: str(g.activityDisplayName, 512) ?? str(g.operationName, 512),
    operationType: str(g.operationType, 128),
    result,
    resultReason: str(g.resultReason, 2048),
    loggedByService: str(g.loggedByService, 256),
    correlationId: str(g.correlationId, 256),
    initiatedBy: compact({
      user:
        byUser === undefined
          ? undefined
          : nonEmpty({
              id: str(byUser.id, 256),
              userPrincipalName: str(byUser.userPrincipalName, 512),
              displayName: str(byUser.displayName, 512),
              ipAddress: userIp.value,
            }),
      app:
        byApp === undefined
          ? undefined
          : nonEmpty({
              appId: str(byApp.appId, 256),
              displayName: str(byApp.displayName, 512),
              servicePrincipalId: str(byApp.servicePrincipalId, 256),
              servicePrincipalName: str(byApp.servicePrincipalName, 512),
            }),
    }),
    targetResources: arr(g.targetResources)
      .map((t) => obj(t))
      .filter((t): t is Obj => t !== undefined)
      .map((t) =>
        compact({
          id: str(t.id, 256),
          displayName: str(t.displayName, 512),
          // Graph's own documentation examples spell it "Type".
          type: str(t.type ?? t.Type, 128),
          userPrincipalName: str(t.userPrincipalName, 512),
          groupType: str(t.groupType, 128),
          modifiedProperties: arr(t.modifiedProperties)
            .map((m) => obj(m))
            .filter((m): m is Obj => m !== undefined)
            .map((m) => compact({ displayName: str(m.displayName, 512), oldValue: text(m.oldValue, 8192), newValue: text(m.newValue, 8192) })),
        }),
      ),
    additionalDetails: arr(g.additionalDetails)
      .map((kv) => obj(kv))
      .filter((kv): kv is Obj => kv !== undefined && str(kv.key) !== undefined)
      .map((kv) => ({ key: str(kv.key, 512) ?? '', value: text(kv.value, 8192) ?? '' })),
    source: 'entra',
  });
  return validateEvent('directoryAudit', event, p);
}

/** A value kept as text: strings as given (even empty), anything else as JSON. */
function text(v: unknown, max: number): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? s.slice(0, max) : s;
}

function mapRiskDetection(g: Obj, ctx: Context): AdaptResult {
  const p = ctx.prefix;
  const id = str(g.id, 256);
  if (id === undefined) return reject(`${p}/id`, 'required field is missing');
  const detected = time(g.detectedDateTime, ctx.time, `${p}/detectedDateTime`, true);
  if (!detected.ok) return detected.result;
  const activity = time(g.activityDateTime, undefined, `${p}/activityDateTime`, false);
  if (!activity.ok) return activity.result;
  const ipAddress = ip(g.ipAddress ?? ctx.ipAddress, `${p}/ipAddress`);
  if (!ipAddress.ok) return ipAddress.result;
  const event = compact({
    kind: 'riskDetection',
    id,
    detectedDateTime: detected.value,
    activityDateTime: activity.value,
    riskEventType: str(g.riskEventType, 128),
    riskLevel: str(g.riskLevel, 32),
    riskState: str(g.riskState, 64),
    riskDetail: str(g.riskDetail, 128),
    detectionTimingType: str(g.detectionTimingType, 64),
    activity: str(g.activity, 64),
    requestId: str(g.requestId, 256),
    userId: str(g.userId, 256),
    userPrincipalName: str(g.userPrincipalName, 512),
    userDisplayName: str(g.userDisplayName, 512),
    ipAddress: ipAddress.value,
    location: location(g.location),
    additionalInfo: text(g.additionalInfo, 8192),
    source: 'entra',
  });
  return validateEvent('riskDetection', event, p);
}

function mapRiskyUser(g: Obj, ctx: Context): AdaptResult {
  const p = ctx.prefix;
  const id = str(g.id, 256);
  if (id === undefined) return reject(`${p}/id`, 'required field is missing');
  const updated = time(g.riskLastUpdatedDateTime, ctx.time, `${p}/riskLastUpdatedDateTime`, true);
  if (!updated.ok) return updated.result;
  const event = compact({
    kind: 'riskyUser',
    id,
    riskLastUpdatedDateTime: updated.value,
    userPrincipalName: str(g.userPrincipalName, 512),
    userDisplayName: str(g.userDisplayName, 512),
    riskLevel: str(g.riskLevel, 32),
    riskState: str(g.riskState, 64),
    riskDetail: str(g.riskDetail, 128),
    isDeleted: bool(g.isDeleted),
    source: 'entra',
  });
  return validateEvent('riskyUser', event, p);
}
