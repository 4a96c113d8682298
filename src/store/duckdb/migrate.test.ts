import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbDatabase } from './database.ts';
import { loadMigrations, migrate } from './migrate.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function memoryDb(): Promise<DuckDbDatabase> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = new DuckDbDatabase(instance, await instance.connect());
  cleanups.push(() => db.close());
  return db;
}

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'authlens-mig-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migrations', () => {
  it('loads NNN_name.sql files in numeric order and ignores anything else', () => {
    const dir = migrationsDir({
      '002_b.sql': 'SELECT 2;',
      '001_a.sql': 'SELECT 1;',
      'README.md': 'not a migration',
      '10_short.sql': 'SELECT 10;',
    });
    expect(loadMigrations(dir).map((m) => [m.version, m.name])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('refuses two migrations with one number', () => {
    const dir = migrationsDir({ '001_a.sql': 'SELECT 1;', '001_b.sql': 'SELECT 1;' });
    expect(() => loadMigrations(dir)).toThrow('two migrations numbered 1');
  });

  it('applies each migration once, in order, with multi-statement files', async () => {
    const db = await memoryDb();
    const dir = migrationsDir({
      '001_t.sql': 'CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);',
      '002_more.sql': 'INSERT INTO t VALUES (2); INSERT INTO t VALUES (3);',
    });
    expect(await migrate(db, loadMigrations(dir))).toEqual([1, 2]);
    expect(await migrate(db, loadMigrations(dir))).toEqual([]);
    expect(await db.all('SELECT x FROM t ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
  });

  it('rolls a failing migration back whole, records nothing for it, and retries it next time', async () => {
    const db = await memoryDb();
    const good = { '001_t.sql': 'CREATE TABLE t (x INTEGER);' };
    const broken = { ...good, '002_bad.sql': 'INSERT INTO t VALUES (1); INSERT INTO nowhere VALUES (2);' };
    await expect(migrate(db, loadMigrations(migrationsDir(broken)))).rejects.toThrow(/nowhere/);
    expect(await db.all('SELECT x FROM t')).toEqual([]);
    expect(await db.all('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
    const fixed = { ...good, '002_bad.sql': 'INSERT INTO t VALUES (1);' };
    expect(await migrate(db, loadMigrations(migrationsDir(fixed)))).toEqual([2]);
  });

  it('ships the table contract: 001 to 004 are present', () => {
    expect(loadMigrations().slice(0, 4).map((m) => m.name)).toEqual(['events', 'control', 'event_identity', 'append_keys']);
  });
});
