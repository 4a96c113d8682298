/**
 * Walks every registered route and proves the access rules hold for each:
 * no credentials -> 401, a role not allowed -> 403, an allowed role -> neither,
 * another tenant's key on this tenant's URL -> 404/403 with no data, operator
 * routes take only the operator token. Also: every route has a schema, and the
 * OpenAPI document is structurally valid and lists every visible route.
 * New routes are covered automatically.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ROLES, type Role } from '../schema/tenants.ts';
import { DOCS_PREFIX, registeredRoutes, type RegisteredRoute } from './build-app.ts';
import { createTestApp, OPERATOR_TOKEN, type TestApp } from './testing/test-app.ts';

let t: TestApp;
const keys = new Map<string, string>();
beforeAll(async () => {
  // Generous limits: the walker must not trip rate limits of its own making.
  t = await createTestApp({
    optIn: ['alpha', 'beta'],
    deps: {
      rateLimits: {
        loginPerIp: { capacity: 1000, refillPerSecond: 1000 },
        ingestPerIp: { capacity: 1000, refillPerSecond: 1000 },
        ingestPerPrincipal: { capacity: 1000, refillPerSecond: 1000 },
      },
      runCli: async (argv) => ({ exitCode: 0, stdout: argv.join(' '), stderr: '' }),
    },
  });
  for (const tenant of ['alpha', 'beta']) for (const role of ROLES) keys.set(`${tenant}/${role}`, await t.keyFor(tenant, role));
});
afterAll(async () => {
  await t.app.close();
});

const key = (tenant: string, role: Role): string => keys.get(`${tenant}/${role}`) ?? '';

function concreteUrl(url: string): string {
  return url
    .replace(':tenant', 'alpha')
    .replace(/:id\b/, '0123456789abcdef')
    .replace(/:([A-Za-z]+)/g, 'x')
    .replace('*', 'x');
}

function walked(): RegisteredRoute[] {
  return registeredRoutes(t.app).filter((r) => r.method !== 'HEAD' && !r.url.startsWith(DOCS_PREFIX));
}

async function call(r: RegisteredRoute, authorization?: string): Promise<{ status: number; body: string }> {
  const hasBody = !['GET', 'DELETE', 'OPTIONS'].includes(r.method);
  const res = await t.app.inject({
    method: r.method as 'GET',
    url: concreteUrl(r.url),
    headers: {
      ...(authorization !== undefined ? { authorization: `Bearer ${authorization}` } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    ...(hasBody ? { payload: '{}' } : {}),
  });
  return { status: res.statusCode, body: res.body };
}

describe('route walker', () => {
  it('finds the routes of this API', () => {
    const urls = walked().map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(expect.arrayContaining(['POST /api/v1/tenants/:tenant/events', 'POST /api/v1/operator/cli', 'DELETE /api/v1/tenants/:tenant/keys/:id']));
  });

  it('every route declares access and a schema for what it takes and returns', () => {
    for (const r of walked()) {
      const label = `${r.method} ${r.url}`;
      expect(r.access, label).toBeDefined();
      const response = (r.schema?.response ?? {}) as Record<string, unknown>;
      expect(Object.keys(response).some((c) => /^2/.test(c)), `${label} response`).toBe(true);
      if (r.url.includes(':')) expect(r.schema?.params, `${label} params`).toBeDefined();
      if (['POST', 'PUT', 'PATCH'].includes(r.method)) expect(r.schema?.body, `${label} body`).toBeDefined();
    }
  });

  it('refuses every non-public route without credentials (401) and with a malformed key', async () => {
    for (const r of walked().filter((x) => x.access !== 'public')) {
      expect((await call(r)).status, `${r.method} ${r.url}`).toBe(401);
      expect((await call(r, 'al_nothex_short')).status, `${r.method} ${r.url}`).toBe(401);
    }
  });

  it('enforces roles: 403 for each role not allowed, neither 401 nor 403 for each allowed one', async () => {
    let refused = 0;
    for (const r of walked()) {
      if (r.access === undefined || r.access === 'public' || r.access === 'operator') continue;
      for (const role of ROLES) {
        const res = await call(r, key('alpha', role));
        const label = `${role} ${r.method} ${r.url}`;
        if (r.access.roles.includes(role)) expect([401, 403], label).not.toContain(res.status);
        else {
          expect(res.status, label).toBe(403);
          expect(JSON.parse(res.body).error.code, label).toBe('forbidden');
          refused++;
        }
      }
    }
    // keys (3 routes) and directory/opt-in refuse two roles each; events refuses reports-reader.
    expect(refused).toBeGreaterThanOrEqual(11);
  });

  it("never serves another tenant's URL: tenant beta's keys on alpha's routes get 404/403 and no data", async () => {
    for (const r of walked().filter((x) => x.url.includes(':tenant') && typeof x.access === 'object')) {
      for (const role of ROLES) {
        const res = await call(r, key('beta', role));
        const label = `${role} ${r.method} ${r.url}`;
        expect([403, 404], label).toContain(res.status);
        expect(Object.keys(JSON.parse(res.body)), label).toEqual(['error']);
      }
    }
  });

  it('operator routes take only the operator token, and only from loopback', async () => {
    for (const r of walked().filter((x) => x.access === 'operator')) {
      const label = `${r.method} ${r.url}`;
      for (const role of ROLES) expect((await call(r, key('alpha', role))).status, label).toBe(401);
      expect([401, 403], label).not.toContain((await call(r, OPERATOR_TOKEN)).status);
      expect((await call(r, OPERATOR_TOKEN + 'x')).status, label).toBe(401);
    }
  });

  it('serves a structurally valid OpenAPI 3.1 document that lists every visible route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { responses?: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> }>>;
      components?: { securitySchemes?: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('authlens API');
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(['apiKey', 'session']);
    const visible = walked().filter((r) => !(r.schema as { hide?: boolean } | undefined)?.hide);
    for (const r of visible) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${path}`).toBeDefined();
      expect(Object.keys(op?.responses ?? {}).length, `${r.method} ${path} responses`).toBeGreaterThan(0);
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        expect(op?.parameters?.some((p) => p.in === 'path' && p.name === name), `${path} documents {${name}}`).toBe(true);
      }
    }
    // No dangling references: every $ref points into the document.
    const refs = [...res.body.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] ?? '');
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it.each([
    ['/api/v1/tenants/{tenant}/events', ['application/json', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain']],
    ['/api/v1/tenants/{tenant}/leaks', ['text/csv', 'application/x-ndjson', 'application/ndjson', 'text/plain']],
    ['/api/v1/tenants/{tenant}/lists', ['application/json', 'text/plain']],
  ])('documents the content types POST %s takes (a generated client must not send JSON where CSV is wanted)', async (path, types) => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> } } }> }>();
    expect(Object.keys(doc.paths[path]?.post?.requestBody?.content ?? {})).toEqual(types);
  });

  it('serves the browsable docs UI', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${DOCS_PREFIX}/` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
