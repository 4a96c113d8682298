/**
 * Auth0 tenant log events -> the native model, in the shapes Auth0 hands them
 * out: a Management API log object (`GET /api/v2/logs`: the fields at the top),
 * a log-stream event (`{log_id, data: {...}}`), or either under `json` (how
 * Elastic's HTTP endpoint input keeps them). Login-type codes become `signIn`,
 * account and configuration changes `directoryAudit`. See
 * docs/formats/auth0.md for the mapping and the decisions behind it.
 */
import type { RawRecord } from '../raw-record.ts';
import { normalizeIsoTime } from '../time.ts';
import { reject, validateEvent, type AdaptResult } from './adapt-result.ts';
import { AUTH0_TYPES, AUTH0_WRONG_PASSWORD_CODE, type Auth0AuditType, type Auth0SignInType } from './auth0-types.ts';
import { compact, ipField as ip, nonEmpty, num, obj, ownValue, str } from './graph-values.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;
type Obj = Readonly<Record<string, unknown>>;

/** The log object and the JSON pointer it sits at in the input record. */
interface Located {
  readonly d: Obj;
  readonly prefix: string;
  readonly id: string | undefined;
}

function locate(v: Obj): Located | undefined {
  const wrapped = obj(v.json);
  if (wrapped !== undefined && v.log_id === undefined && v.data === undefined) {
    const inner = locate(wrapped);
    return inner === undefined ? undefined : { ...inner, prefix: `/json${inner.prefix}` };
  }
  const data = obj(v.data);
  // A log-stream event keeps the log under `data`; the Management API's log object is flat.
  if (data !== undefined && v.type === undefined) return { d: data, prefix: '/data', id: str(v.log_id, 256) ?? str(data.log_id, 256) };
  if (typeof v.type === 'string' || v.log_id !== undefined) return { d: v, prefix: '', id: str(v.log_id, 256) ?? str(v._id, 256) };
  return undefined;
}

/** Graph's operationType for the HTTP method of a Management API call. */
const OPERATION_BY_METHOD: Readonly<Record<string, string>> = { POST: 'Add', PUT: 'Update', PATCH: 'Update', DELETE: 'Delete' };

const WRONG_PASSWORD = /wrong (email|username) or password|invalid (username|email) or password/i;

export function adaptAuth0(rec: OkRecord): AdaptResult {
  if (rec.shape !== 'json') return reject('', `Auth0 log events are JSON, not ${rec.shape === 'csv' ? 'CSV' : 'log lines'}`);
  const at = locate(rec.value);
  if (at === undefined) return reject('', 'not an Auth0 log event (no `type`, no `log_id`, no `data`)');
  const { d, prefix: p } = at;
  if (at.id === undefined) return reject(`${p}/log_id`, 'required field is missing');
  const code = str(d.type, 64);
  if (code === undefined) return reject(`${p}/type`, 'required field is missing');
  const spec = ownValue(AUTH0_TYPES, code);
  if (spec === undefined) {
    return reject(`${p}/type`, `Auth0 log type "${code}" is not mapped by authlens (docs/formats/auth0.md lists the types read)`);
  }
  const dateRaw = str(d.date, 64);
  if (dateRaw === undefined) return reject(`${p}/date`, 'required field is missing');
  // Auth0 dates are UTC; SIEM copies often drop the Z, so a date without an offset is read as UTC.
  const date = normalizeIsoTime(dateRaw, true);
  if (!date.ok) return reject(`${p}/date`, date.reason);
  const ipAddress = ip(d.ip, `${p}/ip`);
  if (!ipAddress.ok) return ipAddress.result;
  const base: Base = { d, p, id: at.id, time: date.value, code, ip: ipAddress.value };
  return spec.kind === 'signIn' ? mapSignIn(base, spec) : mapAudit(base, spec);
}

interface Base {
  readonly d: Obj;
  readonly p: string;
  readonly id: string;
  readonly time: string;
  readonly code: string;
  readonly ip: string | undefined;
}

function location(v: unknown): Record<string, unknown> | undefined {
  const l = obj(v);
  if (l === undefined) return undefined;
  const lat = num(l.latitude);
  const lon = num(l.longitude);
  const coords = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { latitude: lat, longitude: lon } : undefined;
  return nonEmpty({
    city: str(l.city_name, 200),
    state: str(l.subdivision_name ?? l.subdivision_code, 200),
    countryOrRegion: str(l.country_code, 64),
    geoCoordinates: coords,
  });
}

function description(d: Obj): string | undefined {
  return str(d.description, 2048) ?? str(obj(obj(d.details)?.error)?.message, 2048);
}

function mapSignIn(b: Base, spec: Auth0SignInType): AdaptResult {
  const { d, p } = b;
  const why = description(d);
  const upn = spec.client === true ? (str(d.client_name, 512) ?? str(d.client_id, 512)) : (str(d.user_name, 512) ?? str(d.user_id, 512));
  if (upn === undefined) {
    const said = why === undefined ? '' : `; Auth0 says: ${why.slice(0, 160)}`;
    return reject(
      `${p}/${spec.client === true ? 'client_id' : 'user_name'}`,
      `required field is missing: a ${spec.name} event names no ${spec.client === true ? 'application' : 'user'}, and a sign-in needs one${said}`,
    );
  }
  // Auth0 logs a wrong password through some flows as a generic failure; the description tells.
  const wrongPassword = spec.outcome === 'other' && why !== undefined && WRONG_PASSWORD.test(why);
  const outcome = wrongPassword ? 'credentialFailure' : spec.outcome;
  const errorCode = wrongPassword ? AUTH0_WRONG_PASSWORD_CODE : spec.errorCode;
  const details = obj(d.details);
  const event = compact({
    kind: 'signIn',
    id: b.id,
    createdDateTime: b.time,
    userId: spec.client === true ? undefined : str(d.user_id, 256),
    userPrincipalName: upn,
    appId: str(d.client_id, 256),
    appDisplayName: str(d.client_name, 512),
    resourceId: str(d.audience, 256),
    ipAddress: b.ip,
    isInteractive: spec.interactive,
    status: compact({
      errorCode,
      failureReason: outcome === 'success' ? undefined : (why ?? spec.name),
      additionalDetails: `${b.code}: ${spec.name}`.slice(0, 2048),
    }),
    outcome,
    userAgent: str(d.user_agent, 2048),
    location: location(d.location_info),
    correlationId: str(details?.session_id, 256) ?? str(d.session_connection, 256),
    source: 'auth0',
  });
  return validateEvent('signIn', event, p);
}

function mapAudit(b: Base, spec: Auth0AuditType): AdaptResult {
  const { d, p } = b;
  const details = obj(d.details);
  const request = obj(details?.request);
  // Management API calls (sapi/fapi) name the admin under details.request.auth.user.
  const admin = obj(obj(request?.auth)?.user);
  const adminIp = ip(request?.ip, `${p}/details/request/ip`);
  if (!adminIp.ok) return adminIp.result;
  const userName = str(d.user_name, 512);
  const userId = str(d.user_id, 256);
  const initiator = admin
    ? nonEmpty({ id: str(admin.user_id, 256), userPrincipalName: str(admin.email, 512), displayName: str(admin.name, 512), ipAddress: adminIp.value ?? b.ip })
    : nonEmpty({ id: userId, userPrincipalName: userName, ipAddress: b.ip });
  const path = str(request?.path, 512);
  const method = str(request?.method, 16)?.toUpperCase();
  const targets = [
    // The user an account event is about; a Management API call's target is the API path it changed.
    ...(admin === undefined && (userName !== undefined || userId !== undefined) ? [compact({ id: userId, userPrincipalName: userName, type: 'User' })] : []),
    ...(path !== undefined ? [{ displayName: path, type: 'ManagementApi' }] : []),
  ];
  const why = description(d);
  const kv: { key: string; value: string }[] = [{ key: 'type', value: b.code }];
  for (const k of ['connection', 'strategy', 'hostname'] as const) {
    const v = str(d[k], 512);
    if (v !== undefined) kv.push({ key: k, value: v });
  }
  const status = num(obj(details?.response)?.statusCode);
  if (status !== undefined) kv.push({ key: 'statusCode', value: String(status) });
  const event = compact({
    kind: 'directoryAudit',
    id: b.id,
    activityDateTime: b.time,
    category: spec.category,
    activityDisplayName: (why !== undefined && why.length <= 512 ? why : spec.name).slice(0, 512),
    operationType: method === undefined ? undefined : OPERATION_BY_METHOD[method],
    result: spec.result,
    resultReason: spec.result === 'failure' ? (why ?? spec.name) : undefined,
    loggedByService: 'Auth0',
    initiatedBy: compact({
      user: initiator,
      app: nonEmpty({ appId: str(d.client_id, 256), displayName: str(d.client_name, 512) }),
    }),
    targetResources: targets,
    additionalDetails: kv,
    source: 'auth0',
  });
  return validateEvent('directoryAudit', event, p);
}
