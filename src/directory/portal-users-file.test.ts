import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { createFilePortalUserStore, PORTAL_USERS_FILE } from './portal-users-file.ts';
import { createSessionService } from './sessions.ts';

describe('file portal user store', () => {
  it('persists users across instances with mode 0600 and no plain password', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authlens-portal-'));
    try {
      const pw = await createSessionService(createFilePortalUserStore(dir)).bootstrapGlobalAdmin('acme', 'admin@acme.example');
      const other = createSessionService(createFilePortalUserStore(dir));
      expect(await other.bootstrapGlobalAdmin('acme', 'x@acme.example')).toBeUndefined();
      expect((await other.login('acme', 'admin@acme.example', pw ?? ''))?.session.principal.role).toBe('global-admin');
      const file = path.join(dir, PORTAL_USERS_FILE);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(await readFile(file, 'utf8')).not.toContain(pw ?? 'never');
      const store = createFilePortalUserStore(dir);
      await Promise.all([1, 2, 3].map((i) => store.put({ tenant: 'b', upn: `u${i}@b`, role: 'reports-reader', passwordHash: 'h', createdAt: 'c', mustChangePassword: false })));
      expect(await store.countForTenant('b')).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
