/**
 * OCSF (Open Cybersecurity Schema Framework) events -> the native model:
 * Authentication (class_uid 3002) logons become `signIn`, Account Change
 * (3001) becomes `directoryAudit`. OCSF is a common shape many producers
 * write (AWS Security Lake, SIEM pipelines, Windows event mappers), so values
 * are read leniently: `-` and empty strings are absent, `user` falls back to
 * `actor.user`. See docs/formats/ocsf.md for the tables and decisions.
 */
import type { SignInOutcome } from '../../schema/events.ts';
import { ocsfFailure } from '../ocsf-status.ts';
import type { RawRecord } from '../raw-record.ts';
import { epochMillisTime } from '../time.ts';
import { reject, validateEvent, type AdaptResult } from './adapt-result.ts';
import { contentId } from './content-id.ts';
import { bool, compact, int, ipField, nonEmpty, num, obj, str, type Field } from './graph-values.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;
type Obj = Readonly<Record<string, unknown>>;

export const OCSF_AUTHENTICATION = 3002;
export const OCSF_ACCOUNT_CHANGE = 3001;

/** Authentication activity_id that are sign-ins: 1 Logon, 3 Authentication Ticket (a Kerberos TGT: the password check). */
const SIGN_IN_ACTIVITIES: ReadonlySet<number> = new Set([1, 3]);
const AUTH_ACTIVITY_NAMES: Readonly<Record<number, string>> = { 0: 'Unknown', 2: 'Logoff', 4: 'Service Ticket Request', 5: 'Service Ticket Renew', 6: 'Preauth', 99: 'Other' };

/** logon_type_id that no person typed at: 0 System, 3 Network, 4 Batch, 5 OS Service, 8 Network Cleartext, 9 New Credentials. */
const NON_INTERACTIVE_LOGON_TYPES: ReadonlySet<number> = new Set([0, 3, 4, 5, 8, 9]);

interface AccountActivity {
  readonly category: string;
  readonly activity: string;
  readonly operationType: string;
}

/** Account Change activity_id -> the audit it makes. */
const ACCOUNT_ACTIVITIES: Readonly<Record<number, AccountActivity>> = {
  1: { category: 'UserManagement', activity: 'Create user', operationType: 'Add' },
  2: { category: 'UserManagement', activity: 'Enable account', operationType: 'Update' },
  3: { category: 'UserManagement', activity: 'Change password', operationType: 'Update' },
  4: { category: 'PasswordReset', activity: 'Reset password', operationType: 'Update' },
  5: { category: 'UserManagement', activity: 'Disable account', operationType: 'Update' },
  6: { category: 'UserManagement', activity: 'Delete user', operationType: 'Delete' },
  7: { category: 'RoleManagement', activity: 'Attach policy', operationType: 'Assign' },
  8: { category: 'RoleManagement', activity: 'Detach policy', operationType: 'Unassign' },
  9: { category: 'UserManagement', activity: 'Lock account', operationType: 'Update' },
  10: { category: 'PasswordResetRegistration', activity: 'User registered security info', operationType: 'Add' },
  11: { category: 'PasswordResetRegistration', activity: 'User deleted security info', operationType: 'Delete' },
  12: { category: 'UserManagement', activity: 'Unlock account', operationType: 'Update' },
};

/** What Windows mappers write for "none" (`-`, and the SID of nobody): absent. */
const PLACEHOLDERS: ReadonlySet<string> = new Set(['-', 'NULL SID']);

/** A string value, placeholders read as absent. */
function s(v: unknown, max = 1024): string | undefined {
  const t = str(v, max);
  return t === undefined || PLACEHOLDERS.has(t) ? undefined : t;
}

/** A user's sign-in name: the email, else the name (`DOMAIN\name` when a Windows domain is given), else undefined. */
function userName(u: Obj | undefined): string | undefined {
  const email = s(u?.email_addr, 512);
  if (email !== undefined) return email;
  const name = s(u?.name, 512);
  const domain = s(u?.domain, 256);
  return name === undefined || domain === undefined ? name : `${domain}\\${name}`.slice(0, 512);
}

export function adaptOcsf(rec: OkRecord): AdaptResult {
  if (rec.shape !== 'json') return reject('', 'ocsf reads JSON events (NDJSON or an array), not CSV or log lines');
  const v = rec.value;
  const cls = int(v.class_uid);
  if (cls === OCSF_AUTHENTICATION) return mapAuthentication(v);
  if (cls === OCSF_ACCOUNT_CHANGE) return mapAccountChange(v);
  return reject(
    '/class_uid',
    cls === undefined
      ? 'required field is missing or not an integer (an OCSF event class)'
      : `OCSF class ${cls} is not read; authlens reads Authentication (3002) and Account Change (3001)`,
  );
}

function time(v: Obj): Field<string> {
  const raw = v.time ?? v.time_dt;
  if (raw === undefined || raw === null) return { ok: false, result: reject('/time', 'required field is missing') };
  const t = epochMillisTime(raw);
  return t.ok ? { ok: true, value: t.value } : { ok: false, result: reject(v.time === undefined ? '/time_dt' : '/time', t.reason) };
}

/** The event's id: metadata.uid, else a hash of the whole record (re-sending it then changes nothing). */
function idOf(v: Obj): string {
  return s(obj(v.metadata)?.uid, 256) ?? contentId('ocsf-', v);
}

/** success / failure from status_id, else from the `status` caption; undefined when the record does not say. */
function succeeded(v: Obj): boolean | undefined {
  const id = int(v.status_id);
  if (id === 1) return true;
  if (id === 2) return false;
  const caption = s(v.status)?.toLowerCase();
  if (caption === 'success') return true;
  if (caption === 'failure') return false;
  return undefined;
}

function productOf(v: Obj): string | undefined {
  const p = obj(obj(v.metadata)?.product);
  const name = s(p?.name, 200);
  const vendor = s(p?.vendor_name, 200);
  return name === undefined ? vendor : vendor === undefined || vendor === name ? name : `${name} (${vendor})`;
}

function location(endpoint: Obj | undefined): Record<string, unknown> | undefined {
  const l = obj(endpoint?.location);
  if (l === undefined) return undefined;
  // OCSF coordinates are GeoJSON order: [longitude, latitude]; older versions have lat / long.
  const c = Array.isArray(l.coordinates) ? l.coordinates : [];
  const lon = num(c[0]) ?? num(l.long);
  const lat = num(c[1]) ?? num(l.lat);
  const coords = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { latitude: lat, longitude: lon } : undefined;
  return nonEmpty({ city: s(l.city, 200), state: s(l.region, 200), countryOrRegion: s(l.country, 64), geoCoordinates: coords });
}

function mapAuthentication(v: Obj): AdaptResult {
  const activity = int(v.activity_id);
  if (activity === undefined || !SIGN_IN_ACTIVITIES.has(activity)) {
    const name = activity === undefined ? s(v.activity_name, 60) ?? 'missing' : AUTH_ACTIVITY_NAMES[activity] ?? String(activity);
    return reject('/activity_id', `Authentication activity ${name} is not a sign-in; authlens reads Logon (1) and Authentication Ticket (3)`);
  }
  const id = idOf(v);
  const at = time(v);
  if (!at.ok) return at.result;
  const user = obj(v.user);
  const actorUser = obj(obj(v.actor)?.user);
  // `user` is who signs in; `actor.user` names the same person when it has the same uid (CloudTrail puts the name only there).
  const sameAsActor = user === undefined || (s(user.uid) !== undefined && s(user.uid) === s(actorUser?.uid));
  const upn = userName(user) ?? (sameAsActor ? userName(actorUser) : undefined) ?? s(user?.uid, 512) ?? s(actorUser?.uid, 512);
  if (upn === undefined) return reject('/user', 'required field is missing (no user: user or actor.user with email_addr, name or uid)');
  const src = obj(v.src_endpoint);
  const ipAddress = ipField(s(src?.ip, 200), '/src_endpoint/ip');
  if (!ipAddress.ok) return ipAddress.result;
  const ok = succeeded(v);
  if (ok === undefined) return reject('/status_id', 'the event does not say whether the sign-in succeeded (status_id is missing, Unknown or Other, and status is not Success or Failure)');
  const statusCode = s(v.status_code, 256);
  const detail = s(v.status_detail, 2048);
  const caption = s(v.status, 256);
  const failure = ok ? undefined : ocsfFailure([statusCode, caption, detail]);
  const outcome: SignInOutcome = failure?.outcome ?? 'success';
  const service = obj(v.service);
  const dst = obj(v.dst_endpoint);
  const http = obj(v.http_request);
  const logonType = int(v.logon_type_id);
  const mfa = bool(v.is_mfa);
  const product = productOf(v);
  const event = compact({
    kind: 'signIn' as const,
    id,
    createdDateTime: at.value,
    userId: s(user?.uid, 256) ?? (user === undefined ? s(actorUser?.uid, 256) : undefined),
    userPrincipalName: upn,
    userDisplayName: s(user?.full_name, 512),
    appId: s(service?.uid, 256),
    appDisplayName: s(service?.name, 512) ?? s(dst?.svc_name, 512) ?? s(dst?.hostname, 512) ?? s(dst?.name, 512),
    ipAddress: ipAddress.value,
    clientAppUsed: s(v.auth_protocol, 128),
    isInteractive: logonType === undefined || !NON_INTERACTIVE_LOGON_TYPES.has(logonType),
    status: compact({
      errorCode: failure?.code ?? 0,
      failureReason: ok ? undefined : detail ?? statusCode ?? caption,
      additionalDetails: product === undefined ? undefined : `product=${product}`,
    }),
    outcome,
    userAgent: s(http?.user_agent, 2048),
    location: location(src),
    authenticationRequirement: mfa === undefined ? undefined : mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    correlationId: s(obj(v.session)?.uid, 256) ?? s(obj(obj(v.actor)?.session)?.uid, 256),
    source: 'ocsf',
  });
  return validateEvent('signIn', event);
}

function mapAccountChange(v: Obj): AdaptResult {
  const activityId = int(v.activity_id);
  const known = activityId === undefined ? undefined : ACCOUNT_ACTIVITIES[activityId];
  const activityName = s(v.activity_name, 512);
  const id = idOf(v);
  const at = time(v);
  if (!at.ok) return at.result;
  const ok = succeeded(v);
  if (ok === undefined) return reject('/status_id', 'the event does not say whether the change succeeded (status_id is missing, Unknown or Other, and status is not Success or Failure)');
  const src = obj(v.src_endpoint);
  const ipAddress = ipField(s(src?.ip, 200), '/src_endpoint/ip');
  if (!ipAddress.ok) return ipAddress.result;
  const actor = obj(v.actor);
  const actorUser = obj(actor?.user);
  const user = obj(v.user);
  const product = productOf(v);
  const api = obj(v.api);
  const target = user === undefined ? undefined : nonEmpty({ id: s(user.uid, 256), userPrincipalName: userName(user), displayName: s(user.full_name, 512) ?? s(user.name, 512) });
  const event = compact({
    kind: 'directoryAudit' as const,
    id,
    activityDateTime: at.value,
    category: known?.category ?? 'UserManagement',
    activityDisplayName: known?.activity ?? activityName ?? 'Other account change',
    operationType: known?.operationType ?? 'Other',
    result: ok ? ('success' as const) : ('failure' as const),
    resultReason: ok ? undefined : s(v.status_detail, 2048) ?? s(v.status_code, 2048),
    loggedByService: product,
    correlationId: s(obj(actor?.session)?.uid, 256),
    initiatedBy: compact({
      user: nonEmpty({
        id: s(actorUser?.uid, 256),
        userPrincipalName: userName(actorUser),
        displayName: s(actorUser?.full_name, 512),
        ipAddress: ipAddress.value,
      }),
      app: nonEmpty({ displayName: s(actor?.app_name, 512) }),
    }),
    targetResources: target === undefined ? [] : [{ ...target, type: 'User' }],
    additionalDetails: [
      ['activity', activityName],
      ['operation', s(api?.operation, 512)],
      ['service', s(obj(api?.service)?.name, 512)],
    ]
      .filter((kv): kv is [string, string] => kv[1] !== undefined)
      .map(([key, value]) => ({ key, value })),
    source: 'ocsf',
  });
  return validateEvent('directoryAudit', event);
}
