/** `authlens start --tls-cert F --tls-key F` serves HTTPS with HSTS; plain HTTP is not answered on that port. */
import { selfSignedLocalhost } from '../helpers/tls-and-child.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { startServer, type RunningServer } from '../../src/main.ts';

let dir: string;
let server: RunningServer;
let ca: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-tls-'));
  const { cert, key } = selfSignedLocalhost(dir);
  ca = await readFile(cert);
  server = await startServer(
    loadConfig({ dataDir: path.join(dir, 'data'), port: 0, demo: false, logLevel: 'warn', tls: { certFile: cert, keyFile: key } }, {}),
    { log: () => {} },
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function httpsGet(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('HTTPS', () => {
  it('serves the API over TLS with HSTS, verified against the given certificate', async () => {
    expect(server.url.startsWith('https://')).toBe(true);
    const res = await httpsGet(`${server.url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('does not speak plain HTTP on the TLS port', async () => {
    const plain = server.url.replace('https://', 'http://');
    await expect(fetch(`${plain}/api/v1/health`)).rejects.toThrow();
  });
});
