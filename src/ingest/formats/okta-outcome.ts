/**
 * Okta System Log `outcome` (result + free-text reason) of a sign-in event ->
 * authlens's normalised outcome and a stable integer `status.errorCode`.
 * Okta has no numeric error codes, so authlens numbers the reasons it
 * recognises; the table and the debatable rows are in docs/formats/okta.md.
 * Codes are part of the stored data: never renumber, only add.
 */
import type { SignInOutcome } from '../../schema/events.ts';

export interface OktaOutcome {
  readonly outcome: SignInOutcome;
  readonly errorCode: number;
}

/** Events that verify a second factor: any failure of theirs is a denied or failed MFA prompt. */
export const OKTA_MFA_EVENTS: ReadonlySet<string> = new Set(['user.authentication.auth_via_mfa', 'user.mfa.okta_verify.deny_push']);

export const OKTA_CODES = {
  success: 0,
  invalidCredentials: 1,
  verificationError: 2,
  unknownUser: 3,
  lockedOut: 4,
  denied: 5,
  challenge: 6,
  mfaDenied: 7,
  phishingDeclined: 8,
  notAssigned: 9,
  passwordExpired: 10,
  userInactive: 11,
  otherFailure: 99,
  skippedOrUnknown: 98,
} as const;

const C = OKTA_CODES;
const r = (outcome: SignInOutcome, errorCode: number): OktaOutcome => ({ outcome, errorCode });

/**
 * `result` is Okta's outcome.result (SUCCESS, FAILURE, DENY, ALLOW,
 * CHALLENGE, SKIPPED, UNKNOWN), upper-cased by the caller.
 */
export function oktaOutcome(eventType: string, result: string, reason: string | undefined): OktaOutcome {
  // The event itself is the denial; Okta logs its outcome as SUCCESS (the denial was recorded).
  if (eventType === 'user.mfa.okta_verify.deny_push') return r('mfaDenied', C.mfaDenied);
  const why = (reason ?? '').toUpperCase();
  switch (result) {
    case 'SUCCESS':
    case 'ALLOW':
      return r('success', C.success);
    case 'CHALLENGE':
      // Asked for a further factor: the user may still complete it (like Entra's 50074).
      return r('interrupted', C.challenge);
    case 'DENY':
      // Sign-on policy, network zone or ThreatInsight refused the attempt.
      return r('blocked', C.denied);
    case 'FAILURE':
      return failure(eventType, why);
    default:
      // SKIPPED / UNKNOWN: no verdict on the attempt; never counted as a failure by detectors.
      return r('other', C.skippedOrUnknown);
  }
}

function failure(eventType: string, why: string): OktaOutcome {
  if (why.includes('LOCKED_OUT') || why.includes('LOCKED OUT')) return r('blocked', C.lockedOut);
  // FastPass refused to answer a phishing site: the attempt was stopped, not a wrong password.
  if (why.includes('PHISHING')) return r('blocked', C.phishingDeclined);
  if (eventType === 'app.generic.unauth_app_access_attempt' || why.includes('NOT ASSIGNED')) return r('blocked', C.notAssigned);
  if (OKTA_MFA_EVENTS.has(eventType)) return r('mfaDenied', C.mfaDenied);
  if (why.includes('PASSWORD_EXPIRED') || why.includes('PASSWORD EXPIRED')) return r('interrupted', C.passwordExpired);
  if (why.includes('SUSPENDED') || why.includes('DEACTIVATED') || why.includes('NOT ACTIVE')) return r('disabled', C.userInactive);
  if (why.includes('INVALID_CREDENTIALS') || why.includes('INVALID CREDENTIALS')) return r('credentialFailure', C.invalidCredentials);
  if (why.includes('UNKNOWN_USER') || why.includes('UNKNOWN USER')) return r('credentialFailure', C.unknownUser);
  // Okta's reason for a failed primary authentication (wrong password, no such user) when it does not say more.
  if (why.includes('VERIFICATION_ERROR')) return r('credentialFailure', C.verificationError);
  // A failed primary sign-in with no reason is still a failed credential check.
  if (why === '' && eventType === 'user.session.start') return r('credentialFailure', C.otherFailure);
  return r('other', C.otherFailure);
}
