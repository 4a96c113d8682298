import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApiKeyService } from './api-keys.ts';
import { createAccessTokenService, looksLikeAccessToken } from './access-tokens.ts';
import { createMemoryControlStore } from './memory-control-store.ts';

const SIGNING_KEY = new Uint8Array(32).fill(7);

function setup(lifetimeSeconds = 3600) {
  let now = new Date('2026-03-01T10:00:00Z');
  const control = createMemoryControlStore();
  const keys = createApiKeyService(control, () => now);
  const tokens = createAccessTokenService(keys, { signingKey: SIGNING_KEY, lifetimeSeconds, now: () => now });
  return {
    keys,
    tokens,
    control,
    setNow(d: string) {
      now = new Date(d);
    },
  };
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
function part(token: string, i: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[i] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('access tokens', () => {
  it('issues for the whole key or its secret part, and authenticates as the key', async () => {
    const s = setup();
    const k = await s.keys.create('alpha', 'security-admin');
    const secret = k.key.slice(`al_${k.id}_`.length);
    for (const presented of [k.key, secret]) {
      const r = await s.tokens.issue('alpha', k.id, presented);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.token.expiresIn).toBe(3600);
      expect(looksLikeAccessToken(r.token.accessToken)).toBe(true);
      expect(part(r.token.accessToken, 0)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
      expect(part(r.token.accessToken, 1)).toMatchObject({ iss: 'authlens', aud: 'authlens-api', sub: k.id, tid: 'alpha', roles: ['security-admin'] });
      // The token carries nothing of the secret.
      expect(r.token.accessToken).not.toContain(secret.slice(0, 12));
      const check = await s.tokens.authenticate(r.token.accessToken);
      expect(check.ok && [check.record.id, check.record.tenant, check.record.role]).toEqual([k.id, 'alpha', 'security-admin']);
    }
  });

  it.each([
    ['another tenant', 'beta', 'own', 'own'],
    ['an unknown id', 'alpha', '0000000000000000', 'own'],
    ['a wrong secret', 'alpha', 'own', 'wrong'],
    ['a whole key whose id is not client_id', 'alpha', '0000000000000000', 'whole'],
    ['a malformed id', 'alpha', 'XYZ', 'own'],
    ['a malformed secret', 'alpha', 'own', 'short'],
  ])('refuses %s the same way', async (_label, tenant, id, secret) => {
    const s = setup();
    const k = await s.keys.create('alpha', 'reports-reader');
    const own = k.key.slice(`al_${k.id}_`.length);
    const presented = secret === 'own' ? own : secret === 'whole' ? k.key : secret === 'short' ? 'abc' : 'A'.repeat(43);
    expect(await s.tokens.issue(tenant, id === 'own' ? k.id : id, presented)).toEqual({ ok: false });
  });

  it('stops at expiry (injected clock) and when the key is revoked', async () => {
    const s = setup(600);
    const k = await s.keys.create('alpha', 'reports-reader');
    const r = await s.tokens.issue('alpha', k.id, k.key);
    if (!r.ok) throw new Error('not issued');
    s.setNow('2026-03-01T10:09:59Z');
    expect((await s.tokens.authenticate(r.token.accessToken)).ok).toBe(true);
    s.setNow('2026-03-01T10:10:00Z');
    expect(await s.tokens.authenticate(r.token.accessToken)).toEqual({ ok: false, reason: 'expired' });
    s.setNow('2026-03-01T10:05:00Z');
    expect(await s.keys.revoke('alpha', k.id)).toBe(true);
    expect(await s.tokens.authenticate(r.token.accessToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(await s.tokens.issue('alpha', k.id, k.key)).toEqual({ ok: false });
  });

  it('refuses a token signed with another key, with alg none or another alg, or with altered claims', async () => {
    const s = setup();
    const k = await s.keys.create('alpha', 'reports-reader');
    const r = await s.tokens.issue('alpha', k.id, k.key);
    if (!r.ok) throw new Error('not issued');
    const [h, p] = r.token.accessToken.split('.') as [string, string, string];
    const payload = part(r.token.accessToken, 1);
    const sign = (header: string, body: string, key: Uint8Array = SIGNING_KEY): string =>
      `${header}.${body}.${createHmac('sha256', key).update(`${header}.${body}`).digest('base64url')}`;
    const other = createAccessTokenService(s.keys, { signingKey: new Uint8Array(32).fill(8), now: () => new Date('2026-03-01T10:00:00Z') });
    const forged = [
      sign(h, p, new Uint8Array(32).fill(8)),
      `${b64({ alg: 'none', typ: 'at+jwt' })}.${p}.`,
      sign(b64({ alg: 'HS512', typ: 'at+jwt' }), p),
      sign(b64({ alg: 'HS256', typ: 'JWT' }), p),
      sign(h, b64({ ...payload, aud: 'someone-else' })),
      `${h}.${b64({ ...payload, tid: 'beta' })}.${r.token.accessToken.split('.')[2] ?? ''}`,
    ];
    for (const t of forged) expect((await s.tokens.authenticate(t)).ok, t).toBe(false);
    expect((await other.authenticate(r.token.accessToken)).ok).toBe(false);
    // Correctly signed but naming another tenant than the key's: refused as unknown.
    expect(await s.tokens.authenticate(sign(h, b64({ ...payload, tid: 'beta' })))).toEqual({ ok: false, reason: 'unknown' });
    expect(await s.tokens.authenticate('al_' + 'x'.repeat(40))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a signing key shorter than 32 bytes', () => {
    const s = setup();
    expect(() => createAccessTokenService(s.keys, { signingKey: new Uint8Array(16) })).toThrow(/32 bytes/);
  });
});
