/**
 * Time normalisation to authlens's IsoTime (`YYYY-MM-DDTHH:mm:ss.sssZ`, UTC),
 * so that string order is time order. Extra fraction digits are truncated,
 * never rounded, so a time never moves past the next millisecond.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const US =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AaPp][Mm])?$/;

export type TimeResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string | undefined,
  offsetMinutes: number,
  raw: string,
): TimeResult {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return { ok: false, reason: `not a valid time: "${raw}"` };
  const daysInMonth = new Date(Date.UTC(2000, mo, 0)).getUTCDate();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 ? (leap ? 29 : 28) : daysInMonth)) return { ok: false, reason: `not a valid date: "${raw}"` };
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let local: number;
  if (y >= 100) local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  else {
    // Date.UTC reads years 0-99 as 1900-1999.
    const date = new Date(0);
    date.setUTCFullYear(y, mo - 1, d);
    date.setUTCHours(h, mi, s, ms);
    local = date.getTime();
  }
  const t = local - offsetMinutes * 60_000;
  const out = new Date(t);
  const year = out.getUTCFullYear();
  if (!Number.isFinite(t) || year < 1 || year > 9999) return { ok: false, reason: `time out of range: "${raw}"` };
  return { ok: true, value: out.toISOString() };
}

function offsetOf(z: string): number {
  if (z === 'Z' || z === 'z') return 0;
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const hh = Number(digits.slice(0, 2));
  const mm = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hh * 60 + mm);
}

/**
 * Any ISO-8601 date-time with a UTC offset (`Z`, `+01:00`, `-0500`); up to 9
 * fraction digits. A time without an offset is refused unless
 * `assumeUtc` is set (exports that document their times as UTC).
 */
export function normalizeIsoTime(raw: string, assumeUtc = false): TimeResult {
  const m = ISO.exec(raw.trim());
  if (m === null) return { ok: false, reason: `not an ISO-8601 time: "${raw}"` };
  const [, y, mo, d, h, mi, s, frac, z] = m;
  if (z === undefined && !assumeUtc) return { ok: false, reason: `time has no UTC offset: "${raw}"` };
  return build(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), frac, z === undefined ? 0 : offsetOf(z), raw);
}

/**
 * Times as Entra exports spell them: ISO-8601 (hour may have one digit, as in
 * some diagnostic records), or US style `4/28/2021, 2:08:45.221 PM` as Log
 * Analytics CSV exports and diagnostic envelopes use, which are UTC.
 */
export function parseEntraTime(raw: string): TimeResult {
  const text = raw.trim();
  const us = US.exec(text);
  if (us === null) return normalizeIsoTime(text, true);
  const [, mo, d, y, h, mi, s, frac, ampm] = us;
  let hour = Number(h);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return { ok: false, reason: `not a valid time: "${raw}"` };
    const pm = ampm.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return build(Number(y), Number(mo), Number(d), hour, Number(mi), Number(s ?? 0), frac, 0, raw);
}

/**
 * A time given as milliseconds since the Unix epoch (Keycloak's and OCSF's
 * `time`), as a number or a string of digits; an ISO-8601 string with an
 * offset is read too, as some collectors rewrite the field.
 */
export function epochMillisTime(raw: unknown): TimeResult {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d{1,16}\s*$/.test(raw) ? Number(raw) : undefined;
  if (n === undefined) {
    if (typeof raw === 'string') return normalizeIsoTime(raw);
    return { ok: false, reason: `not a time in epoch milliseconds: ${JSON.stringify(raw)?.slice(0, 60) ?? String(raw)}` };
  }
  if (!Number.isSafeInteger(n)) return { ok: false, reason: `not a whole number of epoch milliseconds: ${String(raw).slice(0, 60)}` };
  const d = new Date(n);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(d.getTime()) || year < 1 || year > 9999) return { ok: false, reason: `time out of range: ${n}` };
  return { ok: true, value: d.toISOString() };
}
