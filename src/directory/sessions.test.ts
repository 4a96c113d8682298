import { describe, it, expect } from 'vitest';
import { createMemoryPortalUserStore, createSessionService } from './sessions.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('hashes with a fresh salt and verifies only the same password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('SessionService', () => {
  it('bootstraps the first global admin once with a one-time password, then signs in and expires', async () => {
    let now = 1_000_000;
    const svc = createSessionService(createMemoryPortalUserStore(), { now: () => now, ttlMs: 60_000 });
    const pw = await svc.bootstrapGlobalAdmin('acme', 'admin@acme.example');
    expect(pw).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(await svc.bootstrapGlobalAdmin('acme', 'other@acme.example')).toBeUndefined();
    expect(await svc.login('acme', 'admin@acme.example', 'wrong')).toBeUndefined();
    expect(await svc.login('other', 'admin@acme.example', pw!)).toBeUndefined();
    const r = await svc.login('acme', 'ADMIN@acme.example', pw!);
    expect(r?.mustChangePassword).toBe(true);
    expect(r?.session.principal).toEqual({ tenant: 'acme', role: 'global-admin', kind: 'session', id: 'admin@acme.example' });
    expect(svc.get(r!.sessionId)?.csrfToken).toBe(r!.session.csrfToken);
    now += 60_001;
    expect(svc.get(r!.sessionId)).toBeUndefined();
  });

  it('takes a configured bootstrap password and logs out', async () => {
    const svc = createSessionService(createMemoryPortalUserStore());
    expect(await svc.bootstrapGlobalAdmin('acme', 'admin@acme.example', 'from-config-pw')).toBe('from-config-pw');
    const r = await svc.login('acme', 'admin@acme.example', 'from-config-pw');
    expect(r?.mustChangePassword).toBe(false);
    svc.logout(r!.sessionId);
    expect(svc.get(r!.sessionId)).toBeUndefined();
  });
});
