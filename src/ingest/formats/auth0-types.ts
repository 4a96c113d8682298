/**
 * Auth0 log event type codes (`type`) -> what authlens makes of them: a
 * sign-in with its normalised outcome and a stable integer error code (Auth0
 * has none of its own), or a directory audit with its category and result.
 * Codes not listed are rejected by name, so a new Auth0 code is seen, not
 * guessed at. The tables and the debatable rows are in docs/formats/auth0.md.
 * Error codes are part of the stored data: never renumber, only add.
 */
import type { SignInOutcome } from '../../schema/events.ts';

export interface Auth0SignInType {
  readonly kind: 'signIn';
  readonly name: string;
  readonly outcome: SignInOutcome;
  readonly errorCode: number;
  /** False for token exchanges and silent authentication (like Entra's non-interactive sign-ins). */
  readonly interactive: boolean;
  /** Machine-to-machine: the application, not a user, signed in. */
  readonly client?: true;
}

export interface Auth0AuditType {
  readonly kind: 'directoryAudit';
  readonly name: string;
  readonly category: string;
  readonly result: 'success' | 'failure';
}

export type Auth0Type = Auth0SignInType | Auth0AuditType;

const si = (name: string, outcome: SignInOutcome, errorCode: number, interactive = true): Auth0SignInType => ({
  kind: 'signIn',
  name,
  outcome,
  errorCode,
  interactive,
});
const m2m = (name: string, outcome: SignInOutcome, errorCode: number): Auth0SignInType => ({ ...si(name, outcome, errorCode, false), client: true });
const au = (name: string, category: string, result: 'success' | 'failure'): Auth0AuditType => ({ kind: 'directoryAudit', name, category, result });

/** Error code of a failed login Auth0 describes as a wrong email or password (used for `f`, `fepft`, `fc`). */
export const AUTH0_WRONG_PASSWORD_CODE = 1;

export const AUTH0_TYPES: Readonly<Record<string, Auth0Type>> = Object.freeze({
  // Sign-ins that succeeded.
  s: si('Success Login', 'success', 0),
  scoa: si('Success cross-origin authentication', 'success', 0),
  sens: si('Success Native Social Login', 'success', 0),
  ssa: si('Success Silent Auth', 'success', 0, false),
  sepft: si('Success Exchange (Password for Access Token)', 'success', 0),
  seoobft: si('Success Exchange (Password and OOB Challenge for Access Token)', 'success', 0),
  seotpft: si('Success Exchange (Password and OTP Challenge for Access Token)', 'success', 0),
  sercft: si('Success Exchange (Password and MFA Recovery code for Access Token)', 'success', 0),
  seacft: si('Success Exchange (Authorization Code for Access Token)', 'success', 0, false),
  sertft: si('Success Exchange (Refresh Token for Access Token)', 'success', 0, false),
  sede: si('Success Exchange (Device Code for Access Token)', 'success', 0, false),
  gd_auth_succeed: si('MFA Authentication success', 'success', 0),
  gd_recovery_succeed: si('MFA Recovery success', 'success', 0),
  seccft: m2m('Success Exchange (Client Credentials for Access Token)', 'success', 0),

  // Wrong password or unknown user: what spray, stuffing and brute force produce.
  fp: si('Failed Login (Incorrect Password)', 'credentialFailure', 1),
  fu: si('Failed Login (Invalid Email/Username)', 'credentialFailure', 2),
  fcoa: si('Failed cross-origin authentication', 'credentialFailure', 3),
  fepft: si('Failed Exchange (Password for Access Token)', 'credentialFailure', 4),

  // Other failed logins (the description says why; `f`, `fc` and `fepft` saying "Wrong email or password" become credentialFailure).
  f: si('Failed Login', 'other', 10),
  fc: si('Failed by Connector', 'other', 11),
  fco: si('Failed by CORS', 'other', 12),
  fens: si('Failed Native Social Login', 'other', 13),
  feacft: si('Failed Exchange (Authorization Code for Access Token)', 'other', 14, false),
  fertft: si('Failed Exchange (Refresh Token for Access Token)', 'other', 15, false),
  ferrt: si('Failed Exchange (Rotating Refresh Token)', 'other', 16, false),
  fede: si('Failed Exchange (Device Code for Access Token)', 'other', 17, false),
  feccft: m2m('Failed Exchange (Client Credentials for Access Token)', 'other', 18),

  // Stopped for a further step.
  fsa: si('Failed Silent Auth', 'interrupted', 20, false),
  mfar: si('MFA Required', 'interrupted', 21),

  // MFA denied, failed or unanswered.
  gd_auth_failed: si('MFA Authentication failed', 'mfaDenied', 30),
  gd_auth_rejected: si('MFA Authentication rejected (push denied)', 'mfaDenied', 31),
  gd_recovery_failed: si('MFA Recovery failed', 'mfaDenied', 32),
  feoobft: si('Failed Exchange (Password and OOB Challenge for Access Token)', 'mfaDenied', 33),
  feotpft: si('Failed Exchange (Password and OTP Challenge for Access Token)', 'mfaDenied', 34),
  fercft: si('Failed Exchange (Password and MFA Recovery code for Access Token)', 'mfaDenied', 35),

  // Blocked by attack protection.
  limit_wc: si('Blocked Account (IP blocked for >10 failed logins to one account)', 'blocked', 40),
  limit_sul: si('Blocked User (too many attempts for this user)', 'blocked', 41),
  pwd_leak: si('Breached password', 'blocked', 43),
  gd_otp_rate_limit_exceed: si('MFA too many failures (OTP rate limit)', 'blocked', 44),
  gd_recovery_rate_limit_exceed: si('MFA too many failures (recovery code rate limit)', 'blocked', 45),

  // An IP blocked by attack protection names no user, so it is not a sign-in; the block itself is kept.
  limit_mu: au('Blocked IP Address (too many failed logins from this IP)', 'AttackProtection', 'success'),

  // Directory changes: users.
  ss: au('Success Signup', 'UserManagement', 'success'),
  fs: au('Failed Signup', 'UserManagement', 'failure'),
  signup_pwd_leak: au('Breached password on signup', 'UserManagement', 'failure'),
  du: au('Deleted User', 'UserManagement', 'success'),
  fdu: au('Failed User Deletion', 'UserManagement', 'failure'),
  sce: au('Success Change Email', 'UserManagement', 'success'),
  fce: au('Failed Change Email', 'UserManagement', 'failure'),
  scu: au('Success Change Username', 'UserManagement', 'success'),
  fcu: au('Failed Change Username', 'UserManagement', 'failure'),
  scpn: au('Success Change Phone Number', 'UserManagement', 'success'),
  fcpn: au('Failed Change Phone Number', 'UserManagement', 'failure'),
  sv: au('Success Verification Email', 'UserManagement', 'success'),
  fv: au('Failed Verification Email', 'UserManagement', 'failure'),
  svr: au('Success Verification Email Request', 'UserManagement', 'success'),
  fvr: au('Failed Verification Email Request', 'UserManagement', 'failure'),

  // Password changes and resets (the password reset report).
  scp: au('Success Change Password', 'PasswordReset', 'success'),
  fcp: au('Failed Change Password', 'PasswordReset', 'failure'),
  scpr: au('Success Change Password Request', 'PasswordReset', 'success'),
  fcpr: au('Failed Change Password Request', 'PasswordReset', 'failure'),

  // MFA enrolment (the security-info registration report).
  gd_enrollment_complete: au('MFA Enrollment complete', 'PasswordResetRegistration', 'success'),
  gd_unenroll: au('MFA Unenrolled device account', 'PasswordResetRegistration', 'success'),
  gd_update_device_account: au('MFA Device account updated', 'PasswordResetRegistration', 'success'),
  gd_send_pn: au('MFA Push notification sent', 'MfaChallenge', 'success'),
  gd_send_pn_failure: au('MFA Push notification send failed', 'MfaChallenge', 'failure'),
  gd_send_sms: au('MFA SMS sent', 'MfaChallenge', 'success'),
  gd_send_sms_failure: au('MFA SMS send failed', 'MfaChallenge', 'failure'),
  gd_send_voice: au('MFA voice call made', 'MfaChallenge', 'success'),
  gd_send_voice_failure: au('MFA voice call failed', 'MfaChallenge', 'failure'),
  gd_send_email: au('MFA email sent', 'MfaChallenge', 'success'),

  // Tenant configuration through the Management API (the admin's audit trail).
  sapi: au('Success API Operation', 'DirectoryManagement', 'success'),
  fapi: au('Failed API Operation', 'DirectoryManagement', 'failure'),

  // Sessions.
  slo: au('Success Logout', 'UserSession', 'success'),
  flo: au('Failed Logout', 'UserSession', 'failure'),
});
