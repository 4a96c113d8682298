// What the simulator writes must load through the modules that consume it:
// `directory import` (authlens JSON) and the IP-list loader.
import { describe, expect, it } from 'vitest';
import { readDirectoryImport } from '../directory/directory-import.ts';
import { isLicensedGlobalAdminIn } from '../directory/global-admin.ts';
import { parseIpList } from '../enrich/ip-lists/formats.ts';
import { simulate } from './simulate.ts';

const world = simulate({ users: 80, days: 7, seed: 13, end: new Date('2026-11-27T00:00:00.000Z') });

describe('simulator output for its consumers', () => {
  it('directory.json imports as authlens JSON without problems, with licensed and unlicensed global admins', () => {
    const r = readDirectoryImport(JSON.parse(JSON.stringify(world.directory)));
    if (!r.ok) throw new Error(JSON.stringify(r.problems.slice(0, 3)));
    expect(r.snapshot.users?.length).toBe(80);
    expect(r.snapshot.roles?.length).toBe(world.directory.roles.length);
    expect(isLicensedGlobalAdminIn(world.directory, 'emergency.access@northwind.example')).toBe(false);
    const ga = world.directory.roles.find((x) => x.displayName === 'Global Administrator');
    const licensed = world.directory.users.filter((u) => ga?.memberIds.includes(u.id) === true && u.assignedLicenses.length > 0);
    expect(licensed.length).toBeGreaterThanOrEqual(3);
    for (const u of licensed) expect(isLicensedGlobalAdminIn(world.directory, u.userPrincipalName)).toBe(true);
  });

  it('the demo lists parse as plain lists with no rejected line', () => {
    const header = '# synthetic\n';
    for (const ips of [world.lists.torExits, world.lists.botnet, world.lists.corporateEgress]) {
      const r = parseIpList(`${header}${ips.join('\n')}\n`, { sourceName: 'list.txt' });
      expect(r.rejectedCount).toBe(0);
      expect(r.v4 + r.v6).toBe(new Set(ips).size);
    }
  });
});
