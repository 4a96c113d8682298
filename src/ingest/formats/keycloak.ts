/**
 * Keycloak events -> the native model. Reads the Admin REST API's JSON
 * (`GET /admin/realms/{realm}/events` and `/admin-events`, alone, NDJSON or
 * an array) and the event lines of the server log (read-log.ts frames them,
 * keycloak-log.ts turns each into the same JSON). Sign-ins (LOGIN,
 * CLIENT_LOGIN and their _ERROR) become `signIn`; a user's own account
 * changes and every admin event become `directoryAudit`; other event types
 * (token plumbing, logout) are rejected with the list of what is read. See
 * docs/formats/keycloak.md for the tables and the decisions behind them.
 */
import type { SignIn } from '../../schema/events.ts';
import { keycloakOutcome } from '../keycloak-errors.ts';
import type { RawRecord } from '../raw-record.ts';
import { epochMillisTime } from '../time.ts';
import { reject, validateEvent, type AdaptResult } from './adapt-result.ts';
import { contentId } from './content-id.ts';
import { compact, ipField, nonEmpty, obj, ownValue, str, type Field } from './graph-values.ts';
import { linePath, parseKeycloakLine } from './keycloak-log.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;
type Obj = Readonly<Record<string, unknown>>;

/** User event types that are sign-ins; CLIENT_LOGIN is a service account (client credentials grant). */
const SIGN_IN_TYPES = new Set(['LOGIN', 'LOGIN_ERROR', 'CLIENT_LOGIN', 'CLIENT_LOGIN_ERROR']);

interface AccountChange {
  readonly category: string;
  readonly activity: string;
  readonly operationType: string;
  /** additionalDetails key for the method(s), read by the password reset reports. */
  readonly methodKey?: string;
  readonly method?: string;
}

/** A user's own account events (without `_ERROR`) -> the audit they make. */
const ACCOUNT_CHANGES: Readonly<Record<string, AccountChange>> = {
  // Keycloak's reset-credentials flow proves the user by an emailed link.
  RESET_PASSWORD: { category: 'PasswordReset', activity: 'Reset password (self-service)', operationType: 'Update', methodKey: 'MethodsUsedForValidation', method: 'email' },
  SEND_RESET_PASSWORD: { category: 'PasswordReset', activity: 'Send password reset email (self-service)', operationType: 'Update', methodKey: 'MethodsUsedForValidation', method: 'email' },
  UPDATE_PASSWORD: { category: 'UserManagement', activity: 'Change password (self-service)', operationType: 'Update' },
  UPDATE_TOTP: { category: 'PasswordResetRegistration', activity: 'User registered security info', operationType: 'Add', methodKey: 'MethodsRegistered', method: 'otp' },
  UPDATE_CREDENTIAL: { category: 'PasswordResetRegistration', activity: 'User registered security info', operationType: 'Add', methodKey: 'MethodsRegistered' },
  REMOVE_TOTP: { category: 'PasswordResetRegistration', activity: 'User deleted security info', operationType: 'Delete', methodKey: 'MethodsRegistered', method: 'otp' },
  REMOVE_CREDENTIAL: { category: 'PasswordResetRegistration', activity: 'User deleted security info', operationType: 'Delete', methodKey: 'MethodsRegistered' },
  REGISTER: { category: 'UserManagement', activity: 'Add user (self-service registration)', operationType: 'Add' },
  UPDATE_EMAIL: { category: 'UserManagement', activity: 'Update user email (self-service)', operationType: 'Update' },
  UPDATE_PROFILE: { category: 'UserManagement', activity: 'Update user profile (self-service)', operationType: 'Update' },
  VERIFY_EMAIL: { category: 'UserManagement', activity: 'Verify user email', operationType: 'Update' },
  DELETE_ACCOUNT: { category: 'UserManagement', activity: 'Delete user (self-service)', operationType: 'Delete' },
};

const READ_TYPES = [...SIGN_IN_TYPES, ...Object.keys(ACCOUNT_CHANGES).flatMap((t) => [t, `${t}_ERROR`])];

/** Admin event resourceType -> Graph-style audit category. */
function adminCategory(resourceType: string | undefined): string {
  const t = resourceType ?? '';
  if (t === 'USER' || t === 'USER_SESSION' || t === 'USER_LOGIN_FAILURE') return 'UserManagement';
  if (t === 'GROUP' || t === 'GROUP_MEMBERSHIP') return 'GroupManagement';
  if (t.includes('ROLE')) return 'RoleManagement';
  if (t.startsWith('CLIENT') || t === 'PROTOCOL_MAPPER') return 'ApplicationManagement';
  if (t.startsWith('AUTH') || t === 'REQUIRED_ACTION') return 'Policy';
  if (t === 'REALM' || t === 'COMPONENT' || t.startsWith('IDENTITY_PROVIDER') || t === 'USER_FEDERATION_PROVIDER' || t === 'USER_PROFILE') {
    return 'DirectoryManagement';
  }
  return 'Other';
}

const ADMIN_OPERATIONS: Readonly<Record<string, string>> = { CREATE: 'Add', UPDATE: 'Update', DELETE: 'Delete', ACTION: 'Action' };

/** resourcePath collection -> target type, for the (collection, id) pairs of e.g. `users/{id}/groups/{id}`. */
const PATH_TYPES: Readonly<Record<string, string>> = {
  users: 'User',
  groups: 'Group',
  clients: 'Application',
  roles: 'Role',
  'roles-by-id': 'Role',
  'client-scopes': 'ClientScope',
  'identity-provider': 'IdentityProvider',
  components: 'Component',
};

export function isKeycloakAdminEvent(v: Obj): boolean {
  return typeof v.operationType === 'string' && (typeof v.resourcePath === 'string' || typeof v.authDetails === 'object');
}

export function adaptKeycloak(rec: OkRecord): AdaptResult {
  if (rec.shape === 'csv') return reject('', 'keycloak reads JSON events (Admin REST API) and server log lines, not CSV');
  if (rec.shape === 'text') {
    const parsed = parseKeycloakLine(rec.value);
    if (!parsed.ok) return reject(parsed.field, parsed.reason);
    // The line itself (from its time on) is the event's identity: the same log read twice is the same events.
    const r = mapEvent(parsed.value, contentId('kc-', rec.value.trim()));
    return r.ok ? r : reject(linePath(r.field), r.reason);
  }
  return mapEvent(rec.value, undefined);
}

function mapEvent(v: Obj, lineId: string | undefined): AdaptResult {
  const id = str(v.id, 256) ?? lineId ?? contentId('kc-', v);
  if (isKeycloakAdminEvent(v)) return mapAdminEvent(v, id);
  const type = str(v.type, 128)?.toUpperCase();
  if (type === undefined) {
    return reject('/type', 'not a Keycloak event: expected a user event (type, realmId, time) or an admin event (operationType, resourcePath, authDetails)');
  }
  if (SIGN_IN_TYPES.has(type)) return mapSignIn(v, id, type);
  const change = ownValue(ACCOUNT_CHANGES, type.replace(/_ERROR$/, ''));
  if (change !== undefined) return mapAccountChange(v, id, type, change);
  return reject('/type', `Keycloak event type ${type.slice(0, 60)} is not a sign-in or an account change; authlens reads ${READ_TYPES.join(', ')} and admin events`);
}

function time(v: Obj): Field<string> {
  if (v.time === undefined || v.time === null) return { ok: false, result: reject('/time', 'required field is missing') };
  const t = epochMillisTime(v.time);
  return t.ok ? { ok: true, value: t.value } : { ok: false, result: reject('/time', t.reason) };
}

function mapSignIn(v: Obj, id: string, type: string): AdaptResult {
  const at = time(v);
  if (!at.ok) return at.result;
  const details = obj(v.details) ?? {};
  const client = type.startsWith('CLIENT_LOGIN');
  const clientId = str(v.clientId, 256);
  const username = str(details.username, 512);
  const userId = str(v.userId, 256);
  // A service account signs in as its client; a user by name, else by id (as Graph falls back to userId).
  const upn = username ?? (client ? clientId : undefined) ?? userId;
  if (upn === undefined) {
    const why = str(v.error, 80) === undefined ? '' : ` (error ${str(v.error, 80) ?? ''})`;
    return reject('/details/username', `no user: the event names neither a username nor a userId${why}; Keycloak refused the request before anyone was named`);
  }
  const ipAddress = ipField(v.ipAddress, '/ipAddress');
  if (!ipAddress.ok) return ipAddress.result;
  const error = str(v.error, 256) ?? (type.endsWith('_ERROR') ? 'unknown_error' : undefined);
  const credentialType = str(details.credential_type, 64);
  const { code, outcome } = keycloakOutcome(error, credentialType);
  const realm = str(v.realmId, 256);
  const redirect = str(details.redirect_uri, 1024);
  const event: SignIn = compact({
    kind: 'signIn' as const,
    id,
    createdDateTime: at.value,
    userId,
    userPrincipalName: upn,
    appId: clientId,
    appDisplayName: clientId,
    ipAddress: ipAddress.value,
    clientAppUsed: str(details.auth_method, 128) ?? str(details.grant_type, 128),
    isInteractive: !client && str(details.grant_type) !== 'refresh_token',
    status: compact({
      errorCode: code,
      failureReason: error,
      additionalDetails: [realm === undefined ? undefined : `realm=${realm}`, redirect === undefined ? undefined : `redirect_uri=${redirect}`]
        .filter((x): x is string => x !== undefined)
        .join(', ')
        .slice(0, 2048) || undefined,
    }),
    outcome,
    mfaDetail: outcome === 'mfaDenied' && credentialType !== undefined ? { authMethod: credentialType } : undefined,
    correlationId: str(v.sessionId, 256) ?? str(details.code_id, 256) ?? str(details.authSessionParentId, 256),
    source: 'keycloak',
  });
  return validateEvent('signIn', event);
}

/** Every detail as a key/value, after the realm and client (the audit report shows them as they are). */
function detailList(v: Obj, details: Obj, extra: readonly (readonly [string, string | undefined])[]): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const [key, value] of [['realmId', str(v.realmId, 256)], ['clientId', str(v.clientId, 256)], ...extra] as const) {
    if (value !== undefined) out.push({ key, value });
  }
  for (const [key, raw] of Object.entries(details)) {
    const value = str(raw, 8192);
    if (value !== undefined && out.length < 200) out.push({ key: key.slice(0, 512), value });
  }
  return out;
}

function mapAccountChange(v: Obj, id: string, type: string, change: AccountChange): AdaptResult {
  const at = time(v);
  if (!at.ok) return at.result;
  const details = obj(v.details) ?? {};
  const ipAddress = ipField(v.ipAddress, '/ipAddress');
  if (!ipAddress.ok) return ipAddress.result;
  const error = str(v.error, 2048) ?? (type.endsWith('_ERROR') ? 'unknown_error' : undefined);
  const user = nonEmpty({ id: str(v.userId, 256), userPrincipalName: str(details.username, 512) });
  const method = str(details.credential_type, 128) ?? change.method;
  const event = compact({
    kind: 'directoryAudit' as const,
    id,
    activityDateTime: at.value,
    category: change.category,
    activityDisplayName: change.activity,
    operationType: change.operationType,
    result: error === undefined ? ('success' as const) : ('failure' as const),
    resultReason: error,
    loggedByService: 'Keycloak',
    correlationId: str(v.sessionId, 256),
    initiatedBy: compact({ user: nonEmpty({ ...user, ipAddress: ipAddress.value }) }),
    targetResources: user === undefined ? [] : [{ ...user, type: 'User' }],
    additionalDetails: detailList(v, details, [
      ['eventType', type],
      [change.methodKey ?? '', change.methodKey === undefined ? undefined : method],
    ]),
    source: 'keycloak',
  });
  return validateEvent('directoryAudit', event);
}

/** The (collection, id) pairs of a resourcePath as audit targets: `users/u1/groups/g1` -> a User and a Group. */
function pathTargets(path: string | undefined, name: string | undefined): { id: string; type: string; displayName?: string }[] {
  if (path === undefined) return [];
  const parts = path.split('/').filter((p) => p !== '');
  const out: { id: string; type: string; displayName?: string }[] = [];
  for (let i = 0; i + 1 < parts.length && out.length < 200; i += 2) {
    const type = ownValue(PATH_TYPES, parts[i] ?? '');
    const id = parts[i + 1];
    if (type !== undefined && id !== undefined) out.push({ id: id.slice(0, 256), type });
  }
  const first = out[0];
  if (first !== undefined && name !== undefined) out[0] = { ...first, displayName: name };
  return out;
}

/** A display name out of the representation, which itself is not stored (a credential representation may hold a password). */
function representationName(raw: unknown): string | undefined {
  const r = obj(raw);
  if (r === undefined) return undefined;
  return str(r.username, 512) ?? str(r.name, 512) ?? str(r.clientId, 512) ?? str(r.alias, 512);
}

function mapAdminEvent(v: Obj, id: string): AdaptResult {
  const at = time(v);
  if (!at.ok) return at.result;
  const auth = obj(v.authDetails) ?? {};
  const ipAddress = ipField(auth.ipAddress, '/authDetails/ipAddress');
  if (!ipAddress.ok) return ipAddress.result;
  const op = str(v.operationType, 64)?.toUpperCase() ?? 'ACTION';
  const resourceType = str(v.resourceType, 128);
  const resourcePath = str(v.resourcePath, 2048);
  const noun = (resourceType ?? 'resource').toLowerCase().replace(/_/g, ' ');
  const verb = op.charAt(0) + op.slice(1).toLowerCase();
  // ACTION names its action in the last path segment (users/{id}/reset-password, .../execute-actions-email).
  const action = op === 'ACTION' ? resourcePath?.split('/').filter((p) => p !== '').at(-1) : undefined;
  const error = str(v.error, 2048);
  const event = compact({
    kind: 'directoryAudit' as const,
    id,
    activityDateTime: at.value,
    category: adminCategory(resourceType),
    activityDisplayName: (action === undefined ? `${verb} ${noun}` : `Action ${action} on ${noun}`).slice(0, 512),
    operationType: ownValue(ADMIN_OPERATIONS, op) ?? op,
    result: error === undefined ? ('success' as const) : ('failure' as const),
    resultReason: error,
    loggedByService: 'Keycloak',
    initiatedBy: compact({
      user: nonEmpty({ id: str(auth.userId, 256), ipAddress: ipAddress.value }),
      app: nonEmpty({ appId: str(auth.clientId, 256) }),
    }),
    targetResources: pathTargets(resourcePath, representationName(v.representation)),
    additionalDetails: [
      ['realmId', str(v.realmId, 256)],
      ['authRealmId', str(auth.realmId, 256)],
      ['resourceType', resourceType],
      ['resourcePath', resourcePath],
    ]
      .filter((kv): kv is [string, string] => kv[1] !== undefined)
      .map(([key, value]) => ({ key, value })),
    source: 'keycloak',
  });
  return validateEvent('directoryAudit', event);
}
