/**
 * The hourly reports job: the retention purge (SPEC 3: events and detections
 * older than a tenant's retention, default 30 days, are deleted, so no report
 * or export can show them), then warming (ReportQueries.warm: the store builds
 * what the month's report runs read, e.g. the closed days' rollups, so that no
 * user request pays for it). Both also run once at server start (src/main.ts).
 */
import type { ControlStore, PurgeCounts, ReportQueries } from '../store/ports.ts';
import { DEFAULT_RETENTION_DAYS } from '../directory/tenants.ts';
import { reportingEnabled } from './editions.ts';

const DAY_MS = 24 * 3_600_000;

export interface RetentionDeps {
  readonly queries: Pick<ReportQueries, 'purgeBefore' | 'warm'>;
  readonly control: Pick<ControlStore, 'listTenants'>;
}

/** What failed in a job run ("retention purge", "warming reports of tenant t1"): the run goes on with the rest. */
export type JobErrorHandler = (err: unknown, task: string) => void;

export function retentionCutoff(now: Date, retentionDays: number): string {
  return new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
}

/** Maintenance across every tenant (hence the name): purges each one by its own retention. */
export async function purgeExpired(deps: RetentionDeps, now: Date): Promise<Map<string, PurgeCounts>> {
  const out = new Map<string, PurgeCounts>();
  for (const t of await deps.control.listTenants()) {
    const days = t.retentionDays > 0 ? t.retentionDays : DEFAULT_RETENTION_DAYS;
    out.set(t.id, await deps.queries.purgeBefore(t.id, retentionCutoff(now, days)));
  }
  return out;
}

/**
 * Warms every tenant with reporting enabled, one after another (a warm is
 * heavy on first use: tens of seconds for a month of 10M sign-ins). A
 * tenant's failure goes to `onError` and the others are still warmed; `stopped`
 * is asked between tenants so a closing server does not start another.
 * Resolves to the ids of the tenants warmed; nothing when the store has no warm.
 */
export async function warmReports(
  deps: RetentionDeps,
  now: Date,
  opts: { readonly onError?: JobErrorHandler; readonly stopped?: () => boolean } = {},
): Promise<string[]> {
  const warm = deps.queries.warm?.bind(deps.queries);
  if (warm === undefined) return [];
  const warmed: string[] = [];
  let tenants: Awaited<ReturnType<RetentionDeps['control']['listTenants']>>;
  try {
    tenants = await deps.control.listTenants();
  } catch (err) {
    opts.onError?.(err, 'warming reports (listing tenants)');
    return warmed;
  }
  for (const t of tenants) {
    if (opts.stopped?.() === true) break;
    if (!reportingEnabled(t)) continue;
    try {
      await warm(t.id, now.toISOString());
      warmed.push(t.id);
    } catch (err) {
      opts.onError?.(err, `warming reports of tenant ${t.id}`);
    }
  }
  return warmed;
}

export interface ReportsJob {
  /** Resolves once the run in flight (if any) has settled: never rejects. */
  settled(): Promise<void>;
  /** No further runs; resolves once the run in flight has settled. */
  stop(): Promise<void>;
}

/**
 * Runs the purge then the warming every `everyMs` (default hourly) until
 * stopped, and with `warmNow` a warming at once in the background (server
 * start, after its own purge). Errors go to `onError` and the schedule goes
 * on; a run never starts while the previous one is still going.
 */
export function scheduleRetention(
  deps: RetentionDeps,
  opts: { everyMs?: number; now?: () => Date; onError?: JobErrorHandler; warmNow?: boolean } = {},
): ReportsJob {
  const now = opts.now ?? (() => new Date());
  let stopped = false;
  let running: Promise<void> | undefined;
  const wopts = { ...(opts.onError !== undefined ? { onError: opts.onError } : {}), stopped: () => stopped };

  function start(purge: boolean): void {
    if (stopped || running !== undefined) return;
    running = (async () => {
      const at = now();
      if (purge) {
        try {
          await purgeExpired(deps, at);
        } catch (err) {
          opts.onError?.(err, 'retention purge');
        }
      }
      await warmReports(deps, at, wopts);
    })()
      // warmReports and the purge's catch report everything; this only guards an onError that throws.
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
      });
  }

  const timer = setInterval(() => start(true), opts.everyMs ?? 3_600_000);
  timer.unref();
  if (opts.warmNow === true) start(false);
  return {
    settled: () => running ?? Promise.resolve(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await (running ?? Promise.resolve());
    },
  };
}
