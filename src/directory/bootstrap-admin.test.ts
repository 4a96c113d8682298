import { describe, it, expect } from 'vitest';
import { ensureFirstGlobalAdmin } from './bootstrap-admin.ts';
import { createMemoryControlStore } from './memory-control-store.ts';
import { createMemoryPortalUserStore, createSessionService } from './sessions.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from '../schema/directory.ts';

describe('ensureFirstGlobalAdmin', () => {
  it("picks the directory's licensed global admin, once, and the password signs in", async () => {
    const control = createMemoryControlStore();
    await control.importDirectory('acme', {
      users: [
        { id: 'u0', userPrincipalName: 'reader@acme.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e3'] },
        { id: 'u1', userPrincipalName: 'ga@acme.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
      ],
      roles: [{ id: 'r', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['u1'] }],
    });
    const users = createMemoryPortalUserStore();
    const first = await ensureFirstGlobalAdmin(users, control, 'acme');
    expect(first).toMatchObject({ tenant: 'acme', upn: 'ga@acme.example', generated: true });
    expect(await ensureFirstGlobalAdmin(users, control, 'acme')).toBeUndefined();
    const login = await createSessionService(users).login('acme', 'ga@acme.example', first?.password ?? '');
    expect(login?.session.principal.role).toBe('global-admin');
  });

  it('falls back to admin@<tenant> and takes a configured password', async () => {
    const r = await ensureFirstGlobalAdmin(createMemoryPortalUserStore(), createMemoryControlStore(), 'demo', { password: 'configured-pw' });
    expect(r).toEqual({ tenant: 'demo', upn: 'admin@demo', password: 'configured-pw', generated: false });
  });
});
