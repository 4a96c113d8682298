/**
 * Okta System Log events (LogEvent, `GET /api/v1/logs`, or a log stream) ->
 * the native model. Authentication event types become `signIn`; every other
 * event type becomes a `directoryAudit`, because the System Log is Okta's
 * audit trail and an admin expects to find its changes in the audit report.
 * See docs/formats/okta.md for the mapping and the decisions behind it.
 */
import type { RawRecord } from '../raw-record.ts';
import { normalizeIsoTime } from '../time.ts';
import { reject, validateEvent, type AdaptResult } from './adapt-result.ts';
import { arr, bool, compact, ipField as ip, nonEmpty, num, obj, ownValue, str, type Field } from './graph-values.ts';
import { normalizeCountry } from './country-name.ts';
import { OKTA_MFA_EVENTS, oktaOutcome } from './okta-outcome.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;
type Obj = Readonly<Record<string, unknown>>;

/** Okta event types that are an attempt to authenticate (a sign-in, a factor check, an SSO to an app). */
export const OKTA_SIGN_IN_EVENTS: ReadonlySet<string> = new Set([
  'user.session.start',
  'user.authentication.sso',
  'user.authentication.auth',
  'user.authentication.authenticate',
  'user.authentication.verify',
  'user.authentication.auth_via_mfa',
  'user.authentication.auth_via_idp',
  'user.authentication.auth_via_social',
  'user.authentication.auth_via_radius',
  'user.authentication.auth_via_ad_agent',
  'user.authentication.auth_via_ldap_agent',
  'user.authentication.auth_via_richclient',
  'user.authentication.auth_via_inbound_saml',
  'user.authentication.auth_via_inbound_delauth',
  'user.authentication.auth_via_iwa',
  'user.mfa.okta_verify.deny_push',
  'app.generic.unauth_app_access_attempt',
]);

/** Audit category by event-type prefix (longest first); Graph's category names where Graph has one. */
const CATEGORY_BY_PREFIX: readonly (readonly [string, string])[] = [
  ['user.account.reset_password', 'PasswordReset'],
  ['user.account.update_password', 'PasswordReset'],
  ['user.credential.', 'PasswordReset'],
  ['user.mfa.factor.', 'PasswordResetRegistration'],
  ['user.session.', 'UserSession'],
  ['user.authentication.', 'UserSession'],
  ['user.', 'UserManagement'],
  ['group.', 'GroupManagement'],
  ['application.', 'ApplicationManagement'],
  ['app.', 'ApplicationManagement'],
  ['policy.', 'Policy'],
  ['zone.', 'Policy'],
  ['iam.', 'RoleManagement'],
  ['device.', 'Device'],
  ['security.', 'Security'],
  ['system.', 'DirectoryManagement'],
];

/**
 * Field access by the documented camelCase name or its lower-case spelling:
 * SIEM data lakes (Panther, Snowflake) hand Okta events back with lower-cased keys.
 */
function get(o: Obj | undefined, key: string): unknown {
  if (o === undefined) return undefined;
  const v = o[key];
  return v !== undefined ? v : o[key.toLowerCase()];
}
const sub = (o: Obj | undefined, key: string): Obj | undefined => obj(get(o, key));

/** Okta writes "unknown" for the actor of a failed attempt on a user it does not know. */
function known(v: unknown, max: number): string | undefined {
  const s = str(v, max);
  return s === undefined || s.toLowerCase() === 'unknown' ? undefined : s;
}

export function adaptOkta(rec: OkRecord): AdaptResult {
  if (rec.shape !== 'json') return reject('', `Okta System Log events are JSON, not ${rec.shape === 'csv' ? 'CSV' : 'log lines'}`);
  const e = rec.value;
  const eventType = str(get(e, 'eventType'), 256);
  if (eventType === undefined) return reject('/eventType', 'required field is missing (not an Okta System Log event)');
  const id = str(get(e, 'uuid'), 256);
  if (id === undefined) return reject('/uuid', 'required field is missing');
  const publishedRaw = str(get(e, 'published'), 64);
  if (publishedRaw === undefined) return reject('/published', 'required field is missing');
  // Okta publishes UTC; some SIEM exports drop the Z, so a time without an offset is read as UTC.
  const published = normalizeIsoTime(publishedRaw, true);
  if (!published.ok) return reject('/published', published.reason);
  const outcome = sub(e, 'outcome');
  const result = str(get(outcome, 'result'), 32)?.toUpperCase();
  if (result === undefined) return reject('/outcome/result', 'required field is missing (cannot tell whether the event succeeded)');
  const client = sub(e, 'client');
  const ipAddress = clientIp(client, e);
  if (!ipAddress.ok) return ipAddress.result;
  const base: Base = { e, id, time: published.value, eventType, result, reason: str(get(outcome, 'reason'), 2048), client, ip: ipAddress.value };
  const lower = eventType.toLowerCase();
  // A sign-on policy DENY is a refused sign-in; ALLOW / CHALLENGE are steps of one whose own event follows.
  if (OKTA_SIGN_IN_EVENTS.has(lower) || (lower === 'policy.evaluate_sign_on' && result === 'DENY')) return mapSignIn(base);
  return mapAudit(base);
}

interface Base {
  readonly e: Obj;
  readonly id: string;
  readonly time: string;
  readonly eventType: string;
  readonly result: string;
  readonly reason: string | undefined;
  readonly client: Obj | undefined;
  readonly ip: string | undefined;
}

/** client.ipAddress, else the first hop of request.ipChain (Okta leaves the former null for some flows). */
function clientIp(client: Obj | undefined, e: Obj): Field<string | undefined> {
  const direct = get(client, 'ipAddress');
  if (str(direct) !== undefined) return ip(direct, '/client/ipAddress');
  const first = obj(arr(get(sub(e, 'request'), 'ipChain'))[0]);
  return ip(get(first, 'ip'), '/request/ipChain/0/ip');
}

const country = (name: string | undefined): string | undefined => (name === undefined ? undefined : normalizeCountry(name));

function location(client: Obj | undefined): Record<string, unknown> | undefined {
  const g = sub(client, 'geographicalContext');
  if (g === undefined) return undefined;
  const geo = sub(g, 'geolocation');
  const lat = num(get(geo, 'lat'));
  const lon = num(get(geo, 'lon'));
  const coords = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { latitude: lat, longitude: lon } : undefined;
  return nonEmpty({
    city: str(get(g, 'city'), 200),
    state: str(get(g, 'state'), 200),
    // Okta gives the country's name ("United States"); Graph and GeoIP give codes, and reports compare them.
    countryOrRegion: country(str(get(g, 'country'), 64)),
    geoCoordinates: coords,
  });
}

/** Targets of one Okta type (AppInstance, User, ...), first match. */
function target(e: Obj, type: string): Obj | undefined {
  return arr(get(e, 'target'))
    .map((t) => obj(t))
    .find((t) => str(get(t, 'type'))?.toLowerCase() === type.toLowerCase());
}

/** Okta's UNKNOWN placeholders are not a browser or OS. */
const named = (v: unknown, max: number): string | undefined => {
  const s = str(v, max);
  return s === undefined || s.toUpperCase() === 'UNKNOWN' ? undefined : s;
};

/**
 * Okta names browsers by an enum in capitals (CHROME, FIREFOX, EDGE_CHROMIUM);
 * reports group them with the names other sources give (Graph: "Chrome 130").
 */
const OKTA_BROWSERS: Readonly<Record<string, string>> = {
  CHROME: 'Chrome',
  CHROMIUM: 'Chromium',
  FIREFOX: 'Firefox',
  SAFARI: 'Safari',
  EDGE: 'Edge',
  EDGE_CHROMIUM: 'Edge',
  IE: 'Internet Explorer',
  OPERA: 'Opera',
};

function browserName(v: unknown): string | undefined {
  const s = named(v, 128);
  if (s === undefined || s !== s.toUpperCase()) return s;
  return ownValue(OKTA_BROWSERS, s) ?? s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ');
}

function mapSignIn(b: Base): AdaptResult {
  const { e, client } = b;
  const actor = sub(e, 'actor');
  const upn = str(get(actor, 'alternateId'), 512) ?? known(get(actor, 'id'), 512);
  if (upn === undefined) return reject('/actor/alternateId', 'required field is missing (a sign-in needs the user who attempted it)');
  const { outcome, errorCode } = oktaOutcome(b.eventType.toLowerCase(), b.result, b.reason);
  const ua = sub(client, 'userAgent');
  const device = sub(e, 'device');
  const debug = sub(sub(e, 'debugContext'), 'debugData');
  const authn = sub(e, 'authenticationContext');
  const app = target(e, 'AppInstance');
  const mfa = OKTA_MFA_EVENTS.has(b.eventType.toLowerCase());
  const event = compact({
    kind: 'signIn',
    id: b.id,
    createdDateTime: b.time,
    userId: known(get(actor, 'id'), 256),
    userPrincipalName: upn,
    userDisplayName: known(get(actor, 'displayName'), 512),
    appId: str(get(app, 'id'), 256),
    appDisplayName: str(get(app, 'displayName'), 512),
    ipAddress: b.ip,
    isInteractive: true,
    status: compact({
      errorCode,
      failureReason: outcome === 'success' ? undefined : (b.reason ?? str(get(e, 'displayMessage'), 2048)),
      additionalDetails: `${b.eventType} ${b.result}`.slice(0, 2048),
    }),
    outcome,
    deviceDetail: nonEmpty({
      deviceId: str(get(device, 'id'), 256),
      displayName: str(get(device, 'name'), 256),
      operatingSystem: named(get(ua, 'os'), 128) ?? str(get(device, 'os_platform'), 128),
      browser: browserName(get(ua, 'browser')),
      isManaged: bool(get(device, 'managed')),
    }),
    userAgent: str(get(ua, 'rawUserAgent'), 2048),
    location: location(client),
    mfaDetail: mfa ? nonEmpty({ authMethod: str(get(debug, 'factor'), 128) ?? str(get(authn, 'credentialType'), 128) }) : undefined,
    correlationId: known(get(authn, 'externalSessionId'), 256) ?? str(get(sub(e, 'transaction'), 'id'), 256),
    source: 'okta',
  });
  return validateEvent('signIn', event);
}

function categoryOf(eventType: string): string {
  const t = eventType.toLowerCase();
  return CATEGORY_BY_PREFIX.find(([p]) => t.startsWith(p))?.[1] ?? 'Other';
}

/** The last segment of the event type as Graph's operationType where it says one. */
function operationOf(eventType: string): string | undefined {
  const last = eventType.toLowerCase().split('.').pop() ?? '';
  if (/create|add|activate|grant|assign|enroll|register/.test(last)) return 'Add';
  if (/delete|remove|deactivate|revoke|unassign|reset_all/.test(last)) return 'Delete';
  if (/update|change|reset|suspend|unsuspend|lock|unlock|modify|rename/.test(last)) return 'Update';
  return undefined;
}

function auditResult(result: string): 'success' | 'failure' | 'unknownFutureValue' {
  if (result === 'SUCCESS' || result === 'ALLOW') return 'success';
  if (result === 'FAILURE' || result === 'DENY') return 'failure';
  // CHALLENGE, SKIPPED, UNKNOWN: no verdict on the change; the Okta value is kept in resultReason.
  return 'unknownFutureValue';
}

function mapAudit(b: Base): AdaptResult {
  const { e } = b;
  const actor = sub(e, 'actor');
  const actorType = str(get(actor, 'type'))?.toLowerCase();
  const isUser = actorType === undefined || actorType === 'user';
  const result = auditResult(b.result);
  const targets = arr(get(e, 'target'))
    .map((t) => obj(t))
    .filter((t): t is Obj => t !== undefined)
    .slice(0, 200)
    .map((t) => {
      const type = str(get(t, 'type'), 128);
      return compact({
        id: str(get(t, 'id'), 256),
        displayName: str(get(t, 'displayName'), 512),
        type,
        userPrincipalName: type?.toLowerCase() === 'user' ? known(get(t, 'alternateId'), 512) : undefined,
      });
    });
  const details: { key: string; value: string }[] = [{ key: 'eventType', value: b.eventType }, { key: 'outcome', value: b.result }];
  const legacy = str(get(e, 'legacyEventType'), 512);
  if (legacy !== undefined) details.push({ key: 'legacyEventType', value: legacy });
  const severity = str(get(e, 'severity'), 64);
  if (severity !== undefined) details.push({ key: 'severity', value: severity });
  const actorId = known(get(actor, 'id'), 256);
  const actorName = known(get(actor, 'displayName'), 512);
  // A non-user initiator has no IP field of its own in the model; keep the client's.
  if (!isUser && b.ip !== undefined) details.push({ key: 'ipAddress', value: b.ip });
  const event = compact({
    kind: 'directoryAudit',
    id: b.id,
    activityDateTime: b.time,
    category: categoryOf(b.eventType),
    activityDisplayName: str(get(e, 'displayMessage'), 512) ?? b.eventType.slice(0, 512),
    operationType: operationOf(b.eventType),
    result,
    resultReason: b.reason ?? (result === 'unknownFutureValue' ? `Okta outcome ${b.result}` : undefined),
    loggedByService: 'Okta',
    correlationId: str(get(sub(e, 'transaction'), 'id'), 256),
    initiatedBy: compact({
      user: isUser
        ? nonEmpty({ id: actorId, userPrincipalName: known(get(actor, 'alternateId'), 512), displayName: actorName, ipAddress: b.ip })
        : undefined,
      // Okta's non-user actors (PublicClientApp, SystemPrincipal, an IP address for ThreatInsight) are the initiating "app".
      app: isUser ? undefined : nonEmpty({ appId: actorId, displayName: actorName ?? str(get(actor, 'alternateId'), 512) }),
    }),
    targetResources: targets,
    additionalDetails: details,
    source: 'okta',
  });
  return validateEvent('directoryAudit', event);
}
