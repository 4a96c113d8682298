import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, afterEach } from 'vitest';
import { createMemoryPortalUserStore, createSessionService } from '../../../directory/sessions.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../directory/fixtures', name), 'utf8'));

describe('opt-in route', () => {
  it('records a licensed global admin, refuses others with 403 and a missing by with 400', async () => {
    t = await createTestApp();
    const key = await t.keyFor('alpha', 'global-admin');
    const url = '/api/v1/tenants/alpha/opt-in';
    const missing = await t.app.inject({ method: 'POST', url, headers: bearer(key), payload: {} });
    expect(missing.statusCode).toBe(400);
    const unlicensed = await t.app.inject({ method: 'POST', url, headers: bearer(key), payload: { by: 'unlicensed@contoso.example' } });
    expect(unlicensed.statusCode).toBe(403);
    expect(unlicensed.json()).toMatchObject({ error: { code: 'forbidden' } });
    const ok = await t.app.inject({ method: 'POST', url, headers: bearer(key), payload: { by: 'admin@contoso.example' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: 'alpha', optedInBy: 'admin@contoso.example' });
    expect((await t.store.control.getTenant('alpha'))?.optedInBy).toBe('admin@contoso.example');
    expect((await t.store.control.getTenant('beta'))?.optedInAt).toBeUndefined();
  });
});

describe('keys routes', () => {
  it('creates a key usable at once, lists it without the secret, revokes it', async () => {
    t = await createTestApp();
    const admin = await t.keyFor('alpha', 'global-admin');
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/keys', headers: bearer(admin), payload: { role: 'reports-reader', name: 'bi' } });
    expect(created.statusCode).toBe(201);
    const body = created.json() as { key: string; id: string; role: string; tenant: string };
    expect(Object.keys(body).sort()).toEqual(['id', 'key', 'role', 'tenant']);
    expect(body).toMatchObject({ role: 'reports-reader', tenant: 'alpha' });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: bearer(body.key) });
    expect(me.json()).toEqual({ tenant: 'alpha', id: body.id, role: 'reports-reader', kind: 'apiKey' });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tenants/alpha/keys', headers: bearer(admin) });
    expect(list.body).not.toContain(body.key.slice(20));
    expect((list.json() as Array<{ id: string }>).map((k) => k.id)).toContain(body.id);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/tenants/alpha/keys/${body.id}`, headers: bearer(admin) });
    expect(revoked.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: bearer(body.key) })).statusCode).toBe(401);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/tenants/alpha/keys/0000000000000000`, headers: bearer(admin) });
    expect(again.statusCode).toBe(404);
  });

  it("cannot revoke another tenant's key through its own tenant URL", async () => {
    t = await createTestApp();
    const alphaAdmin = await t.keyFor('alpha', 'global-admin');
    const betaKey = await t.keyFor('beta', 'reports-reader');
    const betaId = betaKey.split('_')[1] ?? '';
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/tenants/alpha/keys/${betaId}`, headers: bearer(alphaAdmin) });
    expect(res.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: bearer(betaKey) })).statusCode).toBe(200);
  });
});

describe('directory route', () => {
  it('imports Graph users and roles, after which the admin can opt in', async () => {
    t = await createTestApp();
    const admin = await t.keyFor('beta', 'global-admin');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tenants/beta/directory',
      headers: bearer(admin),
      payload: [fixture('graph-users.json'), fixture('graph-directory-roles.json')] as unknown as Record<string, unknown>,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ detected: ['graph:users', 'graph:roles'], users: 3, groups: 0, applications: 0, roles: 2 });
    const opt = await t.app.inject({ method: 'POST', url: '/api/v1/tenants/beta/opt-in', headers: bearer(admin), payload: { by: 'adelev@fabrikam.example' } });
    expect(opt.statusCode).toBe(200);
  });

  it('answers 400 with the offending path for a bad import and keeps the old directory', async () => {
    t = await createTestApp();
    const admin = await t.keyFor('alpha', 'global-admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/directory', headers: bearer(admin), payload: { value: [{ id: 1, userPrincipalName: 'x' }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalidRequest' } });
    expect((res.json() as { error: { message: string } }).error.message).toContain('/value/0/id');
    expect((await t.store.control.getDirectory('alpha')).users).toHaveLength(3);
  });
});

describe('portal session', () => {
  async function withAdmin() {
    const users = createMemoryPortalUserStore();
    const pw = (await createSessionService(users).bootstrapGlobalAdmin('alpha', 'admin@contoso.example'))!;
    t = await createTestApp({ deps: { portalUsers: users } });
    return { app: t, pw };
  }

  it.each([
    ['localhost:8080', 200],
    ['127.0.0.1:8080', 200],
    ['[::1]:8080', 200],
    ['192.0.2.2:8080', 403],
    ['authlens.corp.example', 403],
  ])('over plain HTTP at %s, sign-in answers %i: a browser elsewhere would drop the Secure cookie', async (host, status) => {
    const { app, pw } = await withAdmin();
    const login = await app.app.inject({ method: 'POST', url: '/api/v1/session', headers: { host }, payload: { tenant: 'alpha', upn: 'admin@contoso.example', password: pw } });
    expect(login.statusCode).toBe(status);
    if (status === 403) {
      expect(login.headers['set-cookie']).toBeUndefined();
      expect(login.json()).toMatchObject({
        error: {
          code: 'forbidden',
          message: `the portal is served over plain HTTP, so a browser at ${host} would drop the session cookie: start authlens with --tls-cert FILE --tls-key FILE to use the portal from other machines, or open it on the server's own machine (http://127.0.0.1 or localhost)`,
        },
      });
    }
  });

  it('signs in with a secure cookie, needs the CSRF token to change state, signs out', async () => {
    const { app, pw } = await withAdmin();
    const bad = await app.app.inject({ method: 'POST', url: '/api/v1/session', payload: { tenant: 'alpha', upn: 'admin@contoso.example', password: 'nope' } });
    expect(bad.statusCode).toBe(401);
    const login = await app.app.inject({ method: 'POST', url: '/api/v1/session', payload: { tenant: 'alpha', upn: 'admin@contoso.example', password: pw } });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/authlens_session=[^;]+/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('Secure');
    expect(setCookie).toContain('SameSite=Strict');
    const { csrfToken, mustChangePassword } = login.json() as { csrfToken: string; mustChangePassword: boolean };
    expect(mustChangePassword).toBe(true);
    const cookie = setCookie.split(';')[0] ?? '';
    // On the one-time password only "who am I", sign-out and choosing a password answer.
    const early = await app.app.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { cookie } });
    expect(early.statusCode).toBe(403);
    expect(early.json()).toMatchObject({ error: { code: 'passwordChangeRequired' } });
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } })).json()).toMatchObject({ mustChangePassword: true });
    await changePassword(app, cookie, csrfToken, pw, 'a new password of mine');
    const read = await app.app.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const noCsrf = await app.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/keys', headers: { cookie }, payload: { role: 'reports-reader' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json()).toMatchObject({ error: { code: 'csrfTokenMissing' } });
    const withCsrf = await app.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/keys', headers: { cookie, 'x-csrf-token': csrfToken }, payload: { role: 'reports-reader' } });
    expect(withCsrf.statusCode).toBe(201);
    // A portal session opts in as its own user: no 'by' needed.
    const opt = await app.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/opt-in', headers: { cookie, 'x-csrf-token': csrfToken }, payload: {} });
    expect(opt.json()).toMatchObject({ optedInBy: 'admin@contoso.example' });
    const other = await app.app.inject({ method: 'GET', url: '/api/v1/tenants/beta', headers: { cookie } });
    expect(other.statusCode).toBe(404);
    const out = await app.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(204);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { cookie } })).statusCode).toBe(401);
  });

  async function changePassword(app: TestApp, cookie: string, csrf: string, current: string, next: string): Promise<void> {
    const r = await app.app.inject({ method: 'POST', url: '/api/v1/session/password', headers: { cookie, 'x-csrf-token': csrf }, payload: { currentPassword: current, newPassword: next } });
    expect(r.statusCode, r.body).toBe(204);
  }
  const signIn = (app: TestApp, password: string) =>
    app.app.inject({ method: 'POST', url: '/api/v1/session', payload: { tenant: 'alpha', upn: 'admin@contoso.example', password } });
  const cookieOf = (res: { headers: Record<string, unknown> }): string => String(res.headers['set-cookie']).split(';')[0] ?? '';

  it('a new password must be long, different and follow the right current one; it ends the other sessions and the one-time password', async () => {
    const { app, pw } = await withAdmin();
    const first = await signIn(app, pw);
    const second = await signIn(app, pw);
    const { csrfToken } = first.json() as { csrfToken: string };
    const cookie = cookieOf(first);
    const change = (currentPassword: string, newPassword: string, headers: Record<string, string> = { cookie, 'x-csrf-token': csrfToken }) =>
      app.app.inject({ method: 'POST', url: '/api/v1/session/password', headers, payload: { currentPassword, newPassword } });
    for (const [current, next, reason] of [
      ['wrong', 'long enough password', 'the current password is wrong'],
      [pw, 'short', 'the new password needs at least 12 characters'],
      [pw, pw, 'the new password must differ from the current one'],
    ] as const) {
      const r = await change(current, next);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'invalidRequest', message: reason } });
    }
    expect((await change(pw, 'long enough password', { cookie })).json()).toMatchObject({ error: { code: 'csrfTokenMissing' } });
    await changePassword(app, cookie, csrfToken, pw, 'long enough password');
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { cookie } })).statusCode).toBe(200);
    // The session that signed in beside it with the same one-time password is gone.
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: cookieOf(second) } })).statusCode).toBe(401);
    expect((await signIn(app, pw)).statusCode).toBe(401);
    const again = await signIn(app, 'long enough password');
    expect(again.json()).toMatchObject({ mustChangePassword: false });
  });

  it('an API key has no password to change', async () => {
    const { app } = await withAdmin();
    const r = await app.app.inject({ method: 'POST', url: '/api/v1/session/password', headers: bearer(await app.keyFor('alpha', 'global-admin')), payload: { currentPassword: 'x', newPassword: 'long enough password' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'invalidRequest' } });
  });

  it('rate-limits login attempts per IP', async () => {
    const { app } = await withAdmin();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await app.app.inject({ method: 'POST', url: '/api/v1/session', payload: { tenant: 'alpha', upn: 'admin@contoso.example', password: `guess${i}` } });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

describe('login rate limit per account', () => {
  it('slows guessing of one account from many addresses', async () => {
    const users = createMemoryPortalUserStore();
    await createSessionService(users).bootstrapGlobalAdmin('alpha', 'admin@contoso.example', 'the-right-one');
    t = await createTestApp({
      deps: {
        portalUsers: users,
        rateLimits: {
          loginPerIp: { capacity: 100, refillPerSecond: 1 },
          loginPerAccount: { capacity: 3, refillPerSecond: 0.001 },
          ingestPerIp: { capacity: 1, refillPerSecond: 1 },
          ingestPerPrincipal: { capacity: 1, refillPerSecond: 1 },
        },
      },
    });
    const attempt = (ip: string, upn: string, password: string) =>
      t!.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: ip, payload: { tenant: 'alpha', upn, password } });
    for (let i = 0; i < 3; i++) expect((await attempt(`198.51.100.${i}`, 'admin@contoso.example', 'wrong')).statusCode).toBe(401);
    const blocked = await attempt('198.51.100.9', 'ADMIN@contoso.example', 'the-right-one');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt('198.51.100.9', 'other@contoso.example', 'x')).statusCode).toBe(401);
  });
});
