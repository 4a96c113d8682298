/**
 * An OCSF Authentication event's status -> the integer authlens stores in
 * `status.errorCode` and the normalised outcome. OCSF says only success or
 * failure (`status_id`); why it failed is in the producer's own words
 * (`status_code`, `status_detail`, `status`). Windows NTSTATUS codes are read
 * exactly; other producers' reasons by keywords. Documented (and tested
 * against the documentation) in docs/formats/ocsf.md.
 */
import type { SignInOutcome } from '../schema/events.ts';
import { ownValue } from './formats/graph-values.ts';

/** `status.errorCode` of a failure whose code is not an integer (or there is none). */
export const OCSF_GENERIC_FAILURE_CODE = 1;

/** Windows NTSTATUS codes of failed logons (events 4625, 4776), as OCSF mappers of Windows put them in status / status_code. */
const NTSTATUS: Readonly<Record<string, SignInOutcome>> = {
  '0xc000006a': 'credentialFailure', // wrong password
  '0xc0000064': 'credentialFailure', // no such user
  '0xc000006d': 'credentialFailure', // bad user name or authentication information
  '0xc0000234': 'blocked', // account locked out
  '0xc000006f': 'blocked', // outside the allowed logon hours
  '0xc0000070': 'blocked', // workstation restriction
  '0xc000015b': 'blocked', // logon type not granted
  '0xc0000413': 'blocked', // authentication firewall
  '0xc0000072': 'disabled', // account disabled
  '0xc0000193': 'disabled', // account expired
  '0xc0000071': 'interrupted', // password expired
  '0xc0000224': 'interrupted', // must change password at next logon
};

/**
 * Keyword rules over the producer's failure text, first match wins. A
 * required step comes before "mfa" so "MFA required" is interrupted, not a
 * denied prompt; MFA comes before credentials so "invalid OTP" is not a
 * password guess.
 */
export const OCSF_KEYWORDS: readonly (readonly [RegExp, SignInOutcome])[] = [
  [/\b(password (has )?expired|must change|change password|mfa required|required action|consent required|enrol?l(ment)? required)\b/, 'interrupted'],
  [/\b(mfa|multi-?factor|2fa|second factor|otp|one-time|totp|push|authenticator|verification code)\b/, 'mfaDenied'],
  [/\b(locked|lockout|blocked|denied by policy|conditional access|risk|not allowed|forbidden)\b/, 'blocked'],
  [/\b(disabled|deactivated|suspended|account expired)\b/, 'disabled'],
  [/\b(password|credentials?|user ?name|unknown user|no such user|user not found|invalid user|invalid_credentials|invalid_grant|bad login|authentication failed|login failed|logon failure)\b/, 'credentialFailure'],
];

/** An integer code out of a status string: decimal, or hex (NTSTATUS) read as a signed 32-bit integer. */
export function statusCodeInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^-?\d{1,10}$/.test(t)) {
    const n = Number(t);
    return n >= -2147483648 && n <= 2147483647 ? n : undefined;
  }
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return Number.parseInt(t.slice(2), 16) | 0;
  return undefined;
}

/** The stored code and outcome of a failed OCSF sign-in from what the producer said about it. */
export function ocsfFailure(texts: readonly (string | undefined)[]): { readonly code: number; readonly outcome: SignInOutcome } {
  let code: number | undefined;
  let outcome: SignInOutcome | undefined;
  for (const t of texts) {
    if (t === undefined) continue;
    code ??= statusCodeInt(t);
    outcome ??= ownValue(NTSTATUS, t.trim().toLowerCase());
  }
  const words = texts.filter((t): t is string => t !== undefined).join(' ').toLowerCase();
  outcome ??= OCSF_KEYWORDS.find(([re]) => re.test(words))?.[1] ?? 'other';
  return { code: code ?? OCSF_GENERIC_FAILURE_CODE, outcome };
}

/** Every NTSTATUS row, for the documentation test. */
export function ntstatusTable(): readonly (readonly [string, SignInOutcome])[] {
  return Object.entries(NTSTATUS);
}
