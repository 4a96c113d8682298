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

  it("a reset by another process (the CLI) ends that user's sessions in the server, and only theirs", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authlens-portal-'));
    try {
      const server = createSessionService(createFilePortalUserStore(dir));
      const cli = createSessionService(createFilePortalUserStore(dir));
      const first = (await server.bootstrapGlobalAdmin('acme', 'admin@acme.example')) ?? '';
      const admin = await server.login('acme', 'admin@acme.example', first);
      expect(admin?.mustChangePassword).toBe(true);
      expect(await server.changePassword(admin?.sessionId ?? '', first, 'chosen by the admin')).toEqual({ ok: true });
      await createFilePortalUserStore(dir).put({ ...(await createFilePortalUserStore(dir).get('acme', 'admin@acme.example'))!, upn: 'reader@acme.example', role: 'reports-reader' });
      const reader = await server.login('acme', 'reader@acme.example', 'chosen by the admin');
      expect(await server.validate(admin?.sessionId ?? '')).toBeDefined();

      const issued = await cli.issueOneTimePassword('acme', 'ADMIN@acme.example');
      expect(issued).toMatchObject({ created: false, user: { upn: 'admin@acme.example', role: 'global-admin', mustChangePassword: true } });
      const reset = issued.password;
      expect(reset).toMatch(/^[\w-]{27}$/);
      expect(await server.validate(admin?.sessionId ?? '')).toBeUndefined();
      expect(await server.validate(reader?.sessionId ?? '')).toBeDefined();
      expect(await server.login('acme', 'admin@acme.example', 'chosen by the admin')).toBeUndefined();
      expect((await server.login('acme', 'admin@acme.example', reset ?? ''))?.mustChangePassword).toBe(true);
      const added = await cli.issueOneTimePassword('acme', 'new@acme.example', 'security-admin');
      expect(added).toMatchObject({ created: true, user: { role: 'security-admin' } });
      expect((await server.login('acme', 'new@acme.example', added.password))?.session.principal.role).toBe('security-admin');
      expect((await createFilePortalUserStore(dir).list('acme')).map((u) => u.upn).sort()).toEqual(['admin@acme.example', 'new@acme.example', 'reader@acme.example']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
