/**
 * The one way query modules talk to DuckDB: parameterised SQL in, plain rows
 * out (TIMESTAMP as ISO UTC string, see values.ts). Writes go through one
 * connection, one at a time, because a DuckDB connection carries a single
 * transaction and interleaved async writers would share it. Reads use a small
 * pool of other connections and see only committed data.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { toParams, toPlain, type PlainValue, type SqlParams } from './values.ts';

export type Row = Record<string, PlainValue>;

export interface StreamOptions {
  /** Rows per yielded batch (DuckDB produces 2048-row chunks; batches are never split). Default 2048. */
  readonly batchRows?: number;
}

export interface DuckDb {
  /** Runs a query and returns every row as a plain object. For results you know are bounded. */
  all<T extends object = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** First row or undefined. */
  one<T extends object = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /**
   * Streams a result in batches without materialising it (exports, scans), on
   * a connection of its own that is closed when the iteration ends (finish or break).
   */
  stream<T extends object = Row>(sql: string, params?: SqlParams, opts?: StreamOptions): AsyncIterable<T[]>;
  /** A statement without result rows (DDL, UPDATE...) on the write connection; returns rows changed. */
  run(sql: string, params?: SqlParams): Promise<number>;
  /**
   * Runs fn with the write connection inside BEGIN/COMMIT (ROLLBACK when it
   * throws). Resolves after COMMIT returned, i.e. once the WAL holds the data.
   * Calls are serialised; never nest them.
   */
  transaction<R>(fn: (conn: DuckDBConnection) => Promise<R>): Promise<R>;
  /** The raw write connection, for appenders and statements db.run cannot express. Use inside transaction(). */
  readonly connection: DuckDBConnection;
  readonly instance: DuckDBInstance;
}

const READ_POOL_SIZE = 4;

function rowObjects(names: readonly string[], rows: readonly (readonly DuckDBValue[])[]): Row[] {
  const out: Row[] = new Array<Row>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r] ?? [];
    const obj: Row = {};
    for (let c = 0; c < names.length; c++) obj[names[c] ?? `column${c}`] = toPlain(src[c] ?? null);
    out[r] = obj;
  }
  return out;
}

/** A FIFO mutex: each caller runs after the previous one settled. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  /** Callers queued or running. */
  pending = 0;
  run<R>(fn: () => Promise<R>): Promise<R> {
    this.pending++;
    const next = this.tail.then(fn, fn).finally(() => {
      this.pending--;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export interface DuckDbDatabaseOptions {
  /**
   * Run CHECKPOINT once no write has come for this long (ms); 0 disables.
   * With a high checkpoint_threshold this moves the cost of compressing new
   * rows out of the appends' path and does it once per burst instead of once
   * per batch (see docs/adr/0001-embedded-store-duckdb.md).
   */
  readonly idleCheckpointMs?: number;
}

export class DuckDbDatabase implements DuckDb {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private created = 0;
  private readonly writes = new Serial();
  private closed = false;
  private checkpointTimer: NodeJS.Timeout | undefined;
  /** Connections of streams still being read; closed with the store. */
  private readonly streams = new Set<DuckDBConnection>();
  private readonly idleCheckpointMs: number;

  constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    options: DuckDbDatabaseOptions = {},
  ) {
    this.idleCheckpointMs = options.idleCheckpointMs ?? 0;
  }

  /** Re-arms the idle checkpoint after every write. */
  private afterWrite(): void {
    if (this.idleCheckpointMs <= 0 || this.closed) return;
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      if (this.closed || this.writes.pending > 0) return;
      // A failed checkpoint is retried by DuckDB at the next one or at close; nothing to report to a caller.
      this.writes.run(() => this.connection.run('CHECKPOINT')).catch(() => undefined);
    }, this.idleCheckpointMs);
    // Never keeps the process alive on its own.
    this.checkpointTimer.unref();
  }

  private async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the store is closed');
    const conn = this.idle.pop();
    if (conn !== undefined) return conn;
    if (this.created < READ_POOL_SIZE) {
      this.created++;
      return this.instance.connect();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(conn: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(conn);
    else if (this.closed) conn.closeSync();
    else this.idle.push(conn);
  }

  async all<T extends object = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const conn = await this.acquire();
    try {
      const reader = await conn.runAndReadAll(sql, toParams(params));
      return rowObjects(reader.deduplicatedColumnNames(), reader.getRows()) as T[];
    } finally {
      this.release(conn);
    }
  }

  async one<T extends object = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  async *stream<T extends object = Row>(sql: string, params?: SqlParams, opts: StreamOptions = {}): AsyncIterable<T[]> {
    const batchRows = opts.batchRows ?? 2048;
    if (this.closed) throw new Error('the store is closed');
    // Its own connection, not the pool's: a slow export consumer must not starve every other read.
    const conn = await this.instance.connect();
    this.streams.add(conn);
    try {
      const result = await conn.stream(sql, toParams(params));
      const names = result.deduplicatedColumnNames();
      let pending: Row[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        const rows = rowObjects(names, chunk.getRows());
        pending = pending.length === 0 ? rows : pending.concat(rows);
        if (pending.length >= batchRows) {
          yield pending as T[];
          pending = [];
        }
      }
      if (pending.length > 0) yield pending as T[];
    } finally {
      if (this.streams.delete(conn)) conn.closeSync();
    }
  }

  run(sql: string, params?: SqlParams): Promise<number> {
    return this.writes.run(async () => {
      const result = await this.connection.run(sql, toParams(params));
      this.afterWrite();
      return result.rowsChanged;
    });
  }

  transaction<R>(fn: (conn: DuckDBConnection) => Promise<R>): Promise<R> {
    return this.writes.run(async () => {
      const conn = this.connection;
      await conn.run('BEGIN TRANSACTION');
      let value: R;
      try {
        value = await fn(conn);
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      await conn.run('COMMIT');
      this.afterWrite();
      return value;
    });
  }

  /** Waits for pending writes, then closes every connection and the instance (which checkpoints). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.writes.run(async () => undefined);
    this.closed = true;
    clearTimeout(this.checkpointTimer);
    for (const c of this.idle.splice(0)) c.closeSync();
    for (const c of this.streams) c.closeSync();
    this.streams.clear();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
