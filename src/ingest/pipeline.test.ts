import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RecordResult } from '../schema/ingest.ts';
import { memorySink } from '../../test/fixtures/ingest/memory-sink.ts';
import { adaptSafely, createIngestPipeline, type IngestProgress } from './pipeline.ts';

const limits = { maxBodyBytes: 64 * 1024 * 1024, maxRecordBytes: 4096, maxBatchRecords: 100_000 };
const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/ingest');

function signIn(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'signIn',
    id,
    createdDateTime: '2026-11-02T08:15:00Z',
    userPrincipalName: 'ana@example.org',
    isInteractive: true,
    status: { errorCode: 0 },
    outcome: 'success',
    ...extra,
  };
}
const ndjson = (rs: unknown[]): Buffer => Buffer.from(rs.map((r) => JSON.stringify(r)).join('\n'));

describe('ingest pipeline', () => {
  it('keeps valid records beside bad ones and lists each rejection with line, field and reason', async () => {
    const sink = memorySink();
    const s = await createIngestPipeline({ limits }).ingest(readFileSync(path.join(FIXTURES, 'native-mixed.ndjson')), sink, {
      format: 'native',
    });
    expect(s).toEqual({
      accepted: 4,
      duplicates: 1,
      rejected: [
        { line: 4, field: '/ipAddress', reason: 'not an IP address: "123.456.7.89"' },
        { line: 7, field: '/createdDateTime', reason: 'time has no UTC offset: "2026-11-02 08:20:00"' },
        { line: 8, field: '/kind', reason: expect.stringContaining('unknown kind "logon"') },
        { line: 10, field: '/isInteractive', reason: 'must be boolean' },
      ],
    });
    expect(sink.stored.map((e) => e.id)).toEqual(['si-1', 'si-2', 'au-1', 'ap-1']);
  });

  it('rejects a valid record the sink does not admit, with its line, and never stores or dedupes it', async () => {
    const sink = { ...memorySink(), admit: (e: { id: string }) => (e.id.startsWith('old') ? { field: '/createdDateTime', reason: 'too old' } : undefined) };
    const s = await createIngestPipeline({ limits }).ingest(ndjson([signIn('a'), signIn('old-1'), signIn('b'), signIn('old-1')]), sink, {
      format: 'native',
    });
    expect(s).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { line: 2, field: '/createdDateTime', reason: 'too old' },
        { line: 4, field: '/createdDateTime', reason: 'too old' },
      ],
    });
    expect(sink.stored.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('tells records on one line apart (a JSON array as JSON.stringify writes it) by their place on the line', async () => {
    const body = Buffer.from(JSON.stringify([signIn('a', { ipAddress: 'x' }), signIn('b'), signIn('c', { ipAddress: '1.2.3.999' })]));
    const s = await createIngestPipeline({ limits }).ingest(body, memorySink(), { format: 'native' });
    expect(s).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { line: 1, field: '/ipAddress', reason: 'not an IP address: "x"' },
        { line: 1, field: '/ipAddress', reason: 'not an IP address: "1.2.3.999" (record 3 of line 1)' },
      ],
    });
  });

  it('appends in batches as they fill and calls afterAppend with only the new events', async () => {
    const sink = memorySink();
    const pipeline = createIngestPipeline({ limits, batchSize: 3 });
    const first = await pipeline.ingest(ndjson([1, 2, 3, 4, 5, 6, 7].map((i) => signIn(`s${i}`))), sink, { format: 'native' });
    expect(first).toEqual({ accepted: 7, duplicates: 0, rejected: [] });
    expect(sink.batches).toEqual([3, 3, 1]);
    // Re-sending changes nothing: all duplicates, and the detection hook sees nothing new.
    const calls = sink.afterAppendCalls.length;
    const again = await pipeline.ingest(ndjson([5, 6, 7, 8].map((i) => signIn(`s${i}`))), sink, { format: 'native' });
    expect(again).toEqual({ accepted: 1, duplicates: 3, rejected: [] });
    expect(sink.afterAppendCalls.slice(calls).flat().map((e) => e.id)).toEqual(['s8']);
  });

  it('counts the same id twice in one batch as a duplicate without sending it twice', async () => {
    const sink = memorySink();
    const results: RecordResult[] = [];
    const s = await createIngestPipeline({ limits }).ingest(ndjson([signIn('a'), signIn('a'), signIn('b')]), sink, {
      format: 'native',
      onRecord: (r) => results.push(r),
    });
    expect(s).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    expect(sink.batches).toEqual([2]);
    expect(results).toEqual([
      { status: 'duplicate', line: 2, kind: 'signIn', id: 'a' },
      { status: 'accepted', line: 1, kind: 'signIn', id: 'a' },
      { status: 'accepted', line: 3, kind: 'signIn', id: 'b' },
    ]);
  });

  it('turns an adapter that throws into a rejection of that record, naming the reader', () => {
    const raw = { ok: true, line: 7, shape: 'json', value: { a: 1 } } as const;
    const boom = (): never => {
      throw new TypeError("Cannot read properties of undefined (reading 'slice')");
    };
    expect(adaptSafely(boom, raw, 'auth0')).toEqual({
      ok: false,
      field: '',
      reason: "the auth0 reader failed on this record (a bug in authlens, please report it): Cannot read properties of undefined (reading 'slice')",
    });
    expect(adaptSafely(() => ({ ok: false, field: '/x', reason: 'r' }), raw, 'graph')).toEqual({ ok: false, field: '/x', reason: 'r' });
  });

  it('propagates an append failure (infrastructure), never reporting those records as accepted', async () => {
    const sink = { ...memorySink(), append: () => Promise.reject(new Error('disk full')) };
    await expect(createIngestPipeline({ limits }).ingest(ndjson([signIn('a')]), sink, { format: 'native' })).rejects.toThrow('disk full');
  });

  it('reports progress with bytes read and ends with the final counts', async () => {
    const seen: IngestProgress[] = [];
    const input = ndjson([signIn('a'), { kind: 'nope' }]);
    await createIngestPipeline({ limits }).ingest(input, memorySink(), { format: 'native', onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ records: 2, accepted: 1, duplicates: 0, rejected: 1, bytes: input.length });
  });

  it('lists at most maxListedRejections and says how many more there were', async () => {
    const s = await createIngestPipeline({ limits, maxListedRejections: 2 }).ingest(Buffer.from('{"a":1}\n'.repeat(5)), memorySink(), {
      format: 'native',
    });
    expect(s.rejected).toHaveLength(3);
    expect(s.rejected[2]).toEqual({ line: 5, field: '', reason: '3 more records were rejected; only the first 2 are listed' });
  });
});

describe('ingest pipeline input limit', () => {
  it('stops a gzip bomb at maxInputBytes, keeping the records before it', async () => {
    const { gzipSync } = await import('node:zlib');
    const body = Buffer.concat([ndjson([signIn('a'), signIn('b')]), Buffer.from('\n'), Buffer.alloc(10_000_000, 0x20)]);
    const gz = gzipSync(body);
    expect(gz.length).toBeLessThan(100_000);
    const sink = memorySink();
    const s = await createIngestPipeline({ limits, maxInputBytes: 1_000_000 }).ingest(gz, sink, { format: 'native' });
    expect(s.accepted).toBe(2);
    expect(s.rejected).toEqual([
      { line: 2, field: '', reason: 'input is larger than the limit of 1000000 bytes (after decompression); reading stopped there' },
    ]);
  });
});

describe('ingest pipeline properties', () => {
  const pipeline = createIngestPipeline({ limits, batchSize: 4 });

  it('never throws on any bytes, in any format', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('auto', 'native', 'graph') as fc.Arbitrary<'auto' | 'native' | 'graph'>, async (bytes, format) => {
        const results: RecordResult[] = [];
        const s = await pipeline.ingest(Buffer.from(bytes), memorySink(), { format, onRecord: (r) => results.push(r) });
        expect(s.accepted + s.duplicates + s.rejected.length).toBe(results.length);
        for (const r of s.rejected) {
          expect(r.line).toBeGreaterThanOrEqual(1);
          expect(r.reason).not.toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accounts for every record of mutated NDJSON: untouched lines accepted, the mutated one accepted or rejected with its line', async () => {
    const mutation = fc.record({
      at: fc.nat(),
      patch: fc.dictionary(fc.constantFrom('id', 'kind', 'createdDateTime', 'ipAddress', 'status', 'outcome', 'isInteractive', 'x'), fc.jsonValue()),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), mutation, async (n, m) => {
        const records = Array.from({ length: n }, (_, i) => signIn(`id-${i}`, { ipAddress: `198.51.100.${i}` }));
        const lines = records.map((r) => JSON.stringify(r));
        const k = m.at % n;
        let mutated = JSON.stringify({ ...records[k], ...m.patch });
        if (m.cut !== undefined) mutated = mutated.slice(0, m.cut % (mutated.length + 1));
        lines[k] = mutated.replace(/\n/g, ' ');
        const results: RecordResult[] = [];
        const s = await pipeline.ingest(Buffer.from(lines.join('\n')), memorySink(), { format: 'auto', onRecord: (r) => results.push(r) });
        const others = results.filter((r) => r.line !== k + 1);
        expect(others).toHaveLength(n - 1);
        for (const r of others) expect(r.status === 'accepted' || r.status === 'duplicate').toBe(true);
        expect(s.accepted + s.duplicates + s.rejected.length).toBe(results.length);
        for (const r of s.rejected) expect(r.line).toBe(k + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ingest pipeline batching and overlap', () => {
  const records = (n: number, id = (i: number): string => `s${i}`): Buffer => ndjson(Array.from({ length: n }, (_, i) => signIn(id(i))));

  it('grows each batch from batchSize up to maxBatchSize, so long inputs pay fewer transactions', async () => {
    const sink = memorySink();
    const s = await createIngestPipeline({ limits, batchSize: 2, maxBatchSize: 8 }).ingest(records(30), sink, { format: 'native' });
    expect(s).toEqual({ accepted: 30, duplicates: 0, rejected: [] });
    expect(sink.batches).toEqual([2, 4, 8, 8, 8]);
  });

  it('keeps a fixed batch size when only batchSize is given', async () => {
    const sink = memorySink();
    await createIngestPipeline({ limits, batchSize: 5 }).ingest(records(17), sink, { format: 'native' });
    expect(sink.batches).toEqual([5, 5, 5, 2]);
  });

  it('prepares the next batch while one is stored, yet stores one batch at a time in input order', async () => {
    const base = memorySink();
    let enriched = 0;
    let storing = 0;
    let mostStoring = 0;
    const preparedMeanwhile: number[] = [];
    const sink = {
      ...base,
      enrich: (e: Parameters<typeof base.enrich>[0]) => {
        enriched++;
        return base.enrich(e);
      },
      async append(events: Parameters<typeof base.append>[0]) {
        storing++;
        mostStoring = Math.max(mostStoring, storing);
        const before = enriched;
        await new Promise((r) => setTimeout(r, 5));
        preparedMeanwhile.push(enriched - before);
        const res = await base.append(events);
        storing--;
        return res;
      },
    };
    const s = await createIngestPipeline({ limits, batchSize: 3 }).ingest(records(12), sink, { format: 'native' });
    expect(s.accepted).toBe(12);
    expect(mostStoring).toBe(1);
    // While the first batch was being stored, the second was read and enriched.
    expect(preparedMeanwhile[0]).toBe(3);
    expect(base.afterAppendCalls.flat().map((e) => e.id)).toEqual(Array.from({ length: 12 }, (_, i) => `s${i}`));
  });

  it('rejects when an earlier batch fails while the next is read, and never appends after the failure', async () => {
    let calls = 0;
    const sink = {
      ...memorySink(),
      async append(): Promise<never> {
        calls++;
        await new Promise((r) => setTimeout(r, 2));
        throw new Error('disk full');
      },
    };
    await expect(createIngestPipeline({ limits, batchSize: 2 }).ingest(records(9), sink, { format: 'native' })).rejects.toThrow('disk full');
    expect(calls).toBe(1);
  });

  it('counts every record once and stores first occurrences in order, whatever the batch sizes and repeats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 60 }),
        async (batchSize, extra, ids) => {
          const sink = memorySink();
          const maxBatchSize = batchSize + extra;
          const s = await createIngestPipeline({ limits, batchSize, maxBatchSize }).ingest(
            ndjson(ids.map((i) => signIn(`u${i}`))),
            sink,
            { format: 'native' },
          );
          const firsts = [...new Set(ids.map((i) => `u${i}`))];
          expect(s.accepted).toBe(firsts.length);
          expect(s.accepted + s.duplicates).toBe(ids.length);
          expect(sink.stored.map((e) => e.id)).toEqual(firsts);
          expect(sink.afterAppendCalls.flat().map((e) => e.id)).toEqual(firsts);
          for (const b of sink.batches) expect(b).toBeLessThanOrEqual(maxBatchSize);
        },
      ),
      { numRuns: 200 },
    );
  });
});
