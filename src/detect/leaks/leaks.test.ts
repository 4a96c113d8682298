import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseLeaks } from './parse-leaks.ts';
import { matchLeaks } from './match-leaks.ts';
import { ntlmHex, sha1Hex } from './password-hashes.ts';
import type { DirectoryUser } from '../../schema/directory.ts';

const AT = '2026-11-20T00:00:00.000Z';
const user = (upn: string, mail?: string): DirectoryUser => ({ id: `id-${upn}`, userPrincipalName: upn, mail, userType: 'member', accountEnabled: true, assignedLicenses: [] });

describe('password hashes', () => {
  it('match the published vectors (SHA-1 of "password", NTLM of "password", MD4 of "")', () => {
    expect(sha1Hex('password')).toBe('5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8');
    expect(ntlmHex('password')).toBe('8846F7EAEE8FB117AD06BDD830B7586C');
    expect(ntlmHex('')).toBe('31D6CFE0D16AE931B73C59D7E0C089C0');
  });
});

describe('parseLeaks', () => {
  it('reads CSV with a header, hashes clear-text passwords and never keeps them, rejects bad rows with line and field', () => {
    const csv = 'Email,password,source,date\nBob@X.example,hunter2,combo,2026-01-01\n,x,combo,\ncarol@x.example,,dump,\n';
    const r = parseLeaks(csv, AT);
    expect(r.records).toHaveLength(2);
    expect(r.records[0]).toEqual({ account: 'bob@x.example', sha1: sha1Hex('hunter2'), ntlm: ntlmHex('hunter2'), source: 'combo', date: '2026-01-01', importedAt: AT });
    expect(JSON.stringify(r.records)).not.toContain('hunter2');
    expect(r.rejected).toEqual([{ line: 3, field: 'email', reason: 'no account: one of email, upn, username is required' }]);
  });

  it('reads NDJSON with upn/username and password_sha1, rejecting bad hashes and bad JSON', () => {
    const nd = [
      JSON.stringify({ upn: 'a@x.example', password_sha1: 'a'.repeat(40) }),
      JSON.stringify({ username: 'b@x.example', ntlm: 'zz' }),
      '{not json',
    ].join('\n');
    const r = parseLeaks(nd, AT);
    expect(r.records).toEqual([{ account: 'a@x.example', sha1: 'A'.repeat(40), importedAt: AT }]);
    expect(r.rejected).toEqual([
      { line: 2, field: 'ntlm', reason: 'must be 32 hex digits' },
      { line: 3, field: '', reason: 'not valid JSON' },
    ]);
  });

  it.each([
    ['semicolons', 'email;sha1\nana@x.example;' + 'A'.repeat(40) + '\nbob@x.example;' + 'B'.repeat(40) + '\n', 'email;sha1'],
    ['no header row', 'ana@x.example,' + 'A'.repeat(40) + '\nbob@x.example,' + 'B'.repeat(40) + '\n', 'ana@x.example, ' + 'a'.repeat(40)],
  ])('a CSV whose header names no account column (%s) is one clear rejection, not one per row', (_name, csv, found) => {
    expect(parseLeaks(csv, AT)).toEqual({
      records: [],
      rejected: [{ line: 1, field: '', reason: `the header row has no email, upn, username column (it has: ${found}); the first line must name the columns, separated by commas` }],
    });
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const r = parseLeaks(s, AT);
      expect(r.records.length + r.rejected.length).toBeGreaterThanOrEqual(0);
    }));
  });
});

describe('matchLeaks (D8)', () => {
  const users = [user('Bob@X.example', 'robert@x.example'), user('carol@x.example')];

  it('matches by UPN or mail case-insensitively, ignores non-users, deterministic ids, hash kept only as a prefix', () => {
    const leaks = parseLeaks('email,sha1\nbob@x.example,' + 'B'.repeat(40) + '\nROBERT@x.example,\nnobody@x.example,\n', AT).records;
    const a = matchLeaks(leaks, users);
    expect(a.map((d) => [d.userPrincipalName, d.severity, d.evidence.matchedBy])).toEqual([['Bob@X.example', 'medium', 'userPrincipalName'], ['Bob@X.example', 'medium', 'mail']]);
    expect(a[0]?.evidence.sha1Prefix).toBe('BBBBB');
    expect(JSON.stringify(a)).not.toContain('B'.repeat(40));
    expect(matchLeaks(leaks, users).map((d) => d.id)).toEqual(a.map((d) => d.id));
  });

  it('with the tenant-supplied hash: high when it matches, nothing when it differs', () => {
    const leaks = parseLeaks('email,password\ncarol@x.example,Summer2026!\nbob@x.example,old-password\n', AT).records;
    const known = new Map([
      ['carol@x.example', { ntlm: ntlmHex('Summer2026!') }],
      ['bob@x.example', { ntlm: ntlmHex('new-password') }],
    ]);
    const out = matchLeaks(leaks, users, { knownHashes: known });
    expect(out.map((d) => [d.userPrincipalName, d.severity, d.evidence.passwordHashMatches])).toEqual([['carol@x.example', 'high', 'ntlm']]);
  });
});
