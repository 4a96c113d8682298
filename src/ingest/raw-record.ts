/**
 * What the record reader hands to the format adapters: one raw record with the
 * 1-based line it starts on (a JSON object, a CSV row or a server log line),
 * or a rejection the reader already made (bad JSON,
 * too large, truncated input).
 */

/** A CSV row keyed by the header's column names. */
export type CsvRow = Readonly<Record<string, string>>;

export type RawRecord =
  | { readonly ok: true; readonly line: number; readonly shape: 'json'; readonly value: Readonly<Record<string, unknown>> }
  | { readonly ok: true; readonly line: number; readonly shape: 'csv'; readonly value: CsvRow }
  /** One line of a server log (only Keycloak event lines are handed on, see read-log.ts). */
  | { readonly ok: true; readonly line: number; readonly shape: 'text'; readonly value: string }
  | { readonly ok: false; readonly line: number; readonly field: string; readonly reason: string };

export function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeJsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
