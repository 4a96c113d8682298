/**
 * The API over the real embedded store (not the in-memory stand-in): an
 * operator creates a tenant, its admin imports the directory from Graph lists,
 * opts in, makes keys, ingests; revocation and isolation hold across restarts
 * of the app on the same data dir.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { openDuckDbStore } from '../store/duckdb/open.ts';
import { loadConfig } from '../config/config.ts';
import { buildApp } from './build-app.ts';
import { createApiKeyService } from '../directory/api-keys.ts';

const fixture = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(path.resolve(import.meta.dirname, '../directory/fixtures', name), 'utf8'));

describe('API over DuckDB', () => {
  it('runs the tenant lifecycle end to end', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authlens-api-'));
    const store = await openDuckDbStore({ dataDir: dir });
    try {
      const operator = 'op-token-for-this-test-0123456789';
      const ingested: string[] = [];
      const app = await buildApp({
        config: loadConfig({ logLevel: 'silent', dataDir: dir }, {}),
        store,
        operatorToken: operator,
        ingest: async (tenant) => {
          ingested.push(tenant);
          return { accepted: 1, duplicates: 0, rejected: [] };
        },
      });
      const op = { authorization: `Bearer ${operator}` };
      expect((await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: op, payload: { id: 'fabrikam', edition: 'premium' } })).statusCode).toBe(201);
      expect((await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: op, payload: { id: 'other' } })).statusCode).toBe(201);
      // The first key of a tenant comes from the operator side (CLI); the API then manages the rest.
      const admin = (await createApiKeyService(store.control).create('fabrikam', 'global-admin')).key;
      const h = { authorization: `Bearer ${admin}` };
      const imp = await app.inject({
        method: 'POST',
        url: '/api/v1/tenants/fabrikam/directory',
        headers: h,
        payload: [await fixture('graph-users.json'), await fixture('graph-groups.json'), await fixture('graph-directory-roles.json'), await fixture('graph-applications.json')] as unknown as Record<string, unknown>,
      });
      expect(imp.json()).toEqual({ detected: ['graph:users', 'graph:groups', 'graph:roles', 'graph:applications'], users: 3, groups: 2, applications: 2, roles: 2 });
      const ev = { ...h, 'content-type': 'application/x-ndjson' };
      const before = await app.inject({ method: 'POST', url: '/api/v1/tenants/fabrikam/events', headers: ev, payload: '{}\n' });
      expect(before.json()).toMatchObject({ error: { code: 'reportingNotEnabled' } });
      expect((await app.inject({ method: 'POST', url: '/api/v1/tenants/fabrikam/opt-in', headers: h, payload: { by: 'MeganB@fabrikam.example' } })).statusCode).toBe(403);
      const opted = await app.inject({ method: 'POST', url: '/api/v1/tenants/fabrikam/opt-in', headers: h, payload: { by: 'adelev@fabrikam.example' } });
      expect(opted.json()).toMatchObject({ optedInBy: 'AdeleV@fabrikam.example' });
      expect((await app.inject({ method: 'POST', url: '/api/v1/tenants/fabrikam/events', headers: ev, payload: '{}\n' })).json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
      expect(ingested).toEqual(['fabrikam']);
      const reader = (await app.inject({ method: 'POST', url: '/api/v1/tenants/fabrikam/keys', headers: h, payload: { role: 'reports-reader' } })).json() as { key: string; id: string };
      expect((await app.inject({ method: 'GET', url: '/api/v1/tenants/fabrikam', headers: { authorization: `Bearer ${reader.key}` } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/tenants/other', headers: { authorization: `Bearer ${reader.key}` } })).statusCode).toBe(404);
      expect((await app.inject({ method: 'DELETE', url: `/api/v1/tenants/fabrikam/keys/${reader.id}`, headers: h })).statusCode).toBe(204);

      // Licence and retention are the operator's: the tenant's own global admin cannot raise them.
      const patch = (headers: Record<string, string>, url: string, payload: Record<string, unknown>) => app.inject({ method: 'PATCH', url, headers, payload });
      expect((await patch(h, '/api/v1/tenants/fabrikam', { retentionDays: 365 })).statusCode).toBe(401);
      const changed = await patch(op, '/api/v1/tenants/fabrikam', { retentionDays: 365, rms: true });
      expect(changed.json()).toMatchObject({ id: 'fabrikam', edition: 'premium', rms: true, retentionDays: 365, optedInBy: 'AdeleV@fabrikam.example' });
      expect(await store.control.getTenant('fabrikam')).toMatchObject({ rms: true, retentionDays: 365 });
      expect((await store.control.getTenant('other'))?.retentionDays).toBe(30);
      expect((await patch(op, '/api/v1/tenants/fabrikam', {})).statusCode).toBe(400);
      expect((await patch(op, '/api/v1/tenants/fabrikam', { retentionDays: 0 })).statusCode).toBe(400);
      expect((await patch(op, '/api/v1/tenants/nobody', { edition: 'basic' })).statusCode).toBe(404);
      await app.close();

      const again = await buildApp({ config: loadConfig({ logLevel: 'silent', dataDir: dir }, {}), store, ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }) });
      expect((await again.inject({ method: 'GET', url: '/api/v1/tenants/fabrikam', headers: { authorization: `Bearer ${reader.key}` } })).statusCode).toBe(401);
      const keys = (await again.inject({ method: 'GET', url: '/api/v1/tenants/fabrikam/keys', headers: h })).json() as Array<{ id: string; revokedAt?: string; lastUsedAt?: string }>;
      expect(keys.find((k) => k.id === reader.id)?.revokedAt).toBeDefined();
      expect(keys.find((k) => k.id !== reader.id)?.lastUsedAt).toBeDefined();
      await again.close();
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
