/**
 * Entra ID (Azure AD) sign-in error codes (AADSTS numbers, `status.errorCode`)
 * to authlens's normalised outcome. The table and the reasoning behind the
 * debatable rows are in docs/formats/graph.md; codes not listed are `other`.
 */
import type { SignInOutcome } from '../schema/events.ts';

export const ENTRA_ERROR_OUTCOMES: Readonly<Record<number, SignInOutcome>> = Object.freeze({
  0: 'success',

  // Wrong password or unknown user: what password spray and brute force produce.
  50126: 'credentialFailure', // invalid username or password
  50034: 'credentialFailure', // user account does not exist in the directory
  50056: 'credentialFailure', // invalid or null password
  50020: 'credentialFailure', // user from an identity provider that does not exist in the tenant
  50128: 'credentialFailure', // invalid domain name (no tenant for the sign-in name)
  50059: 'credentialFailure', // no tenant information in the request
  50155: 'credentialFailure', // device authentication failed
  81016: 'credentialFailure', // invalid Kerberos ticket (seamless SSO)

  // Stopped for a further step the user may still complete.
  50074: 'interrupted', // strong authentication (MFA) required
  50076: 'interrupted', // MFA required (location, policy)
  50079: 'interrupted', // user must register for MFA
  50072: 'interrupted', // user must enrol for second factor
  50158: 'interrupted', // external security challenge not yet satisfied
  50125: 'interrupted', // password reset or registration interrupt
  50140: 'interrupted', // "keep me signed in" interrupt
  65001: 'interrupted', // consent required
  50055: 'interrupted', // password expired: the user knew it and must change it now
  50144: 'interrupted', // on-premises password expired: must change it
  50058: 'interrupted', // silent sign-in failed; the app must start an interactive flow
  50097: 'interrupted', // device authentication required
  50129: 'interrupted', // device is not workplace joined
  50199: 'interrupted', // user confirmation required (CmsiInterrupt)
  16000: 'interrupted', // account selection interrupt (several SSO sessions)
  16001: 'interrupted', // account selection: the chosen account is not valid here
  16003: 'interrupted', // account not yet added to the tenant's SSO session

  // MFA prompt denied, failed or unanswered.
  500121: 'mfaDenied', // authentication failed during strong authentication request
  50088: 'mfaDenied', // limit on telecom MFA calls reached
  500122: 'mfaDenied', // MFA verification code was wrong
  500131: 'mfaDenied', // MFA did not complete in time

  // Locked out, or blocked by policy or risk.
  50053: 'blocked', // account locked (smart lockout) or sign-in from a malicious IP blocked
  53003: 'blocked', // blocked by Conditional Access
  530032: 'blocked', // blocked by security policy (security defaults)
  53000: 'blocked', // device not compliant (Conditional Access)
  53001: 'blocked', // device not domain joined (Conditional Access)
  53002: 'blocked', // application not approved (Conditional Access)
  53004: 'blocked', // MFA registration blocked due to risk
  53011: 'blocked', // user blocked due to risk on the home tenant
  50131: 'blocked', // Conditional Access failed
  50105: 'blocked', // user not assigned to the application
  530003: 'blocked', // device must be managed to access the resource
  530034: 'blocked', // blocked by policy (delegated admin)

  // The account itself cannot sign in.
  50057: 'disabled', // user account is disabled
});

/** The outcome of an Entra sign-in with this error code. */
export function entraOutcome(errorCode: number): SignInOutcome {
  return ENTRA_ERROR_OUTCOMES[errorCode] ?? 'other';
}
