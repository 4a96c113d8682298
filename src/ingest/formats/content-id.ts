/**
 * An event id made from the event's own content, for sources whose records
 * carry none (Keycloak log lines and older Keycloak API events, OCSF without
 * metadata.uid). The same record sent twice gets the same id, so re-sending a
 * file changes nothing (SPEC 2: idempotent ingestion).
 */
import { createHash } from 'node:crypto';

/** Deterministic JSON: object keys sorted, so two collectors' key orders give one id. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Readonly<Record<string, unknown>>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** `prefix` + 32 base64url characters of SHA-256 over the text or the canonical JSON of the value. */
export function contentId(prefix: string, content: unknown): string {
  const text = typeof content === 'string' ? content : canonical(content);
  return `${prefix}${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
}
