/**
 * End to end: Microsoft's own client libraries, pointed at authlens by their
 * authority host only. @azure/identity's ClientSecretCredential (MSAL) reads
 * the discovery document and gets a token from POST /{tenant}/oauth2/v2.0/token
 * over HTTPS (MSAL refuses http authorities), and the Graph client pages
 * /v1.0/auditLogs/signIns with it through @odata.nextLink. Also: a key of
 * another tenant is refused, a token outlives a server restart (the signing
 * key is in the data dir) and dies with its key.
 */
import { runJsonChild, selfSignedLocalhost } from '../helpers/tls-and-child.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createApiKeyService } from '../../src/directory/api-keys.ts';
import { startServer, type RunningServer } from '../../src/main.ts';
import type { DuckDbStore } from '../../src/store/duckdb/open.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const TENANT = 'contoso';
const OTHER = 'fabrikam';
const N = 250;
const START_MS = Date.parse('2026-11-01T00:00:00.000Z');

let dir: string;
let cert: string;
let key: string;
let server: RunningServer | undefined;
let ca: Buffer;
const keys: Record<'reader' | 'admin' | 'other', { id: string; key: string }> = {
  reader: { id: '', key: '' },
  admin: { id: '', key: '' },
  other: { id: '', key: '' },
};

async function start(): Promise<RunningServer> {
  return startServer(
    loadConfig({ dataDir: path.join(dir, 'data'), port: 0, demo: false, logLevel: 'warn', tls: { certFile: cert, keyFile: key } }, {}),
    { log: () => {} },
  );
}

async function seed(store: DuckDbStore, tenant: string, n: number): Promise<void> {
  // The rows of the table contract (001_events.sql), as graph-client.test.ts seeds them.
  await store.db.run(
    `INSERT INTO signins (tenant, id, time, upn, interactive, error_code, outcome, geo_precision, geo_source, geo_accuracy_km, ip_scope, ua_device_type, ingested_at, app_name, ip)
     SELECT $1, $1 || '-' || lpad(CAST(i AS VARCHAR), 5, '0'), CAST($2 AS TIMESTAMP) + to_seconds(CAST(i AS BIGINT)),
            'user' || CAST(i % 50 AS VARCHAR) || '@' || $1 || '.example', TRUE, 0, 'success', 'none', 'none', 0, 'public', 'desktop',
            CAST($2 AS TIMESTAMP), 'Office 365', '203.0.113.' || CAST(i % 250 AS VARCHAR)
     FROM range($3) AS r(i)`,
    [tenant, new Date(START_MS).toISOString(), n],
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-oauth-'));
  ({ cert, key } = selfSignedLocalhost(dir));
  ca = await readFile(cert);
  server = await start();
  const store = server.runtime.store;
  for (const id of [TENANT, OTHER]) {
    await store.control.createTenant({ id, name: id, edition: 'premium', rms: false, retentionDays: 3650, createdAt: '2026-10-01T00:00:00.000Z' });
    await store.control.updateTenant(id, { optedInAt: '2026-10-01T00:00:00.000Z', optedInBy: `admin@${id}.example` });
  }
  await seed(store, TENANT, N);
  await seed(store, OTHER, 30);
  const svc = createApiKeyService(store.control);
  for (const [name, tenant, role] of [['reader', TENANT, 'reports-reader'], ['admin', TENANT, 'global-admin'], ['other', OTHER, 'global-admin']] as const) {
    const k = await svc.create(tenant, role);
    keys[name] = { id: k.id, key: k.key };
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The server's https origin as a client names it (the certificate is for localhost). */
function authority(): string {
  return (server?.url ?? '').replace('127.0.0.1', 'localhost');
}

interface ChildOutput {
  ok: boolean;
  ids?: string[];
  firstPage?: number;
  token?: string;
  expiresOnTimestamp?: number;
  name?: string;
  message?: string;
}

function runClient(tenant: string, client: { id: string; key: string }): Promise<ChildOutput> {
  return runJsonChild<ChildOutput>(path.join(here, 'oauth-client-child.ts'), repoRoot, {
    NODE_EXTRA_CA_CERTS: cert,
    AUTHLENS_AUTHORITY: authority(),
    AUTHLENS_TENANT: tenant,
    AUTHLENS_CLIENT_ID: client.id,
    AUTHLENS_CLIENT_SECRET: client.key,
  });
}

function call(method: string, url: string, bearer: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: { authorization: `Bearer ${bearer}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Microsoft identity and Graph clients against authlens', () => {
  let token = '';

  it('get a token with ClientSecretCredential and page every sign-in of the tenant, newest first', async () => {
    const out = await runClient(TENANT, keys.reader);
    token = out.token ?? '';
    expect(out.message).toBeUndefined();
    expect(out.ok).toBe(true);
    const expected = Array.from({ length: N }, (_, i) => `${TENANT}-${String(N - 1 - i).padStart(5, '0')}`);
    expect(out.firstPage).toBe(100);
    expect(out.ids).toEqual(expected);
    // MSAL read expires_in: about an hour from now (it counts in whole seconds, rounded: up to 1 s past the hour).
    expect((out.expiresOnTimestamp ?? 0) - Date.now()).toBeGreaterThan(3500_000);
    expect((out.expiresOnTimestamp ?? 0) - Date.now()).toBeLessThanOrEqual(3601_000);
  }, 120_000);

  it("refuses a key at another tenant's authority (invalid_client)", async () => {
    const out = await runClient(TENANT, keys.other);
    expect(out.ok).toBe(false);
    // MSAL's error carries authlens's RFC 6749 §5.2 answer.
    expect(out.name).toBe('AuthenticationRequiredError');
    expect(out.message).toMatch(/^invalid_client: .*client authentication failed/);
  }, 120_000);

  it('keeps tokens valid across a restart (signing key in the data dir), until the key is revoked', async () => {
    await server?.close();
    server = undefined;
    server = await start();
    const base = server.url;
    expect(await call('GET', `${base}/api/v1/tenants/${TENANT}`, token)).toBe(200);
    expect(await call('DELETE', `${base}/api/v1/tenants/${TENANT}/keys/${keys.reader.id}`, keys.admin.key)).toBe(204);
    expect(await call('GET', `${base}/api/v1/tenants/${TENANT}`, token)).toBe(401);
    expect(await call('GET', `${base}/v1.0/auditLogs/signIns?$top=1`, token)).toBe(401);
  }, 120_000);
});
