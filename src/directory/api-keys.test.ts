import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createApiKeyService, hashSecret, parseApiKey, verifySecret } from './api-keys.ts';
import { createMemoryControlStore } from './memory-control-store.ts';
import { openDuckDbStore } from '../store/duckdb/open.ts';

describe('API key format', () => {
  it('parses its own keys and nothing else', async () => {
    const svc = createApiKeyService(createMemoryControlStore());
    const { key, id } = await svc.create('alpha', 'reports-reader');
    expect(key).toMatch(/^al_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key)?.id).toBe(id);
    fc.assert(
      fc.property(fc.string(), (s) => {
        const p = parseApiKey(s);
        if (p !== undefined) expect(s).toBe(`al_${p.id}_${p.secret}`);
      }),
    );
  });

  it('verifies only the exact secret bound to its id', () => {
    const h = hashSecret('0123456789abcdef', 'S'.repeat(43));
    expect(verifySecret('0123456789abcdef', 'S'.repeat(43), h)).toBe(true);
    expect(verifySecret('0123456789abcdef', 'T'.repeat(43), h)).toBe(false);
    expect(verifySecret('fedcba9876543210', 'S'.repeat(43), h)).toBe(false);
  });
});

describe('ApiKeyService', () => {
  it('authenticates, records last use, lists without secrets, and refuses after revoke', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const control = createMemoryControlStore();
    const svc = createApiKeyService(control, () => now);
    const created = await svc.create('alpha', 'security-admin', 'siem');
    const ok = await svc.authenticate(created.key);
    expect(ok.ok && ok.record.role).toBe('security-admin');
    expect((await svc.list('alpha'))[0]).toEqual({
      id: created.id,
      tenant: 'alpha',
      role: 'security-admin',
      name: 'siem',
      createdAt: '2026-03-01T10:00:00.000Z',
      lastUsedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(JSON.stringify(await svc.list('alpha'))).not.toContain(created.key.slice(20));
    expect(await svc.list('beta')).toEqual([]);
    const tampered = created.key.slice(0, -1) + (created.key.endsWith('A') ? 'B' : 'A');
    expect(await svc.authenticate(tampered)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await svc.authenticate('al_0000000000000000_' + 'x'.repeat(43))).toEqual({ ok: false, reason: 'unknown' });
    expect(await svc.revoke('beta', created.id)).toBe(false);
    now = new Date('2026-03-01T11:00:00Z');
    expect(await svc.revoke('alpha', created.id)).toBe(true);
    expect(await svc.authenticate(created.key)).toEqual({ ok: false, reason: 'revoked' });
    expect((await svc.list('alpha'))[0]?.revokedAt).toBe('2026-03-01T11:00:00.000Z');
  });

  it('never writes the raw key to the database file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authlens-keys-'));
    try {
      const store = await openDuckDbStore({ dataDir: dir });
      await store.control.createTenant({ id: 'alpha', name: 'A', edition: 'free', rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z' });
      const svc = createApiKeyService(store.control);
      const created = await svc.create('alpha', 'global-admin', 'marker-name-for-grep');
      expect((await svc.authenticate(created.key)).ok).toBe(true);
      await store.close();
      const secret = parseApiKey(created.key)?.secret ?? '';
      const files = await readdir(dir);
      const bytes = Buffer.concat(await Promise.all(files.filter((f) => !f.endsWith('.json')).map((f) => readFile(path.join(dir, f)).catch(() => Buffer.alloc(0)))));
      expect(bytes.length).toBeGreaterThan(0);
      // The grep can see stored strings (the key's name) ...
      expect(bytes.includes(Buffer.from('marker-name-for-grep'))).toBe(true);
      // ... and finds neither the secret nor the whole key.
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from(created.key))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
