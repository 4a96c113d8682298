/**
 * Opens the embedded store: one DuckDB file per data directory
 * (`<dataDir>/authlens.duckdb`), migrated to the latest schema on open.
 *
 * Query modules of other features live beside this file as
 * `create<X>Queries(db: DuckDb)` factories and use `store.db`:
 *   db.all<T>(sql, params)      every row, TIMESTAMP as ISO UTC string
 *   db.stream<T>(sql, params)   batches of rows, for exports and scans
 *   db.transaction(fn)          serialised writes on the write connection
 * Values are always bound parameters ($1, $2... or ?), never spliced into SQL.
 *
 * Retention: `purgeBefore` lives in report-queries.ts (ReportQueries); like
 * every write it goes through db.transaction so it never interleaves with an append.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ReportQueries, Store } from '../ports.ts';
import { DuckDbDatabase, type DuckDb } from './database.ts';
import { createControlStore } from './control-store.ts';
import { createDetectionStore } from './detection-store.ts';
import { DataDirLockedError, lockHolderPid } from './errors.ts';
import { createEventStore } from './event-store.ts';
import { createReportQueries } from './report-queries.ts';
import { migrate } from './migrate.ts';
import { SIGNIN_COLUMNS } from './signin-rows.ts';

export { DataDirLockedError } from './errors.ts';
export type { DuckDb, Row, StreamOptions } from './database.ts';
export type { PlainValue, SqlParam, SqlParams } from './values.ts';

export const DB_FILE_NAME = 'authlens.duckdb';

export type OpenDuckDbOptions = { readonly dataDir: string } | { readonly path: ':memory:' };

export interface DuckDbStore extends Store {
  /** Parameterised queries with plain rows back; the way query modules reach the data. */
  readonly db: DuckDb;
  /** The write connection (db.connection): for appenders inside db.transaction. */
  readonly connection: DuckDb['connection'];
  /** The database file, or ':memory:'. */
  readonly path: string;
  /** Always present on this adapter (optional on Store only for partial test stores). */
  readonly reports: ReportQueries;
}

/** Files opened by this process: DuckDB would let a second instance open the same file and corrupt it. */
const openInThisProcess = new Set<string>();

/**
 * WAL size that forces a checkpoint inside a COMMIT. DuckDB's 16 MB meant a
 * checkpoint (re-compressing the open row group) in nearly every 50k-row
 * append; with 256 MB appends stay fast and the idle checkpoint does the work.
 */
const CHECKPOINT_THRESHOLD = '256MB';
/** Quiet time after the last write before the store checkpoints on its own. */
const IDLE_CHECKPOINT_MS = 2000;

async function createInstance(file: string, dataDir: string): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(file, { checkpoint_threshold: CHECKPOINT_THRESHOLD });
  } catch (err) {
    const pid = lockHolderPid(err instanceof Error ? err.message : String(err));
    if (pid !== null) throw new DataDirLockedError(dataDir, pid, { cause: err });
    throw err;
  }
}

async function checkSignInColumns(db: DuckDb): Promise<void> {
  const rows = await db.all<{ column_name: string }>(
    "SELECT column_name FROM duckdb_columns() WHERE table_name = 'signins' AND schema_name = 'main' AND database_name = current_database() ORDER BY column_index",
  );
  const live = rows.map((r) => r.column_name).join(',');
  if (live !== SIGNIN_COLUMNS.join(',')) {
    throw new Error(`signins columns do not match signin-rows.ts: a migration changed them (${live})`);
  }
}

export async function openDuckDbStore(opts: OpenDuckDbOptions): Promise<DuckDbStore> {
  let file: string;
  let lockKey: string | undefined;
  let instance: DuckDBInstance;
  if ('path' in opts) {
    file = ':memory:';
    instance = await DuckDBInstance.create(':memory:');
  } else {
    mkdirSync(path.resolve(opts.dataDir), { recursive: true });
    // The real path, so two spellings of one directory (symlinks, ..) meet the same in-process guard.
    const dataDir = realpathSync(path.resolve(opts.dataDir));
    file = path.join(dataDir, DB_FILE_NAME);
    if (openInThisProcess.has(file)) throw new DataDirLockedError(dataDir, process.pid);
    instance = await createInstance(file, dataDir);
    lockKey = file;
    openInThisProcess.add(file);
  }
  const db = new DuckDbDatabase(instance, await instance.connect(), {
    idleCheckpointMs: file === ':memory:' ? 0 : IDLE_CHECKPOINT_MS,
  });
  try {
    await migrate(db);
    await checkSignInColumns(db);
  } catch (err) {
    await db.close();
    if (lockKey !== undefined) openInThisProcess.delete(lockKey);
    throw err;
  }
  let closed = false;
  return {
    db,
    connection: db.connection,
    path: file,
    events: createEventStore(db),
    detections: createDetectionStore(db),
    control: createControlStore(db),
    reports: createReportQueries(db),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await db.close();
      if (lockKey !== undefined) openInThisProcess.delete(lockKey);
    },
  };
}
