/** Turns a simulated action into a native `signIn` record with Entra-consistent codes and outcome. */
import type { SignIn, SignInOutcome } from '../schema/events.ts';
import type { AppDef, DeviceProfile } from './catalog.ts';
import type { GeoIp } from './geo-pool.ts';
import type { Device, SimApp } from './model.ts';
import { iso } from './time.ts';

/** Entra error codes the simulator uses, with the outcome authlens normalises them to. */
export const ENTRA_CODES = {
  0: { outcome: 'success', reason: undefined },
  50126: { outcome: 'credentialFailure', reason: 'Error validating credentials due to invalid username or password.' },
  50034: { outcome: 'credentialFailure', reason: 'The user account does not exist in the directory.' },
  50053: { outcome: 'blocked', reason: 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.' },
  53003: { outcome: 'blocked', reason: 'Access has been blocked by Conditional Access policies.' },
  500121: { outcome: 'mfaDenied', reason: 'Authentication failed during strong authentication request.' },
  50074: { outcome: 'interrupted', reason: 'Strong Authentication is required.' },
  50140: { outcome: 'interrupted', reason: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in." },
  50057: { outcome: 'disabled', reason: 'User account is disabled. The account has been disabled by an administrator.' },
  70044: { outcome: 'other', reason: 'The session has expired or is invalid due to sign-in frequency checks by conditional access.' },
} as const satisfies Record<number, { outcome: SignInOutcome; reason: string | undefined }>;
export type EntraCode = keyof typeof ENTRA_CODES;

const GRAPH_RESOURCE = { id: '00000003-0000-0000-c000-000000000000', name: 'Microsoft Graph' };
const GRAPH_CLIENTS = new Set(['OfficeHome', 'Microsoft Edge', 'Microsoft Authentication Broker', 'Microsoft Intune Company Portal']);

export interface Identity {
  readonly id?: string;
  readonly upn: string;
  readonly displayName?: string;
  readonly userType: 'member' | 'guest' | 'consumer';
}

export interface SignInSpec {
  readonly id: string;
  readonly correlationId: string;
  readonly time: number;
  readonly who: Identity;
  readonly app: SimApp;
  readonly ip: GeoIp;
  /** A registered device, or only a profile (unknown device: attacker, consumer). */
  readonly device: Device | DeviceProfile;
  readonly interactive: boolean;
  readonly code: EntraCode;
  /** MFA was performed (or attempted) with this method. */
  readonly mfaMethod?: string;
  readonly clientApp?: string;
}

/**
 * Entra's clientAppUsed for a sign-in: ActiveSync only reaches mail, token
 * refreshes and native clients are "Mobile Apps and Desktop clients", the rest
 * of interactive traffic is the browser; legacy tools keep their own.
 */
export function clientAppFor(profile: DeviceProfile, app: AppDef, interactive: boolean): string {
  if (profile.clientApp === 'Exchange ActiveSync') return app.mail === true ? 'Exchange ActiveSync' : 'Mobile Apps and Desktop clients';
  if (profile.clientApp === 'Other clients' || profile.clientApp === 'IMAP4') return profile.clientApp;
  if (!interactive || app.background === true) return 'Mobile Apps and Desktop clients';
  return 'Browser';
}

function isDevice(d: Device | DeviceProfile): d is Device {
  return 'profile' in d;
}

export function makeSignIn(s: SignInSpec): SignIn {
  const profile = isDevice(s.device) ? s.device.profile : s.device;
  const { outcome, reason } = ENTRA_CODES[s.code];
  const resource = GRAPH_CLIENTS.has(s.app.displayName) ? GRAPH_RESOURCE : { id: s.app.appId, name: s.app.displayName };
  const mfaRequired = s.mfaMethod !== undefined || s.app.mfa === true || s.code === 50074 || s.code === 500121;
  const deviceDetail: SignIn['deviceDetail'] = isDevice(s.device)
    ? {
        deviceId: s.device.deviceId,
        displayName: s.device.displayName,
        operatingSystem: profile.operatingSystem,
        browser: profile.browser,
        isManaged: s.device.isManaged,
        isCompliant: s.device.isCompliant,
        ...(s.device.trustType !== undefined ? { trustType: s.device.trustType } : {}),
      }
    : { deviceId: '', operatingSystem: profile.operatingSystem, browser: profile.browser, isManaged: false, isCompliant: false };
  const rec: SignIn = {
    kind: 'signIn',
    id: s.id,
    createdDateTime: iso(s.time),
    ...(s.who.id !== undefined ? { userId: s.who.id } : {}),
    userPrincipalName: s.who.upn,
    ...(s.who.displayName !== undefined ? { userDisplayName: s.who.displayName } : {}),
    userType: s.who.userType,
    appId: s.app.appId,
    appDisplayName: s.app.displayName,
    resourceId: resource.id,
    resourceDisplayName: resource.name,
    ipAddress: s.ip.ip,
    clientAppUsed: s.clientApp ?? clientAppFor(profile, s.app, s.interactive),
    isInteractive: s.interactive,
    status: reason === undefined ? { errorCode: 0 } : { errorCode: s.code, failureReason: reason },
    outcome,
    deviceDetail,
    userAgent: profile.userAgent,
    authenticationRequirement: mfaRequired ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    conditionalAccessStatus: s.code === 53003 ? 'failure' : s.app.mfa === true ? 'success' : 'notApplied',
    correlationId: s.correlationId,
    source: 'simulator',
  };
  if (s.mfaMethod !== undefined && (s.code === 0 || s.code === 500121)) {
    rec.mfaDetail = {
      authMethod: s.mfaMethod,
      authDetail: s.code === 0 ? 'MFA completed in Azure AD' : 'MFA denied; user declined the authentication',
    };
  }
  return rec;
}
