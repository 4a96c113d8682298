import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { GraphListQuery, GraphListResult, GraphRecord, GraphResource } from '../../../schema/graph-query.ts';
import type { GraphQueries } from '../../../store/ports.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

/** 25 sign-ins per tenant, a fake port that pages by (time, id) like the real one and records what it was asked. */
function fakeQueries(): GraphQueries & { calls: Array<{ tenant: string; resource: GraphResource; q: GraphListQuery }> } {
  const rows = (tenant: string): GraphRecord[] =>
    Array.from({ length: 25 }, (_, i) => ({ id: `${tenant}-${String(i).padStart(2, '0')}`, createdDateTime: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(), userPrincipalName: `u${i % 3}@${tenant}.example` }));
  const calls: Array<{ tenant: string; resource: GraphResource; q: GraphListQuery }> = [];
  return {
    calls,
    async list(tenant, resource, q): Promise<GraphListResult> {
      calls.push({ tenant, resource, q });
      let all = rows(tenant).sort((a, b) => String(b['createdDateTime']).localeCompare(String(a['createdDateTime'])));
      if (q.order === 'asc') all = all.reverse();
      const after = q.after;
      const start = after === undefined ? 0 : all.findIndex((r) => r.id === after.id) + 1;
      const page = all.slice(start, start + q.top);
      const last = page[page.length - 1];
      return { value: page, ...(start + q.top < all.length && last ? { next: { time: String(last['createdDateTime']), id: last.id } } : {}), ...(q.count ? { count: all.length } : {}) };
    },
    async get(tenant, _resource, id) {
      return rows(tenant).find((r) => r.id === id);
    },
  };
}

let t: TestApp;
let port: ReturnType<typeof fakeQueries>;
let alphaKey: string;
let betaKey: string;

beforeAll(async () => {
  port = fakeQueries();
  t = await createTestApp({ optIn: ['alpha', 'beta'], deps: { graph: { queries: port, skipTokenKey: Buffer.alloc(32, 1) } } });
  alphaKey = await t.keyFor('alpha', 'reports-reader');
  betaKey = await t.keyFor('beta', 'reports-reader');
});
afterAll(async () => {
  await t.app.close();
});

const get = (url: string, key = alphaKey) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}`, host: 'graph.test' } });

describe('Graph routes', () => {
  it('needs credentials', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/v1.0/auditLogs/signIns' });
    expect(r.statusCode).toBe(401);
  });

  it("lists the caller's tenant with Graph's envelope and follows nextLinks to the end", async () => {
    const seen: string[] = [];
    let url: string | undefined = '/v1.0/auditLogs/signIns?$top=10&$count=true';
    let pages = 0;
    while (url !== undefined) {
      const r = await get(url);
      expect(r.statusCode).toBe(200);
      const body = r.json<{ '@odata.context': string; '@odata.count': number; '@odata.nextLink'?: string; value: GraphRecord[] }>();
      expect(body['@odata.context']).toBe('http://graph.test/v1.0/$metadata#auditLogs/signIns');
      expect(body['@odata.count']).toBe(25);
      seen.push(...body.value.map((v) => v.id));
      const next = body['@odata.nextLink'];
      if (next !== undefined) expect(next.startsWith('http://graph.test/v1.0/auditLogs/signIns?%24top=10&%24count=true&%24skiptoken=')).toBe(true);
      url = next?.replace('http://graph.test', '');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `alpha-${String(24 - i).padStart(2, '0')}`));
    expect(port.calls.every((c) => c.tenant === 'alpha' && c.resource === 'signIns')).toBe(true);
  });

  it('passes the parsed filter, order and top to the store and applies $select', async () => {
    const r = await get("/v1.0/identityProtection/riskDetections?$filter=riskLevel eq 'high'&$orderby=detectedDateTime asc&$select=id");
    expect(r.statusCode).toBe(200);
    const last = port.calls[port.calls.length - 1];
    expect(last?.q).toMatchObject({ order: 'asc', top: 20, count: false, filter: { type: 'compare', op: 'eq', property: { path: ['riskLevel'], lambda: false } } });
    expect(Object.keys(r.json<{ value: object[] }>().value[0] ?? {})).toEqual(['id']);
  });

  it.each([
    ["/v1.0/auditLogs/signIns?$filter=userPrincipalName eq", 'Invalid filter clause: expected a literal (string, number, true, false, null, DateTimeOffset) but found end of expression at position 20'],
    ['/v1.0/auditLogs/signIns?$top=1001', "Invalid $top value '1001': it must be from 1 to 1000"],
    ['/v1.0/auditLogs/signIns?$skiptoken=abc.def', 'Invalid $skiptoken: the token is malformed, was altered, or was issued by another server'],
    // Refused by the route's schema before the OData parser saw them: still Graph's code, and the parser's words.
    ['/v1.0/auditLogs/signIns?$top=1&$top=2', '$top is given more than once'],
    ["/v1.0/auditLogs/signIns?$filter=id eq 'a'&$filter=id eq 'b'", '$filter is given more than once'],
    ['/v1.0/auditLogs/signIns/some-id?$select=id&$select=ipAddress', '$select is given more than once'],
  ])('400 in Graph shape for %s', async (url, message) => {
    const r = await get(url);
    expect(r.statusCode).toBe(400);
    const body = r.json<{ error: { code: string; message: string; innerError: { 'request-id': string; date: string } } }>();
    expect(body.error.code).toBe('BadRequest');
    expect(body.error.message).toBe(message);
    expect(body.error.innerError['request-id']).toMatch(/./);
  });

  it('a $filter over the schema length is a Graph BadRequest too', async () => {
    const r = await get(`/v1.0/auditLogs/signIns?$filter=${'x'.repeat(4097)}`);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'BadRequest', message: 'Invalid filter clause: the expression is longer than 4096 characters at position 4096' } });
  });

  it("refuses another tenant's token and a token reused with another filter", async () => {
    const first = (await get('/v1.0/auditLogs/signIns?$top=5')).json<{ '@odata.nextLink': string }>();
    const path = first['@odata.nextLink'].replace('http://graph.test', '');
    const other = await get(path, betaKey);
    expect(other.statusCode).toBe(400);
    expect(other.json<{ error: { message: string } }>().error.message).toBe('Invalid $skiptoken: the token belongs to another resource');
    const refiltered = await get(`${path}&$filter=${encodeURIComponent("userPrincipalName eq 'u1@alpha.example'")}`);
    expect(refiltered.statusCode).toBe(400);
    expect(refiltered.json<{ error: { message: string } }>().error.message).toBe('Invalid $skiptoken: the token was issued for different query options');
    const token = new URL(first['@odata.nextLink']).searchParams.get('$skiptoken') ?? '';
    const tampered = token.slice(0, 3) + (token[3] === 'A' ? 'B' : 'A') + token.slice(4);
    expect((await get(`/v1.0/auditLogs/signIns?$top=5&$skiptoken=${encodeURIComponent(tampered)}`)).statusCode).toBe(400);
  });

  it('gets one record by id, only within the caller tenant', async () => {
    const r = await get('/v1.0/auditLogs/signIns/alpha-03');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: 'alpha-03', '@odata.context': 'http://graph.test/v1.0/$metadata#auditLogs/signIns/$entity' });
    const missing = await get('/v1.0/auditLogs/signIns/beta-03');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('ResourceNotFound');
  });

  it('applies $select to one record and refuses an unknown property', async () => {
    const r = await get('/v1.0/auditLogs/signIns/alpha-03?$select=userPrincipalName');
    expect(r.json()).toEqual({ '@odata.context': 'http://graph.test/v1.0/$metadata#auditLogs/signIns/$entity', userPrincipalName: 'u0@alpha.example' });
    const bad = await get('/v1.0/auditLogs/signIns/alpha-03?$select=secret');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toBe("Invalid $select: 'secret' is not a property of this resource");
  });

  it('answers 503 when the server has no Graph queries wired', async () => {
    const u = await createTestApp({ optIn: ['alpha'] });
    const key = await u.keyFor('alpha', 'security-admin');
    const r = await u.app.inject({ method: 'GET', url: '/v1.0/auditLogs/directoryAudits', headers: { authorization: `Bearer ${key}` } });
    expect(r.statusCode).toBe(503);
    await u.app.close();
  });

  it('refuses a tenant that has not opted in', async () => {
    const u = await createTestApp({ deps: { graph: { queries: fakeQueries() } } });
    const key = await u.keyFor('alpha', 'global-admin');
    const r = await u.app.inject({ method: 'GET', url: '/v1.0/identityProtection/riskyUsers', headers: { authorization: `Bearer ${key}` } });
    expect(r.statusCode).toBe(403);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('reportingNotEnabled');
    await u.app.close();
  });

  it.each(['identityProtection/riskDetections', 'identityProtection/riskyUsers'])(
    'answers 403 editionRequired for %s below Premium (the D4-D7 reports are Premium; sign-ins and audits stay readable)',
    async (resource) => {
      const u = await createTestApp({ optIn: ['alpha'], deps: { graph: { queries: fakeQueries() } } });
      await u.store.control.updateTenant('alpha', { edition: 'free' });
      const key = await u.keyFor('alpha', 'global-admin');
      const at = (url: string) => u.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
      for (const url of [`/v1.0/${resource}`, `/v1.0/${resource}/alpha-01`]) {
        const r = await at(url);
        expect(r.statusCode, url).toBe(403);
        expect(r.json<{ error: { code: string; message: string } }>().error).toMatchObject({
          code: 'editionRequired',
          message: `${resource} needs the Premium edition`,
        });
      }
      expect((await at('/v1.0/auditLogs/signIns')).statusCode).toBe(200);
      await u.app.close();
    },
  );
});
