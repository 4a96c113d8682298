/** What every format adapter returns for one raw record. A pure value: adapters never throw for bad input. */
import { Compile } from 'typebox/compile';
import {
  AppAccess,
  DirectoryAudit,
  PasswordRollover,
  Provisioning,
  RiskDetectionEvent,
  RiskyUserEvent,
  RmsAccess,
  SignIn,
  type AuthEvent,
  type EventKind,
} from '../../schema/events.ts';

export type AdaptResult =
  | { readonly ok: true; readonly event: AuthEvent }
  | { readonly ok: false; readonly field: string; readonly reason: string };

export function reject(field: string, reason: string): AdaptResult {
  return { ok: false, field, reason };
}

// One compiled validator per kind: errors then name the field of that kind's schema, not of an 8-way union.
const validators = {
  signIn: Compile(SignIn),
  directoryAudit: Compile(DirectoryAudit),
  appAccess: Compile(AppAccess),
  provisioning: Compile(Provisioning),
  passwordRollover: Compile(PasswordRollover),
  rmsAccess: Compile(RmsAccess),
  riskDetection: Compile(RiskDetectionEvent),
  riskyUser: Compile(RiskyUserEvent),
} as const;

/**
 * Checks a candidate event against its kind's schema. `pathPrefix` maps the
 * error back to where the field sits in the input (e.g. "/properties" for an
 * Azure diagnostic envelope).
 */
export function validateEvent(kind: EventKind, candidate: unknown, pathPrefix = ''): AdaptResult {
  const v = validators[kind];
  if (v.Check(candidate)) return { ok: true, event: candidate as AuthEvent };
  const first = v.Errors(candidate)[0];
  if (first === undefined) return reject(pathPrefix, `not a valid ${kind} event`);
  const params = first.params as { requiredProperties?: unknown; additionalProperties?: unknown; allowedValues?: unknown } | undefined;
  const missing = params?.requiredProperties;
  if (Array.isArray(missing) && typeof missing[0] === 'string') {
    return reject(`${pathPrefix}${first.instancePath}/${missing[0]}`, 'required field is missing');
  }
  if (first.keyword === 'boolean' || first.keyword === 'additionalProperties') {
    const extra = params?.additionalProperties;
    const leaf = Array.isArray(extra) && typeof extra[0] === 'string' ? `/${extra[0]}` : '';
    return reject(`${pathPrefix}${first.instancePath}${leaf}`, `unknown field (not part of the ${kind} schema)`);
  }
  const allowed = params?.allowedValues;
  if (first.keyword === 'enum' && Array.isArray(allowed) && allowed.length <= 20) {
    return reject(`${pathPrefix}${first.instancePath}`, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return reject(`${pathPrefix}${first.instancePath}`, first.message);
}
