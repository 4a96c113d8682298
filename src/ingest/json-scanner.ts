/**
 * A byte-level structural scanner that cuts a stream of JSON text into records
 * without holding more than one record in memory: a sequence of top-level
 * objects (pretty-printed or not), the elements of a top-level array, and the
 * elements of a Graph list response's `value` array (`{"@odata.context":...,
 * "value":[...]}`), each with the line and column it starts on.
 *
 * It only tracks brackets and strings; each record's text is then checked by
 * JSON.parse, so a syntax error inside one record (e.g. a trailing comma)
 * rejects that record and its siblings are kept.
 */
import { findJsonError, lineAndColumn } from './json-error.ts';
import { describeJsonType, isPlainObject, type RawRecord } from './raw-record.ts';

const NL = 0x0a;
const QUOTE = 0x22;
const BSL = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Deeper nesting is still scanned but no longer checked for matching brackets (bounded memory). */
const MAX_TRACKED_DEPTH = 1000;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

interface OpenRecord {
  readonly line: number;
  readonly column: number;
  /** A string, number or literal element: ends at the next ',' or the container's closer. */
  readonly scalar: boolean;
  parts: Buffer[];
  bytes: number;
  oversized: boolean;
  /** Index in the current chunk where the not-yet-copied part of the record starts. */
  from: number;
}

type Top = 'idle' | 'object' | 'list' | 'afterList' | 'array' | 'garbage';

/** Parses one record's text into a RawRecord (the value or a rejection naming line and column). */
export function parseRecordText(text: string, line: number, column: number): RawRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const found = findJsonError(text);
    if (found === undefined) return { ok: false, line, field: '', reason: `invalid JSON: ${(e as Error).message}` };
    const at = lineAndColumn(text, found.offset, line, column);
    return { ok: false, line, field: '', reason: `invalid JSON at line ${at.line}, column ${at.column}: ${found.reason}` };
  }
  if (!isPlainObject(value)) {
    return { ok: false, line, field: '', reason: `record is not a JSON object (found ${describeJsonType(value)})` };
  }
  return { ok: true, line, shape: 'json', value };
}

export class JsonScanner {
  private line = 1;
  /** Global byte offset of the start of the current line and of the current chunk. */
  private lineStart = 0;
  private base = 0;
  private readonly stack: number[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private top: Top = 'idle';
  private elemDepth = 0;
  private rec: OpenRecord | undefined;
  private containerLine = 1;
  /** An element of the streamed array ended and no ',' has followed it yet. */
  private elemDone = false;
  // Key tracking at depth 1 of a top-level object, to spot a list response's "value" array.
  private keyPos = false;
  private capturingKey = false;
  private key = '';
  private lastKey = '';
  private afterColon = false;

  constructor(private readonly maxRecordBytes: number) {}

  /** Scans one chunk and returns the records completed in it. */
  push(chunk: Buffer): RawRecord[] {
    const out: RawRecord[] = [];
    const n = chunk.length;
    if (this.rec !== undefined) this.rec.from = 0;
    for (let i = 0; i < n; i++) {
      const b = chunk[i] as number;
      if (b === NL) {
        this.line++;
        this.lineStart = this.base + i + 1;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BSL) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.capturingKey) {
            this.capturingKey = false;
            this.lastKey = this.key;
            this.keyPos = false;
          }
        } else if (this.capturingKey && this.key.length < 16) this.key += String.fromCharCode(b);
        continue;
      }
      switch (this.top) {
        case 'idle':
          this.idle(chunk, i, b, out);
          continue;
        case 'garbage':
          if (b === NL) {
            this.close(chunk, i, out);
            this.top = 'idle';
          }
          continue;
        default:
          this.inside(chunk, i, b, out);
      }
    }
    if (this.rec !== undefined) this.take(chunk, this.rec.from, n);
    this.base += n;
    return out;
  }

  /** Ends the input: an open record or container is reported as truncated. */
  end(): RawRecord[] {
    const out: RawRecord[] = [];
    if (this.top === 'garbage' && this.rec !== undefined) {
      const r = this.rec;
      this.rec = undefined;
      out.push(this.finish(r));
    } else if (this.rec !== undefined) {
      out.push({ ok: false, line: this.rec.line, field: '', reason: 'input ended inside this record (truncated?)' });
      this.rec = undefined;
    } else if (this.top === 'list' || this.top === 'array' || this.top === 'afterList') {
      out.push({
        ok: false,
        line: this.containerLine,
        field: '',
        reason: `input ended before the end of the JSON document that starts at line ${this.containerLine} (truncated?)`,
      });
    }
    this.top = 'idle';
    return out;
  }

  private column(i: number): number {
    return this.base + i - this.lineStart + 1;
  }

  private open(i: number, scalar: boolean): void {
    this.rec = { line: this.line, column: this.column(i), scalar, parts: [], bytes: 0, oversized: false, from: i };
  }

  /** Copies chunk[from, to) into the open record, unless it is already too large. */
  private take(chunk: Buffer, from: number, to: number): void {
    const r = this.rec;
    if (r === undefined || to <= from) return;
    r.bytes += to - from;
    if (r.bytes > this.maxRecordBytes) {
      r.oversized = true;
      r.parts = [];
    } else {
      r.parts.push(chunk.subarray(from, to));
    }
  }

  /** Closes the open record at chunk index `end` (exclusive) and emits it. */
  private close(chunk: Buffer, end: number, out: RawRecord[]): void {
    const r = this.rec;
    if (r === undefined) return;
    this.elemDone = true;
    this.take(chunk, r.from, end);
    this.rec = undefined;
    out.push(this.finish(r));
  }

  private finish(r: OpenRecord): RawRecord {
    if (r.oversized) {
      return {
        ok: false,
        line: r.line,
        field: '',
        reason: `record is ${r.bytes} bytes, over the limit of ${this.maxRecordBytes} bytes`,
      };
    }
    const text = (r.parts.length === 1 ? (r.parts[0] as Buffer) : Buffer.concat(r.parts)).toString('utf8');
    return parseRecordText(text, r.line, r.column);
  }

  private stray(i: number, b: number, out: RawRecord[]): void {
    out.push({
      ok: false,
      line: this.line,
      field: '',
      reason: `invalid JSON at line ${this.line}, column ${this.column(i)}: unexpected '${String.fromCharCode(b)}'`,
    });
  }

  private idle(chunk: Buffer, i: number, b: number, out: RawRecord[]): void {
    if (isWs(b)) return;
    if (b === LBRACE) {
      this.open(i, false);
      this.top = 'object';
      this.pushOpen(b);
      this.keyPos = true;
      this.afterColon = false;
      this.lastKey = '';
      return;
    }
    if (b === LBRACK) {
      this.top = 'array';
      this.elemDepth = 1;
      this.elemDone = false;
      this.containerLine = this.line;
      this.pushOpen(b);
      return;
    }
    if (b === RBRACE || b === RBRACK || b === COMMA) {
      this.stray(i, b, out);
      return;
    }
    // Not JSON structure: take the rest of the line as one record so JSON.parse names the problem.
    this.open(i, true);
    this.top = 'garbage';
    void chunk;
  }

  private pushOpen(b: number): void {
    if (this.depth < MAX_TRACKED_DEPTH) this.stack.push(b === LBRACE ? RBRACE : RBRACK);
    this.depth++;
  }

  private inside(chunk: Buffer, i: number, b: number, out: RawRecord[]): void {
    const streaming = this.top === 'list' || this.top === 'array';
    const atElemLevel = streaming && this.depth === this.elemDepth;
    if (isWs(b)) return;
    if (b === QUOTE) {
      this.inString = true;
      if (atElemLevel && this.rec === undefined) this.open(i, true);
      if (this.top === 'object' && this.depth === 1) {
        if (this.keyPos) {
          this.capturingKey = true;
          this.key = '';
        } else this.afterColon = false;
      }
      return;
    }
    if (b === LBRACE || b === LBRACK) {
      if (atElemLevel && this.rec === undefined) this.open(i, false);
      if (this.top === 'object' && this.depth === 1) {
        if (b === LBRACK && this.afterColon && this.lastKey === 'value') {
          // A list response: drop the envelope read so far and stream the array's elements.
          this.rec = undefined;
          this.top = 'list';
          this.elemDepth = 2;
          this.elemDone = false;
          this.containerLine = this.line;
        }
        this.afterColon = false;
      }
      this.pushOpen(b);
      return;
    }
    if (b === RBRACE || b === RBRACK) {
      this.closer(chunk, i, b, out);
      return;
    }
    if (b === COMMA) {
      if (this.rec?.scalar === true && atElemLevel) this.close(chunk, i, out);
      else if (atElemLevel && this.rec === undefined && !this.elemDone) {
        // A comma with no element before it ("[,1]" or "[1,,2]").
        this.stray(i, b, out);
      }
      if (atElemLevel) this.elemDone = false;
      if (this.top === 'object' && this.depth === 1) {
        this.keyPos = true;
        this.afterColon = false;
      }
      return;
    }
    if (b === COLON) {
      if (this.top === 'object' && this.depth === 1) this.afterColon = true;
      return;
    }
    if (atElemLevel && this.rec === undefined) this.open(i, true);
    if (this.top === 'object' && this.depth === 1) {
      this.afterColon = false;
      this.keyPos = false;
    }
  }

  private closer(chunk: Buffer, i: number, b: number, out: RawRecord[]): void {
    const streaming = this.top === 'list' || this.top === 'array';
    // A scalar element ends where its container closes.
    if (streaming && this.rec?.scalar === true && this.depth === this.elemDepth) this.close(chunk, i, out);
    const expected = this.depth <= MAX_TRACKED_DEPTH ? this.stack[this.depth - 1] : b;
    if (expected !== b) {
      if (this.rec !== undefined && (this.top === 'object' || this.depth > this.elemDepth)) {
        // The record's brackets do not match: cut it here (JSON.parse names the spot) and resume after it.
        this.close(chunk, i + 1, out);
        const keep = this.top === 'object' ? 0 : this.elemDepth;
        this.stack.length = Math.min(keep, this.stack.length);
        this.depth = keep;
        if (this.top === 'object') this.top = 'idle';
        return;
      }
      this.stray(i, b, out);
      return;
    }
    if (this.depth <= MAX_TRACKED_DEPTH) this.stack.pop();
    this.depth--;
    if (streaming && this.rec !== undefined && !this.rec.scalar && this.depth === this.elemDepth) {
      this.close(chunk, i + 1, out);
      return;
    }
    if (this.top === 'list' && this.depth === 1) this.top = 'afterList';
    else if (this.depth === 0) {
      if (this.top === 'object') this.close(chunk, i + 1, out);
      this.top = 'idle';
    } else if (this.top === 'object' && this.depth === 1) {
      this.keyPos = false;
      this.afterColon = false;
    }
  }
}
