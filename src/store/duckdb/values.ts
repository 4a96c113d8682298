/**
 * Conversions between DuckDB values and the plain JS values the rest of
 * authlens uses. One rule for everyone: a TIMESTAMP comes back as an ISO UTC
 * string `YYYY-MM-DDTHH:mm:ss.sssZ` (the IsoTime of src/schema/events.ts), so
 * rows can go straight into JSON responses and compare as strings.
 */
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
  type DuckDBValue,
} from '@duckdb/node-api';

/** What a column value becomes in rows returned by DuckDb.all / DuckDb.stream. */
export type PlainValue = null | boolean | number | string | Uint8Array | PlainValue[] | { [key: string]: PlainValue };

/** A value that can be bound to a `?` / `$n` parameter. Dates bind as TIMESTAMP. */
export type SqlParam = null | boolean | number | bigint | string | Date | DuckDBValue;
export type SqlParams = readonly SqlParam[] | Readonly<Record<string, SqlParam>>;

const MICROS_PER_MS = 1000n;

/** ISO UTC string -> DuckDB TIMESTAMP (microseconds since the epoch). */
export function timestampFromIso(iso: string): DuckDBTimestampValue {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${JSON.stringify(iso)}`);
  return new DuckDBTimestampValue(BigInt(ms) * MICROS_PER_MS);
}

/** Microseconds since the epoch -> `YYYY-MM-DDTHH:mm:ss.sssZ` (sub-millisecond digits are dropped). */
export function isoFromMicros(micros: bigint): string {
  // Floor division so that times before 1970 round down like the database does.
  const ms = micros >= 0n ? micros / MICROS_PER_MS : -((-micros + MICROS_PER_MS - 1n) / MICROS_PER_MS);
  return new Date(Number(ms)).toISOString();
}

function bigintToNumber(v: bigint): number | string {
  // Counts and sums fit in a double; anything larger is returned exactly as a string.
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
}

/**
 * DuckDB value -> plain JS: TIMESTAMP (any precision, incl. TZ) -> ISO string,
 * DATE -> 'YYYY-MM-DD', BIGINT/HUGEINT -> number (string beyond 2^53),
 * DECIMAL -> number, LIST/ARRAY -> array, STRUCT/MAP -> object, UUID -> string,
 * BLOB -> Uint8Array, JSON -> its text (parse it yourself).
 */
export function toPlain(v: DuckDBValue): PlainValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return bigintToNumber(v);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return isoFromMicros(v.micros);
  if (v instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(v.millis)).toISOString();
  if (v instanceof DuckDBTimestampSecondsValue) return new Date(Number(v.seconds) * 1000).toISOString();
  if (v instanceof DuckDBTimestampNanosecondsValue) return isoFromMicros(v.nanos / 1000n);
  if (v instanceof DuckDBDateValue) return v.toString();
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(toPlain);
  if (v instanceof DuckDBStructValue) {
    const out: Record<string, PlainValue> = {};
    for (const [k, item] of Object.entries(v.entries)) out[k] = toPlain(item);
    return out;
  }
  if (v instanceof DuckDBMapValue) {
    const out: Record<string, PlainValue> = {};
    for (const { key, value } of v.entries) out[String(toPlain(key))] = toPlain(value);
    return out;
  }
  if (v instanceof DuckDBBlobValue) return v.bytes;
  if (v instanceof DuckDBUUIDValue) return v.toString();
  return v.toString();
}

/** JS parameter -> DuckDB value (a Date binds as TIMESTAMP). */
export function toParam(p: SqlParam): DuckDBValue {
  if (p instanceof Date) return new DuckDBTimestampValue(BigInt(p.getTime()) * MICROS_PER_MS);
  return p;
}

export function toParams(params: SqlParams | undefined): DuckDBValue[] | Record<string, DuckDBValue> | undefined {
  if (params === undefined) return undefined;
  if (Array.isArray(params)) return params.map((p: SqlParam) => toParam(p));
  const out: Record<string, DuckDBValue> = {};
  for (const [k, p] of Object.entries(params as Readonly<Record<string, SqlParam>>)) out[k] = toParam(p);
  return out;
}
