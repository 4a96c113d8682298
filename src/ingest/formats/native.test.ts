import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adaptNative } from './native.ts';

const signIn = {
  kind: 'signIn',
  id: 'si-1',
  createdDateTime: '2026-11-02T09:15:00+01:00',
  userPrincipalName: 'ana@example.org',
  isInteractive: true,
  status: { errorCode: 0 },
  outcome: 'success',
  ipAddress: '2001:DB8:0:0:0:0:0:1',
};

const adapt = (value: Record<string, unknown>) => adaptNative({ ok: true, line: 1, shape: 'json', value });

describe('adaptNative', () => {
  it('normalises the time to UTC milliseconds and the IP to its canonical form', () => {
    expect(adapt(signIn)).toEqual({
      ok: true,
      event: { ...signIn, createdDateTime: '2026-11-02T08:15:00.000Z', ipAddress: '2001:db8::1' },
    });
  });

  it('canonicalises the audit initiator IP (IPv4-mapped IPv6 becomes IPv4)', () => {
    const r = adapt({
      kind: 'directoryAudit',
      id: 'a1',
      activityDateTime: '2026-11-02T08:18:00-05:00',
      category: 'UserManagement',
      activityDisplayName: 'Add member to group',
      result: 'success',
      initiatedBy: { user: { ipAddress: '::ffff:198.51.100.4' } },
      targetResources: [],
      additionalDetails: [],
    });
    expect(r.ok && r.event.kind === 'directoryAudit' && r.event.initiatedBy.user?.ipAddress).toBe('198.51.100.4');
    expect(r.ok && r.event.kind === 'directoryAudit' && r.event.activityDateTime).toBe('2026-11-02T13:18:00.000Z');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['missing kind', { id: 'x' }, '/kind', 'required field is missing'],
    ['unknown kind', { kind: 'logon', id: 'x' }, '/kind', 'unknown kind "logon"'],
    ['invalid IP', { ...signIn, ipAddress: '123.456.7.89' }, '/ipAddress', 'not an IP address: "123.456.7.89"'],
    ['time without offset', { ...signIn, createdDateTime: '2026-11-02 08:20:00' }, '/createdDateTime', 'no UTC offset'],
    ['missing required field', { ...signIn, outcome: undefined }, '/outcome', 'required field is missing'],
    ['wrong type', { ...signIn, isInteractive: 'yes' }, '/isInteractive', 'must be boolean'],
    ['unknown outcome', { ...signIn, outcome: 'meh' }, '/outcome', 'must be one of "success", "credentialFailure", "interrupted", "mfaDenied", "blocked", "disabled", "other"'],
    ['unknown field', { ...signIn, colour: 'red' }, '/colour', 'unknown field'],
    ['nested wrong type', { ...signIn, status: { errorCode: 'x' } }, '/status/errorCode', 'must be integer'],
    ['audit initiator IP', { kind: 'directoryAudit', initiatedBy: { user: { ipAddress: 'nope' } } }, '/initiatedBy/user/ipAddress', 'not an IP address'],
  ])('rejects %s', (_name, value, field, reason) => {
    const r = adapt(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
    expect(r).toMatchObject({ ok: false, field });
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('rejects CSV rows: native is JSON', () => {
    expect(adaptNative({ ok: true, line: 2, shape: 'csv', value: { kind: 'signIn' } })).toMatchObject({ ok: false, field: '' });
  });

  it.each([
    [{ toString: {} }, 'unknown kind {"toString":{}} (one of '],
    [['signIn'], 'unknown kind ["signIn"] (one of '],
    ['signin', 'unknown kind "signin" (one of '],
  ])('rejects the kind %j by name, without calling its toString', (kind, reason) => {
    const r = adapt({ ...signIn, kind });
    expect(r.ok ? 'accepted' : [r.field, r.reason.slice(0, reason.length)]).toEqual(['/kind', reason]);
  });

  it('never throws on any mutation of a valid record, and accepted events are normalised', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...Object.keys(signIn), 'extra'), fc.jsonValue()), (patch) => {
        const r = adapt({ ...signIn, ...patch });
        if (r.ok) expect(r.event.kind === 'signIn' && r.event.createdDateTime).toMatch(/Z$/);
        else expect(r.reason.length).toBeGreaterThan(0);
      }),
    );
  });
});
