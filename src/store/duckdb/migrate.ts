/**
 * Versioned schema migrations: every `NNN_name.sql` file of migrations/ runs
 * once, in order, each in its own transaction, and is recorded in
 * schema_migrations. Re-running is a no-op, so every open can call it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DuckDb } from './database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The migrations shipped with this version of authlens, in order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})_([a-z0-9_-]+)\.sql$/.exec(file);
    if (m === null || m[1] === undefined || m[2] === undefined) continue;
    out.push({ version: Number(m[1]), name: m[2], sql: readFileSync(new URL(file, `file://${dir}/`), 'utf8') });
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]?.version === out[i - 1]?.version) throw new Error(`two migrations numbered ${out[i]?.version}`);
  }
  return out;
}

/** Applies the migrations not yet recorded; returns the versions applied now. */
export async function migrate(db: DuckDb, migrations: readonly Migration[] = loadMigrations()): Promise<number[]> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY,
       name VARCHAR NOT NULL,
       applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
     )`,
  );
  const done = new Set(
    (await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await db.transaction(async (conn) => {
      await conn.run(m.sql);
      await conn.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}
