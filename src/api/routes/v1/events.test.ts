import { gzipSync } from 'node:zlib';
import { INPUT_FORMATS } from '../../../schema/ingest.ts';
import { describe, it, expect, afterEach } from 'vitest';
import { REPORTING_NOT_ENABLED_MESSAGE } from '../../errors.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

const URL = '/api/v1/tenants/alpha/events';
const ndjson = (n: number): string => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `e${i}`, kind: 'signIn' })).join('\n') + '\n';

async function post(app: TestApp, payload: string | Buffer, headers: Record<string, string> = {}, url = URL) {
  const key = await app.keyFor('alpha', 'security-admin');
  return app.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', ...headers },
    payload,
  });
}
const code = (body: string): string => (JSON.parse(body) as { error: { code: string } }).error.code;
const message = (body: string): string => (JSON.parse(body) as { error: { message: string } }).error.message;

describe('POST /api/v1/tenants/{tenant}/events', () => {
  it('refuses before opt-in with reportingNotEnabled and the SPEC wording, storing nothing', async () => {
    t = await createTestApp();
    const res = await post(t, ndjson(2));
    expect(res.statusCode).toBe(403);
    expect(code(res.body)).toBe('reportingNotEnabled');
    expect(message(res.body)).toBe(REPORTING_NOT_ENABLED_MESSAGE);
    expect(t.ingested).toEqual([]);
  });

  it('passes NDJSON to the pipeline and answers its summary', async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    const res = await post(t, ndjson(3), {}, `${URL}?format=graph`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect(t.ingested).toHaveLength(1);
    expect(t.ingested[0]).toMatchObject({ tenant: 'alpha', format: 'graph', body: ndjson(3) });
  });

  it('answers 400 naming the formats for a format that does not exist, and reads nothing', async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    const res = await post(t, ndjson(1), {}, `${URL}?format=splunk`);
    expect(res.statusCode).toBe(400);
    expect(message(res.body)).toContain('/format');
    for (const f of INPUT_FORMATS) expect(message(res.body)).toContain(f);
    expect(t.ingested).toEqual([]);
  });

  it('takes a JSON array and defaults the format to auto', async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    const res = await post(t, JSON.stringify([{ a: 1 }, { b: 2 }]), { 'content-type': 'application/json' });
    expect(res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(t.ingested[0]?.format).toBe('auto');
  });

  it('accepts Content-Encoding: gzip and hands over the decompressed bytes', async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    const res = await post(t, gzipSync(Buffer.from(ndjson(5))), { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    expect(t.ingested[0]?.body).toBe(ndjson(5));
  });

  it('answers 400 for a body that claims gzip and is not', async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    const res = await post(t, ndjson(1), { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(400);
    expect(t.ingested).toEqual([]);
  });

  it('answers 415 for an unsupported Content-Encoding', async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    const res = await post(t, ndjson(1), { 'content-encoding': 'br' });
    expect(res.statusCode).toBe(415);
    expect(code(res.body)).toBe('unsupportedMediaType');
  });

  it('answers 413 naming maxBodyBytes when the decompressed body is too large (a gzip bomb included)', async () => {
    t = await createTestApp({ optIn: ['alpha'], limits: { maxBodyBytes: 20_000 } });
    const plain = await post(t, ndjson(1000));
    expect(plain.statusCode).toBe(413);
    expect(code(plain.body)).toBe('payloadTooLarge');
    expect(message(plain.body)).toContain('limits.maxBodyBytes');
    const bomb = gzipSync(Buffer.alloc(10_000_000, 0x20));
    expect(bomb.length).toBeLessThan(20_000);
    const res = await post(t, bomb, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(413);
    expect(message(res.body)).toContain('limits.maxBodyBytes');
    expect(t.ingested).toEqual([]);
  });

  it('answers 413 naming maxBatchRecords when the batch has too many records, and accepts exactly the limit', async () => {
    t = await createTestApp({ optIn: ['alpha'], limits: { maxBatchRecords: 10 } });
    const over = await post(t, ndjson(11));
    expect(over.statusCode).toBe(413);
    expect(message(over.body)).toContain('limits.maxBatchRecords (10 records)');
    const arrayOver = await post(t, JSON.stringify(Array.from({ length: 11 }, () => ({}))), { 'content-type': 'application/json' });
    expect(arrayOver.statusCode).toBe(413);
    expect(t.ingested).toEqual([]);
    const atLimit = await post(t, ndjson(10));
    expect(atLimit.statusCode).toBe(200);
  });

  it('rate-limits ingest per key with 429 and Retry-After', async () => {
    t = await createTestApp({
      optIn: ['alpha'],
      deps: {
        rateLimits: {
          loginPerIp: { capacity: 10, refillPerSecond: 1 },
          ingestPerIp: { capacity: 100, refillPerSecond: 1 },
          ingestPerPrincipal: { capacity: 2, refillPerSecond: 0.01 },
        },
      },
    });
    const key = await t.keyFor('alpha', 'global-admin');
    const send = () =>
      t!.app.inject({ method: 'POST', url: URL, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, payload: ndjson(1) });
    expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(200);
    const limited = await send();
    expect(limited.statusCode).toBe(429);
    expect(code(limited.body)).toBe('tooManyRequests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key of the same tenant has its own bucket.
    expect((await post(t, ndjson(1))).statusCode).toBe(200);
  });

  it('answers 415 for a content type it does not read, and 400/415 for no body type at all', async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    const xml = await post(t, '<x/>', { 'content-type': 'application/xml' });
    expect(xml.statusCode).toBe(415);
    expect(code(xml.body)).toBe('unsupportedMediaType');
    // curl -d sends form encoding: the answer says what to send instead.
    const form = await post(t, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
    expect(message(form.body)).toBe(
      "Content-Type 'application/x-www-form-urlencoded' is not taken here; send the events as application/json, application/x-ndjson, application/ndjson, application/jsonl, application/x-jsonlines, text/plain (gzip with Content-Encoding: gzip)",
    );
    const key = await t.keyFor('alpha', 'global-admin');
    const none = await t.app.inject({ method: 'POST', url: URL, headers: { authorization: `Bearer ${key}` } });
    expect([400, 415]).toContain(none.statusCode);
    expect(t.ingested).toEqual([]);
  });

  it("answers 404 when a key of another tenant posts to this tenant's events", async () => {
    t = await createTestApp({ optIn: ['alpha'] });
    await t.store.control.createTenant({ id: 'gone', name: 'g', edition: 'free', rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00Z' });
    const key = await t.keyFor('gone', 'global-admin');
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/tenants/alpha/events', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: '[]' });
    expect(other.statusCode).toBe(404);
  });
});
