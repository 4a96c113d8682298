/**
 * Lenient readers for values in Microsoft Graph / Entra exports, where the
 * same field may be null, an empty string, a JSON string (CSV cells) or the
 * value itself. Each returns undefined for "absent".
 */
import { parseIp } from '../../schema/ip.ts';
import { isPlainObject } from '../raw-record.ts';
import { reject, type AdaptResult } from './adapt-result.ts';

type Obj = Readonly<Record<string, unknown>>;

/** A non-empty string, clipped to `max` characters (free text must not sink a whole record). */
export function str(v: unknown, max = 1024): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '') return undefined;
  return t.length > max ? t.slice(0, max) : t;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v)) return Number(v);
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A JSON string that may hold an object or array (CSV cells, diagnostic fields). */
function parsedJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

export function obj(v: unknown): Obj | undefined {
  const p = parsedJson(v);
  return isPlainObject(p) ? p : undefined;
}

export function arr(v: unknown): readonly unknown[] {
  const p = parsedJson(v);
  return Array.isArray(p) ? p : [];
}

/** Drops undefined members, so optional fields are absent rather than undefined. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/** Undefined when every member is undefined (an empty `{}` detail object means "none"). */
export function nonEmpty<T extends Record<string, unknown>>(o: T): T | undefined {
  const c = compact(o);
  for (const _ in c) return c;
  return undefined;
}

/** A field read from a record: its value, or the rejection it makes. */
export type Field<T> = { ok: true; value: T } | { ok: false; result: AdaptResult };

/** An optional IP address field: absent when empty, canonical when valid, a rejection on `path` otherwise. */
export function ipField(raw: unknown, path: string): Field<string | undefined> {
  const text = str(raw, 200);
  if (text === undefined) return { ok: true, value: undefined };
  const p = parseIp(text);
  return p === undefined ? { ok: false, result: reject(path, `not an IP address: "${text.slice(0, 80)}"`) } : { ok: true, value: p.canonical };
}

/**
 * A table's own entry for a key read from input: `TABLE[key]` would hand back
 * Object.prototype's members for "constructor", "toString" or "__proto__".
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
