/**
 * authlens's own format: one JSON object per event carrying `kind`, validated
 * against src/schema/events.ts. Times may use any ISO-8601 offset and are
 * normalised to UTC milliseconds; IPs are validated and canonicalised.
 */
import { EVENT_KINDS, type EventKind } from '../../schema/events.ts';
import { parseIp } from '../../schema/ip.ts';
import type { RawRecord } from '../raw-record.ts';
import { isPlainObject } from '../raw-record.ts';
import { normalizeIsoTime } from '../time.ts';
import { reject, validateEvent, type AdaptResult } from './adapt-result.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;

const TIME_FIELDS: Readonly<Record<EventKind, readonly string[]>> = {
  signIn: ['createdDateTime'],
  appAccess: ['createdDateTime'],
  rmsAccess: ['createdDateTime'],
  directoryAudit: ['activityDateTime'],
  provisioning: ['activityDateTime'],
  passwordRollover: ['activityDateTime', 'scheduledDateTime', 'lastRolloverDateTime'],
  riskDetection: ['detectedDateTime', 'activityDateTime'],
  riskyUser: ['riskLastUpdatedDateTime'],
};

export function isEventKind(v: unknown): v is EventKind {
  return typeof v === 'string' && (EVENT_KINDS as readonly string[]).includes(v);
}

/** Canonicalises an IP field in place; undefined when fine, else the rejection. */
function fixIp(obj: Record<string, unknown>, key: string, path: string): AdaptResult | undefined {
  const raw = obj[key];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') return reject(path, 'must be a string');
  const ip = parseIp(raw);
  if (ip === undefined) return reject(path, `not an IP address: "${raw.slice(0, 80)}"`);
  obj[key] = ip.canonical;
  return undefined;
}

export function adaptNative(rec: OkRecord): AdaptResult {
  if (rec.shape !== 'json') return reject('', `the native format is JSON (NDJSON or an array), not ${rec.shape === 'csv' ? 'CSV' : 'log lines'}`);
  const src = rec.value;
  const kind = src.kind;
  if (kind === undefined) return reject('/kind', `required field is missing (one of ${EVENT_KINDS.join(', ')})`);
  // JSON, not String(): a kind such as {"toString": {}} makes String() throw.
  if (!isEventKind(kind)) return reject('/kind', `unknown kind ${(typeof kind === 'string' ? `"${kind}"` : JSON.stringify(kind)).slice(0, 60)} (one of ${EVENT_KINDS.join(', ')})`);
  const ev: Record<string, unknown> = { ...src };
  for (const f of TIME_FIELDS[kind]) {
    const raw = ev[f];
    if (typeof raw !== 'string') continue; // absent or wrong type: the schema check names it
    const t = normalizeIsoTime(raw);
    if (!t.ok) return reject(`/${f}`, t.reason);
    ev[f] = t.value;
  }
  if (kind === 'signIn' || kind === 'appAccess' || kind === 'riskDetection') {
    const bad = fixIp(ev, 'ipAddress', '/ipAddress');
    if (bad !== undefined) return bad;
  }
  if (kind === 'directoryAudit' && isPlainObject(ev.initiatedBy) && isPlainObject(ev.initiatedBy.user)) {
    const user = { ...ev.initiatedBy.user };
    const bad = fixIp(user, 'ipAddress', '/initiatedBy/user/ipAddress');
    if (bad !== undefined) return bad;
    ev.initiatedBy = { ...ev.initiatedBy, user };
  }
  return validateEvent(kind, ev);
}
