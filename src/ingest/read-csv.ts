/**
 * CSV with a header row (the Log Analytics export: CRLF, quoted cells holding
 * multi-line JSON) into rows keyed by column name, each with the line it starts
 * on. csv-parse counts CR and LF inside quoted cells as separate lines, so the
 * line is computed here from the byte offset csv-parse reports.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { RawRecord } from './raw-record.ts';

/** The part of the read options CSV reading needs (kept here so read-records can import this module without a cycle). */
interface CsvReadOptions {
  readonly maxRecordBytes: number;
}

interface CsvInfo {
  readonly bytes: number;
}
interface CsvSkip {
  readonly message: string;
  readonly bytes?: number;
}

/** Counts newlines of the input up to a byte offset, keeping only the chunks not yet passed. */
class LineCounter {
  private readonly queue: Buffer[] = [];
  private queueStart = 0;
  private offset = 0;
  private line = 1;
  private last: number | undefined;

  add(chunk: Buffer): void {
    this.queue.push(chunk);
  }

  /** The 1-based line at `target` (a byte offset not below earlier ones). */
  lineAt(target: number): number {
    while (this.offset < target && this.queue.length > 0) {
      const chunk = this.queue[0] as Buffer;
      const from = this.offset - this.queueStart;
      const to = Math.min(chunk.length, target - this.queueStart);
      for (let i = from; i < to; i++) if (chunk[i] === 0x0a) this.line++;
      if (to > from) this.last = chunk[to - 1];
      this.offset = this.queueStart + to;
      if (to >= chunk.length) {
        this.queue.shift();
        this.queueStart += chunk.length;
      }
    }
    return this.line;
  }

  /** The byte just before the offset last passed to lineAt. */
  lastByte(): number | undefined {
    return this.last;
  }
}

function countNl(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export async function* readCsvRecords(chunks: AsyncIterable<Buffer>, opts: CsvReadOptions): AsyncGenerator<RawRecord> {
  const lines = new LineCounter();
  async function* feed(): AsyncGenerator<Buffer> {
    for await (const c of chunks) {
      lines.add(c);
      yield c;
    }
  }
  const parser = parse({
    info: true,
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
    max_record_size: opts.maxRecordBytes,
  });
  const skips: CsvSkip[] = [];
  parser.on('skip', (e: CsvSkip) => skips.push(e));
  const src = Readable.from(feed());
  src.on('error', (e) => parser.destroy(e));
  src.pipe(parser);

  let header: string[] | undefined;
  // The parser reads ahead, so a skip can be reported before rows that precede it: order by byte offset.
  const drainSkips = function* (before = Infinity): Generator<RawRecord> {
    while (skips.length > 0 && (skips[0]?.bytes ?? 0) < before) {
      const e = skips.shift() as CsvSkip;
      const line = e.bytes !== undefined ? lines.lineAt(e.bytes) : 1;
      yield { ok: false, line, field: '', reason: `invalid CSV: ${e.message.replace(/ at line \d+/, '')}` };
    }
  };
  for await (const item of parser as AsyncIterable<{ record: string[]; info: CsvInfo }>) {
    const { record, info } = item;
    yield* drainSkips(info.bytes);
    const endLine = lines.lineAt(info.bytes);
    const endsWithNl = lines.lastByte() === 0x0a;
    let inner = 0;
    let size = 0;
    for (const cell of record) {
      inner += countNl(cell);
      size += cell.length;
    }
    const line = endLine - inner - (endsWithNl ? 1 : 0);
    if (header === undefined) {
      header = record.map((h) => h.trim());
      continue;
    }
    if (size > opts.maxRecordBytes) {
      yield { ok: false, line, field: '', reason: `record is ${size} bytes, over the limit of ${opts.maxRecordBytes} bytes` };
      continue;
    }
    if (record.length !== header.length) {
      yield { ok: false, line, field: '', reason: `row has ${record.length} cells, the header has ${header.length}` };
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      if (!(name in row)) row[name] = record[i] ?? '';
    });
    yield { ok: true, line, shape: 'csv', value: row };
  }
  yield* drainSkips();
}
