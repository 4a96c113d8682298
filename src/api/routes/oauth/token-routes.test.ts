/**
 * The OAuth token endpoint and its tokens on the API: client_secret_post and
 * client_secret_basic, RFC 6749 §5.2 refusals, tenants and roles crossed with
 * a token, revocation, expiry on an injected clock, rate limit, discovery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../../config/config.ts';
import { createApiKeyService } from '../../../directory/api-keys.ts';
import { buildApp } from '../../build-app.ts';
import type { ApiDeps } from '../../deps.ts';
import { createTestApp, OPERATOR_TOKEN, type TestApp } from '../../testing/test-app.ts';

const SIGNING_KEY = new Uint8Array(32).fill(3);
const TOKEN_URL = '/alpha/oauth2/v2.0/token';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let t: TestApp;
let clock = new Date('2026-03-01T10:00:00.000Z');
afterEach(async () => {
  await t?.app.close();
  clock = new Date('2026-03-01T10:00:00.000Z');
});

async function setup(deps: Partial<ApiDeps> = {}): Promise<TestApp> {
  t = await createTestApp({ optIn: ['alpha', 'beta'], deps: { now: () => clock, oauth: { signingKey: SIGNING_KEY }, ...deps } });
  return t;
}

/** A key split as a client would hold it: client_id and client_secret. */
async function client(tenant: string, role: 'global-admin' | 'security-admin' | 'reports-reader'): Promise<{ id: string; key: string }> {
  const key = await t.keyFor(tenant, role);
  return { id: key.slice(3, 19), key };
}

const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

function post(payload: string, headers: Record<string, string> = FORM, url = TOKEN_URL): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url, headers, payload });
}

async function tokenFor(c: { id: string; key: string }, tenant = 'alpha'): Promise<string> {
  const res = await post(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.key, scope: 'https://graph.microsoft.com/.default' }), FORM, `/${tenant}/oauth2/v2.0/token`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ access_token: string }>().access_token;
}

function get(url: string, token: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('POST /{tenant}/oauth2/v2.0/token', () => {
  it('answers RFC 6749 §5.1, never cached, for client_secret_post', async () => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const res = await post(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.key, scope: 'https://graph.microsoft.com/.default' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(['token_type', 'expires_in', 'access_token']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(body['access_token']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it.each([
    ['the whole key in HTTP Basic', 'key', {}],
    ['the secret part in HTTP Basic', 'secret', {}],
    ['HTTP Basic with the same client_id in the body too', 'key', { client_id: 'same' }],
  ])('takes client_secret_basic: %s', async (_label, which, extra: Record<string, string>) => {
    await setup();
    const c = await client('alpha', 'security-admin');
    const secret = which === 'key' ? c.key : c.key.slice(20);
    const params: Record<string, string> = { grant_type: 'client_credentials', ...(extra['client_id'] !== undefined ? { client_id: c.id } : {}) };
    const res = await post(form(params), { ...FORM, authorization: basic(c.id, secret) });
    expect(res.statusCode, res.body).toBe(200);
    const who = await get('/api/v1/session', res.json<{ access_token: string }>().access_token);
    expect(who.json()).toEqual({ tenant: 'alpha', id: c.id, role: 'security-admin', kind: 'apiKey' });
  });

  it.each([
    ['scope left out', undefined],
    ['Graph by URL', 'https://graph.microsoft.com/.default'],
    ['Graph by app id', '00000003-0000-0000-c000-000000000000/.default'],
    ["authlens's own", 'api://authlens/.default'],
    ["this server's origin", 'http://localhost:80/.default'],
    ['with OpenID scopes as MSAL adds them', 'https://graph.microsoft.com/.default openid profile offline_access'],
  ])('accepts scope: %s', async (_label, scope) => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const res = await post(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.key, ...(scope !== undefined ? { scope } : {}) }));
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses a scope naming single permissions: invalid_scope', async () => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const res = await post(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.key, scope: 'https://graph.microsoft.com/AuditLog.Read.All' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_scope', error_description: expect.stringContaining("scope 'https://graph.microsoft.com/AuditLog.Read.All' is not offered") });
  });

  it('answers invalid_client alike for another tenant, an unknown tenant or id, a wrong secret and a revoked key', async () => {
    await setup();
    const own = await client('alpha', 'reports-reader');
    const other = await client('beta', 'global-admin');
    const revoked = await client('alpha', 'reports-reader');
    const admin = await client('alpha', 'global-admin');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/tenants/alpha/keys/${revoked.id}`, headers: { authorization: `Bearer ${admin.key}` } })).statusCode).toBe(204);
    const wrongSecret = own.key.slice(0, -2) + (own.key.endsWith('AA') ? 'BB' : 'AA');
    const attempts: Array<[string, string, string]> = [
      ['/alpha', other.id, other.key], // tenant beta's key at tenant alpha
      ['/beta', own.id, own.key], // and the other way round
      ['/gamma', own.id, own.key], // a tenant that does not exist
      ['/alpha', '0123456789abcdef', `al_0123456789abcdef_${own.key.slice(20)}`],
      ['/alpha', own.id, wrongSecret],
      ['/alpha', revoked.id, revoked.key],
      ['/alpha', own.id, other.key], // a whole key whose id is not client_id
      ['/alpha', 'not-an-id', own.key],
    ];
    const bodies = new Set<string>();
    for (const [prefix, id, secret] of attempts) {
      for (const viaBasic of [false, true]) {
        const res = viaBasic
          ? await post(form({ grant_type: 'client_credentials' }), { ...FORM, authorization: basic(id, secret) }, `${prefix}/oauth2/v2.0/token`)
          : await post(form({ grant_type: 'client_credentials', client_id: id, client_secret: secret }), FORM, `${prefix}/oauth2/v2.0/token`);
        expect(res.statusCode, `${prefix} ${id}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Basic realm="authlens", charset="UTF-8"');
        expect(res.headers['cache-control']).toBe('no-store');
        bodies.add(res.body);
      }
    }
    expect([...bodies]).toEqual([
      JSON.stringify({
        error: 'invalid_client',
        error_description:
          'client authentication failed: check client_id (the key id), client_secret (the key) and the tenant in the URL; the key may also be revoked',
      }),
    ]);
  });

  it.each([
    ['no client authentication', form({ grant_type: 'client_credentials' }), {}, 401, 'invalid_client'],
    ['client_id without secret', form({ grant_type: 'client_credentials', client_id: '0123456789abcdef' }), {}, 401, 'invalid_client'],
    ['a Bearer header instead of client credentials', form({ grant_type: 'client_credentials' }), { authorization: 'Bearer al_x' }, 401, 'invalid_client'],
    ['HTTP Basic that is not base64', form({ grant_type: 'client_credentials' }), { authorization: 'Basic ***' }, 401, 'invalid_client'],
    ['HTTP Basic without a colon', form({ grant_type: 'client_credentials' }), { authorization: `Basic ${Buffer.from('abc').toString('base64')}` }, 401, 'invalid_client'],
    ['HTTP Basic and client_secret both', form({ grant_type: 'client_credentials', client_secret: 'x' }), { authorization: basic('0123456789abcdef', 'x') }, 400, 'invalid_request'],
    ['HTTP Basic and another client_id', form({ grant_type: 'client_credentials', client_id: 'fedcba9876543210' }), { authorization: basic('0123456789abcdef', 'x') }, 400, 'invalid_request'],
    ['client_assertion', form({ grant_type: 'client_credentials', client_id: '0123456789abcdef', client_assertion: 'eyJ.x.y', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }), {}, 401, 'invalid_client'],
    ['grant_type password', form({ grant_type: 'password', username: 'a', password: 'b' }), {}, 400, 'unsupported_grant_type'],
    ['grant_type authorization_code', form({ grant_type: 'authorization_code', code: 'x' }), {}, 400, 'unsupported_grant_type'],
    ['no grant_type', form({ client_id: '0123456789abcdef', client_secret: 'x' }), {}, 400, 'invalid_request'],
    ['a repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', {}, 400, 'invalid_request'],
    ['an empty body', '', {}, 400, 'invalid_request'],
    ['JSON', JSON.stringify({ grant_type: 'client_credentials' }), { 'content-type': 'application/json' }, 400, 'invalid_request'],
    ['multipart', '--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }, 400, 'invalid_request'],
    ['a body over 16 KiB', form({ grant_type: 'client_credentials', pad: 'x'.repeat(17_000) }), {}, 413, 'invalid_request'],
    ['a parameter over its length', form({ grant_type: 'client_credentials', client_id: 'x'.repeat(300) }), {}, 400, 'invalid_request'],
  ])('refuses %s in RFC 6749 §5.2 shape', async (_label, payload, headers: Record<string, string>, status, error) => {
    await setup();
    const res = await post(payload, { ...FORM, ...headers });
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(['error', 'error_description']);
    expect(body['error']).toBe(error);
    expect(res.headers['cache-control']).toBe('no-store');
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('takes a charset on the form content type', async () => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const res = await post(form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.key }), { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses a malformed tenant in the URL as invalid_request', async () => {
    await setup();
    const res = await post(form({ grant_type: 'client_credentials' }), FORM, '/Not_A_Tenant/oauth2/v2.0/token');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toBe('invalid_request');
  });

  it('is rate limited per IP, answering 429 with Retry-After in OAuth shape', async () => {
    await setup({
      rateLimits: {
        loginPerIp: { capacity: 10, refillPerSecond: 1 },
        ingestPerIp: { capacity: 10, refillPerSecond: 1 },
        ingestPerPrincipal: { capacity: 10, refillPerSecond: 1 },
        tokenPerIp: { capacity: 3, refillPerSecond: 0.5 },
      },
    });
    const c = await client('alpha', 'reports-reader');
    const body = form({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.key });
    for (let i = 0; i < 3; i++) expect((await post(body)).statusCode).toBe(200);
    const res = await post(body);
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json()).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/rate limit/) });
    // Other IPs are not held up.
    expect((await t.app.inject({ method: 'POST', url: TOKEN_URL, headers: FORM, payload: body, remoteAddress: '127.0.0.9' })).statusCode).toBe(200);
  });

  it('logs neither the client secret nor the token', async () => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const lines: string[] = [];
    const app = await buildApp({
      config: loadConfig({ logLevel: 'trace' }, {}),
      store: t.store,
      ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
      oauth: { signingKey: SIGNING_KEY },
      logStream: { write: (l) => void lines.push(l) },
    });
    try {
      const res = await app.inject({ method: 'POST', url: TOKEN_URL, headers: { ...FORM, authorization: basic(c.id, c.key) }, payload: form({ grant_type: 'client_credentials' }) });
      expect(res.statusCode).toBe(200);
      const token = res.json<{ access_token: string }>().access_token;
      await app.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { authorization: `Bearer ${token}` } });
      const log = lines.join('');
      expect(log).toContain(String(res.headers['request-id']));
      expect(log).not.toContain(c.key.slice(20));
      expect(log).not.toContain(token.split('.')[2]);
    } finally {
      await app.close();
    }
  });
});

describe('a client secret sent in the URL (RFC 6749 §2.3.1 forbids it)', () => {
  it('is refused with the reason and stays out of the log, which keeps the other parameters', async () => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const secret = c.key.slice(20);
    const lines: string[] = [];
    const app = await buildApp({
      config: loadConfig({ logLevel: 'info' }, {}),
      store: t.store,
      ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
      oauth: { signingKey: SIGNING_KEY },
      logStream: { write: (l) => void lines.push(l) },
    });
    try {
      for (const name of ['client_secret', 'Client_Secret', 'client%5Fsecret']) {
        await app.inject({ method: 'POST', url: `${TOKEN_URL}?grant_type=client_credentials&client_id=${c.id}&${name}=${secret}` });
      }
      await app.inject({ method: 'GET', url: `/v1.0/auditLogs/signIns?access_token=${secret}&$top=5` });
      const refused = await app.inject({ method: 'POST', url: `${TOKEN_URL}?grant_type=client_credentials&client_id=${c.id}&client_secret=${secret}` });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toEqual({
        error: 'invalid_request',
        error_description:
          'no request body: send grant_type=client_credentials and the client credentials as application/x-www-form-urlencoded (RFC 6749 §4.4.2); parameters in the URL are not read (RFC 6749 §2.3.1: never put the client secret there)',
      });
      const log = lines.join('');
      expect(log).not.toContain(secret);
      expect(log).toContain(`client_id=${c.id}&client_secret=[redacted]`);
      expect(log).toContain('access_token=[redacted]&$top=5');
    } finally {
      await app.close();
    }
  });
});

describe('an access token on the API', () => {
  it('acts as its key: same tenant, same role, 404 on another tenant, 403 for a role it lacks', async () => {
    await setup();
    const reader = await tokenFor(await client('alpha', 'reports-reader'));
    const admin = await tokenFor(await client('alpha', 'global-admin'));
    expect((await get('/api/v1/tenants/alpha', reader)).statusCode).toBe(200);
    const cross = await get('/api/v1/tenants/beta', reader);
    expect(cross.statusCode).toBe(404);
    expect(cross.json<{ error: { code: string } }>().error.code).toBe('notFound');
    expect((await get('/api/v1/tenants/beta/keys', admin)).statusCode).toBe(404);
    const denied = await t.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/keys', headers: { authorization: `Bearer ${reader}` }, payload: { role: 'reports-reader' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json<{ error: { code: string } }>().error.code).toBe('forbidden');
    const made = await t.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/keys', headers: { authorization: `Bearer ${admin}` }, payload: { role: 'reports-reader' } });
    expect(made.statusCode).toBe(201);
    // Operator routes never take a tenant's credential, token or key.
    expect((await get('/api/v1/tenants', admin)).statusCode).toBe(401);
    expect((await get('/api/v1/tenants', OPERATOR_TOKEN)).statusCode).toBe(200);
  });

  it('reaches the Graph routes past authentication', async () => {
    await setup();
    const token = await tokenFor(await client('alpha', 'reports-reader'));
    // No Graph store in this app: 503 shows authentication and the role passed (a refused token is 401).
    const res = await get('/v1.0/auditLogs/signIns', token);
    expect(res.statusCode).toBe(503);
  });

  it('stops the moment its key is revoked', async () => {
    await setup();
    const c = await client('alpha', 'security-admin');
    const token = await tokenFor(c);
    const admin = await client('alpha', 'global-admin');
    expect((await get('/api/v1/tenants/alpha', token)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/tenants/alpha/keys/${c.id}`, headers: { authorization: `Bearer ${admin.key}` } })).statusCode).toBe(204);
    const res = await get('/api/v1/tenants/alpha', token);
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('unauthenticated');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="authlens", error="invalid_token"/);
  });

  it('expires after its lifetime (injected clock), and says so', async () => {
    await setup();
    const token = await tokenFor(await client('alpha', 'reports-reader'));
    clock = new Date('2026-03-01T10:59:59.000Z');
    expect((await get('/api/v1/tenants/alpha', token)).statusCode).toBe(200);
    clock = new Date('2026-03-01T11:00:00.000Z');
    const res = await get('/api/v1/tenants/alpha', token);
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/expired/);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="authlens", error="invalid_token", error_description="the access token has expired; get a new one from the token endpoint"',
    );
  });

  it('outlives a restart with the same signing key (the data dir keeps it), not a change of key', async () => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const token = await tokenFor(c);
    const build = (signingKey: Uint8Array) =>
      buildApp({ config: loadConfig({ logLevel: 'silent' }, {}), store: t.store, ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }), oauth: { signingKey }, now: () => clock });
    const same = await build(SIGNING_KEY);
    const other = await build(new Uint8Array(32).fill(4));
    try {
      expect((await same.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      expect((await other.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    } finally {
      await same.close();
      await other.close();
    }
  });

  it("records the key's last use", async () => {
    await setup();
    const c = await client('alpha', 'reports-reader');
    const token = await tokenFor(c);
    clock = new Date('2026-03-01T10:30:00.000Z');
    await get('/api/v1/tenants/alpha', token);
    const keys = await createApiKeyService(t.store.control).list('alpha');
    expect(keys.find((k) => k.id === c.id)?.lastUsedAt).toBe('2026-03-01T10:30:00.000Z');
  });
});

describe('discovery', () => {
  it('serves the metadata MSAL reads, for any well-formed tenant alike', async () => {
    await setup();
    const res = await t.app.inject({ method: 'GET', url: '/alpha/v2.0/.well-known/openid-configuration' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      issuer: 'http://localhost:80/alpha/v2.0',
      token_endpoint: 'http://localhost:80/alpha/oauth2/v2.0/token',
      authorization_endpoint: 'http://localhost:80/alpha/oauth2/v2.0/authorize',
      jwks_uri: 'http://localhost:80/alpha/discovery/v2.0/keys',
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      scopes_supported: ['https://graph.microsoft.com/.default', '00000003-0000-0000-c000-000000000000/.default', 'api://authlens/.default', 'http://localhost:80/.default'],
    });
    const unknown = await t.app.inject({ method: 'GET', url: '/nosuchtenant/v2.0/.well-known/openid-configuration' });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body.replaceAll('nosuchtenant', 'alpha')).toBe(res.body);
    expect((await t.app.inject({ method: 'GET', url: '/alpha/discovery/v2.0/keys' })).json()).toEqual({ keys: [] });
  });

  it('documents the token endpoint in the OpenAPI document as a form post', async () => {
    await setup();
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, unknown> } }>;
    }>();
    const op = doc.paths['/{tenant}/oauth2/v2.0/token']?.post;
    expect(Object.keys(op?.requestBody?.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '4XX']));
  });
});
