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
