/**
 * Keycloak event `error` strings (org.keycloak.events.Errors) -> the integer
 * authlens stores in `status.errorCode` and the normalised outcome. Keycloak
 * has no numeric codes; these numbers are authlens's own and stable (they are
 * stored and shown in reports): never renumber, only add. The table is
 * documented in docs/formats/keycloak.md.
 */
import type { SignInOutcome } from '../schema/events.ts';
import { ownValue } from './formats/graph-values.ts';

interface KeycloakError {
  readonly code: number;
  readonly outcome: SignInOutcome;
}

/** `status.errorCode` of an event without `error` (a success). */
export const KEYCLOAK_SUCCESS_CODE = 0;
/** `status.errorCode` of an error string not in the table; the string itself is kept as failureReason. */
export const KEYCLOAK_UNKNOWN_ERROR_CODE = 1999;
/** invalid_user_credentials on a second-factor step (details.credential_type is otp, webauthn...): an MFA failure. */
export const KEYCLOAK_SECOND_FACTOR_CODE = 1003;

const TABLE: Readonly<Record<string, KeycloakError>> = {
  // Guesses at passwords and accounts: what spray and brute force produce.
  invalid_user_credentials: { code: 1001, outcome: 'credentialFailure' },
  user_not_found: { code: 1002, outcome: 'credentialFailure' },
  invalid_user: { code: 1004, outcome: 'credentialFailure' },
  // The account itself.
  user_disabled: { code: 1101, outcome: 'disabled' },
  // Keycloak's brute-force protection locked the account for a while.
  user_temporarily_disabled: { code: 1102, outcome: 'blocked' },
  access_denied: { code: 1103, outcome: 'blocked' },
  not_allowed: { code: 1104, outcome: 'blocked' },
  // Stopped for a step the user may still complete, or a flow that timed out.
  resolve_required_actions: { code: 1201, outcome: 'interrupted' },
  session_expired: { code: 1202, outcome: 'interrupted' },
  expired_code: { code: 1203, outcome: 'interrupted' },
  invalid_authentication_session: { code: 1204, outcome: 'interrupted' },
  // Everything else: client and protocol errors, not a user's credential.
  consent_denied: { code: 1301, outcome: 'other' },
  rejected_by_user: { code: 1302, outcome: 'other' },
  invalid_redirect_uri: { code: 1401, outcome: 'other' },
  invalid_request: { code: 1402, outcome: 'other' },
  invalid_client: { code: 1403, outcome: 'other' },
  invalid_client_credentials: { code: 1404, outcome: 'other' },
  client_not_found: { code: 1405, outcome: 'other' },
  client_disabled: { code: 1406, outcome: 'other' },
  realm_disabled: { code: 1407, outcome: 'other' },
  invalid_code: { code: 1408, outcome: 'other' },
  invalid_token: { code: 1409, outcome: 'other' },
  invalid_code_verifier: { code: 1410, outcome: 'other' },
  pkce_verification_failed: { code: 1411, outcome: 'other' },
  invalid_form: { code: 1412, outcome: 'other' },
  username_missing: { code: 1413, outcome: 'other' },
  user_session_not_found: { code: 1414, outcome: 'other' },
  identity_provider_login_failure: { code: 1501, outcome: 'other' },
  identity_provider_error: { code: 1502, outcome: 'other' },
  ssl_required: { code: 1601, outcome: 'other' },
  slow_down: { code: 1602, outcome: 'other' },
  generic_authentication_error: { code: 1603, outcome: 'other' },
};

/** Second-factor credential types Keycloak names in `details.credential_type`. */
const SECOND_FACTORS = /^(otp|totp|hotp|webauthn|webauthn-passwordless|recovery-authn-codes)$/i;

/** The stored code and outcome of a Keycloak sign-in event from its `error` and `credential_type` detail. */
export function keycloakOutcome(error: string | undefined, credentialType: string | undefined): KeycloakError {
  if (error === undefined) return { code: KEYCLOAK_SUCCESS_CODE, outcome: 'success' };
  const e = error.toLowerCase();
  if (e === 'invalid_user_credentials' && credentialType !== undefined && SECOND_FACTORS.test(credentialType)) {
    return { code: KEYCLOAK_SECOND_FACTOR_CODE, outcome: 'mfaDenied' };
  }
  return ownValue(TABLE, e) ?? { code: KEYCLOAK_UNKNOWN_ERROR_CODE, outcome: 'other' };
}

/** Every mapped error, for the documentation test. */
export function keycloakErrorTable(): readonly (readonly [string, KeycloakError])[] {
  return Object.entries(TABLE);
}
