/**
 * The Keycloak adapter on fixtures written for this project: their shapes
 * follow Keycloak's own EventRepresentation / AdminEventRepresentation (Admin
 * REST API) and JBossLoggingEventListenerProvider (keycloak/keycloak
 * repository), the unquoted layout up to Keycloak 21 and the quoted one after.
 * The real server log sample is in test/conformance/keycloak-samples.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keycloakErrorTable, keycloakOutcome } from '../keycloak-errors.ts';
import { readRecords, type RawRecord } from '../read-records.ts';
import type { AdaptResult } from './adapt-result.ts';
import { adaptAuto } from './auto.ts';
import { adaptKeycloak } from './keycloak.ts';
import { parseKeycloakLine, parsePairs } from './keycloak-log.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/ingest');
const DOC = readFileSync(path.resolve(import.meta.dirname, '../../../docs/formats/keycloak.md'), 'utf8');

async function adaptFile(name: string, adapt = adaptKeycloak): Promise<{ line: number; r: AdaptResult }[]> {
  const out: { line: number; r: AdaptResult }[] = [];
  for await (const raw of readRecords(readFileSync(path.join(FIXTURES, name)), { maxRecordBytes: 256 * 1024 })) {
    out.push({ line: raw.line, r: raw.ok ? adapt(raw) : { ok: false, field: raw.field, reason: raw.reason } });
  }
  return out;
}

const json = (value: Record<string, unknown>): Extract<RawRecord, { ok: true }> => ({ ok: true, line: 1, shape: 'json', value });
const text = (value: string): Extract<RawRecord, { ok: true }> => ({ ok: true, line: 1, shape: 'text', value });

describe('adaptKeycloak: Admin REST API user events', () => {
  it('maps sign-ins, account changes and rejects what is neither', async () => {
    const rs = await adaptFile('keycloak-events.json');
    expect(rs.map((x) => x.line)).toEqual([2, 13, 23, 33, 43, 53, 63, 73]);
    expect(rs[0]?.r).toEqual({
      ok: true,
      event: {
        kind: 'signIn',
        id: '9e1c0b2a-kc-1',
        createdDateTime: '2025-11-21T09:00:00.123Z',
        userId: '5b0d6a6e-0000-4000-8000-000000000001',
        userPrincipalName: 'alice@example.com',
        appId: 'account-console',
        appDisplayName: 'account-console',
        ipAddress: '203.0.113.7',
        clientAppUsed: 'openid-connect',
        isInteractive: true,
        status: { errorCode: 0, additionalDetails: 'realm=acme, redirect_uri=https://sso.example.com/realms/acme/account/' },
        outcome: 'success',
        correlationId: 'sess-1',
        source: 'keycloak',
      },
    });
    // A wrong OTP is invalid_user_credentials with credential_type otp: an MFA failure, not a password guess.
    expect(rs[1]?.r).toMatchObject({
      ok: true,
      event: { ipAddress: '2001:db8::7', status: { errorCode: 1003, failureReason: 'invalid_user_credentials' }, outcome: 'mfaDenied', mfaDetail: { authMethod: 'otp' } },
    });
    expect(rs[1]?.r.ok === true && rs[1].r.event.id).toMatch(/^kc-[A-Za-z0-9_-]{32}$/);
    expect(rs[2]?.r).toMatchObject({ ok: true, event: { userPrincipalName: 'bob', outcome: 'blocked', status: { errorCode: 1102 } } });
    expect(rs[3]?.r).toMatchObject({ ok: true, event: { userPrincipalName: 'service-account-billing-batch', isInteractive: false, outcome: 'success', appId: 'billing-batch' } });
    expect(rs[4]?.r).toMatchObject({ ok: false, field: '/type', reason: expect.stringContaining('CODE_TO_TOKEN is not a sign-in or an account change') });
    expect(rs[5]?.r).toMatchObject({
      ok: true,
      event: {
        kind: 'directoryAudit',
        category: 'PasswordResetRegistration',
        activityDisplayName: 'User registered security info',
        result: 'success',
        initiatedBy: { user: { id: '5b0d6a6e-0000-4000-8000-000000000001', userPrincipalName: 'alice@example.com', ipAddress: '203.0.113.7' } },
        targetResources: [{ id: '5b0d6a6e-0000-4000-8000-000000000001', userPrincipalName: 'alice@example.com', type: 'User' }],
      },
    });
    expect(rs[5]?.r.ok === true && rs[5].r.event.kind === 'directoryAudit' && rs[5].r.event.additionalDetails).toContainEqual({ key: 'MethodsRegistered', value: 'otp' });
    expect(rs[6]?.r).toMatchObject({ ok: true, event: { category: 'PasswordReset', result: 'failure', resultReason: 'user_not_found', targetResources: [{ userPrincipalName: 'carol' }] } });
    expect(rs[7]?.r).toEqual({ ok: false, field: '/ipAddress', reason: 'not an IP address: "300.1.2.3"' });
  });

  it('gives an event without id the same id each time it is read', async () => {
    const [a, b] = [await adaptFile('keycloak-events.json'), await adaptFile('keycloak-events.json')];
    expect(a[1]?.r.ok === true && a[1].r.event.id).toBe(b[1]?.r.ok === true && b[1].r.event.id);
  });
});

describe('adaptKeycloak: admin events', () => {
  it('maps the operation, the resource path to targets, and never stores the representation', async () => {
    const rs = await adaptFile('keycloak-admin-events.ndjson');
    expect(rs[0]?.r).toEqual({
      ok: true,
      event: {
        kind: 'directoryAudit',
        id: 'adm-1',
        activityDateTime: '2025-11-21T09:08:00.000Z',
        category: 'UserManagement',
        activityDisplayName: 'Create user',
        operationType: 'Add',
        result: 'success',
        loggedByService: 'Keycloak',
        initiatedBy: { user: { id: '5b0d6a6e-0000-4000-8000-0000000000ad', ipAddress: '192.0.2.10' }, app: { appId: 'security-admin-console' } },
        targetResources: [{ id: '5b0d6a6e-0000-4000-8000-000000000002', type: 'User', displayName: 'dave' }],
        additionalDetails: [
          { key: 'realmId', value: 'acme' },
          { key: 'authRealmId', value: 'master' },
          { key: 'resourceType', value: 'USER' },
          { key: 'resourcePath', value: 'users/5b0d6a6e-0000-4000-8000-000000000002' },
        ],
        source: 'keycloak',
      },
    });
    expect(rs[1]?.r).toMatchObject({
      ok: true,
      event: { category: 'GroupManagement', activityDisplayName: 'Create group membership', targetResources: [{ type: 'User' }, { id: 'g-admins', type: 'Group' }] },
    });
    expect(rs[2]?.r).toMatchObject({ ok: true, event: { activityDisplayName: 'Action reset-password on user', operationType: 'Action' } });
    expect(JSON.stringify(rs[2]?.r)).not.toContain('s3cret');
    expect(rs[3]?.r).toMatchObject({ ok: true, event: { category: 'ApplicationManagement', result: 'failure', resultReason: 'unknown_error', operationType: 'Delete' } });
  });
});

describe('adaptKeycloak: server log lines', () => {
  it('reads both listener layouts, the offset when there is one, admin lines, and skips the rest of the log', async () => {
    const rs = await adaptFile('keycloak-server.log');
    expect(rs.map((x) => x.line)).toEqual([2, 5, 6, 7]);
    expect(rs[0]?.r).toMatchObject({
      ok: true,
      event: {
        kind: 'signIn',
        createdDateTime: '2025-11-21T09:00:02.311Z',
        userPrincipalName: 'bob',
        ipAddress: '198.51.100.23',
        outcome: 'credentialFailure',
        status: { errorCode: 1001, additionalDetails: 'realm=acme, redirect_uri=https://portal.example.com/cb?a=1, b=2' },
      },
    });
    expect(rs[0]?.r.ok === true && 'userId' in rs[0].r.event).toBe(false);
    expect(rs[1]?.r).toMatchObject({ ok: true, event: { createdDateTime: '2025-11-21T08:00:04.250Z', outcome: 'success', userId: '5b0d6a6e-0000-4000-8000-000000000003' } });
    expect(rs[2]?.r).toMatchObject({ ok: true, event: { kind: 'directoryAudit', activityDisplayName: 'Update user', initiatedBy: { user: { ipAddress: '192.0.2.10' }, app: { appId: 'security-admin-console' } } } });
    expect(rs[3]?.r).toMatchObject({ ok: false, field: '/type', reason: expect.stringContaining('LOGOUT is not a sign-in') });
  });

  it('names the key of the line, not the API path, in a rejection', () => {
    const r = adaptKeycloak(text('2025-11-21 09:00:02,311 WARN  [org.keycloak.events] (t) type=LOGIN_ERROR, realmId=acme, clientId=portal, userId=null, ipAddress=10.0.0.999, error=user_not_found, username=x'));
    expect(r).toEqual({ ok: false, field: '/ipAddress', reason: 'not an IP address: "10.0.0.999"' });
    const nobody = adaptKeycloak(text('2025-11-21 09:00:02,311 WARN  [org.keycloak.events] (t) type=LOGIN_ERROR, realmId=acme, clientId=portal, userId=null, ipAddress=10.0.0.9, error=invalid_redirect_uri'));
    expect(nobody).toMatchObject({ ok: false, field: '/username', reason: expect.stringContaining('no user: the event names neither a username nor a userId (error invalid_redirect_uri)') });
  });

  it('refuses a line with a time of day but no date, rather than guessing the day', () => {
    const r = adaptKeycloak(text('21:01:45,403 WARN  [org.keycloak.events] (default task-1) type=LOGIN_ERROR, realmId=test, clientId=test, userId=null, ipAddress=172.18.0.1, error=user_not_found, username=x'));
    expect(r).toMatchObject({ ok: false, field: '/time', reason: expect.stringContaining('has a time of day (21:01:45,403) but no date') });
  });

  it.each<[string, Record<string, string> | undefined]>([
    ['type=LOGIN, a=1', { type: 'LOGIN', a: '1' }],
    ["consent='no consent required', b=x", { consent: 'no consent required', b: 'x' }],
    ['a="q \\"x\\", y", b="2"', { a: 'q "x", y', b: '2' }],
    ['redirect_uri=http://h/cb?x=1, y=2', { redirect_uri: 'http://h/cb?x=1', y: '2' }],
    ['a="unterminated', undefined],
    ['not pairs at all', undefined],
  ])('parses the pairs of %s', (message, want) => {
    const got = parsePairs(message);
    expect(got === undefined ? undefined : Object.fromEntries(got)).toEqual(want);
  });
});

describe('adaptKeycloak: formats and auto', () => {
  it('is picked by --format auto for user events, admin events and log lines alike', async () => {
    for (const f of ['keycloak-events.json', 'keycloak-admin-events.ndjson', 'keycloak-server.log']) {
      expect(await adaptFile(f, adaptAuto)).toEqual(await adaptFile(f, adaptKeycloak));
    }
  });

  it('rejects CSV and a JSON record that is no Keycloak event', () => {
    expect(adaptKeycloak({ ok: true, line: 2, shape: 'csv', value: { a: 'b' } })).toMatchObject({ ok: false, reason: expect.stringContaining('not CSV') });
    expect(adaptKeycloak(json({ hello: 'world' }))).toMatchObject({ ok: false, field: '/type', reason: expect.stringContaining('not a Keycloak event') });
  });
});

describe('Keycloak error table', () => {
  it('documents every mapped error with its code and outcome, and the codes are unique', () => {
    const codes = new Set<number>();
    for (const [error, { code, outcome }] of keycloakErrorTable()) {
      expect(DOC).toContain(`| \`${error}\` | ${code} | ${outcome} |`);
      expect(codes.has(code)).toBe(false);
      codes.add(code);
    }
    expect(keycloakOutcome(undefined, undefined)).toEqual({ code: 0, outcome: 'success' });
    expect(keycloakOutcome('something_new', undefined)).toEqual({ code: 1999, outcome: 'other' });
    expect(keycloakOutcome('INVALID_USER_CREDENTIALS', 'webauthn')).toEqual({ code: 1003, outcome: 'mfaDenied' });
  });
});

describe('adaptKeycloak properties', () => {
  const base = {
    time: 1763715600123,
    type: 'LOGIN_ERROR',
    realmId: 'acme',
    clientId: 'portal',
    userId: 'u-1',
    ipAddress: '198.51.100.1',
    error: 'invalid_user_credentials',
    details: { username: 'bob', credential_type: 'otp' },
  };
  const keys = [...Object.keys(base), 'id', 'sessionId', 'operationType', 'resourceType', 'resourcePath', 'authDetails', 'representation'];

  it('never throws on any mutation of a user or admin event; every answer is an event or a rejection with a reason', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), fc.jsonValue()), (patch) => {
        const r = adaptKeycloak(json({ ...base, ...patch }));
        if (r.ok) expect(['signIn', 'directoryAudit']).toContain(r.event.kind);
        else {
          expect(typeof r.field).toBe('string');
          expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any log line, and a rejection always names a reason', () => {
    const header = fc.constantFrom('', '2025-11-21 ', '2025-13-45 ', '2025-11-21T');
    const piece = fc.constantFrom('type=', 'LOGIN', 'operationType=', ', ', '"', "'", '\\', '=', 'null', 'username=', 'ipAddress=', '1.2.3.4', ' ', 'x');
    fc.assert(
      fc.property(header, fc.array(piece, { maxLength: 30 }), fc.string({ maxLength: 20 }), (h, parts, noise) => {
        for (const line of [`${h}09:00:02,311 WARN  [org.keycloak.events] (t) ${parts.join('')}`, `${h}${noise}${parts.join('')}`]) {
          const parsed = parseKeycloakLine(line);
          if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
          const r = adaptKeycloak(text(line));
          if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
