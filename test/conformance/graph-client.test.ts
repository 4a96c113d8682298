/**
 * Conformance: the real Microsoft Graph JavaScript client (3.0.7), pointed at
 * authlens over HTTPS by changing only its base URL, pages through 2,500
 * sign-ins exactly once, newest first, and gets exactly the filtered set; the
 * other tenant's sign-ins never appear.
 */
import { runJsonChild, selfSignedLocalhost } from '../helpers/tls-and-child.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/build-app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createApiKeyService } from '../../src/directory/api-keys.ts';
import { createGraphQueries } from '../../src/store/duckdb/graph-queries.ts';
import { openDuckDbStore, type DuckDbStore } from '../../src/store/duckdb/open.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const TENANT = 'contoso';
const OTHER = 'fabrikam';
const N = 2500;
const START_MS = Date.parse('2026-11-01T00:00:00.000Z');

/** Sign-in i of a tenant: two share each second so the (time, id) tie-break is exercised; 50 users round robin. */
function expectedTenantRows(): Array<{ id: string; time: string; upn: string }> {
  return Array.from({ length: N }, (_, i) => ({
    id: `${TENANT}-${String(i).padStart(5, '0')}`,
    time: new Date(START_MS + Math.floor(i / 2) * 1000).toISOString(),
    upn: `user${i % 50}@${TENANT}.example`,
  }));
}

async function seed(store: DuckDbStore, tenant: string, n: number): Promise<void> {
  // One set-based INSERT: the table contract of 001_events.sql, values bound.
  await store.db.run(
    `INSERT INTO signins (tenant, id, time, upn, interactive, error_code, outcome, geo_precision, geo_source, geo_accuracy_km, ip_scope, ua_device_type, ingested_at, app_name, ip)
     SELECT $1, $1 || '-' || lpad(CAST(i AS VARCHAR), 5, '0'), CAST($2 AS TIMESTAMP) + to_seconds(CAST(i // 2 AS BIGINT)),
            'user' || CAST(i % 50 AS VARCHAR) || '@' || $1 || '.example', TRUE, 0, 'success', 'none', 'none', 0, 'public', 'desktop',
            CAST($2 AS TIMESTAMP), 'Office 365', '203.0.113.' || CAST(i % 250 AS VARCHAR)
     FROM range($3) AS r(i)`,
    [tenant, new Date(START_MS).toISOString(), n],
  );
}

let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;
let server: Server;
let baseUrl: string;
let key: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'authlens-graph-'));
  selfSignedLocalhost(dir);
  store = await openDuckDbStore({ path: ':memory:' });
  for (const id of [TENANT, OTHER]) {
    await store.control.createTenant({ id, name: id, edition: 'premium', rms: false, retentionDays: 30, createdAt: '2026-10-01T00:00:00.000Z' });
    await store.control.updateTenant(id, { optedInAt: '2026-10-01T00:00:00.000Z', optedInBy: `admin@${id}.example` });
  }
  await seed(store, TENANT, N);
  await seed(store, OTHER, 300);
  key = (await createApiKeyService(store.control).create(TENANT, 'reports-reader')).key;
  app = await buildApp({
    config: loadConfig({ logLevel: 'silent' }, {}),
    store,
    ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
    tls: true,
    graph: { queries: createGraphQueries(store.db) },
  });
  await app.ready();
  // buildApp does not listen; a TLS server hands its requests to the app, as a TLS deployment does.
  server = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
    app.server.emit('request', req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://localhost:${(server.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await app?.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  id: string;
  createdDateTime: string;
  userPrincipalName: string;
}
interface ChildOutput {
  everything: Seen[];
  smallPages: Seen[];
  filtered: Seen[];
  badFilter: { statusCode: number; code: string | null; message: string } | null;
  one: Record<string, unknown>;
}

function runClient(filter: string): Promise<ChildOutput> {
  return runJsonChild<ChildOutput>(path.join(here, 'graph-client-child.ts'), repoRoot, {
    NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
    AUTHLENS_BASE_URL: baseUrl,
    AUTHLENS_KEY: key,
    AUTHLENS_FILTER: filter,
  });
}

describe('Microsoft Graph client against authlens', () => {
  it('pages, filters and reads errors unchanged', async () => {
    const from = '2026-11-01T00:05:00Z';
    const to = '2026-11-01T00:15:00Z';
    const out = await runClient(`userPrincipalName eq 'USER7@contoso.example' and createdDateTime ge ${from} and createdDateTime lt ${to}`);
    const rows = expectedTenantRows();
    const newestFirst = [...rows].sort((a, b) => (a.time === b.time ? b.id.localeCompare(a.id) : b.time.localeCompare(a.time)));

    // Default $top (1000): three pages, every sign-in once, newest first, only this tenant.
    expect(out.everything.map((s) => s.id)).toEqual(newestFirst.map((r) => r.id));
    expect(new Set(out.everything.map((s) => s.id)).size).toBe(N);
    expect(out.everything.every((s) => s.id.startsWith(`${TENANT}-`))).toBe(true);
    expect(out.everything[0]?.createdDateTime).toBe(newestFirst[0]?.time);
    // $top=250: ten pages, same sequence.
    expect(out.smallPages.map((s) => s.id)).toEqual(newestFirst.map((r) => r.id));

    const expected = newestFirst.filter((r) => r.upn === 'user7@contoso.example' && r.time >= '2026-11-01T00:05:00.000Z' && r.time < '2026-11-01T00:15:00.000Z');
    expect(expected.length).toBeGreaterThan(7);
    expect(out.filtered.map((s) => s.id)).toEqual(expected.map((r) => r.id));

    expect(out.badFilter).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(out.badFilter?.message).toMatch(/^Invalid filter clause: /);
    expect(Object.keys(out.one).filter((k) => !k.startsWith('@odata'))).toEqual(['id', 'status']);
    expect(out.one['id']).toBe(newestFirst[0]?.id);
  }, 120_000);
});
