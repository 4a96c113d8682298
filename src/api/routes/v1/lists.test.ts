import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectStores } from '../../../store/duckdb/detect-stores.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createHarness, HARNESS_NOW, type Harness } from './detect-routes-harness.ts';
import { createPublicFetch, MAX_DOWNLOAD_BYTES } from './lists.ts';

let store: DuckDbStore;
let h: Harness;
let scratch: string;
const URL = '/api/v1/tenants/t1/lists';
const fetched: string[] = [];

/** The internet, as far as these tests go: one feed on a public address, one that redirects inside. */
const fakeInternet = (async (input: string | URL | Request): Promise<Response> => {
  const url = input.toString();
  fetched.push(url);
  if (url === 'https://8.8.8.8/exits.txt') return new Response('# exits\n192.0.2.10\n192.0.2.11\nsecret-token-abc\n');
  if (url === 'https://8.8.4.4/moved') return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
  if (url === 'https://8.8.4.4/huge') return new Response(new Uint8Array(MAX_DOWNLOAD_BYTES + 1));
  return new Response('nope', { status: 404 });
}) as typeof fetch;

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  h = await createHarness(store, createDetectStores(store.db), { ipListFetch: createPublicFetch(fakeInternet) });
  scratch = await mkdtemp(path.join(tmpdir(), 'authlens-lists-test-'));
  const file = path.join(scratch, 'operator-botnet.txt');
  await writeFile(file, '203.0.113.0/24\n');
  // The operator's global list, added as the CLI does.
  await h.lists.add({ scope: 'global', name: 'feodo', category: 'botnet', source: file });
});
afterAll(async () => {
  await h.close();
  await store.close();
  await rm(scratch, { recursive: true, force: true });
});

const UPLOAD = ['# our offices', '198.51.100.0/24', '2001:db8::/32', 'not-an-ip', ''].join('\n');

describe('IP list routes', () => {
  it('adds an uploaded tenant list, with rejected lines by number', async () => {
    const res = await h.call('POST', `${URL}?name=offices&category=trusted`, h.key('t1', 'security-admin'), UPLOAD, 'text/plain');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      list: { name: 'offices', scope: 'tenant', category: 'trusted', format: 'plain', source: 'upload', loadedAt: HARNESS_NOW, entries: 2, v4: 1, v6: 1, rejected: 1, readOnly: false },
      skipped: 0,
      rejectedCount: 1,
      rejected: [{ line: 4, reason: 'not an IP address: not-an-ip' }],
    });
    expect(h.lists.registry.lists().map((l) => `${l.scope === 'global' ? 'global' : l.scope.tenant}/${l.name}`).sort()).toEqual(['global/feodo', 't1/offices']);
  });

  it('adds a list from a public URL; a downloaded page is never echoed back', async () => {
    const res = await h.call('POST', URL, h.key('t1', 'global-admin'), { name: 'exits', category: 'anonymizer', source: 'https://8.8.8.8/exits.txt' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ list: { name: 'exits', source: 'https://8.8.8.8/exits.txt', entries: 2, v4: 2, v6: 0, rejected: 1 }, rejectedCount: 1, rejected: [] });
    expect(res.body).not.toContain('secret-token-abc');
  });

  it("lists the tenant's lists and the global ones (read-only, no server paths)", async () => {
    const res = await h.call('GET', URL, h.key('t1', 'reports-reader'));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ name: string; scope: string; source: string; readOnly: boolean }[]>();
    expect(body.map((l) => [l.name, l.scope, l.source, l.readOnly])).toEqual([
      ['feodo', 'global', 'file', true],
      ['offices', 'tenant', 'upload', false],
      ['exits', 'tenant', 'https://8.8.8.8/exits.txt', false],
    ]);
    expect(res.body).not.toContain(scratch);
    const other = await h.call('GET', '/api/v1/tenants/t2/lists', h.key('t2', 'reports-reader'));
    expect(other.json<{ name: string }[]>().map((l) => l.name)).toEqual(['feodo']);
  });

  it.each([
    ['a link-local address', { name: 'meta', category: 'malicious', source: 'http://169.254.169.254/latest' }, 'invalidRequest', '169.254.169.254 is not a public address; lists are downloaded from the internet only'],
    ['loopback by name', { name: 'local', category: 'malicious', source: 'http://localhost:9/x' }, 'invalidRequest', 'localhost is not a public address; lists are downloaded from the internet only'],
    ['a redirect inside', { name: 'moved', category: 'malicious', source: 'https://8.8.4.4/moved' }, 'invalidRequest', '169.254.169.254 is not a public address; lists are downloaded from the internet only'],
    ['a download over the cap', { name: 'huge', category: 'malicious', source: 'https://8.8.4.4/huge' }, 'invalidRequest', `the list is larger than ${MAX_DOWNLOAD_BYTES} bytes`],
    ['an HTTP error', { name: 'gone', category: 'malicious', source: 'https://8.8.8.8/gone' }, 'invalidRequest', 'GET https://8.8.8.8/gone: HTTP 404'],
    ['a server path', { name: 'passwd', category: 'malicious', source: '/etc/passwd' }, 'invalidRequest', 'invalid body'],
    ['a bad name', { name: '../x', category: 'malicious', source: 'https://8.8.8.8/exits.txt' }, 'invalidRequest', 'invalid body'],
    ['a bad category', { name: 'x', category: 'evil', source: 'https://8.8.8.8/exits.txt' }, 'invalidRequest', 'invalid body'],
  ])('refuses %s', async (_label, body, code, message) => {
    const res = await h.call('POST', URL, h.key('t1', 'global-admin'), body);
    expect(res.statusCode).toBe(400);
    const err = res.json<{ error: { code: string; message: string } }>().error;
    expect(err.code).toBe(code);
    expect(err.message.startsWith(message)).toBe(true);
  });

  it('refuses an upload without name and category', async () => {
    const res = await h.call('POST', `${URL}?name=x`, h.key('t1', 'global-admin'), '192.0.2.1\n', 'text/plain');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toBe('an uploaded list needs ?name= and ?category=');
  });

  it('never removes a global list with a tenant key; removes its own', async () => {
    const global = await h.call('DELETE', `${URL}/feodo`, h.key('t1', 'global-admin'));
    expect(global.statusCode).toBe(403);
    expect(global.json<{ error: { message: string } }>().error.message).toBe("'feodo' is a global list; the operator manages it (authlens lists remove --global)");
    expect((await h.call('DELETE', `${URL}/offices`, h.key('t1', 'security-admin'))).statusCode).toBe(204);
    expect((await h.call('DELETE', `${URL}/offices`, h.key('t1', 'security-admin'))).statusCode).toBe(404);
    expect(h.lists.registry.lists().map((l) => l.name).sort()).toEqual(['exits', 'feodo']);
    expect((await h.lists.entries()).map((e) => e.name).sort()).toEqual(['exits', 'feodo']);
  });

  it.each([
    ['POST', URL, 'reports-reader', 403],
    ['DELETE', `${URL}/exits`, 'reports-reader', 403],
    ['GET', '/api/v1/tenants/t2/lists', 'global-admin', 404],
    ['POST', '/api/v1/tenants/t2/lists', 'security-admin', 404],
    ['DELETE', '/api/v1/tenants/t2/lists/exits', 'global-admin', 404],
  ] as const)('%s %s as %s of t1 -> %i', async (method, url, role, status) => {
    const res = await h.call(method, url, h.key('t1', role), method === 'POST' ? { name: 'x', category: 'trusted', source: 'https://8.8.8.8/exits.txt' } : undefined);
    expect(res.statusCode).toBe(status);
    expect(Object.keys(res.json<object>())).toEqual(['error']);
  });
});

describe('createPublicFetch', () => {
  it('checks every hop and never follows into private space', async () => {
    fetched.length = 0;
    const f = createPublicFetch(fakeInternet);
    await expect(f('https://8.8.4.4/moved')).rejects.toThrow('169.254.169.254 is not a public address');
    expect(fetched).toEqual(['https://8.8.4.4/moved']);
    await expect(f('ftp://8.8.8.8/x')).rejects.toThrow('ftp: URLs are not allowed');
    await expect(f('http://[::1]/x')).rejects.toThrow('[::1] is not a public address');
    await expect(f('http://10.0.0.1/x')).rejects.toThrow('10.0.0.1 is not a public address');
    expect((await (await f('https://8.8.8.8/exits.txt')).text()).split('\n')[1]).toBe('192.0.2.10');
  });
});
