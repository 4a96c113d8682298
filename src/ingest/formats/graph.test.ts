import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readRecords, type RawRecord } from '../read-records.ts';
import type { AdaptResult } from './adapt-result.ts';
import { adaptAuto } from './auto.ts';
import { adaptGraph } from './graph.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/ingest');

async function adaptFile(name: string, adapt = adaptGraph): Promise<{ line: number; r: AdaptResult }[]> {
  const out: { line: number; r: AdaptResult }[] = [];
  for await (const raw of readRecords(readFileSync(path.join(FIXTURES, name)), { maxRecordBytes: 256 * 1024 })) {
    out.push({ line: raw.line, r: raw.ok ? adapt(raw) : { ok: false, field: raw.field, reason: raw.reason } });
  }
  return out;
}

const json = (value: Record<string, unknown>): Extract<RawRecord, { ok: true }> => ({ ok: true, line: 1, shape: 'json', value });

describe('adaptGraph: list response', () => {
  it('maps sign-ins: guest by #EXT#, consumer by the MSA tenant, outcome from the error code', async () => {
    const rs = await adaptFile('graph-signins-page.json');
    expect(rs.map((x) => x.line)).toEqual([4, 20, 31]);
    expect(rs[0]?.r).toEqual({
      ok: true,
      event: {
        kind: 'signIn',
        id: 'g-si-1',
        createdDateTime: '2026-10-30T07:01:02.123Z',
        userId: 'u-guest',
        userPrincipalName: 'guest_fabrikam.com#EXT#@contoso.onmicrosoft.com',
        userDisplayName: 'Guest Person',
        userType: 'guest',
        appId: 'app-1',
        appDisplayName: 'Teams',
        ipAddress: '198.51.100.20',
        clientAppUsed: 'Browser',
        isInteractive: true,
        status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
        outcome: 'credentialFailure',
        deviceDetail: { operatingSystem: 'Linux', browser: 'Firefox 130', isManaged: false },
        location: { city: 'Lyon', state: 'Rhone', countryOrRegion: 'FR', geoCoordinates: { latitude: 45.76, longitude: 4.84 } },
        source: 'entra',
      },
    });
    expect(rs[1]?.r).toMatchObject({
      ok: true,
      event: { userType: 'consumer', outcome: 'mfaDenied', ipAddress: '2001:db8::5', mfaDetail: { authMethod: 'Mobile app notification' } },
    });
    expect(rs[2]?.r).toEqual({ ok: false, field: '/createdDateTime', reason: 'not an ISO-8601 time: "not a time"' });
  });
});

describe('adaptGraph: Log Analytics CSV', () => {
  it('reads US-style UTC dates, JSON cells, the table for isInteractive, and names columns in rejections', async () => {
    const rs = await adaptFile('graph-signinlogs.csv');
    expect(rs.map((x) => x.line)).toEqual([2, 3, 6]);
    expect(rs[0]?.r).toMatchObject({
      ok: true,
      event: {
        id: 'csv-1',
        createdDateTime: '2026-11-03T21:05:07.250Z',
        userType: 'member',
        isInteractive: true,
        status: { errorCode: 50053, failureReason: 'Account is locked' },
        outcome: 'blocked',
        deviceDetail: { operatingSystem: 'Windows 10', browser: 'Edge 120' },
        location: { city: 'Oslo', countryOrRegion: 'NO', geoCoordinates: { latitude: 59.91, longitude: 10.75 } },
      },
    });
    expect(rs[1]?.r).toMatchObject({ ok: true, event: { id: 'csv-2', createdDateTime: '2026-11-03T00:00:00.000Z', isInteractive: false, outcome: 'success' } });
    expect(rs[2]?.r).toEqual({ ok: false, field: '/IPAddress', reason: 'not an IP address: "999.1.1.1"' });
  });
});

describe('adaptGraph: diagnostic envelope', () => {
  it('takes the record under properties with the envelope as fallback', async () => {
    const rs = await adaptFile('graph-envelope.ndjson');
    expect(rs[0]?.r).toMatchObject({
      ok: true,
      event: { kind: 'riskyUser', id: 'ru-1', riskLastUpdatedDateTime: '2026-11-04T18:11:52.700Z', riskLevel: 'high', isDeleted: false },
    });
    // errorCode from resultType, IP from callerIpAddress, offset time normalised
    expect(rs[1]?.r).toMatchObject({
      ok: true,
      event: {
        kind: 'signIn',
        createdDateTime: '2026-11-04T18:20:00.500Z',
        status: { errorCode: 50074 },
        outcome: 'interrupted',
        ipAddress: '198.51.100.9',
        isInteractive: true,
      },
    });
    expect(rs[2]?.r).toMatchObject({ ok: false, field: '/category', reason: expect.stringContaining('"ProvisioningLogs" is not supported') });
    expect(rs[3]?.r).toMatchObject({
      ok: true,
      event: { kind: 'riskDetection', riskEventType: 'passwordSpray', additionalInfo: '[{"Key":"userAgent","Value":"curl/8"}]' },
    });
  });

  it('reads properties given as a JSON string and the category in any case', () => {
    const r = adaptGraph(json({ category: 'signinlogs', properties: JSON.stringify({ id: 's', createdDateTime: '2026-01-01T00:00:00Z', userPrincipalName: 'a@b', status: { errorCode: 0 } }) }));
    expect(r).toMatchObject({ ok: true, event: { id: 's', isInteractive: true, outcome: 'success' } });
    expect(adaptGraph(json({ category: 'SignInLogs', properties: '{broken' }))).toEqual({ ok: false, field: '/properties', reason: 'not a JSON object' });
  });

  it('prefixes rejection paths with /properties', () => {
    const r = adaptGraph(json({ category: 'UserRiskEvents', properties: { id: 'r', detectedDateTime: '2026-01-01T00:00:00Z', ipAddress: '1.2.3' } }));
    expect(r).toEqual({ ok: false, field: '/properties/ipAddress', reason: 'not an IP address: "1.2.3"' });
  });
});

describe('adaptGraph: single records', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['sign-in without id', { createdDateTime: '2026-01-01T00:00:00Z', userPrincipalName: 'a@b', status: { errorCode: 0 } }, '/id', 'required field is missing'],
    ['sign-in without error code', { id: '1', createdDateTime: '2026-01-01T00:00:00Z', userPrincipalName: 'a@b', status: {} }, '/status/errorCode', 'required'],
    ['audit with unknown result', { id: '1', activityDateTime: '2026-01-01T00:00:00Z', activityDisplayName: 'x', category: 'c', result: 'meh' }, '/result', 'unknown result'],
    ['audit with bad initiator IP', { id: '1', activityDateTime: '2026-01-01T00:00:00Z', activityDisplayName: 'x', result: 'success', initiatedBy: { user: { ipAddress: 'x' } } }, '/initiatedBy/user/ipAddress', 'not an IP'],
    ['unrecognised record', { hello: 'world' }, '', 'not a recognised Graph record'],
  ])('rejects %s', (_name, value, field, reason) => {
    const r = adaptGraph(json(value));
    expect(r).toMatchObject({ ok: false, field });
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('falls back to the service principal name when a sign-in has no user', () => {
    const r = adaptGraph(json({ id: '1', createdDateTime: '2026-01-01T00:00:00Z', servicePrincipalName: 'backup-job', appId: 'a', status: { errorCode: 7000215 } }));
    expect(r).toMatchObject({ ok: true, event: { userPrincipalName: 'backup-job', outcome: 'other' } });
  });

  it('drops out-of-range coordinates but keeps the place', () => {
    const r = adaptGraph(
      json({ id: '1', createdDateTime: '2026-01-01T00:00:00Z', userPrincipalName: 'a@b', status: { errorCode: 0 }, location: { city: 'Pyongyang', countryOrRegion: 'KP', geoCoordinates: { latitude: 125.16, longitude: 38.8 } } }),
    );
    expect(r).toMatchObject({ ok: true, event: { location: { city: 'Pyongyang', countryOrRegion: 'KP' } } });
    expect(r.ok && r.event.kind === 'signIn' && r.event.location?.geoCoordinates).toBe(undefined);
  });
});

describe('adaptAuto', () => {
  it('routes native by kind and Graph by its fields, one record at a time', async () => {
    const rs = await adaptFile('native-mixed.ndjson', adaptAuto);
    expect(rs.filter((x) => x.r.ok).length).toBe(5);
    expect(await adaptFile('graph-envelope.ndjson', adaptAuto)).toEqual(await adaptFile('graph-envelope.ndjson', adaptGraph));
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['neither', { id: 'x', when: 'now' }, 'cannot tell the format of this record: not native'],
    ['both', { kind: 'signIn', '@odata.type': '#microsoft.graph.signIn', createdDateTime: '2026-01-01T00:00:00Z' }, 'ambiguous'],
  ])('rejects a record that is %s', (_n, value, reason) => {
    const r = adaptAuto(json(value));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('rejects a CSV that is not a Log Analytics export', () => {
    const r = adaptAuto({ ok: true, line: 2, shape: 'csv', value: { StartTime: 'x', IPAddress: '1.2.3.4' } });
    expect(r).toMatchObject({ ok: false, field: '', reason: expect.stringContaining('no other CSV is known') });
  });
});

describe('adaptGraph properties', () => {
  const base = {
    id: 'p-1',
    createdDateTime: '2026-01-01T00:00:00Z',
    userPrincipalName: 'a@b.example',
    ipAddress: '198.51.100.1',
    status: { errorCode: 50126 },
    deviceDetail: { operatingSystem: 'Linux' },
    location: { city: 'Lyon', geoCoordinates: { latitude: 45.7, longitude: 4.8 } },
  };
  const keys = [...Object.keys(base), 'userType', 'homeTenantId', 'isInteractive', 'mfaDetail', 'category', 'properties', '@odata.type'];

  it('never throws on any mutation of a Graph sign-in, alone or in an envelope; accepted events match the schema', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), fc.jsonValue()), fc.boolean(), (patch, enveloped) => {
        const rec = { ...base, ...patch };
        const value = enveloped ? { category: 'SignInLogs', time: '2026-01-01T00:00:00Z', properties: rec } : rec;
        const r = adaptGraph(json(value));
        if (r.ok) expect(r.event.kind).toBe('signIn');
        else expect(r.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary CSV rows', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('Id', 'Type', 'CreatedDateTime [UTC]', 'UserPrincipalName', 'IPAddress', 'Status_dynamic', 'ActivityDisplayName', 'Result', 'InitiatedBy', 'TargetResources'), fc.string()), (row) => {
        const r = adaptGraph({ ok: true, line: 2, shape: 'csv', value: row });
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
