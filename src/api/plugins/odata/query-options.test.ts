import { describe, it, expect } from 'vitest';
import { normaliseQuery, parseListOptions } from './query-options.ts';
import { signSkipToken, verifySkipToken } from './skip-token.ts';

describe('parseListOptions', () => {
  it('applies the resource defaults: newest first, signIns 1000, riskDetections 20', () => {
    expect(parseListOptions('signIns', {})).toEqual({ ok: true, options: { order: 'desc', top: 1000, count: false } });
    expect(parseListOptions('riskDetections', {})).toEqual({ ok: true, options: { order: 'desc', top: 20, count: false } });
  });

  it.each([
    ['signIns', { $top: '1001' }, "Invalid $top value '1001': it must be from 1 to 1000"],
    ['riskyUsers', { $top: '501' }, "Invalid $top value '501': it must be from 1 to 500"],
    ['signIns', { $top: '0' }, "Invalid $top value '0': it must be from 1 to 1000"],
    ['signIns', { $top: 'ten' }, "Invalid $top value 'ten': expected a whole number from 1 to 1000"],
    ['signIns', { $orderby: 'userPrincipalName' }, "Invalid $orderby 'userPrincipalName': only 'createdDateTime asc' or 'createdDateTime desc' is supported"],
    ['signIns', { $filter: "nope eq 'x'" }, "Invalid filter clause: unknown or unsupported property 'nope'"],
    ['signIns', { $filter: "status/errorCode eq 'x'" }, "Invalid filter clause: 'status/errorCode' is number and cannot be compared with a string"],
    ['signIns', { $filter: 'createdDateTime gt 5' }, "Invalid filter clause: 'createdDateTime' is dateTime and cannot be compared with a number"],
    ['signIns', { $filter: "targetResources/any(t: t/displayName eq 'x')" }, "Invalid filter clause: 'targetResources' is not a collection that supports any()"],
    ['directoryAudits', { $filter: "targetResources/any(t: t/nope eq 'x')" }, "Invalid filter clause: unknown or unsupported property 'nope'"],
    ['signIns', { $filter: 'userId eq' }, 'Invalid filter clause: expected a literal (string, number, true, false, null, DateTimeOffset) but found end of expression at position 9'],
    ['signIns', { $select: 'id,password' }, "Invalid $select: 'password' is not a property of this resource"],
    ['signIns', { $count: 'yes' }, "Invalid $count 'yes': expected true or false"],
    ['signIns', { $expand: 'x' }, '$expand is not supported on this resource'],
    ['signIns', { $top: ['1', '2'] }, '$top is given more than once'],
  ] as const)('%s %j -> %s', (resource, query, message) => {
    expect(parseListOptions(resource, query)).toEqual({ ok: false, message });
  });

  it('accepts a full set of options', () => {
    const r = parseListOptions('directoryAudits', {
      $filter: "targetResources/any(t: t/displayName eq 'x') and initiatedBy/user/userPrincipalName eq 'a@b'",
      $top: '5',
      $orderby: 'activityDateTime asc',
      $select: 'id,activityDateTime,id',
      $count: 'true',
      $skiptoken: 'abc',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.options).toMatchObject({ top: 5, order: 'asc', select: ['id', 'activityDateTime'], count: true, skipToken: 'abc' });
    expect(normaliseQuery(r.options)).toBe(
      JSON.stringify(["(targetResources/any(t: t/displayName eq 'x') and initiatedBy/user/userPrincipalName eq 'a@b')", 'asc', 5, ['id', 'activityDateTime'], true]),
    );
  });
});

describe('skip tokens', () => {
  const key = Buffer.alloc(32, 7);
  const payload = { tenant: 'alpha', resource: 'signIns' as const, query: '[null,"desc",1000,null,false]', after: { time: '2026-11-01T00:00:00.000Z', id: 's-1' } };

  it('verifies its own tokens', () => {
    expect(verifySkipToken(key, signSkipToken(key, payload))).toEqual(payload);
  });

  it('refuses a token signed with another key, edited, or malformed', () => {
    const token = signSkipToken(key, payload);
    expect(verifySkipToken(Buffer.alloc(32, 8), token)).toBeUndefined();
    const [body, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(Buffer.from(body, 'base64url').toString().replace('alpha', 'beta_')).toString('base64url');
    expect(verifySkipToken(key, `${forged}.${mac}`)).toBeUndefined();
    expect(verifySkipToken(key, 'garbage')).toBeUndefined();
    expect(verifySkipToken(key, '.')).toBeUndefined();
  });
});
