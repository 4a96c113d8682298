/**
 * The retention job (SPEC 3): events and detections older than a tenant's
 * retention (default 30 days) are deleted, so no report or export can show them.
 */
import type { ControlStore, PurgeCounts, ReportQueries } from '../store/ports.ts';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 24 * 3_600_000;

export interface RetentionDeps {
  readonly queries: Pick<ReportQueries, 'purgeBefore'>;
  readonly control: Pick<ControlStore, 'listTenants'>;
}

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

/** Runs purgeExpired every `everyMs` (default hourly) until stopped; errors go to `onError`, the schedule goes on. */
export function scheduleRetention(
  deps: RetentionDeps,
  opts: { everyMs?: number; now?: () => Date; onError?: (err: unknown) => void } = {},
): { stop(): void } {
  const timer = setInterval(() => {
    purgeExpired(deps, (opts.now ?? (() => new Date()))()).catch((err: unknown) => opts.onError?.(err));
  }, opts.everyMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
