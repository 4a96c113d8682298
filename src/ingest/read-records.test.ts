import { isUtf8 } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readRecords, type RawRecord } from './read-records.ts';

const LIMIT = { maxRecordBytes: 4096 };

async function read(input: Buffer | AsyncIterable<Buffer>, opts = LIMIT): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of readRecords(input, opts)) out.push(r);
  return out;
}

/** Feeds the input in pieces of the given sizes, to cross every chunk boundary. */
async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** A compact view: line and id for records, line and reason for rejections. */
function view(rs: RawRecord[]): string[] {
  return rs.map((r) => (r.ok ? `${r.line}:${typeof r.value === 'string' ? r.value : String(r.value.id ?? JSON.stringify(r.value))}` : `${r.line}!${r.reason}`));
}

describe('readRecords framings', () => {
  it.each<[string, string, string[]]>([
    ['NDJSON with blank lines and CRLF', '{"id":"a"}\r\n\r\n{"id":"b"}\r\n{"id":"c"}', ['1:a', '3:b', '4:c']],
    ['a JSON array, each element at its own line', '[\n  {"id":"a"},\n  {\n    "id":"b"\n  }\n]\n', ['2:a', '3:b']],
    ['a pretty-printed single object', '{\n  "id": "a",\n  "x": [1, 2]\n}\n', ['1:a']],
    ['several pretty-printed objects', '{\n "id": "a"\n}\n{\n "id": "b"\n}', ['1:a', '4:b']],
    [
      'a Graph list response, envelope dropped, nextLink ignored',
      '{\n "@odata.context": "x",\n "value": [\n  {"id": "a"},\n  {"id": "b", "value": [1]}\n ],\n "@odata.nextLink": "y"\n}',
      ['4:a', '5:b'],
    ],
    ['a one-line list response inside NDJSON', '{"id":"a"}\n{"value":[{"id":"b"},{"id":"c"}]}', ['1:a', '2:b', '2:c']],
    ['an empty input', '  \n ', []],
    ['an empty array', '[]', []],
  ])('%s', async (_name, text, want) => {
    expect(view(await read(Buffer.from(text)))).toEqual(want);
  });

  it('strips a UTF-8 BOM and inflates gzip', async () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"a"}\n{"id":"b"}\n')]);
    expect(view(await read(gzipSync(text)))).toEqual(['1:a', '2:b']);
    expect(view(await read(pieces(gzipSync(text), 3)))).toEqual(['1:a', '2:b']);
  });

  it('rejects corrupt gzip as data, not an exception', async () => {
    const gz = gzipSync(Buffer.from('{"id":"a"}\n'.repeat(100)));
    const broken = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(20, 7)]);
    const rs = await read(broken);
    expect(rs.at(-1)).toMatchObject({ ok: false, reason: expect.stringContaining('gzip data is corrupt') });
  });

  it('reads CSV rows with their starting line across multi-line quoted cells', async () => {
    const csv = '\ufeffId,Note\r\n1,"a\r\nb\r\nc"\r\n2,plain\r\n3,"x"\r\n';
    const rs = await read(Buffer.from(csv));
    expect(rs).toEqual([
      { ok: true, line: 2, shape: 'csv', value: { Id: '1', Note: 'a\r\nb\r\nc' } },
      { ok: true, line: 5, shape: 'csv', value: { Id: '2', Note: 'plain' } },
      { ok: true, line: 6, shape: 'csv', value: { Id: '3', Note: 'x' } },
    ]);
  });

  it('rejects a CSV row whose cell count differs from the header', async () => {
    const rs = await read(Buffer.from('a,b\n1,2\n3\n4,5\n'));
    expect(view(rs)).toEqual(['2:{"a":"1","b":"2"}', '3!row has 1 cells, the header has 2', '4:{"a":"4","b":"5"}']);
  });

  it('reads gzip-compressed CSV with a BOM', async () => {
    const rs = await read(gzipSync(Buffer.from('\ufeffId,Type\r\nx1,SigninLogs\r\n')));
    expect(rs).toEqual([{ ok: true, line: 2, shape: 'csv', value: { Id: 'x1', Type: 'SigninLogs' } }]);
  });

  it('rejects an oversized CSV row and a broken quote without throwing', async () => {
    const big = `a,b\n1,${'x'.repeat(5000)}\n2,ok\n`;
    const v = view(await read(Buffer.from(big)));
    expect(v.some((x) => /!(record is \d+ bytes|invalid CSV)/.test(x))).toBe(true);
    const broken = view(await read(Buffer.from('a,b\n1,2\n"x"y,3\n4,5\n')));
    expect(broken[0]).toBe('2:{"a":"1","b":"2"}');
    expect(broken.slice(1).every((x) => x.includes('!invalid CSV'))).toBe(true);
  });

  it('says once that UTF-16 or binary input is not UTF-8 text, instead of a rejection per line of garbage', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"id":"a"}\n{"id":"b"}\n', 'utf16le')]);
    expect(view(await read(utf16))).toEqual(['1!the input is UTF-16 text; authlens reads UTF-8 (save or convert the file as UTF-8)']);
    expect(view(await read(Buffer.from('{"id":"a"}\n', 'utf16le')))[0]).toMatch(/^1!the input is not text \(it has NUL bytes/);
    const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256));
    expect(await read(gzipSync(noise))).toHaveLength(1);
    // Valid UTF-8 stays text, U+FFFD included, also when a chunk boundary cuts a character.
    expect(view(await read(Buffer.from('{"id":"\uFFFD é ✓"}\n')))).toEqual(['1:\uFFFD é ✓']);
    const long = Buffer.from(`{"id":"${'✓'.repeat(5000)}"}\n`);
    expect(view(await read(pieces(long, 8191), { maxRecordBytes: 1 << 20 }))).toEqual([`1:${'✓'.repeat(5000)}`]);
  });

  it('rejects random bytes in one rejection at line 1, whatever they are', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 64, maxLength: 2048 }), async (bytes) => {
        const b = Buffer.from(bytes);
        // Invalid before its last 3 bytes (a character cut at the very end may be the input's own end).
        fc.pre(!isUtf8(b.subarray(0, b.length - 3)));
        const rs = await read(b);
        expect(rs).toHaveLength(1);
        expect(rs[0]).toMatchObject({ ok: false, line: 1 });
      }),
    );
  });

  it('says what it expected when the input is no known framing', async () => {
    expect(view(await read(Buffer.from('hello world')))).toEqual([
      '1!unrecognised input: expected NDJSON, a JSON array or object, a Graph list response, CSV with a header row, or a Keycloak server log',
    ]);
  });
});

describe('readRecords rejections', () => {
  it('names line and column of a syntax error and keeps the siblings (array)', async () => {
    const text = '[\n {"id":"a"},\n {"id":"b",\n  "x": [1,]},\n {"id":"c"}\n]';
    expect(view(await read(Buffer.from(text)))).toEqual([
      '2:a',
      "3!invalid JSON at line 4, column 11: trailing comma: expected a value before ']'",
      '5:c',
    ]);
  });

  it('rejects a bad NDJSON line alone', async () => {
    const text = '{"id":"a"}\n{"id":"b",}\n{"id":"c"\n42\n{"id":"d"}';
    expect(view(await read(Buffer.from(text)))).toEqual([
      '1:a',
      "2!invalid JSON at line 2, column 11: trailing comma: expected a property name before '}'",
      "3!invalid JSON at line 3, column 10: unexpected end of input inside an object",
      '4!record is not a JSON object (found a number)',
      '5:d',
    ]);
  });

  it('rejects an oversized record without keeping it, in every framing', async () => {
    const big = `{"id":"big","pad":"${'x'.repeat(5000)}"}`;
    for (const text of [`{"id":"a"}\n${big}\n{"id":"b"}`, `[{"id":"a"},${big},{"id":"b"}]`]) {
      const v = view(await read(Buffer.from(text)));
      expect(v[0]).toBe('1:a');
      expect(v[1]).toMatch(/^\d+!record is 50\d\d bytes, over the limit of 4096 bytes$/);
      expect(v[2]).toMatch(/:b$/);
    }
  });

  it('reports input that ends inside a record or the array', async () => {
    expect(view(await read(Buffer.from('[\n{"id":"a"},\n{"id":"b"')))).toEqual(['2:a', '3!input ended inside this record (truncated?)']);
    expect(view(await read(Buffer.from('[\n{"id":"a"},\n')))).toEqual([
      '2:a',
      '1!input ended before the end of the JSON document that starts at line 1 (truncated?)',
    ]);
  });

  it('cuts a record with mismatched brackets and goes on', async () => {
    const v = view(await read(Buffer.from('[{"id":"a"],{"id":"b"}]')));
    expect(v[0]).toMatch(/^1!invalid JSON at line 1, column 11/);
    expect(v.at(-1)).toBe('1:b');
  });
});

describe('readRecords properties', () => {
  const docs = fc.array(fc.record({ id: fc.string({ maxLength: 8 }), n: fc.integer(), s: fc.string({ maxLength: 30 }) }), {
    minLength: 0,
    maxLength: 8,
  });

  it('gives the same records whatever the chunk boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(docs, fc.integer({ min: 1, max: 17 }), fc.boolean(), async (items, size, pretty) => {
        const text = Buffer.from(pretty ? JSON.stringify({ value: items }, null, 2) : items.map((i) => JSON.stringify(i)).join('\n'));
        const whole = await read(text);
        const chunked = await read(pieces(text, size));
        expect(chunked).toEqual(whole);
        expect(whole.filter((r) => r.ok).map((r) => (r.ok ? r.value : null))).toEqual(items);
      }),
      { numRuns: 150 },
    );
  });

  it('never throws and always ends on any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 50 }), async (bytes, size) => {
        const rs = await read(pieces(Buffer.from(bytes), size), { maxRecordBytes: 64 });
        for (const r of rs) {
          expect(r.line).toBeGreaterThanOrEqual(1);
          if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on JSON-like noise', async () => {
    const alphabet = fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', '\n', ' ', 'a', '1', 'value');
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 200 }), async (parts) => {
        const rs = await read(Buffer.from(parts.join('')), { maxRecordBytes: 64 });
        expect(Array.isArray(rs)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readRecords: Keycloak server logs', () => {
  const noise = '21:01:42,548 INFO  [org.keycloak.services] (ServerService Thread Pool -- 64) KC-SERVICES0009: Added user \'admin\' to realm \'master\'';
  const event = (n: number): string =>
    `2026-11-20 21:01:4${n},403 WARN  [org.keycloak.events] (default task-1) type=LOGIN_ERROR, realmId=test, clientId=test, userId=null, ipAddress=172.18.0.1, error=user_not_found, username=u${n}`;

  it('hands on the event lines at their own line numbers and skips the rest of the log', async () => {
    const text = [noise, event(1), '\tat org.jboss.Something(Something.java:1)', '', event(2), noise].join('\r\n');
    const rs = await read(Buffer.from(text));
    expect(rs).toEqual([
      { ok: true, line: 2, shape: 'text', value: event(1) },
      { ok: true, line: 5, shape: 'text', value: event(2) },
    ]);
  });

  it('recognises a log by its first line even though that line has commas (not CSV)', async () => {
    const rs = await read(Buffer.from(`${event(1)}\n`));
    expect(rs).toMatchObject([{ ok: true, line: 1, shape: 'text' }]);
  });

  it('says once why a server log gave nothing, instead of a rejection per line', async () => {
    const rs = await read(Buffer.from([noise, noise, noise].join('\n')));
    expect(rs).toEqual([{ ok: false, line: 3, field: '', reason: expect.stringContaining('server log with no Keycloak event line: 3 log lines read') }]);
  });

  it('never throws on any lines after a log start; every record is an event line or a rejection with a reason', async () => {
    const line = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(event(3), noise, '[org.keycloak.events]', ''));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), fc.integer({ min: 1, max: 40 }), async (lines, size) => {
        const rs = await read(pieces(Buffer.from([noise, ...lines].join('\n')), size));
        for (const r of rs) {
          if (r.ok) expect(r.shape === 'text' && r.value.includes('[org.keycloak.events]')).toBe(true);
          else expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same records whatever the chunk boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 60 }), async (kinds, size) => {
        const text = [noise, ...kinds.map((isEvent, i) => (isEvent ? event(i % 10) : noise))].join('\n');
        const whole = await read(Buffer.from(text));
        expect(await read(pieces(Buffer.from(text), size))).toEqual(whole);
        expect(whole.filter((r) => r.ok).length).toBe(kinds.filter(Boolean).length);
      }),
      { numRuns: 100 },
    );
  });
});
