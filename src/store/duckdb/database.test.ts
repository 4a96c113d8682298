import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbDatabase } from './database.ts';
import { isoFromMicros, timestampFromIso } from './values.ts';

let db: DuckDbDatabase;
beforeAll(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  db = new DuckDbDatabase(instance, await instance.connect());
});
afterAll(async () => {
  await db.close();
});

describe('DuckDb query helper', () => {
  it('returns plain values: ISO timestamps, numbers for counts, strings past 2^53, arrays, objects', async () => {
    const row = await db.one(
      `SELECT TIMESTAMP '2026-11-01 08:15:00.123456' AS ts, DATE '2026-11-01' AS d, count(*) AS n,
              9007199254740993::BIGINT AS big, 12.5::DECIMAL(6,2) AS dec, ['a', NULL] AS list,
              {'k': 1, 'inner': {'t': TIMESTAMP '1969-12-31 23:59:59.999'}} AS st, NULL AS nothing,
              '{"a":1}'::JSON AS js, true AS yes`,
    );
    expect(row).toEqual({
      ts: '2026-11-01T08:15:00.123Z',
      d: '2026-11-01',
      n: 1,
      big: '9007199254740993',
      dec: 12.5,
      list: ['a', null],
      st: { k: 1, inner: { t: '1969-12-31T23:59:59.999Z' } },
      nothing: null,
      js: '{"a":1}',
      yes: true,
    });
  });

  it('binds parameters by position and by name, Dates as TIMESTAMP, never as SQL text', async () => {
    const evil = "x'); DROP TABLE t; --";
    expect(await db.all('SELECT $1 AS a, $2::INTEGER + 1 AS b', [evil, 41])).toEqual([{ a: evil, b: 42 }]);
    expect(await db.all('SELECT $name AS a', { name: 'n' })).toEqual([{ a: 'n' }]);
    expect(await db.one('SELECT $1 AS t', [new Date('2026-11-01T00:00:00.007Z')])).toEqual({ t: '2026-11-01T00:00:00.007Z' });
  });

  it('streams in batches of at least batchRows without losing rows', async () => {
    const sizes: number[] = [];
    let sum = 0;
    for await (const batch of db.stream<{ i: number }>('SELECT range AS i FROM range(10000) ORDER BY i', [], { batchRows: 3000 })) {
      sizes.push(batch.length);
      for (const r of batch) sum += r.i;
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(sizes.slice(0, -1).every((n) => n >= 3000)).toBe(true);
    expect(sum).toBe((9999 * 10000) / 2);
  });

  it('releases the read connection when a stream is abandoned early', async () => {
    for (let i = 0; i < 10; i++) {
      for await (const batch of db.stream('SELECT range FROM range(100000)')) {
        expect(batch.length).toBeGreaterThan(0);
        break;
      }
    }
    expect(await db.one('SELECT 1 AS ok')).toEqual({ ok: 1 });
  });

  it('rolls a transaction back when its function throws, and serialises writers', async () => {
    await db.run('CREATE TABLE tx (i INTEGER)');
    await expect(
      db.transaction(async (conn) => {
        await conn.run('INSERT INTO tx VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (conn) => {
          const n = (await conn.runAndReadAll('SELECT count(*) FROM tx')).getRows()[0]?.[0];
          await conn.run('INSERT INTO tx VALUES ($1)', [Number(n)]);
        }),
      ),
    );
    // Each writer saw every earlier commit: the values are exactly 0..19.
    expect((await db.all<{ i: number }>('SELECT i FROM tx ORDER BY i')).map((r) => r.i)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('converts ISO times to microseconds and back exactly (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00.000Z'), max: new Date('2200-01-01T00:00:00.000Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        expect(isoFromMicros(timestampFromIso(iso).micros)).toBe(iso);
      }),
    );
    expect(() => timestampFromIso('yesterday')).toThrow('not a timestamp');
  });
});

describe('idle checkpoint', () => {
  it('folds the WAL into the database file once writes pause, and not while they continue', async () => {
    const { mkdtempSync, rmSync, statSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'authlens-ckpt-'));
    const file = path.join(dir, 'x.duckdb');
    const instance = await DuckDBInstance.create(file, { checkpoint_threshold: '1GB' });
    const fileDb = new DuckDbDatabase(instance, await instance.connect(), { idleCheckpointMs: 500 });
    const walSize = (): number => (existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0);
    try {
      await fileDb.run('CREATE TABLE big AS SELECT range AS i, repeat(\'x\', 100) AS s FROM range(20000)');
      for (let i = 0; i < 5; i++) {
        await fileDb.run('INSERT INTO big SELECT range, \'y\' FROM range(1000)');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(walSize()).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 2000));
      expect(walSize()).toBe(0);
      expect(await fileDb.one('SELECT count(*) AS n FROM big')).toEqual({ n: 25000 });
    } finally {
      await fileDb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('streams and the read pool', () => {
  it('serves other reads while more streams than pooled connections are paused mid-way', async () => {
    const iterators = Array.from({ length: 6 }, () => db.stream('SELECT range FROM range(100000)')[Symbol.asyncIterator]());
    for (const it of iterators) expect((await it.next()).done).toBe(false);
    expect(await db.one('SELECT 42 AS answer')).toEqual({ answer: 42 });
    for (const it of iterators) await it.return?.();
  });
});
