/**
 * EventStore over DuckDB. One transaction per append; the identity check is an
 * anti-join on (tenant, probe key, id) (migration 004), never a unique index.
 * Sign-ins: stage the ids, probe, Appender straight into `signins`.
 * Other kinds: stage whole rows in a TEMP table, INSERT ... WHERE NOT EXISTS
 * ... RETURNING. Rows go through the Appender, never through SQL text.
 * See docs/adr/0001-embedded-store-duckdb.md.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EnrichedEvent, EnrichedSignIn } from '../../schema/enrichment.ts';
import { eventTime, type DirectoryAudit, type EventKind } from '../../schema/events.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { AppendResult, EventStore, TimeRange } from '../ports.ts';
import type { DuckDb } from './database.ts';
import { eventColumns, type OtherEvent } from './event-rows.ts';
import { appendSignInRow, SIGNIN_JSON_SQL, signInFromJson } from './signin-rows.ts';
import { timestampFromIso } from './values.ts';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Creates the per-connection staging tables. Run inside every append's
 * transaction: a CREATE in a transaction that rolls back is undone too, so a
 * "done once" flag would lie after a failed first append.
 */
async function ensureStaging(conn: DuckDBConnection): Promise<void> {
  await conn.run('CREATE TEMP TABLE IF NOT EXISTS stage_ids (ord INTEGER NOT NULL, id VARCHAR NOT NULL)');
  await conn.run('CREATE TEMP TABLE IF NOT EXISTS stage_events AS SELECT * FROM main.events LIMIT 0');
}

function checkSignIn(e: EnrichedSignIn): void {
  // The row types are narrower than the schema's; say which event broke the batch instead of wrapping silently.
  const code = e.status.errorCode;
  if (!Number.isInteger(code) || code < INT32_MIN || code > INT32_MAX) {
    throw new RangeError(`signIn ${e.id}: status.errorCode ${code} does not fit a 32-bit integer`);
  }
}

/**
 * Sign-ins take the fast path: only their ids are staged, one query says which
 * are stored already (and computes the probe keys), and the new rows go
 * straight into `signins` with the Appender, inside the caller's transaction
 * (the Appender writes through the connection's open transaction, so a
 * ROLLBACK drops them too). This skips copying 60 columns through a TEMP table.
 */
async function appendSignIns(
  conn: DuckDBConnection,
  tenant: TenantId,
  batch: readonly EnrichedSignIn[],
  ingestedAtIso: string,
): Promise<Set<string>> {
  for (const e of batch) checkSignIn(e);
  await conn.run('DELETE FROM temp.main.stage_ids');
  const ids = await conn.createAppender('stage_ids', 'main', 'temp');
  try {
    for (let i = 0; i < batch.length; i++) {
      ids.appendInteger(i);
      ids.appendVarchar(batch[i]?.id ?? '');
      ids.endRow();
    }
    ids.flushSync();
  } finally {
    ids.closeSync();
  }
  // The probe key narrows the anti-join to a scan of one 8-byte column; the id comparison makes it exact.
  const probe = await conn.runAndReadAll(
    `SELECT md5_number_lower(s.id) AS id_key,
            EXISTS (SELECT 1 FROM main.signins t
                     WHERE t.tenant = $1 AND t.id_key = md5_number_lower(s.id) AND t.id = s.id) AS stored
       FROM temp.main.stage_ids s ORDER BY s.ord`,
    [tenant],
  );
  const [keys = [], stored = []] = probe.getColumns();
  const appender = await conn.createAppender('signins');
  const ingestedAt = timestampFromIso(ingestedAtIso);
  const inserted = new Set<string>();
  try {
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      const key = keys[i];
      if (e === undefined || stored[i] !== false || typeof key !== 'bigint') continue;
      appendSignInRow(appender, tenant, e, timestampFromIso(e.createdDateTime), ingestedAt, key);
      inserted.add(e.id);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return inserted;
}

async function appendOthers(
  conn: DuckDBConnection,
  tenant: TenantId,
  batch: readonly OtherEvent[],
  ingestedAtIso: string,
): Promise<Set<string>> {
  await conn.run('DELETE FROM temp.main.stage_events');
  const appender = await conn.createAppender('stage_events', 'main', 'temp');
  const ingestedAt = timestampFromIso(ingestedAtIso);
  const col = (v: string | null): void => (v === null ? appender.appendNull() : appender.appendVarchar(v));
  try {
    for (const e of batch) {
      const c = eventColumns(e);
      appender.appendVarchar(tenant);
      appender.appendVarchar(e.kind);
      appender.appendVarchar(e.id);
      appender.appendTimestamp(timestampFromIso(eventTime(e)));
      col(c.upn);
      col(c.actor);
      col(c.appName);
      col(c.category);
      col(c.activity);
      col(c.result);
      col(c.ip);
      appender.appendVarchar(JSON.stringify(e));
      appender.appendTimestamp(ingestedAt);
      appender.appendNull(); // id_key: computed by the INSERT that moves the staged rows
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const reader = await conn.runAndReadAll(
    `INSERT INTO main.events
     SELECT * REPLACE (md5_number_lower(s.id) AS id_key) FROM temp.main.stage_events s
      WHERE NOT EXISTS (
        SELECT 1 FROM main.events t
         WHERE t.tenant = $1 AND t.id_key = md5_number_lower(s.id) AND t.kind = s.kind AND t.id = s.id)
     RETURNING kind, id`,
    [tenant],
  );
  const keys = new Set<string>();
  for (const [kind, id] of reader.getRows()) keys.add(`${String(kind)}\u0000${String(id)}`);
  return keys;
}

export function createEventStore(db: DuckDb, now: () => Date = () => new Date()): EventStore {
  return {
    async appendEvents(tenant: TenantId, events: readonly EnrichedEvent[]): Promise<AppendResult> {
      const inserted = new Array<boolean>(events.length).fill(false);
      // First occurrence of each identity in the batch; later copies are duplicates by definition.
      const firstSignIn = new Map<string, number>();
      const firstOther = new Map<string, number>();
      const signIns: EnrichedSignIn[] = [];
      const others: OtherEvent[] = [];
      events.forEach((e, i) => {
        if (e.kind === 'signIn') {
          if (firstSignIn.has(e.id)) return;
          firstSignIn.set(e.id, i);
          signIns.push(e);
        } else {
          const key = `${e.kind}\u0000${e.id}`;
          if (firstOther.has(key)) return;
          firstOther.set(key, i);
          others.push(e);
        }
      });
      if (signIns.length === 0 && others.length === 0) return { inserted };
      const ingestedAt = now().toISOString();
      const [newSignIns, newOthers] = await db.transaction(async (conn) => {
        await ensureStaging(conn);
        const a = signIns.length > 0 ? await appendSignIns(conn, tenant, signIns, ingestedAt) : new Set<string>();
        const b = others.length > 0 ? await appendOthers(conn, tenant, others, ingestedAt) : new Set<string>();
        return [a, b] as const;
      });
      for (const id of newSignIns) {
        const i = firstSignIn.get(id);
        if (i !== undefined) inserted[i] = true;
      }
      for (const key of newOthers) {
        const i = firstOther.get(key);
        if (i !== undefined) inserted[i] = true;
      }
      return { inserted };
    },

    async countEvents(tenant: TenantId, kind?: EventKind): Promise<number> {
      if (kind === 'signIn') {
        const r = await db.one<{ n: number }>('SELECT count(*) AS n FROM signins WHERE tenant = $1', [tenant]);
        return r?.n ?? 0;
      }
      if (kind !== undefined) {
        const r = await db.one<{ n: number }>('SELECT count(*) AS n FROM events WHERE tenant = $1 AND kind = $2', [
          tenant,
          kind,
        ]);
        return r?.n ?? 0;
      }
      const r = await db.one<{ n: number }>(
        `SELECT (SELECT count(*) FROM signins WHERE tenant = $1) + (SELECT count(*) FROM events WHERE tenant = $1) AS n`,
        [tenant],
      );
      return r?.n ?? 0;
    },

    async *scanSignIns(tenant: TenantId, range: TimeRange): AsyncIterable<EnrichedSignIn> {
      const batches = db.stream<{ doc: string }>(
        `SELECT ${SIGNIN_JSON_SQL} AS doc FROM signins s
          WHERE s.tenant = $1 AND s.time >= $2::TIMESTAMP AND s.time < $3::TIMESTAMP
          ORDER BY s.time, s.id`,
        [tenant, range.from, range.to],
      );
      for await (const rows of batches) {
        for (const row of rows) yield signInFromJson(row.doc);
      }
    },

    async listAuditsInitiatedBy(tenant: TenantId, range: TimeRange, upns: readonly string[]): Promise<DirectoryAudit[]> {
      if (upns.length === 0) return [];
      const rows = await db.all<{ doc: string }>(
        `SELECT doc FROM events
          WHERE tenant = $1 AND kind = 'directoryAudit' AND time >= $2::TIMESTAMP AND time < $3::TIMESTAMP
            AND actor IN (SELECT unnest(from_json(CAST($4 AS JSON), '["VARCHAR"]')))
          ORDER BY time, id`,
        [tenant, range.from, range.to, JSON.stringify(upns.map((u) => u.toLowerCase()))],
      );
      return rows.map((r) => JSON.parse(r.doc) as DirectoryAudit);
    },
    async getEvent(tenant: TenantId, kind: EventKind, id: string): Promise<EnrichedEvent | undefined> {
      if (kind === 'signIn') {
        const row = await db.one<{ doc: string }>(
          `SELECT ${SIGNIN_JSON_SQL} AS doc FROM signins s WHERE s.tenant = $1 AND s.id = $2`,
          [tenant, id],
        );
        return row === undefined ? undefined : signInFromJson(row.doc);
      }
      const row = await db.one<{ doc: string }>(
        'SELECT doc FROM events WHERE tenant = $1 AND kind = $2 AND id = $3',
        [tenant, kind, id],
      );
      return row === undefined ? undefined : (JSON.parse(row.doc) as EnrichedEvent);
    },
  };
}
