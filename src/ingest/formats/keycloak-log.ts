/**
 * One event line of Keycloak's jboss-logging event listener, turned into the
 * JSON representation the Admin REST API gives for the same event, so one
 * mapping (keycloak.ts) serves both:
 *
 *   2026-11-20 21:01:45,403 WARN  [org.keycloak.events] (default task-1) type=LOGIN_ERROR, realmId=test, ..., error=user_not_found, username=asdf
 *   ... [org.keycloak.events] (...) operationType=CREATE, realmId=..., clientId=..., userId=..., ipAddress=..., resourceType=USER, resourcePath=users/...
 *
 * Values are written `key=value`, `key='value with spaces'` (Keycloak up to
 * 21) or `key="value"` with backslash escapes (later versions); `null` means
 * absent. The listener logs no date in some layouts (WildFly's console
 * format, `HH:mm:ss,SSS`): such a line cannot be placed in time and is
 * rejected, never given today's date. A line without an offset is read as
 * UTC (docs/formats/keycloak.md says why).
 */
import { normalizeIsoTime } from '../time.ts';

type Obj = Readonly<Record<string, unknown>>;

export type ParsedLine = { readonly ok: true; readonly value: Obj } | { readonly ok: false; readonly field: string; readonly reason: string };

const HEADER =
  /^\s*(?:(\d{4}-\d{2}-\d{2})[T ])?(\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?)(Z|[+-]\d{2}:?\d{2})?\s+[A-Z]+\s+\[org\.keycloak\.events\]\s+(?:\((?:[^()]|\([^()]*\))*\)\s+)?/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*=/;
/** Where the next `, key=` starts: the end of an unquoted value. */
const NEXT_KEY = /, (?=[A-Za-z_][A-Za-z0-9_.-]*=)/g;

/** The `key=value, ...` pairs of an event message, in order; undefined when it is not one. */
export function parsePairs(message: string): Map<string, string> | undefined {
  const pairs = new Map<string, string>();
  let i = 0;
  while (i < message.length) {
    const k = KEY.exec(message.slice(i, i + 200));
    if (k === null) return undefined;
    const key = k[0].slice(0, -1);
    i += k[0].length;
    let value: string;
    const q = message[i];
    if (q === '"') {
      // Escaped: \" and \\ inside; the value ends at the first unescaped quote.
      let v = '';
      let j = i + 1;
      for (; j < message.length && message[j] !== '"'; j++) {
        if (message[j] === '\\' && j + 1 < message.length) j++;
        v += message[j];
      }
      if (j >= message.length) return undefined;
      value = v;
      i = j + 1;
    } else if (q === "'") {
      // Old layout: quoted only when the value has a space, no escaping; ends at `', key=` or the end.
      const end = message.slice(i + 1).search(/'(?:, (?=[A-Za-z_][A-Za-z0-9_.-]*=)|\s*$)/);
      if (end < 0) return undefined;
      value = message.slice(i + 1, i + 1 + end);
      i += end + 2;
    } else {
      NEXT_KEY.lastIndex = i;
      const m = NEXT_KEY.exec(message);
      const end = m === null ? message.length : m.index;
      value = message.slice(i, end).trimEnd();
      i = end;
    }
    if (!pairs.has(key)) pairs.set(key, value);
    if (i >= message.length) break;
    if (!message.startsWith(', ', i)) return undefined;
    i += 2;
  }
  return pairs;
}

const USER_EVENT_TOP = new Set(['type', 'realmId', 'realmName', 'clientId', 'userId', 'sessionId', 'ipAddress', 'error', 'id']);

/** A JSON pointer into the REST representation, said in the line's own key names (`/details/username` -> `/username`). */
export function linePath(path: string): string {
  return path.replace(/^\/(details|authDetails)\//, '/');
}

/** Parses one event line into the REST API's JSON shape of a user event or an admin event. */
export function parseKeycloakLine(text: string): ParsedLine {
  const h = HEADER.exec(text);
  if (h === null) return { ok: false, field: '', reason: 'not a Keycloak event log line (expected `time LEVEL [org.keycloak.events] (thread) type=...`)' };
  const [head, date, clock, offset] = h;
  const pairs = parsePairs(text.slice(head.length).trim());
  if (pairs === undefined || pairs.size === 0) {
    return { ok: false, field: '', reason: 'the event message is not a list of key=value pairs as the jboss-logging event listener writes it' };
  }
  const values = new Map([...pairs].filter(([, v]) => v !== 'null' && v !== ''));
  if (date === undefined) {
    return {
      ok: false,
      field: '/time',
      reason: `the log line has a time of day (${clock ?? ''}) but no date, so the event cannot be placed in time; log with a date (Quarkus' default %d{yyyy-MM-dd HH:mm:ss,SSS}) or export events as JSON from the Admin REST API`,
    };
  }
  const t = normalizeIsoTime(`${date}T${(clock ?? '').replace(',', '.')}${offset ?? ''}`, true);
  if (!t.ok) return { ok: false, field: '/time', reason: t.reason };
  const get = (k: string): string | undefined => values.get(k);
  if (pairs.has('operationType')) {
    return {
      ok: true,
      value: {
        time: t.value,
        operationType: get('operationType'),
        realmId: get('realmId'),
        authDetails: { realmId: get('realmId'), clientId: get('clientId'), userId: get('userId'), ipAddress: get('ipAddress') },
        resourceType: get('resourceType'),
        resourcePath: get('resourcePath'),
        error: get('error'),
      },
    };
  }
  if (!pairs.has('type')) return { ok: false, field: '/type', reason: 'required field is missing (an event line starts with type= or operationType=)' };
  const details: Record<string, string> = {};
  for (const [k, v] of values) if (!USER_EVENT_TOP.has(k)) details[k] = v;
  const top: Record<string, unknown> = { time: t.value };
  for (const k of USER_EVENT_TOP) {
    const v = values.get(k);
    if (v !== undefined) top[k] = v;
  }
  return { ok: true, value: { ...top, details } };
}
