/**
 * Tokenizer for OData $filter expressions (the subset Microsoft Graph uses).
 * Returns tokens or a syntax error with the offending position; never throws.
 */

export type Token =
  | { readonly t: 'ident'; readonly v: string; readonly pos: number }
  | { readonly t: 'string'; readonly v: string; readonly pos: number }
  | { readonly t: 'number'; readonly v: number; readonly pos: number }
  | { readonly t: 'dateTime'; readonly v: string; readonly pos: number }
  /** `Type.Name'value'`: an enum literal with its qualified type name. */
  | { readonly t: 'enum'; readonly type: string; readonly v: string; readonly pos: number }
  | { readonly t: '(' | ')' | ',' | '/' | ':'; readonly pos: number }
  | { readonly t: 'end'; readonly pos: number };

export interface SyntaxIssue {
  /** 0-based character offset in the expression. */
  readonly position: number;
  readonly reason: string;
}

export type LexResult = { readonly ok: true; readonly tokens: Token[] } | { readonly ok: false; readonly error: SyntaxIssue };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const MAX_LENGTH = 4096;

/** Reads a quoted string starting at `start` (the opening quote); '' is an escaped quote. */
function readString(src: string, start: number): { value: string; end: number } | undefined {
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === "'") {
      if (src[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    out += c;
    i++;
  }
  return undefined;
}

/** Normalises a DateTimeOffset literal to ISO UTC with milliseconds; undefined when it is not a real instant. */
export function normaliseDateTime(text: string): string | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: a literal must name a real calendar day.
  const day = text.slice(0, 10);
  const [y, m, d] = day.split('-').map(Number);
  const check = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 0));
  if (check.toISOString().slice(0, 10) !== day) return undefined;
  const hours = Number(text.slice(11, 13));
  const minutes = Number(text.slice(14, 16));
  if (hours > 23 || minutes > 59) return undefined;
  return new Date(ms).toISOString();
}

export function tokenize(src: string): LexResult {
  if (src.length > MAX_LENGTH) return { ok: false, error: { position: MAX_LENGTH, reason: `the expression is longer than ${MAX_LENGTH} characters` } };
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '/' || c === ':') {
      tokens.push({ t: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const s = readString(src, i);
      if (s === undefined) return { ok: false, error: { position: i, reason: 'unterminated string literal' } };
      tokens.push({ t: 'string', v: s.value, pos: i });
      i = s.end;
      continue;
    }
    const rest = src.slice(i);
    const dt = DATE_TIME.exec(rest);
    if (dt !== null) {
      const iso = normaliseDateTime(dt[0]);
      if (iso === undefined) return { ok: false, error: { position: i, reason: `invalid DateTimeOffset '${dt[0]}'` } };
      tokens.push({ t: 'dateTime', v: iso, pos: i });
      i += dt[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num !== null) {
      const v = Number(num[0]);
      if (!Number.isFinite(v)) return { ok: false, error: { position: i, reason: `number out of range '${num[0]}'` } };
      tokens.push({ t: 'number', v, pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id !== null) {
      const end = i + id[0].length;
      if (src[end] === "'" && id[0].includes('.')) {
        const s = readString(src, end);
        if (s === undefined) return { ok: false, error: { position: end, reason: 'unterminated enum literal' } };
        tokens.push({ t: 'enum', type: id[0], v: s.value, pos: i });
        i = s.end;
        continue;
      }
      tokens.push({ t: 'ident', v: id[0], pos: i });
      i = end;
      continue;
    }
    return { ok: false, error: { position: i, reason: `unexpected character '${c}'` } };
  }
  tokens.push({ t: 'end', pos: src.length });
  return { ok: true, tokens };
}
