import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RawRecord } from '../raw-record.ts';
import { adaptAuto } from './auto.ts';
import { adaptOkta } from './okta.ts';
import { OKTA_CODES } from './okta-outcome.ts';

const json = (value: Record<string, unknown>): Extract<RawRecord, { ok: true }> => ({ ok: true, line: 1, shape: 'json', value });

/** A LogEvent written from Okta's published System Log schema (developer.okta.com, LogEvent object). */
function logEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: 'e-1',
    published: '2026-11-20T08:00:00.123Z',
    eventType: 'user.session.start',
    version: '0',
    severity: 'INFO',
    displayMessage: 'User login to Okta',
    actor: { id: '00u1', type: 'User', alternateId: 'ana@example.org', displayName: 'Ana Lima', detailEntry: null },
    client: {
      userAgent: { rawUserAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', os: 'Linux', browser: 'FIREFOX' },
      zone: 'null',
      device: 'Computer',
      id: null,
      ipAddress: '198.51.100.7',
      geographicalContext: { city: 'Porto', state: 'Porto', country: 'Portugal', postalCode: '4000', geolocation: { lat: 41.15, lon: -8.61 } },
    },
    outcome: { result: 'SUCCESS', reason: null },
    target: null,
    transaction: { type: 'WEB', id: 'tx-1', detail: {} },
    authenticationContext: { externalSessionId: 'sess-1', authenticationStep: 0 },
    debugContext: { debugData: { requestUri: '/api/v1/authn' } },
    request: { ipChain: [{ ip: '198.51.100.7', version: 'V4' }] },
    ...over,
  };
}

describe('adaptOkta: sign-ins', () => {
  it('maps a successful primary sign-in field by field', () => {
    expect(adaptOkta(json(logEvent()))).toEqual({
      ok: true,
      event: {
        kind: 'signIn',
        id: 'e-1',
        createdDateTime: '2026-11-20T08:00:00.123Z',
        userId: '00u1',
        userPrincipalName: 'ana@example.org',
        userDisplayName: 'Ana Lima',
        ipAddress: '198.51.100.7',
        isInteractive: true,
        status: { errorCode: 0, additionalDetails: 'user.session.start SUCCESS' },
        outcome: 'success',
        deviceDetail: { operatingSystem: 'Linux', browser: 'Firefox' },
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
        location: { city: 'Porto', state: 'Porto', countryOrRegion: 'PT', geoCoordinates: { latitude: 41.15, longitude: -8.61 } },
        correlationId: 'sess-1',
        source: 'okta',
      },
    });
  });

  it.each<[string, Record<string, unknown>, string, number]>([
    ['wrong password', { outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } }, 'credentialFailure', OKTA_CODES.invalidCredentials],
    ['failed verification', { outcome: { result: 'FAILURE', reason: 'VERIFICATION_ERROR' } }, 'credentialFailure', OKTA_CODES.verificationError],
    ['locked out', { outcome: { result: 'FAILURE', reason: 'LOCKED_OUT' } }, 'blocked', OKTA_CODES.lockedOut],
    ['FastPass declining a phishing site', { outcome: { result: 'FAILURE', reason: 'FastPass declined phishing attempt' } }, 'blocked', OKTA_CODES.phishingDeclined],
    ['a suspended user', { outcome: { result: 'FAILURE', reason: 'User is suspended' } }, 'disabled', OKTA_CODES.userInactive],
    ['an expired password', { outcome: { result: 'FAILURE', reason: 'PASSWORD_EXPIRED' } }, 'interrupted', OKTA_CODES.passwordExpired],
    ['a failure without a reason', { outcome: { result: 'FAILURE' } }, 'credentialFailure', OKTA_CODES.otherFailure],
    ['a challenge', { outcome: { result: 'CHALLENGE' } }, 'interrupted', OKTA_CODES.challenge],
    ['SKIPPED', { outcome: { result: 'SKIPPED' } }, 'other', OKTA_CODES.skippedOrUnknown],
    ['a failed MFA factor', { eventType: 'user.authentication.auth_via_mfa', outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } }, 'mfaDenied', OKTA_CODES.mfaDenied],
    ['a denied push (logged as SUCCESS)', { eventType: 'user.mfa.okta_verify.deny_push', outcome: { result: 'SUCCESS' } }, 'mfaDenied', OKTA_CODES.mfaDenied],
    ['a sign-on policy DENY', { eventType: 'policy.evaluate_sign_on', outcome: { result: 'DENY', reason: 'Sign-on policy evaluation resulted in DENY' } }, 'blocked', OKTA_CODES.denied],
    ['an unassigned app', { eventType: 'app.generic.unauth_app_access_attempt', outcome: { result: 'FAILURE' } }, 'blocked', OKTA_CODES.notAssigned],
  ])('maps %s', (_name, over, outcome, errorCode) => {
    const r = adaptOkta(json(logEvent(over)));
    expect(r).toMatchObject({ ok: true, event: { kind: 'signIn', outcome, status: { errorCode } } });
  });

  it('takes the attempted login of an unknown user, and the app of an SSO', () => {
    const unknown = adaptOkta(json(logEvent({ actor: { id: 'unknown', type: 'User', alternateId: 'nobody@example.org', displayName: 'unknown' }, outcome: { result: 'FAILURE', reason: 'VERIFICATION_ERROR' } })));
    expect(unknown).toMatchObject({ ok: true, event: { userPrincipalName: 'nobody@example.org', outcome: 'credentialFailure', status: { failureReason: 'VERIFICATION_ERROR' } } });
    expect(unknown.ok && unknown.event.kind === 'signIn' && unknown.event.userId).toBe(undefined);
    const sso = adaptOkta(json(logEvent({ eventType: 'user.authentication.sso', target: [{ id: '0oa9', type: 'AppInstance', alternateId: 'Salesforce', displayName: 'Salesforce.com' }] })));
    expect(sso).toMatchObject({ ok: true, event: { appId: '0oa9', appDisplayName: 'Salesforce.com', outcome: 'success' } });
  });

  it('reads lower-cased keys as SIEM data lakes return them, and a published time without a zone as UTC', () => {
    const lower = { uuid: 'l-1', published: '2026-11-20 08:00:00.5', eventtype: 'user.session.start', actor: { alternateid: 'ana@example.org', type: 'User' }, outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }, client: { ipaddress: '2001:DB8::1' } };
    expect(adaptOkta(json(lower))).toMatchObject({ ok: true, event: { createdDateTime: '2026-11-20T08:00:00.500Z', userPrincipalName: 'ana@example.org', ipAddress: '2001:db8::1', outcome: 'credentialFailure' } });
    expect(adaptAuto(json(lower))).toEqual(adaptOkta(json(lower)));
  });

  it('falls back to the first hop of request.ipChain when client.ipAddress is null', () => {
    const r = adaptOkta(json(logEvent({ client: { ipAddress: null } })));
    expect(r).toMatchObject({ ok: true, event: { ipAddress: '198.51.100.7' } });
  });
});

describe('adaptOkta: browser names', () => {
  it.each([
    ['CHROME', 'Chrome'],
    ['EDGE_CHROMIUM', 'Edge'],
    ['IE', 'Internet Explorer'],
    ['SAMSUNG_INTERNET', 'Samsung internet'],
    ['Samsung Internet', 'Samsung Internet'],
    ['UNKNOWN', undefined],
    ['constructor', 'constructor'],
    ['CONSTRUCTOR', 'Constructor'],
  ])('reads %s as %s, as other sources name browsers', (given, shown) => {
    const e = logEvent({ client: { userAgent: { os: 'Linux', browser: given }, ipAddress: '198.51.100.7' } });
    const r = adaptOkta(json(e));
    expect(r.ok && r.event.kind === 'signIn' ? r.event.deviceDetail?.browser : 'rejected').toBe(shown);
  });
});

describe('adaptOkta: audit events', () => {
  it('maps a group change made by an admin with its targets', () => {
    const r = adaptOkta(
      json(
        logEvent({
          eventType: 'group.user_membership.add',
          displayMessage: 'Add user to group membership',
          legacyEventType: 'core.user_group_member.user_add',
          target: [
            { id: '00u2', type: 'User', alternateId: 'bo@example.org', displayName: 'Bo' },
            { id: '00g1', type: 'UserGroup', alternateId: 'unknown', displayName: 'Admins' },
          ],
        }),
      ),
    );
    expect(r).toEqual({
      ok: true,
      event: {
        kind: 'directoryAudit',
        id: 'e-1',
        activityDateTime: '2026-11-20T08:00:00.123Z',
        category: 'GroupManagement',
        activityDisplayName: 'Add user to group membership',
        operationType: 'Add',
        result: 'success',
        loggedByService: 'Okta',
        correlationId: 'tx-1',
        initiatedBy: { user: { id: '00u1', userPrincipalName: 'ana@example.org', displayName: 'Ana Lima', ipAddress: '198.51.100.7' } },
        targetResources: [
          { id: '00u2', displayName: 'Bo', type: 'User', userPrincipalName: 'bo@example.org' },
          { id: '00g1', displayName: 'Admins', type: 'UserGroup' },
        ],
        additionalDetails: [
          { key: 'eventType', value: 'group.user_membership.add' },
          { key: 'outcome', value: 'SUCCESS' },
          { key: 'legacyEventType', value: 'core.user_group_member.user_add' },
          { key: 'severity', value: 'INFO' },
        ],
        source: 'okta',
      },
    });
  });

  it.each<[string, string, string]>([
    ['user.account.reset_password', 'SUCCESS', 'PasswordReset'],
    ['user.mfa.factor.activate', 'SUCCESS', 'PasswordResetRegistration'],
    ['user.session.end', 'SUCCESS', 'UserSession'],
    ['user.lifecycle.deactivate', 'SUCCESS', 'UserManagement'],
    ['policy.evaluate_sign_on', 'ALLOW', 'Policy'],
    ['system.api_token.create', 'SUCCESS', 'DirectoryManagement'],
    ['something.new', 'SUCCESS', 'Other'],
  ])('puts %s in category %s', (eventType, result, category) => {
    expect(adaptOkta(json(logEvent({ eventType, outcome: { result } })))).toMatchObject({ ok: true, event: { kind: 'directoryAudit', category } });
  });

  it('keeps a non-user initiator as the app, its IP in the details, and an open verdict as unknownFutureValue', () => {
    const r = adaptOkta(
      json(logEvent({ eventType: 'security.threat.detected', actor: { id: '203.0.113.9', type: 'IP address', alternateId: 'unknown', displayName: 'IP 203.0.113.9' }, outcome: { result: 'UNKNOWN' }, client: { ipAddress: '203.0.113.9' } })),
    );
    expect(r).toMatchObject({ ok: true, event: { category: 'Security', result: 'unknownFutureValue', resultReason: 'Okta outcome UNKNOWN', initiatedBy: { app: { appId: '203.0.113.9', displayName: 'IP 203.0.113.9' } } } });
    expect(r.ok && r.event.kind === 'directoryAudit' && r.event.additionalDetails).toContainEqual({ key: 'ipAddress', value: '203.0.113.9' });
  });
});

describe('adaptOkta: rejections', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['no uuid', { uuid: undefined }, '/uuid', 'required field is missing'],
    ['no published', { published: undefined }, '/published', 'required field is missing'],
    ['a bad time', { published: 'redacted' }, '/published', 'not an ISO-8601 time: "redacted"'],
    ['no event type', { eventType: undefined }, '/eventType', 'required field is missing (not an Okta System Log event)'],
    ['no outcome', { outcome: null }, '/outcome/result', 'required field is missing (cannot tell whether the event succeeded)'],
    ['a bad IP', { client: { ipAddress: '10.0.0.300' } }, '/client/ipAddress', 'not an IP address: "10.0.0.300"'],
    ['a sign-in without a user', { actor: { type: 'User', id: 'unknown' } }, '/actor/alternateId', 'required field is missing (a sign-in needs the user who attempted it)'],
  ])('rejects %s', (_n, over, field, reason) => {
    expect(adaptOkta(json(logEvent(over)))).toEqual({ ok: false, field, reason });
  });

  it('rejects a CSV row', () => {
    expect(adaptOkta({ ok: true, line: 2, shape: 'csv', value: { eventType: 'x' } })).toMatchObject({ ok: false, field: '' });
  });
});

describe('adaptOkta properties', () => {
  const keys = ['uuid', 'published', 'eventType', 'eventtype', 'actor', 'client', 'outcome', 'target', 'device', 'debugContext', 'authenticationContext', 'request', 'transaction'];
  const eventTypes = fc.constantFrom('user.session.start', 'user.authentication.auth_via_mfa', 'user.mfa.okta_verify.deny_push', 'policy.evaluate_sign_on', 'group.user_membership.add', 'user.session.end');

  it('never throws on any mutation of a LogEvent; accepts only schema-valid events, rejects with a field and a reason', () => {
    fc.assert(
      fc.property(eventTypes, fc.dictionary(fc.constantFrom(...keys), fc.jsonValue()), (eventType, patch) => {
        const r = adaptOkta(json({ ...logEvent({ eventType }), ...patch }));
        if (r.ok) expect(['signIn', 'directoryAudit']).toContain(r.event.kind);
        else {
          expect(typeof r.field).toBe('string');
          expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutations deep inside actor, client and outcome', () => {
    const inner = fc.dictionary(fc.constantFrom('alternateId', 'id', 'type', 'displayName', 'ipAddress', 'result', 'reason', 'geographicalContext', 'userAgent'), fc.jsonValue());
    fc.assert(
      fc.property(fc.constantFrom('actor', 'client', 'outcome'), inner, (where, patch) => {
        const base = logEvent();
        const r = adaptOkta(json({ ...base, [where]: { ...(base[where] as object), ...patch } }));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
