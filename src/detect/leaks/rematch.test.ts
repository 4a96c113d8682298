import { describe, it, expect } from 'vitest';
import { rematchLeaks } from './rematch.ts';
import type { DirectorySnapshot, DirectoryUser } from '../../schema/directory.ts';

const user = (upn: string): DirectoryUser => ({ id: `id-${upn}`, userPrincipalName: upn, userType: 'member', accountEnabled: true, assignedLicenses: [] });
const snapshot = (users: DirectoryUser[]): DirectorySnapshot => ({ users, groups: [], applications: [], roles: [] });

describe('rematchLeaks', () => {
  const leaks = { listLeaks: async () => [{ account: 'new@x.example', importedAt: '2026-11-01T00:00:00.000Z', source: 'feed' }] };

  it('matches stored leaks against users imported after the feed, honouring D8 settings', async () => {
    const before = await rematchLeaks('t', { leaks, control: { getDirectory: async () => snapshot([]) }, settings: { getSettings: async () => ({}) } });
    expect(before).toEqual([]);
    const after = await rematchLeaks('t', { leaks, control: { getDirectory: async () => snapshot([user('New@x.example')]) }, settings: { getSettings: async () => ({ D8: { logOnly: true } }) } });
    expect(after.map((d) => [d.detector, d.userPrincipalName, d.logOnly])).toEqual([['D8', 'New@x.example', true]]);
    const off = await rematchLeaks('t', { leaks, control: { getDirectory: async () => snapshot([user('new@x.example')]) }, settings: { getSettings: async () => ({ D8: { enabled: false } }) } });
    expect(off).toEqual([]);
  });
});
