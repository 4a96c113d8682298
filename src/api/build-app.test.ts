import { describe, it, expect, afterEach } from 'vitest';
import { Type } from 'typebox';
import { buildApp, type RouteGroup } from './build-app.ts';
import { loadConfig } from '../config/config.ts';
import { createTestApp, OPERATOR_TOKEN, type TestApp } from './testing/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('buildApp basics', () => {
  it('answers health publicly with security headers and a request id', async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(String(res.headers['request-id'])).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends HSTS when serving TLS', async () => {
    t = await createTestApp({ deps: { tls: true } });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.headers['strict-transport-security']).toContain('max-age=');
  });

  it('renders errors in Graph shape with the request id of the response', async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/tenants/alpha' });
    expect(res.statusCode).toBe(401);
    const body = res.json() as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('unauthenticated');
    expect(body.error.innerError['request-id']).toBe(res.headers['request-id']);
    expect(Number.isNaN(Date.parse(body.error.innerError.date ?? ''))).toBe(false);
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('answers unknown routes 404 in the same shape', async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect((res.json() as { error: { code: string } }).error.code).toBe('notFound');
  });

  it('turns a failing dependency into a 500 without internals', async () => {
    t = await createTestApp({
      optIn: ['alpha'],
      deps: {
        ingest: async () => {
          throw new Error('duckdb: /secret/path/db.duckdb is locked');
        },
      },
    });
    const key = await t.keyFor('alpha', 'global-admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/events', headers: { ...auth(key), 'content-type': 'application/x-ndjson' }, payload: '{}\n' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json()).toMatchObject({ error: { code: 'internalServerError', message: 'internal server error' } });
  });

  it('refuses to start when a route declares no access', async () => {
    const base = await createTestApp();
    await base.app.close();
    const noAccess: RouteGroup = async (app) => {
      app.get('/api/v1/unguarded', { schema: { response: { 200: Type.String() } } }, async () => 'x');
    };
    await expect(buildApp({ config: loadConfig({ logLevel: 'silent' }, {}), store: base.store, ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }) }, [noAccess])).rejects.toThrow(/declares no config\.access/);
  });

  it('lets the operator create and list tenants, and nobody else', async () => {
    t = await createTestApp();
    const op = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: op, payload: { id: 'gamma', edition: 'basic', rms: true } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'gamma', name: 'gamma', edition: 'basic', rms: true, retentionDays: 30 });
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: op, payload: { id: 'gamma' } });
    expect(again.statusCode).toBe(409);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: op, payload: { id: 'Bad_Id' } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('invalidRequest');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tenants', headers: op });
    expect((list.json() as Array<{ id: string }>).map((x) => x.id)).toEqual(['alpha', 'beta', 'gamma']);
    const key = await t.keyFor('alpha', 'global-admin');
    const asKey = await t.app.inject({ method: 'GET', url: '/api/v1/tenants', headers: auth(key) });
    expect(asKey.statusCode).toBe(401);
    const remote = await t.app.inject({ method: 'GET', url: '/api/v1/tenants', headers: op, remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(403);
  });

  it('runs CLI commands over the operator channel and answers 503 when it is not wired', async () => {
    const seen: Array<{ argv: readonly string[]; stdin: Buffer | undefined; tty: boolean | undefined; cwd: string | undefined }> = [];
    t = await createTestApp({
      deps: {
        runCli: async (argv, stdin, live) => {
          let bytes: Buffer | undefined;
          if (stdin !== undefined) {
            const parts: Buffer[] = [];
            for await (const c of stdin) parts.push(Buffer.from(c));
            bytes = Buffer.concat(parts);
          }
          seen.push({ argv, stdin: bytes, tty: live?.stderrIsTTY, cwd: live?.cwd });
          live?.write('stderr', '10 records\r');
          live?.write('stdout', 'out\n');
          return { exitCode: 2, stdout: 'out\n', stderr: '10 records\r' };
        },
      },
    });
    const op = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    // The command in the first line, then standard input as bytes (here the start of a gzip stream and invalid UTF-8).
    const stdin = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x0a]);
    const argv = ['ingest', '--tenant', 'acme', '-', ...Array.from({ length: 2000 }, (_, i) => `logs/day-${i}.ndjson`)];
    const stream = { ...op, 'content-type': 'application/vnd.authlens.cli' };
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/operator/cli',
      headers: stream,
      payload: Buffer.concat([Buffer.from(`${JSON.stringify({ argv, cwd: '/home/ana/exports', stderrIsTTY: true })}\n`), stdin]),
    });
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    // Output frames in the order the command wrote them, the exit code last.
    expect(res.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown)).toEqual([
      { stderr: '10 records\r' },
      { stdout: 'out\n' },
      { exitCode: 2 },
    ]);
    const noHead = await t.app.inject({ method: 'POST', url: '/api/v1/operator/cli', headers: stream, payload: '' });
    expect(noHead.statusCode).toBe(400);
    const badHead = await t.app.inject({ method: 'POST', url: '/api/v1/operator/cli', headers: stream, payload: '{"argv":"ingest"}\nrest' });
    expect(badHead.statusCode).toBe(400);
    const relative = await t.app.inject({ method: 'POST', url: '/api/v1/operator/cli', headers: stream, payload: '{"argv":[],"cwd":"exports","stderrIsTTY":false}\n' });
    expect(relative.statusCode).toBe(400);
    // A CLI from before the stream sends JSON and gets one JSON answer.
    const whole = await t.app.inject({ method: 'POST', url: '/api/v1/operator/cli', headers: op, payload: { argv: ['tenant', 'list'], stdin: '{"a":1}' } });
    expect(whole.json()).toEqual({ exitCode: 2, stdout: 'out\n', stderr: '10 records\r' });
    expect(seen).toEqual([
      { argv, stdin, tty: true, cwd: '/home/ana/exports' },
      { argv: ['tenant', 'list'], stdin: Buffer.from('{"a":1}'), tty: undefined, cwd: undefined },
    ]);
    await t.app.close();
    t = await createTestApp();
    const unwired = await t.app.inject({ method: 'POST', url: '/api/v1/operator/cli', headers: op, payload: { argv: [] } });
    expect(unwired.statusCode).toBe(503);
    expect((unwired.json() as { error: { code: string } }).error.code).toBe('serviceUnavailable');
  });

  it('ends a streamed operator answer with exit code 1 and the reason when the command throws', async () => {
    t = await createTestApp({
      deps: {
        runCli: async (_argv, _stdin, live) => {
          live?.write('stdout', 'half\n');
          throw new Error('disk full');
        },
      },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/operator/cli',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/vnd.authlens.cli' },
      payload: '{"argv":["ingest"],"cwd":"/","stderrIsTTY":false}\n',
    });
    expect(res.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown)).toEqual([
      { stdout: 'half\n' },
      { stderr: 'authlens: disk full\n' },
      { exitCode: 1 },
    ]);
  });

  it('says which Content-Type to send when it cannot read the one given', async () => {
    t = await createTestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/xml' },
      payload: '<tenant/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { code: 'unsupportedMediaType', message: "Content-Type 'application/xml' is not taken here; send application/json" } });
  });

  it('says what to do when a JSON Content-Type comes without a body', async () => {
    t = await createTestApp();
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/tenants/alpha/keys/k1',
      headers: { authorization: `Bearer ${await t.keyFor('alpha', 'global-admin')}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: 'badRequest',
        message: "the request says Content-Type 'application/json' but has no body: send a JSON body, or leave the header out (DELETE /api/v1/tenants/alpha/keys/k1 needs none)",
      },
    });
  });

  it('refuses the operator token when the server has none configured', async () => {
    t = await createTestApp({ deps: { operatorToken: undefined } });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/tenants', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(res.statusCode).toBe(401);
  });

  it('logs requests with their id but never keys, cookies or passwords', async () => {
    const lines: string[] = [];
    const base = await createTestApp();
    const key = await base.keyFor('alpha', 'global-admin');
    await base.app.close();
    const app = await buildApp({
      config: loadConfig({ logLevel: 'trace' }, {}),
      store: base.store,
      ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
      logStream: { write: (l) => void lines.push(l) },
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/tenants/alpha', headers: { authorization: `Bearer ${key}`, cookie: 'authlens_session=cookie-secret-value' } });
      expect(res.statusCode).toBe(200);
      await app.inject({ method: 'POST', url: '/api/v1/session', payload: { tenant: 'alpha', upn: 'a@b', password: 'hunter2-password' } });
      const log = lines.join('');
      expect(log).toContain(String(res.headers['request-id']));
      expect(log).not.toContain(key.slice(20));
      expect(log).not.toContain('cookie-secret-value');
      expect(log).not.toContain('hunter2-password');
    } finally {
      await app.close();
    }
  });
});
