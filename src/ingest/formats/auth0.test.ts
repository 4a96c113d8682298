import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RawRecord } from '../raw-record.ts';
import { adaptAuth0 } from './auth0.ts';
import { AUTH0_TYPES } from './auth0-types.ts';
import { adaptAuto } from './auto.ts';

const json = (value: Record<string, unknown>): Extract<RawRecord, { ok: true }> => ({ ok: true, line: 1, shape: 'json', value });

/** A log object as `GET /api/v2/logs` returns it, written from Auth0's published log schema. */
function log(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    date: '2026-11-20T08:00:00.250Z',
    type: 's',
    description: 'Successful login',
    connection: 'Username-Password-Authentication',
    connection_id: 'con_1',
    client_id: 'cl_1',
    client_name: 'Portal',
    ip: '198.51.100.8',
    user_agent: 'Chrome 130.0.0 / Mac OS X 14.1.0',
    details: { session_id: 'sess_9' },
    hostname: 'acme.eu.auth0.com',
    user_id: 'auth0|u1',
    user_name: 'ana@example.org',
    strategy: 'auth0',
    strategy_type: 'database',
    log_id: '90020261120080000250000000000000000000000000000001',
    location_info: { country_code: 'PT', country_name: 'Portugal', city_name: 'Porto', latitude: 41.15, longitude: -8.61, time_zone: 'Europe/Lisbon', continent_code: 'EU' },
    ...over,
  };
}

describe('adaptAuth0: shapes', () => {
  const expected = {
    kind: 'signIn',
    id: '90020261120080000250000000000000000000000000000001',
    createdDateTime: '2026-11-20T08:00:00.250Z',
    userId: 'auth0|u1',
    userPrincipalName: 'ana@example.org',
    appId: 'cl_1',
    appDisplayName: 'Portal',
    ipAddress: '198.51.100.8',
    isInteractive: true,
    status: { errorCode: 0, additionalDetails: 's: Success Login' },
    outcome: 'success',
    userAgent: 'Chrome 130.0.0 / Mac OS X 14.1.0',
    location: { city: 'Porto', countryOrRegion: 'PT', geoCoordinates: { latitude: 41.15, longitude: -8.61 } },
    correlationId: 'sess_9',
    source: 'auth0',
  };

  it('maps a Management API log object field by field', () => {
    expect(adaptAuth0(json(log()))).toEqual({ ok: true, event: expected });
  });

  it('reads the same event from a log stream ({log_id, data}) and under json, through auto too', () => {
    const { log_id, ...data } = log();
    const stream = { log_id, data };
    expect(adaptAuth0(json(stream))).toEqual({ ok: true, event: expected });
    expect(adaptAuth0(json({ json: stream }))).toEqual({ ok: true, event: expected });
    expect(adaptAuto(json(stream))).toEqual({ ok: true, event: expected });
    expect(adaptAuto(json({ json: stream }))).toEqual({ ok: true, event: expected });
  });

  it('prefixes rejection paths with where the log sits', () => {
    const { log_id, ...data } = log({ ip: 'not-an-ip' });
    expect(adaptAuth0(json({ json: { log_id, data } }))).toEqual({ ok: false, field: '/json/data/ip', reason: 'not an IP address: "not-an-ip"' });
  });
});

describe('adaptAuth0: sign-in outcomes', () => {
  it.each<[string, string, Record<string, unknown>, string, number, boolean]>([
    ['fp', 'wrong password', {}, 'credentialFailure', 1, true],
    ['fu', 'unknown user', {}, 'credentialFailure', 2, true],
    ['fcoa', 'cross-origin failure', {}, 'credentialFailure', 3, true],
    ['f', 'a generic failure', { description: 'the connection is not enabled' }, 'other', 10, true],
    ['f', 'a generic failure saying wrong password', { description: 'Wrong email or password.' }, 'credentialFailure', 1, true],
    ['fsa', 'failed silent auth', {}, 'interrupted', 20, false],
    ['gd_auth_rejected', 'a rejected push', {}, 'mfaDenied', 31, true],
    ['gd_auth_failed', 'a wrong OTP', {}, 'mfaDenied', 30, true],
    ['limit_wc', 'an account blocked for an IP', {}, 'blocked', 40, true],
    ['limit_sul', 'a blocked user', {}, 'blocked', 41, true],
    ['pwd_leak', 'a breached password', {}, 'blocked', 43, true],
    ['gd_otp_rate_limit_exceed', 'too many OTP failures', {}, 'blocked', 44, true],
    ['ssa', 'silent auth', {}, 'success', 0, false],
    ['sepft', 'a password grant', {}, 'success', 0, true],
    ['seacft', 'a code exchange', {}, 'success', 0, false],
  ])('type %s (%s)', (type, _n, over, outcome, errorCode, isInteractive) => {
    expect(adaptAuth0(json(log({ type, ...over })))).toMatchObject({ ok: true, event: { kind: 'signIn', outcome, isInteractive, status: { errorCode } } });
  });

  it('signs a client-credentials exchange in as the application', () => {
    const r = adaptAuth0(json(log({ type: 'feccft', user_id: undefined, user_name: undefined, description: 'Unauthorized' })));
    expect(r).toMatchObject({ ok: true, event: { userPrincipalName: 'Portal', isInteractive: false, outcome: 'other', status: { errorCode: 18, failureReason: 'Unauthorized' } } });
  });

  it('rejects a failed login that names no user, quoting what Auth0 said', () => {
    const r = adaptAuth0(json(log({ type: 'f', user_id: '', user_name: undefined, description: 'Callback URL mismatch.' })));
    expect(r).toEqual({
      ok: false,
      field: '/user_name',
      reason: 'required field is missing: a Failed Login event names no user, and a sign-in needs one; Auth0 says: Callback URL mismatch.',
    });
  });
});

describe('adaptAuth0: audit events', () => {
  it('maps a Management API call to the admin who made it and the path it changed', () => {
    const r = adaptAuth0(
      json(
        log({
          type: 'sapi',
          description: 'Create a role',
          user_name: undefined,
          location_info: undefined,
          details: {
            request: { method: 'post', path: '/api/v2/roles', ip: '203.0.113.4', auth: { user: { user_id: 'google-oauth2|1', email: 'admin@example.org', name: 'Admin' } } },
            response: { statusCode: 201 },
          },
        }),
      ),
    );
    expect(r).toEqual({
      ok: true,
      event: {
        kind: 'directoryAudit',
        id: '90020261120080000250000000000000000000000000000001',
        activityDateTime: '2026-11-20T08:00:00.250Z',
        category: 'DirectoryManagement',
        activityDisplayName: 'Create a role',
        operationType: 'Add',
        result: 'success',
        loggedByService: 'Auth0',
        initiatedBy: {
          user: { id: 'google-oauth2|1', userPrincipalName: 'admin@example.org', displayName: 'Admin', ipAddress: '203.0.113.4' },
          app: { appId: 'cl_1', displayName: 'Portal' },
        },
        targetResources: [{ displayName: '/api/v2/roles', type: 'ManagementApi' }],
        additionalDetails: [
          { key: 'type', value: 'sapi' },
          { key: 'connection', value: 'Username-Password-Authentication' },
          { key: 'strategy', value: 'auth0' },
          { key: 'hostname', value: 'acme.eu.auth0.com' },
          { key: 'statusCode', value: '201' },
        ],
        source: 'auth0',
      },
    });
  });

  it('puts a password change in PasswordReset with the user as target, and a failure with its reason', () => {
    expect(adaptAuth0(json(log({ type: 'scp', description: 'Password changed' })))).toMatchObject({
      ok: true,
      event: { category: 'PasswordReset', result: 'success', targetResources: [{ id: 'auth0|u1', userPrincipalName: 'ana@example.org', type: 'User' }] },
    });
    expect(adaptAuth0(json(log({ type: 'fs', description: 'Password is too weak' })))).toMatchObject({
      ok: true,
      event: { category: 'UserManagement', result: 'failure', resultReason: 'Password is too weak' },
    });
  });
});

describe('adaptAuth0: rejections', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown type', { type: 'zzz' }, '/type', 'Auth0 log type "zzz" is not mapped by authlens (docs/formats/auth0.md lists the types read)'],
    ['no log id', { log_id: undefined }, '/log_id', 'required field is missing'],
    ['no date', { date: undefined }, '/date', 'required field is missing'],
    ['a bad date', { date: '03/11/2021' }, '/date', 'not an ISO-8601 time: "03/11/2021"'],
    ['a bad IP', { ip: '1.2.3' }, '/ip', 'not an IP address: "1.2.3"'],
  ])('rejects %s', (_n, over, field, reason) => {
    expect(adaptAuth0(json(log(over)))).toEqual({ ok: false, field, reason });
  });

  it('says when a record is not an Auth0 event at all', () => {
    expect(adaptAuth0(json({ hello: 'world' }))).toEqual({ ok: false, field: '', reason: 'not an Auth0 log event (no `type`, no `log_id`, no `data`)' });
  });
});

describe('adaptAuth0 properties', () => {
  const keys = ['log_id', 'date', 'type', 'ip', 'user_id', 'user_name', 'client_id', 'client_name', 'description', 'details', 'location_info', 'audience', 'data', 'json'];
  const types = fc.constantFrom(...Object.keys(AUTH0_TYPES), 'zzz');

  it('never throws on any mutation of a log, flat or streamed; accepts only schema-valid events, rejects with a field and a reason', () => {
    fc.assert(
      fc.property(types, fc.dictionary(fc.constantFrom(...keys), fc.jsonValue()), fc.boolean(), (type, patch, streamed) => {
        const flat = { ...log({ type }), ...patch };
        const r = adaptAuth0(json(streamed ? { log_id: flat.log_id, data: flat } : flat));
        if (r.ok) expect(['signIn', 'directoryAudit']).toContain(r.event.kind);
        else {
          expect(typeof r.field).toBe('string');
          expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutations inside details and location_info', () => {
    const inner = fc.dictionary(fc.constantFrom('request', 'response', 'error', 'session_id', 'latitude', 'longitude', 'city_name', 'country_code'), fc.jsonValue());
    fc.assert(
      fc.property(types, fc.constantFrom('details', 'location_info'), inner, (type, where, patch) => {
        const r = adaptAuth0(json(log({ type, [where]: patch })));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
