/** Report rows -> bytes: CSV (with BOM and header), NDJSON, and a one-file zip, all streaming. */
import { Zip, ZipDeflate } from 'fflate';
import type { ReportRow } from '../../schema/reports.ts';
import { BOM, csvLine } from './csv.ts';

const encoder = new TextEncoder();

export interface CsvOptions {
  readonly columns: readonly { readonly name: string; readonly title: string }[];
  /** A last line when rows were left out (the seed's download cap). */
  readonly trailer?: () => string | undefined;
}

/** CSV text in chunks of whole lines: BOM + header first, then one line per row. */
export async function* csvChunks(batches: AsyncIterable<readonly ReportRow[]>, opts: CsvOptions): AsyncIterable<Uint8Array> {
  yield encoder.encode(BOM + csvLine(opts.columns.map((c) => c.name)));
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) text += csvLine(opts.columns.map((c) => row[c.name] ?? null));
    if (text !== '') yield encoder.encode(text);
  }
  const last = opts.trailer?.();
  if (last !== undefined) yield encoder.encode(csvLine([last]));
}

/** CSV from lines the store already wrote (ReportQueries.csvText): BOM + header, the lines, the trailer. */
export async function* csvChunksFromText(text: AsyncIterable<string>, opts: CsvOptions): AsyncIterable<Uint8Array> {
  yield encoder.encode(BOM + csvLine(opts.columns.map((c) => c.name)));
  for await (const t of text) if (t !== '') yield encoder.encode(t);
  const last = opts.trailer?.();
  if (last !== undefined) yield encoder.encode(csvLine([last]));
}

/** One JSON object a line; `shape` turns a row into its JSON form (json columns as values: catalog.ts withJsonValues). */
export async function* ndjsonChunks(
  batches: AsyncIterable<readonly ReportRow[]>,
  shape: (row: ReportRow) => unknown = (row) => row,
): AsyncIterable<Uint8Array> {
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) text += JSON.stringify(shape(row)) + '\n';
    if (text !== '') yield encoder.encode(text);
  }
}

/**
 * A zip archive holding one file, produced as its content arrives (constant
 * memory). Level 1: the download must be quick, and CSV compresses well anyway.
 */
export async function* zipOneFile(name: string, content: AsyncIterable<Uint8Array>, level: 0 | 1 | 6 | 9 = 1): AsyncIterable<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err !== null) failure = err;
    else out.push(data);
  });
  const file = new ZipDeflate(name, { level });
  zip.add(file);
  for await (const chunk of content) {
    file.push(chunk, false);
    if (failure !== null) throw failure;
    if (out.length > 0) yield* out.splice(0);
  }
  file.push(new Uint8Array(0), true);
  zip.end();
  if (failure !== null) throw failure;
  yield* out.splice(0);
}

/** Collects a byte stream (tests, small downloads). */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
