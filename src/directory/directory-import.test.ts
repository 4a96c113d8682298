import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { countsOf, mergeImports, readDirectoryImport } from './directory-import.ts';
import { isLicensedGlobalAdminIn } from './global-admin.ts';
import type { DirectorySnapshot } from '../schema/directory.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8'));

function ok(doc: unknown) {
  const r = readDirectoryImport(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r;
}

describe('readDirectoryImport: Graph list responses', () => {
  it('reads users with licences, user type, enabled flag and usage location', () => {
    const r = ok(fixture('graph-users.json'));
    expect(r.detected).toEqual(['graph:users']);
    expect(r.snapshot.users).toEqual([
      {
        id: '4f1a6c2e-0b3d-4e5f-9a7b-1c2d3e4f5a6b',
        userPrincipalName: 'AdeleV@fabrikam.example',
        displayName: 'Adele Vance',
        mail: 'AdeleV@fabrikam.example',
        userType: 'member',
        accountEnabled: true,
        assignedLicenses: ['c7df2760-2c81-4ef7-b578-5b5392b571df'],
        department: 'Retail',
        country: 'US',
      },
      {
        id: '8b2c3d4e-5f60-4718-92a3-b4c5d6e7f809',
        userPrincipalName: 'MeganB@fabrikam.example',
        displayName: 'Megan Bowen',
        userType: 'member',
        accountEnabled: true,
        assignedLicenses: [],
      },
      {
        id: '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
        userPrincipalName: 'partner_contoso.example#EXT#@fabrikam.example',
        displayName: 'Partner',
        userType: 'guest',
        accountEnabled: false,
        assignedLicenses: ['18181a46-0d4e-45cd-891e-60aabd171b4e'],
      },
    ]);
    expect(r.snapshot.groups).toBeUndefined();
  });

  it('reads groups with expanded members', () => {
    const r = ok(fixture('graph-groups.json'));
    expect(r.detected).toEqual(['graph:groups']);
    expect(r.snapshot.groups).toEqual([
      { id: '02bd9fd6-8f93-4758-87c3-1fb73740a315', displayName: 'HR Taskforce', selfService: false, memberIds: ['4f1a6c2e-0b3d-4e5f-9a7b-1c2d3e4f5a6b', '8b2c3d4e-5f60-4718-92a3-b4c5d6e7f809'] },
      { id: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', displayName: 'Empty', selfService: false, memberIds: [] },
    ]);
  });

  it('reads directory roles with members and servicePrincipals as applications', () => {
    const roles = ok(fixture('graph-directory-roles.json'));
    expect(roles.detected).toEqual(['graph:roles']);
    expect(roles.snapshot.roles?.[0]).toEqual({
      id: 'd2b2a6b4-1c6f-4a1e-9e31-2f7b0f2f1c11',
      displayName: 'Global Administrator',
      roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
      memberIds: ['4f1a6c2e-0b3d-4e5f-9a7b-1c2d3e4f5a6b', '8b2c3d4e-5f60-4718-92a3-b4c5d6e7f809', '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f'],
    });
    const apps = ok(fixture('graph-applications.json'));
    expect(apps.snapshot.applications?.map((a) => a.displayName)).toEqual(['Office 365 SharePoint Online', 'Office365 Shell WCSS-Client']);
  });

  it('detects the kind from the items when @odata.context is missing', () => {
    const strip = (name: string) => {
      const d = fixture(name) as Record<string, unknown>;
      delete d['@odata.context'];
      return d;
    };
    expect(ok(strip('graph-users.json')).detected).toEqual(['graph:users']);
    expect(ok(strip('graph-groups.json')).detected).toEqual(['graph:groups']);
    expect(ok(strip('graph-directory-roles.json')).detected).toEqual(['graph:roles']);
    expect(ok(strip('graph-applications.json')).detected).toEqual(['graph:applications']);
  });

  it('reads an array of list responses in one go', () => {
    const r = ok([fixture('graph-users.json'), fixture('graph-directory-roles.json')]);
    expect(r.detected).toEqual(['graph:users', 'graph:roles']);
    expect(countsOf(r.snapshot)).toEqual({ users: 3, groups: 0, applications: 0, roles: 2 });
  });

  it('rejects a user without userPrincipalName with the path and reason, importing nothing', () => {
    const r = readDirectoryImport({ value: [{ id: 'x', userPrincipalName: 'a@b' }, { id: 'y', userType: 'Member', userPrincipalName: 7 }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.field).toBe('/value/1/userPrincipalName');
  });

  it.each([
    ['a number', 42, ''],
    ['an unknown list', { value: [{ foo: 1 }] }, ''],
    ['value not an array', { value: {} }, '/value'],
    ['an object of nothing known', { hello: [] }, ''],
  ])('rejects %s', (_n, doc, field) => {
    const r = readDirectoryImport(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.field).toBe(field);
  });
});

describe('readDirectoryImport: authlens JSON', () => {
  const own: DirectorySnapshot = {
    users: [{ id: 'u1', userPrincipalName: 'a@x.example', userType: 'member', accountEnabled: true, assignedLicenses: ['s'] }],
    groups: [{ id: 'g1', displayName: 'Self', selfService: true, memberIds: ['u1'] }],
    applications: [],
    roles: [],
  };
  it('reads the snapshot unchanged', () => {
    const r = ok(own);
    expect(r.detected).toEqual(['authlens']);
    expect(r.snapshot).toEqual(own);
  });
  it('reads a subset (replaces only what is given)', () => {
    expect(ok({ users: own.users }).snapshot).toEqual({ users: own.users });
  });
  it('names the bad field of an invalid item', () => {
    const r = readDirectoryImport({ users: [{ ...own.users[0], accountEnabled: 'yes' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.field).toBe('/users/0/accountEnabled');
  });
});

describe('isLicensedGlobalAdminIn', () => {
  const dir = mergeImports([ok(fixture('graph-users.json')).snapshot, ok(fixture('graph-directory-roles.json')).snapshot]);
  const snap = { users: dir.users ?? [], roles: dir.roles ?? [] };
  it.each([
    ['licensed member of the role', 'AdeleV@fabrikam.example', true],
    ['UPN in other case', 'adelev@FABRIKAM.example', true],
    ['member without a licence', 'MeganB@fabrikam.example', false],
    ['licensed but disabled guest member', 'partner_contoso.example#EXT#@fabrikam.example', false],
    ['unknown user', 'nobody@fabrikam.example', false],
  ])('%s', (_n, upn, expected) => {
    expect(isLicensedGlobalAdminIn(snap, upn)).toBe(expected);
  });
  it('recognises the role by display name when the template id is absent, and not by a look-alike', () => {
    const users = snap.users;
    const byName = [{ id: 'r', displayName: 'Company Administrator', memberIds: ['4f1a6c2e-0b3d-4e5f-9a7b-1c2d3e4f5a6b'] }];
    expect(isLicensedGlobalAdminIn({ users, roles: byName }, 'AdeleV@fabrikam.example')).toBe(true);
    const other = [{ id: 'r', displayName: 'Global Administrator', roleTemplateId: '194ae4cb-b126-40b2-bd5b-6091b380977d', memberIds: ['4f1a6c2e-0b3d-4e5f-9a7b-1c2d3e4f5a6b'] }];
    expect(isLicensedGlobalAdminIn({ users, roles: other }, 'AdeleV@fabrikam.example')).toBe(false);
  });
});

describe('readDirectoryImport on arbitrary input', () => {
  it('never throws, and every accepted item matches the schema of its part', () => {
    const graphish = fc.record({
      '@odata.context': fc.constantFrom('x#users', 'x#groups', 'x#directoryRoles', 'x#servicePrincipals', 'other'),
      value: fc.array(fc.dictionary(fc.constantFrom('id', 'userPrincipalName', 'displayName', 'members', 'assignedLicenses', 'roleTemplateId', 'appId'), fc.jsonValue()), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), graphish, fc.array(graphish, { maxLength: 3 })), (doc) => {
        const r = readDirectoryImport(doc);
        if (r.ok) {
          for (const u of r.snapshot.users ?? []) expect(typeof u.userPrincipalName).toBe('string');
          for (const g of r.snapshot.groups ?? []) expect(Array.isArray(g.memberIds)).toBe(true);
        } else {
          expect(r.problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
