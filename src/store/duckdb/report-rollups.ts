/**
 * Keeps the application usage rollups (migration 022) in step with the raw
 * tables, lazily, when a report needs them: closed UTC days (before today) are
 * built on first use; a built day is rebuilt when rows landed in it later
 * (late events); today is always read raw. Nothing in the append path is
 * involved: rows ingested since the last check are found through
 * `ingested_at` (appends are in ingestion order, so DuckDB's zone maps skip
 * every older row group), and a touched day is rebuilt only when its usage
 * row count differs from the one it was built from (appends never update).
 */
import type { DuckDb } from './database.ts';
import type { UsageRollupPlan } from './report-queries-sql.ts';
import {
  blockMasks,
  buildStatements,
  dayFromEpoch,
  dayOf,
  dayStart,
  DAY_COUNTS_SQL,
  epochDay,
  purgeStatements,
  TOUCHED_DAYS_SQL,
  BLOCK_DAYS,
} from './report-rollups-sql.ts';

type WriteConn = Parameters<Parameters<DuckDb['transaction']>[0]>[0];

/** Rows appended this long before the last seen ingested_at are still re-checked (batches stamped before they commit). */
const MARK_SLACK_MS = 10 * 60_000;
/** Longer ranges are read raw rather than building years of empty days. */
const MAX_ROLLUP_DAYS = 400;

export interface UsageRollups {
  /**
   * Brings the rollups up to date for a run over [from, to) and says which
   * days they answer; undefined when the range holds no whole closed day.
   */
  plan(tenant: string, range: { readonly from: string; readonly to: string }, now: string): Promise<UsageRollupPlan | undefined>;
  /** Retention: drops every rollup of the days up to the one holding `before` (called inside the purge's transaction). */
  purge(conn: WriteConn, tenant: string, before: string): Promise<void>;
  /** Builds (or rebuilds) the given closed days now; for tests and benchmarks. */
  build(tenant: string, days: readonly string[]): Promise<void>;
}

const isMidnight = (iso: string): boolean => Date.parse(iso) % 86_400_000 === 0;

/** One rollup keeper per database, so warming and report runs share the per-tenant queue and never build a day twice at once. */
const shared = new WeakMap<DuckDb, UsageRollups>();

export function usageRollupsFor(db: DuckDb): UsageRollups {
  let r = shared.get(db);
  if (r === undefined) {
    r = createUsageRollups(db);
    shared.set(db, r);
  }
  return r;
}

/** Closed days warmed by default: a 30-day report run now reads its 29-30 whole days from the rollups. */
export const WARM_DAYS = 31;

/**
 * Builds the rollups of the `days` closed UTC days before `now` (and rebuilds
 * those that late rows made stale), so a user's first 30-day report does not
 * pay the month's build. Meant for server start (in the background) and the
 * hourly retention job, after the purge; idempotent and cheap when up to date.
 */
export async function warmReportRollups(db: DuckDb, tenant: string, now: string, days: number = WARM_DAYS): Promise<void> {
  const today = epochDay(dayOf(now));
  const span = Math.max(1, Math.min(Math.trunc(days), MAX_ROLLUP_DAYS));
  await usageRollupsFor(db).plan(tenant, { from: dayStart(dayFromEpoch(today - span)), to: dayStart(dayFromEpoch(today)) }, now);
}

export function createUsageRollups(db: DuckDb): UsageRollups {
  const queues = new Map<string, Promise<unknown>>();
  /** The highest ingested_at already checked, per tenant (only raised after a check; persisted with builds). */
  const marks = new Map<string, string>();

  function serial<R>(tenant: string, fn: () => Promise<R>): Promise<R> {
    const prev = queues.get(tenant) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    queues.set(
      tenant,
      next.catch(() => undefined),
    );
    return next;
  }

  async function storedMark(tenant: string): Promise<string | undefined> {
    const mem = marks.get(tenant);
    if (mem !== undefined) return mem;
    const r = await db.one<{ mark: string | null }>('SELECT max(mark) AS mark FROM report_usage_marks WHERE tenant = $tenant', { tenant });
    return r?.mark ?? undefined;
  }

  async function builtDays(tenant: string): Promise<Map<string, number>> {
    const rows = await db.all<{ day: string; n: number }>(
      'SELECT CAST(day AS VARCHAR) AS day, source_rows AS n FROM report_usage_days WHERE tenant = $tenant',
      { tenant },
    );
    return new Map(rows.map((r) => [r.day, Number(r.n)]));
  }

  async function dayCount(tenant: string, day: string): Promise<number> {
    const lo = dayStart(day);
    const hi = dayStart(dayFromEpoch(epochDay(day) + 1));
    const r = await db.one<{ n: number }>(`SELECT coalesce(sum(n), 0) AS n FROM (${DAY_COUNTS_SQL})`, { tenant, lo, hi });
    return Number(r?.n ?? 0);
  }

  async function runBuild(tenant: string, days: readonly string[], mark: string | undefined): Promise<void> {
    const sorted = [...new Set(days)].sort();
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    if (first === undefined || last === undefined) return;
    const masks = blockMasks(sorted.map(epochDay));
    const params = { tenant, lo: dayStart(first), hi: dayStart(dayFromEpoch(epochDay(last) + 1)), builtAt: new Date().toISOString() };
    await db.transaction(async (conn) => {
      await conn.run('CREATE OR REPLACE TEMP TABLE rollup_build_days (day DATE)');
      await conn.run("INSERT INTO rollup_build_days SELECT CAST(unnest(string_split($days, ',')) AS DATE)", { days: sorted.join(',') });
      for (const sql of buildStatements(masks)) await conn.run(sql, pick(sql, params));
      await conn.run('DROP TABLE rollup_build_days');
      if (mark !== undefined) {
        await conn.run('DELETE FROM report_usage_marks WHERE tenant = $tenant', { tenant });
        await conn.run('INSERT INTO report_usage_marks VALUES ($tenant, CAST($mark AS TIMESTAMP))', { tenant, mark });
      }
    });
  }

  async function sync(tenant: string, needed: readonly string[], today: string): Promise<void> {
    const built = await builtDays(tenant);
    const old = await storedMark(tenant);
    let mark = old;
    const stale: string[] = [];
    // Without a mark (first run of this process on a store whose builds recorded none) every day counts as touched: one full scan.
    const since = old === undefined ? '1970-01-01T00:00:00.000Z' : new Date(Date.parse(old) - MARK_SLACK_MS).toISOString();
    const touched = await db.all<{ day: string; mark: string }>(TOUCHED_DAYS_SQL, { tenant, since });
    for (const t of touched) {
      if (mark === undefined || t.mark > mark) mark = t.mark;
      const n = built.get(t.day);
      if (t.day < today && n !== undefined && (await dayCount(tenant, t.day)) !== n) stale.push(t.day);
    }
    const missing = needed.filter((d) => !built.has(d));
    if (missing.length + stale.length > 0) await runBuild(tenant, [...missing, ...stale], mark);
    if (mark !== undefined) marks.set(tenant, mark);
  }

  return {
    async plan(tenant, range, now) {
      const today = dayOf(now);
      const fromDay = dayOf(range.from);
      const fullFrom = epochDay(fromDay) + (isMidnight(range.from) ? 0 : 1);
      const fullTo = Math.min(epochDay(dayOf(range.to)), epochDay(today));
      if (fullTo <= fullFrom || fullTo - fullFrom > MAX_ROLLUP_DAYS) return undefined;
      const full: number[] = [];
      for (let d = fullFrom; d < fullTo; d++) full.push(d);
      const leftDay = isMidnight(range.from) ? undefined : fromDay;
      const needed = full.map(dayFromEpoch);
      if (leftDay !== undefined) needed.push(leftDay);
      await serial(tenant, () => sync(tenant, needed, today));
      return {
        fullFrom: dayFromEpoch(fullFrom),
        fullTo: dayFromEpoch(fullTo),
        ...(leftDay !== undefined ? { leftDay } : {}),
        masks: blockMasks(full),
      };
    },

    async purge(conn, tenant, before) {
      const cut = epochDay(dayOf(before));
      const cutBlock = Math.floor(cut / BLOCK_DAYS);
      const days: number[] = [];
      for (let d = cutBlock * BLOCK_DAYS; d <= cut; d++) days.push(d);
      const params = { tenant, cutDay: dayOf(before), cutBlock: String(cutBlock) };
      for (const sql of purgeStatements(blockMasks(days))) await conn.run(sql, pick(sql, params));
    },

    build(tenant, days) {
      return serial(tenant, async () => {
        await runBuild(tenant, days, undefined);
      });
    },
  };
}

/** DuckDB refuses bound parameters that the statement does not use. */
function pick(sql: string, params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (new RegExp(`\\$${k}\\b`).test(sql)) out[k] = v;
  return out;
}
