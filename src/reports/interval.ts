/** A report's time range: a named interval ending now, or a custom from/to inside the tenant's retention. */
import type { ReportInterval } from '../schema/reports.ts';
import type { TimeRange } from '../store/ports.ts';

const HOUR = 3_600_000;
export const INTERVAL_MS: Record<ReportInterval, number> = { '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR };
/** Without interval or from/to a report covers the last 7 days. */
export const DEFAULT_INTERVAL: ReportInterval = '7d';

export interface RangeRequest {
  readonly interval?: string;
  readonly from?: string;
  readonly to?: string;
}

export type RangeResult =
  | { readonly ok: true; readonly range: TimeRange }
  | { readonly ok: false; readonly field: string; readonly reason: string };

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function parseTime(raw: string): number | undefined {
  if (!ISO.test(raw)) return undefined;
  // A date or time without an offset is UTC, like everything else in authlens.
  const withZone = /T.*(Z|[+-]\d{2}:\d{2})$/.test(raw) || !raw.includes('T') ? raw : `${raw}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}

export function resolveRange(req: RangeRequest, now: Date, retentionDays: number): RangeResult {
  const nowMs = now.getTime();
  const oldest = nowMs - retentionDays * 24 * HOUR;
  if (req.from === undefined && req.to === undefined) {
    const name = req.interval ?? DEFAULT_INTERVAL;
    if (!Object.hasOwn(INTERVAL_MS, name)) return { ok: false, field: 'interval', reason: 'interval must be one of 24h, 7d, 30d' };
    const span = INTERVAL_MS[name as ReportInterval];
    // A named interval longer than the retention simply shows what is kept.
    return { ok: true, range: { from: new Date(Math.max(nowMs - span, oldest)).toISOString(), to: now.toISOString() } };
  }
  if (req.interval !== undefined) return { ok: false, field: 'interval', reason: 'give either interval or from/to, not both' };
  if (req.from === undefined) return { ok: false, field: 'from', reason: 'a custom range needs from (ISO 8601)' };
  const from = parseTime(req.from);
  if (from === undefined) return { ok: false, field: 'from', reason: 'from must be an ISO 8601 date or time' };
  const to = req.to === undefined ? nowMs : parseTime(req.to);
  if (to === undefined) return { ok: false, field: 'to', reason: 'to must be an ISO 8601 date or time' };
  if (to <= from) return { ok: false, field: 'to', reason: 'to must be after from' };
  if (from < oldest) {
    return { ok: false, field: 'from', reason: `from is outside the retention of ${retentionDays} days (oldest ${new Date(oldest).toISOString()})` };
  }
  return { ok: true, range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } };
}
