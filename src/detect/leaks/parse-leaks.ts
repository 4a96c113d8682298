/**
 * Reads a leaked-credential feed: CSV with a header row, or NDJSON. Columns
 * or keys: `email`, `upn` or `username` (the account), `sha1` or
 * `password_sha1`, `ntlm`, `password` (hashed on read, never kept),
 * `source`, `date`. Bad rows are rejected with line, field and reason.
 */
import { parse } from 'csv-parse/sync';
import type { LeakedCredential } from '../../schema/risk.ts';
import { ntlmHex, sha1Hex } from './password-hashes.ts';

export interface LeakRejection {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

export interface ParsedLeaks {
  readonly records: LeakedCredential[];
  readonly rejected: LeakRejection[];
}

const HEX40 = /^[0-9a-fA-F]{40}$/;
const HEX32 = /^[0-9a-fA-F]{32}$/;

function pick(row: Record<string, unknown>, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const n of names) if (row[n] !== undefined && row[n] !== null && row[n] !== '') return { name: n, value: row[n] };
  return undefined;
}

/** The columns or keys that name the account, in order of preference. */
const ACCOUNT_COLUMNS: readonly string[] = ['email', 'upn', 'username'];

function toRecord(row: Record<string, unknown>, line: number, importedAt: string): LeakedCredential | LeakRejection {
  const account = pick(row, ACCOUNT_COLUMNS);
  if (account === undefined) return { line, field: 'email', reason: 'no account: one of email, upn, username is required' };
  if (typeof account.value !== 'string' || account.value.trim() === '' || account.value.length > 512) {
    return { line, field: account.name, reason: 'must be a non-empty string of at most 512 characters' };
  }
  const rec: LeakedCredential = { account: account.value.trim().toLowerCase(), importedAt };
  const sha1 = pick(row, ['sha1', 'password_sha1']);
  if (sha1 !== undefined) {
    if (typeof sha1.value !== 'string' || !HEX40.test(sha1.value.trim())) return { line, field: sha1.name, reason: 'must be 40 hex digits' };
    rec.sha1 = sha1.value.trim().toUpperCase();
  }
  const ntlm = pick(row, ['ntlm']);
  if (ntlm !== undefined) {
    if (typeof ntlm.value !== 'string' || !HEX32.test(ntlm.value.trim())) return { line, field: 'ntlm', reason: 'must be 32 hex digits' };
    rec.ntlm = ntlm.value.trim().toUpperCase();
  }
  const password = pick(row, ['password']);
  if (password !== undefined) {
    if (typeof password.value !== 'string') return { line, field: 'password', reason: 'must be a string' };
    const s = sha1Hex(password.value);
    const n = ntlmHex(password.value);
    if (rec.sha1 !== undefined && rec.sha1 !== s) return { line, field: 'password', reason: 'does not match the sha1 given on the same row' };
    if (rec.ntlm !== undefined && rec.ntlm !== n) return { line, field: 'password', reason: 'does not match the ntlm given on the same row' };
    rec.sha1 = s;
    rec.ntlm = n;
  }
  for (const [field, max] of [['source', 512], ['date', 64]] as const) {
    const v = row[field];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || v.length > max) return { line, field, reason: `must be a string of at most ${max} characters` };
    rec[field] = v.trim();
  }
  return rec;
}

const isRejection = (x: LeakedCredential | LeakRejection): x is LeakRejection => 'reason' in x;

export function parseLeaks(text: string, importedAt: string): ParsedLeaks {
  const records: LeakedCredential[] = [];
  const rejected: LeakRejection[] = [];
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  if (first === '{') {
    body.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === '') return;
      let row: unknown;
      try {
        row = JSON.parse(raw);
      } catch {
        rejected.push({ line: i + 1, field: '', reason: 'not valid JSON' });
        return;
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        rejected.push({ line: i + 1, field: '', reason: 'each line must be a JSON object' });
        return;
      }
      const r = toRecord(row as Record<string, unknown>, i + 1, importedAt);
      if (isRejection(r)) rejected.push(r);
      else records.push(r);
    });
    return { records, rejected };
  }
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    rows = parse(body, {
      columns: (names: string[]) => (header = names.map((h) => h.trim().toLowerCase())),
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (err) {
    const line = typeof (err as { lines?: unknown }).lines === 'number' ? (err as { lines: number }).lines : 1;
    return { records, rejected: [{ line, field: '', reason: `CSV: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  // A header without an account column (another separator, no header row at all) would reject every row for the same reason.
  if (header.length > 0 && !header.some((h) => ACCOUNT_COLUMNS.includes(h))) {
    const shown = header.join(', ').slice(0, 200);
    return { records, rejected: [{ line: 1, field: '', reason: `the header row has no ${ACCOUNT_COLUMNS.join(', ')} column (it has: ${shown}); the first line must name the columns, separated by commas` }] };
  }
  for (const { record, info } of rows) {
    const r = toRecord(record, info.lines, importedAt);
    if (isRejection(r)) rejected.push(r);
    else records.push(r);
  }
  return { records, rejected };
}
