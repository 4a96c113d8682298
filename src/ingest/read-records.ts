/**
 * Turns input bytes (a Buffer or a stream of Buffers: files, stdin, HTTP
 * bodies) into raw records with the 1-based line each starts on. Handles gzip
 * (by magic bytes), a UTF-8 BOM, NDJSON, a JSON array, one or more JSON
 * objects, Graph list responses, CSV with a header row and Keycloak server
 * logs (read-log.ts). Memory stays
 * bounded by the record size limit whatever the input size; bad input becomes
 * rejections, never exceptions. Errors of the input stream itself
 * (a failing disk or socket) propagate.
 */
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readCsvRecords } from './read-csv.ts';
import { isLogEntryLine, LogLines } from './read-log.ts';
import { JsonScanner, parseRecordText } from './json-scanner.ts';
import { describeJsonType, isPlainObject, type RawRecord } from './raw-record.ts';

export type { RawRecord } from './raw-record.ts';

export type IngestInput = Buffer | Uint8Array | AsyncIterable<Buffer | Uint8Array | string>;

export interface ReadOptions {
  /** Largest single record in bytes (config.limits.maxRecordBytes). */
  readonly maxRecordBytes: number;
  /**
   * Most bytes read, counted after decompression (an HTTP body's
   * limits.maxBodyBytes; a gzip bomb stops here). Beyond it reading stops
   * with a rejection; the records before it stand. Unset: no limit (files).
   */
  readonly maxInputBytes?: number;
}

/** Marks input that went over maxInputBytes. */
class InputTooLarge extends Error {}

async function* capped(source: AsyncIterable<Buffer>, max: number | undefined): AsyncGenerator<Buffer> {
  if (max === undefined) {
    yield* source;
    return;
  }
  let total = 0;
  for await (const c of source) {
    total += c.length;
    if (total > max) {
      const keep = c.length - (total - max);
      if (keep > 0) yield c.subarray(0, keep);
      throw new InputTooLarge(`input is larger than the limit of ${max} bytes (after decompression); reading stopped there`);
    }
    yield c;
  }
}

const NL = 0x0a;

async function* toBuffers(input: IngestInput): AsyncGenerator<Buffer> {
  if (input instanceof Uint8Array) {
    if (input.length > 0) yield Buffer.isBuffer(input) ? input : Buffer.from(input);
    return;
  }
  for await (const c of input) {
    const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.isBuffer(c) ? c : Buffer.from(c);
    if (b.length > 0) yield b;
  }
}

/** A stream with a look-ahead buffer, so the framing can be decided before records are read. */
class Peekable {
  private head: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** Reads until at least n bytes are buffered or the input ends; returns what is buffered. */
  async fill(n: number): Promise<Buffer> {
    while (!this.done && this.head.length < n) {
      const r = await this.it.next();
      if (r.done === true) this.done = true;
      else this.head = this.head.length === 0 ? r.value : Buffer.concat([this.head, r.value]);
    }
    return this.head;
  }

  /** Reads until `enough(head)` holds, `cap` bytes are buffered, or the input ends. */
  async fillUntil(enough: (head: Buffer) => boolean, cap: number): Promise<Buffer> {
    while (!this.done && this.head.length < cap && !enough(this.head)) {
      const r = await this.it.next();
      if (r.done === true) this.done = true;
      else this.head = this.head.length === 0 ? r.value : Buffer.concat([this.head, r.value]);
    }
    return this.head;
  }

  skip(n: number): void {
    this.head = this.head.subarray(n);
  }

  async *rest(): AsyncGenerator<Buffer> {
    if (this.head.length > 0) yield this.head;
    this.head = Buffer.alloc(0);
    if (this.done) return;
    for (;;) {
      const r = await this.it.next();
      if (r.done === true) return;
      yield r.value;
    }
  }
}

/** Marks a gunzip failure as bad input (a rejection), unlike a failing source stream. */
class CorruptGzip extends Error {}

async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const z = createGunzip();
  let sourceError: unknown;
  const src = Readable.from(source);
  src.on('error', (e) => {
    sourceError = e;
    z.destroy(e);
  });
  src.pipe(z);
  try {
    for await (const c of z) yield c as Buffer;
  } catch (e) {
    if (sourceError !== undefined) throw sourceError;
    throw new CorruptGzip((e as Error).message);
  }
}

function firstNonWs(b: Buffer): number {
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

type Framing = 'ndjson' | 'json' | 'csv' | 'log' | 'unknown' | 'empty';

/**
 * Why the start of the input is not UTF-8 text (UTF-16, binary), or undefined.
 * Said once for the whole input: guessing a framing for bytes would give a
 * rejection per "line" of garbage.
 */
/** Drops a multi-byte UTF-8 character cut off at the end of a sample (not an error in the input). */
function withoutCutCharacter(b: Buffer): Buffer {
  for (let k = 1; k <= 3 && k <= b.length; k++) {
    const c = b[b.length - k] ?? 0;
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? b.subarray(0, b.length - k) : b;
  }
  return b;
}

export function notTextReason(head: Buffer): string | undefined {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return 'the input is UTF-16 text; authlens reads UTF-8 (save or convert the file as UTF-8)';
  }
  const sample = withoutCutCharacter(head.subarray(0, 8192));
  let control = 0;
  for (const b of sample) {
    if (b === 0) return 'the input is not text (it has NUL bytes: binary, or UTF-16 without a byte order mark); authlens reads UTF-8 text, optionally gzip-compressed';
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  if (control > sample.length / 100 || !isUtf8(sample)) {
    return 'the input is not UTF-8 text (control characters or invalid UTF-8 bytes at its start); authlens reads UTF-8 text, optionally gzip-compressed';
  }
  return undefined;
}

/**
 * NDJSON when the first line is a whole JSON object, or when the next
 * non-blank line also starts with '{' at its first column (a broken first
 * line of NDJSON); otherwise pretty-printed JSON, scanned structurally.
 */
function decideFraming(head: Buffer, maxRecordBytes: number): Framing {
  const start = firstNonWs(head);
  if (start < 0) return 'empty';
  const c = head[start];
  if (c === 0x5b) return 'json';
  if (c !== 0x7b) {
    const nl = head.indexOf(NL, start);
    const firstLine = head.subarray(start, nl < 0 ? head.length : nl).toString('utf8');
    // Before CSV: a log line has commas too (`21:01:42,548 INFO ...`).
    if (isLogEntryLine(firstLine)) return 'log';
    return firstLine.includes(',') ? 'csv' : 'unknown';
  }
  const nl = head.indexOf(NL, start);
  const firstLine = head.subarray(start, nl < 0 ? head.length : nl);
  if (firstLine.length <= maxRecordBytes) {
    try {
      if (isPlainObject(JSON.parse(firstLine.toString('utf8')))) return 'ndjson';
    } catch {
      // not a whole object on one line: look at the next line
    }
  }
  if (nl < 0) return 'json';
  let j = nl + 1;
  while (j < head.length && (head[j] === NL || head[j] === 0x0d)) j++;
  return head[j] === 0x7b ? 'ndjson' : 'json';
}

/** Yields the raw records of the input, in order, each with its starting line. */
export async function* readRecords(input: IngestInput, opts: ReadOptions): AsyncGenerator<RawRecord> {
  for await (const batch of readRecordBatches(input, opts)) yield* batch;
}

/**
 * The same records in groups (one group per input chunk for JSON), so a
 * consumer pays one async step per chunk instead of one per record.
 */
export async function* readRecordBatches(input: IngestInput, opts: ReadOptions): AsyncGenerator<RawRecord[]> {
  // Input-level failures (corrupt gzip, over the size limit) are reported at the last record's line.
  const last = { line: 1 };
  for await (const batch of readBatches(input, opts, last)) {
    const tail = batch[batch.length - 1];
    if (tail !== undefined) last.line = tail.line;
    yield batch;
  }
}

async function* readBatches(input: IngestInput, opts: ReadOptions, lastLine: { line: number }): AsyncGenerator<RawRecord[]> {
  const first = new Peekable(toBuffers(input)[Symbol.asyncIterator]());
  const magic = await first.fill(2);
  const gz = magic[0] === 0x1f && magic[1] === 0x8b;
  const source = new Peekable(capped(gz ? gunzip(first.rest()) : first.rest(), opts.maxInputBytes)[Symbol.asyncIterator]());
  try {
    const bom = await source.fill(3);
    if (bom[0] === 0xef && bom[1] === 0xbb && bom[2] === 0xbf) source.skip(3);
    // Enough to see the first line and the start of the next non-blank one.
    const head = await source.fillUntil((h) => {
      const s = firstNonWs(h);
      if (s < 0) return false;
      const nl = h.indexOf(NL, s);
      if (nl < 0) return false;
      let j = nl + 1;
      while (j < h.length && (h[j] === NL || h[j] === 0x0d)) j++;
      return j < h.length;
    }, opts.maxRecordBytes + 1);
    const notText = notTextReason(head);
    if (notText !== undefined) {
      yield [{ ok: false, line: 1, field: '', reason: notText }];
      return;
    }
    const framing = decideFraming(head, opts.maxRecordBytes);
    switch (framing) {
      case 'empty':
        return;
      case 'unknown':
        yield [
          {
            ok: false,
            line: 1,
            field: '',
            reason: 'unrecognised input: expected NDJSON, a JSON array or object, a Graph list response, CSV with a header row, or a Keycloak server log',
          },
        ];
        return;
      case 'csv':
        for await (const r of readCsvRecords(source.rest(), opts)) yield [r];
        return;
      case 'ndjson':
        yield* readLines(source.rest(), opts, lineRecords);
        return;
      case 'log': {
        const log = new LogLines();
        let last = 1;
        yield* readLines(source.rest(), opts, (out, text, line) => {
          last = line;
          log.push(out, text, line);
        });
        const none = log.end(last);
        if (none !== undefined) yield [none];
        return;
      }
      case 'json': {
        const scanner = new JsonScanner(opts.maxRecordBytes);
        for await (const chunk of source.rest()) yield scanner.push(chunk);
        yield scanner.end();
        return;
      }
    }
  } catch (e) {
    if (e instanceof CorruptGzip) {
      yield [{ ok: false, line: lastLine.line, field: '', reason: `gzip data is corrupt or truncated: ${e.message}` }];
      return;
    }
    if (e instanceof InputTooLarge) {
      yield [{ ok: false, line: lastLine.line, field: '', reason: e.message }];
      return;
    }
    throw e;
  }
}

/** True when the text holds only JSON whitespace (blank NDJSON lines are skipped). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

/** One NDJSON line: an object is a record; a list response or an array on one line is expanded. */
function lineRecords(out: RawRecord[], text: string, line: number): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (!isBlank(text)) out.push(parseRecordText(text, line, 1));
    return;
  }
  if (isPlainObject(parsed) && !Array.isArray(parsed.value)) {
    out.push({ ok: true, line, shape: 'json', value: parsed });
    return;
  }
  const items = Array.isArray(parsed) ? parsed : isPlainObject(parsed) ? (parsed.value as unknown[]) : [parsed];
  for (const v of items) {
    if (isPlainObject(v)) out.push({ ok: true, line, shape: 'json', value: v });
    else out.push({ ok: false, line, field: '', reason: `record is not a JSON object (found ${describeJsonType(v)})` });
  }
}

/** Cuts the input into lines and hands each (1-based line number, no newline) to `onLine`; oversized lines are rejected. */
async function* readLines(
  chunks: AsyncIterable<Buffer>,
  opts: ReadOptions,
  onLine: (out: RawRecord[], text: string, line: number) => void,
): AsyncGenerator<RawRecord[]> {
  let line = 1;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let oversized = false;
  const emitLine = (out: RawRecord[], parts: Buffer[], bytes: number): void => {
    if (oversized || bytes > opts.maxRecordBytes) {
      out.push({ ok: false, line, field: '', reason: `record is ${bytes} bytes, over the limit of ${opts.maxRecordBytes} bytes` });
    } else if (bytes > 0) {
      const text = (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, bytes)).toString('utf8');
      onLine(out, text, line);
    }
  };
  for await (const chunk of chunks) {
    const out: RawRecord[] = [];
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) break;
      const piece = chunk.subarray(pos, nl);
      if (carryBytes === 0) emitLine(out, [piece], piece.length);
      else {
        if (!oversized) carry.push(piece);
        emitLine(out, carry, carryBytes + piece.length);
      }
      carry = [];
      carryBytes = 0;
      oversized = false;
      line++;
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      const piece = chunk.subarray(pos);
      carryBytes += piece.length;
      if (carryBytes > opts.maxRecordBytes) {
        oversized = true;
        carry = [];
      } else carry.push(piece);
    }
    if (out.length > 0) yield out;
  }
  if (carryBytes > 0) {
    const out: RawRecord[] = [];
    emitLine(out, carry, carryBytes);
    yield out;
  }
}
