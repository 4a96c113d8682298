import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

describe('portal files', () => {
  it('serves the page, its scripts and page modules without a session', async () => {
    t = await createTestApp();
    const home = await t.app.inject({ method: 'GET', url: '/' });
    expect([home.statusCode, home.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    for (const [url, holds] of [
      ['/portal/portal.js', 'function renderNav'],
      ['/portal/lib.js', 'export async function api'],
      ['/portal/pages/index.js', 'export const PAGES'],
    ] as const) {
      const r = await t.app.inject({ method: 'GET', url });
      expect([url, r.statusCode, r.headers['content-type']]).toEqual([url, 200, 'text/javascript; charset=utf-8']);
      expect(r.body).toContain(holds);
    }
  });

  it('serves the map outlines from the pinned world-atlas package, and no other file of it', async () => {
    t = await createTestApp();
    const r = await t.app.inject({ method: 'GET', url: '/portal/data/countries-110m.json' });
    expect([r.statusCode, r.headers['content-type']]).toEqual([200, 'application/json; charset=utf-8']);
    const topo = JSON.parse(r.body) as { type: string; objects: Record<string, unknown> };
    expect([topo.type, Object.keys(topo.objects).sort()]).toEqual(['Topology', ['countries', 'land']]);
    for (const url of ['/portal/data/countries-10m.json', '/portal/data/land-110m.json', '/portal/data/package.json', '/portal/data/constructor', '/portal/data/..%2F..%2Fpackage.json']) {
      expect([url, (await t.app.inject({ method: 'GET', url })).statusCode]).toEqual([url, 404]);
    }
  });

  it.each([
    '/portal/constructor',
    '/portal/toString',
    '/portal/index.html',
    '/portal/pages/missing.js',
    '/portal/pages/..%2Fportal.js',
    '/portal/pages/index.json',
    '/portal/pages/.js',
    '/portal/pages/%2E%2E%2F%2E%2E%2Fpackage.json',
  ])('answers 404 for %s', async (url) => {
    t = await createTestApp();
    const r = await t.app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(404);
    expect(r.body).not.toContain('"name": "authlens"');
  });
});
