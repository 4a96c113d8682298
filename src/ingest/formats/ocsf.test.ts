/**
 * The OCSF adapter on fixtures written for this project (no OCSF sample is in
 * ../shared/samples). Their shapes follow published OCSF examples in the
 * ocsf/examples repository: the AWS CloudTrail ConsoleLogin mapping sample
 * (user.uid an ARN, the name only in actor.user, is_mfa), the Windows 4625 and
 * 4624 samples (`-` for absent values, "NULL SID", NTSTATUS in `status`) and
 * the CloudTrail CreateUser Account Change sample; the Okta-style records
 * follow the same schema's service, location and status_detail fields.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ntstatusTable, ocsfFailure, statusCodeInt } from '../ocsf-status.ts';
import { readRecords, type RawRecord } from '../read-records.ts';
import type { AdaptResult } from './adapt-result.ts';
import { adaptAuto } from './auto.ts';
import { adaptOcsf } from './ocsf.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/ingest');
const DOC = readFileSync(path.resolve(import.meta.dirname, '../../../docs/formats/ocsf.md'), 'utf8');

async function adaptFile(name: string, adapt = adaptOcsf): Promise<AdaptResult[]> {
  const out: AdaptResult[] = [];
  for await (const raw of readRecords(readFileSync(path.join(FIXTURES, name)), { maxRecordBytes: 256 * 1024 })) {
    out.push(raw.ok ? adapt(raw) : { ok: false, field: raw.field, reason: raw.reason });
  }
  return out;
}

const json = (value: Record<string, unknown>): Extract<RawRecord, { ok: true }> => ({ ok: true, line: 1, shape: 'json', value });

describe('adaptOcsf: Authentication (3002)', () => {
  it('maps logons of every producer shape, and rejects what is not a sign-in', async () => {
    const rs = await adaptFile('ocsf-events.ndjson');
    expect(rs).toHaveLength(10);
    expect(rs[0]).toEqual({
      ok: true,
      event: {
        kind: 'signIn',
        id: 'fed06f42-0001',
        createdDateTime: '2025-11-21T09:00:00.000Z',
        userId: 'arn:aws:iam::111122223333:user/anaya',
        userPrincipalName: 'anaya',
        appDisplayName: 'https://console.aws.amazon.com/console/home',
        ipAddress: '192.0.2.44',
        isInteractive: true,
        status: { errorCode: 0, additionalDetails: 'product=CloudTrail (AWS)' },
        outcome: 'success',
        userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        authenticationRequirement: 'multiFactorAuthentication',
        source: 'ocsf',
      },
    });
    // Windows 4625: NTSTATUS in `status`, `-` for the source IP, NULL SID for the user id.
    expect(rs[1]).toMatchObject({
      ok: true,
      event: { userPrincipalName: 'EC2AMAZ-6KJ2BPP\\Administrator', status: { errorCode: -1073741715, failureReason: 'Unknown user name or bad password.' }, outcome: 'credentialFailure', isInteractive: false, clientAppUsed: 'NTLM' },
    });
    expect(rs[1]?.ok === true && rs[1].event.kind === 'signIn' && [rs[1].event.ipAddress, rs[1].event.userId]).toEqual([undefined, undefined]);
    expect(rs[2]).toMatchObject({
      ok: true,
      event: {
        userPrincipalName: 'bob@example.com',
        appId: '0oa9xyz',
        appDisplayName: 'Salesforce',
        outcome: 'credentialFailure',
        status: { errorCode: 1, failureReason: 'INVALID_CREDENTIALS' },
        location: { city: 'Lyon', state: 'Auvergne-Rhone-Alpes', countryOrRegion: 'FR', geoCoordinates: { latitude: 45.76, longitude: 4.84 } },
      },
    });
    expect(rs[3]).toMatchObject({ ok: true, event: { outcome: 'mfaDenied', status: { errorCode: 1 } } });
    expect(rs[4]).toEqual({ ok: false, field: '/activity_id', reason: 'Authentication activity Logoff is not a sign-in; authlens reads Logon (1) and Authentication Ticket (3)' });
    expect(rs[5]).toMatchObject({ ok: true, event: { userPrincipalName: 'NT AUTHORITY\\SYSTEM', outcome: 'success', isInteractive: false } });
    expect(rs[8]).toEqual({ ok: false, field: '/class_uid', reason: 'OCSF class 4001 is not read; authlens reads Authentication (3002) and Account Change (3001)' });
    expect(rs[9]).toEqual({ ok: false, field: '/src_endpoint/ip', reason: 'not an IP address: "999.1.1.1"' });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['no status at all', { status_id: 0 }, '/status_id', 'does not say whether the sign-in succeeded'],
    ['no user', { user: { uid: '-' } }, '/user', 'no user'],
    ['no time', { time: null }, '/time', 'required field is missing'],
    ['a time that is not one', { time: 'yesterday' }, '/time', 'not an ISO-8601 time'],
    ['no class', { class_uid: 'x' }, '/class_uid', 'not an integer'],
  ])('rejects a logon with %s', (_n, patch, field, reason) => {
    const base = { class_uid: 3002, category_uid: 3, activity_id: 1, time: 1763715600000, status_id: 1, user: { name: 'a' } };
    const r = adaptOcsf(json({ ...base, ...patch }));
    expect(r).toMatchObject({ ok: false, field });
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('reads the status caption when status_id is absent, and an ISO time_dt when time is', () => {
    const r = adaptOcsf(json({ class_uid: 3002, category_uid: 3, activity_id: 1, time_dt: '2025-11-21T10:00:00+01:00', status: 'Failure', status_detail: 'Account locked out', user: { name: 'a' } }));
    expect(r).toMatchObject({ ok: true, event: { createdDateTime: '2025-11-21T09:00:00.000Z', outcome: 'blocked' } });
  });

  it('gives a record without metadata.uid the same content id each time, whatever its key order', () => {
    const a = adaptOcsf(json({ class_uid: 3002, category_uid: 3, activity_id: 1, time: 1, status_id: 1, user: { name: 'a', uid: 'u' } }));
    const b = adaptOcsf(json({ user: { uid: 'u', name: 'a' }, status_id: 1, time: 1, activity_id: 1, category_uid: 3, class_uid: 3002 }));
    expect(a.ok && b.ok && a.event.id === b.event.id && a.event.id.startsWith('ocsf-')).toBe(true);
  });
});

describe('adaptOcsf: Account Change (3001)', () => {
  it('maps the activity to an audit category, the actor to the initiator and the user to the target', async () => {
    const rs = await adaptFile('ocsf-events.ndjson');
    expect(rs[6]).toEqual({
      ok: true,
      event: {
        kind: 'directoryAudit',
        id: '7dd15a89-0007',
        activityDateTime: '2025-11-21T09:06:00.000Z',
        category: 'UserManagement',
        activityDisplayName: 'Create user',
        operationType: 'Add',
        result: 'success',
        loggedByService: 'CloudTrail (AWS)',
        correlationId: 'sess-77',
        initiatedBy: { user: { id: 'AROA2W7SOKHDLNCOKZNPS:Admin-user', userPrincipalName: 'Admin-user', ipAddress: '52.95.4.21' } },
        targetResources: [{ id: 'AIDA2W7SOKHDM47UMJRTX', userPrincipalName: 'test_user2', displayName: 'test_user2', type: 'User' }],
        additionalDetails: [
          { key: 'activity', value: 'Create' },
          { key: 'operation', value: 'CreateUser' },
          { key: 'service', value: 'iam.amazonaws.com' },
        ],
        source: 'ocsf',
      },
    });
    expect(rs[7]).toMatchObject({ ok: true, event: { category: 'PasswordReset', result: 'failure', resultReason: 'user not found', targetResources: [{ userPrincipalName: 'carol@example.com' }] } });
  });
});

describe('OCSF status -> outcome', () => {
  it('documents every NTSTATUS row', () => {
    for (const [code, outcome] of ntstatusTable()) expect(DOC.toLowerCase()).toContain(`| \`${code}\` | ${outcome.toLowerCase()} |`);
  });

  it.each<[readonly (string | undefined)[], number, string]>([
    [['0xC0000234'], -1073741260, 'blocked'],
    [['0xC0000072', 'Account disabled'], -1073741710, 'disabled'],
    [['50126', 'Invalid username or password'], 50126, 'credentialFailure'],
    [[undefined, 'Failure', 'Password has expired'], 1, 'interrupted'],
    [['MFA required'], 1, 'interrupted'],
    [['Invalid OTP'], 1, 'mfaDenied'],
    [['Something odd'], 1, 'other'],
    [[], 1, 'other'],
  ])('%j -> %i %s', (texts, code, outcome) => {
    expect(ocsfFailure(texts)).toEqual({ code, outcome });
  });

  it('reads codes as 32-bit integers or not at all', () => {
    expect(statusCodeInt('0xFFFFFFFF')).toBe(-1);
    expect(statusCodeInt('4294967296')).toBe(undefined);
    expect(statusCodeInt('0x1FFFFFFFF')).toBe(undefined);
  });
});

describe('adaptOcsf: auto and properties', () => {
  it('is picked by --format auto', async () => {
    expect(await adaptFile('ocsf-events.ndjson', adaptAuto)).toEqual(await adaptFile('ocsf-events.ndjson'));
  });

  it('rejects CSV', () => {
    expect(adaptOcsf({ ok: true, line: 2, shape: 'csv', value: { class_uid: '3002' } })).toMatchObject({ ok: false, field: '' });
  });

  const base = {
    class_uid: 3002,
    category_uid: 3,
    activity_id: 1,
    time: 1763715600000,
    status_id: 2,
    status_code: '0xC000006A',
    status_detail: 'bad password',
    user: { name: 'a', uid: 'u', email_addr: 'a@example.com' },
    actor: { user: { uid: 'u', name: 'a' } },
    src_endpoint: { ip: '198.51.100.1', location: { city: 'Lyon', coordinates: [4.8, 45.7] } },
    metadata: { uid: 'm-1', product: { name: 'X' } },
  };
  const keys = [...Object.keys(base), 'status', 'time_dt', 'is_mfa', 'logon_type_id', 'service', 'dst_endpoint', 'http_request', 'session', 'auth_protocol', 'api'];

  it('never throws on any mutation of a logon or an account change; every answer is an event or a rejection with a reason', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), fc.jsonValue()), fc.constantFrom(3002, 3001), (patch, cls) => {
        const r = adaptOcsf(json({ ...base, class_uid: cls, ...patch }));
        if (r.ok) expect(['signIn', 'directoryAudit']).toContain(r.event.kind);
        else {
          expect(typeof r.field).toBe('string');
          expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
