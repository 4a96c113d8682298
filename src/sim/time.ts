/** Time helpers: local working hours in a user's time zone, normalised ISO output. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** YYYY-MM-DDTHH:mm:ss.sssZ, the form every authlens time takes; whole seconds, as Entra logs them. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** Start of the UTC calendar day holding ms. */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset in minutes at the given instant (DST-aware, via Intl). */
export function tzOffsetMinutes(tz: string, ms: number): number {
  const hourKey = `${tz}|${Math.floor(ms / HOUR)}`;
  const hit = offsetCache.get(hourKey);
  if (hit !== undefined) return hit;
  let fmt = formatters.get(tz);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    formatters.set(tz, fmt);
  }
  const name = fmt.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const off = m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  offsetCache.set(hourKey, off);
  return off;
}

/** UTC ms of local wall-clock time `hours` (fractional) on the local calendar day whose date is dayUtcMs. */
export function localToUtc(tz: string, dayUtcMs: number, hours: number): number {
  const wall = dayUtcMs + hours * HOUR;
  // Two passes settle DST edges: the offset is taken at the resulting instant.
  const first = wall - tzOffsetMinutes(tz, wall) * MINUTE;
  return wall - tzOffsetMinutes(tz, first) * MINUTE;
}

/** Local hour of day (0-24, fractional) of an instant. */
export function localHour(tz: string, ms: number): number {
  const local = ms + tzOffsetMinutes(tz, ms) * MINUTE;
  return (local - utcDay(local)) / HOUR;
}

/** 0 = Sunday ... 6 = Saturday for the calendar date dayUtcMs. */
export function weekday(dayUtcMs: number): number {
  return new Date(dayUtcMs).getUTCDay();
}

export const isWeekend = (dayUtcMs: number): boolean => {
  const d = weekday(dayUtcMs);
  return d === 0 || d === 6;
};
