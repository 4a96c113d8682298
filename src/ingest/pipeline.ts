/**
 * The batch ingest pipeline: input bytes -> raw records -> format adapter ->
 * enrichment -> durable append (in batches, as they fill) -> detection hook.
 * Bad input becomes rejections with line, field and reason, and the valid
 * records beside it are kept; only infrastructure failures (enrich or append
 * throwing) reject the returned promise.
 */
import type { Config } from '../config/config.ts';
import type { EnrichedEvent } from '../schema/enrichment.ts';
import type { AuthEvent } from '../schema/events.ts';
import type { IngestSummary, InputFormat, RecordResult, Rejection } from '../schema/ingest.ts';
import type { AppendResult } from '../store/ports.ts';
import { adapterFor, type Adapter, type AdaptResult } from './formats/index.ts';
import type { RawRecord } from './raw-record.ts';
import { readRecordBatches, type IngestInput } from './read-records.ts';

/** Given by the composition root, bound to one tenant. */
export interface IngestSink {
  /** A rule a valid record can still fail (the tenant's retention): its rejection, or undefined to keep it. */
  admit?(event: AuthEvent): { readonly field: string; readonly reason: string } | undefined;
  enrich(event: AuthEvent): EnrichedEvent;
  /** EventStore.appendEvents bound to the tenant; durable when resolved. */
  append(events: readonly EnrichedEvent[]): Promise<AppendResult>;
  /** Detection hook; gets only the newly inserted events of each batch, after they are durable. */
  afterAppend?(stored: readonly EnrichedEvent[]): Promise<void>;
}

export interface IngestProgress {
  readonly records: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Input bytes read so far (compressed bytes for gzip input), for a progress bar against the file size. */
  readonly bytes: number;
}

export interface IngestRunOptions {
  readonly format: InputFormat;
  onProgress?(p: IngestProgress): void;
  /**
   * Every record's outcome in order of decision: rejections and duplicates
   * inside a batch are known while reading, appended ones when their batch is
   * stored, so they can come before the previous batch's appends (which are
   * stored while the next batch is read).
   */
  onRecord?(r: RecordResult): void;
}

export interface IngestPipeline {
  ingest(input: IngestInput, sink: IngestSink, o: IngestRunOptions): Promise<IngestSummary>;
}

export interface IngestPipelineOptions {
  readonly limits: Config['limits'];
  /** Events per append at the start of each ingest (default 2000). */
  readonly batchSize?: number;
  /**
   * Largest append a long input grows to: each full batch doubles the next
   * one up to this (default 20,000 when batchSize is unset, else batchSize).
   * Small bodies keep small transactions; a file pays the per-transaction
   * cost (probe scan, COMMIT, detection call) on 20k rows instead of 2k.
   */
  readonly maxBatchSize?: number;
  /**
   * Rejections listed in the summary (default 100,000). Beyond it they are
   * counted, and one last entry says how many were left out, so hostile input
   * cannot grow memory without bound.
   */
  readonly maxListedRejections?: number;
  /** Most input bytes after decompression (set it to limits.maxBodyBytes for HTTP bodies; unset for files). */
  readonly maxInputBytes?: number;
}

async function* countingBytes(input: IngestInput, add: (n: number) => void): AsyncGenerator<Buffer | Uint8Array | string> {
  if (input instanceof Uint8Array) {
    add(input.length);
    yield input;
    return;
  }
  for await (const c of input) {
    add(typeof c === 'string' ? Buffer.byteLength(c) : c.length);
    yield c;
  }
}

const PROGRESS_EVERY = 1000;

/**
 * Adapters never throw for bad input by contract; should one have a bug, it
 * costs the one record (rejected, saying so) rather than the whole input.
 */
export function adaptSafely(adapt: Adapter, raw: Extract<RawRecord, { ok: true }>, format: InputFormat): AdaptResult {
  try {
    return adapt(raw);
  } catch (err) {
    return { ok: false, field: '', reason: `the ${format} reader failed on this record (a bug in authlens, please report it): ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function createIngestPipeline(opts: IngestPipelineOptions): IngestPipeline {
  const batchSize = Math.max(1, opts.batchSize ?? 2000);
  const maxBatchSize = Math.max(batchSize, opts.maxBatchSize ?? (opts.batchSize === undefined ? 20_000 : batchSize));
  const maxListed = Math.max(0, opts.maxListedRejections ?? 100_000);
  return {
    async ingest(input, sink, o) {
      let accepted = 0;
      let duplicates = 0;
      let rejectedCount = 0;
      let records = 0;
      let bytes = 0;
      let lastLine = 1;
      const rejected: Rejection[] = [];
      const progress = (): void =>
        o.onProgress?.({ records, accepted, duplicates, rejected: rejectedCount, bytes });
      const addRejection = (r: Rejection): void => {
        rejectedCount++;
        if (rejected.length < maxListed) rejected.push({ line: r.line, field: r.field, reason: r.reason });
        o.onRecord?.({ status: 'rejected', line: r.line, field: r.field, reason: r.reason });
      };
      const summary = (): IngestSummary => {
        const left = rejectedCount - rejected.length;
        const list =
          left > 0
            ? [...rejected, { line: lastLine, field: '', reason: `${left} more records were rejected; only the first ${maxListed} are listed` }]
            : rejected;
        return { accepted, duplicates, rejected: list };
      };

      const adapt = adapterFor(o.format);

      let batch: { event: EnrichedEvent; line: number }[] = [];
      let limit = batchSize;
      const inBatch = new Set<string>();
      const store = async (current: { event: EnrichedEvent; line: number }[]): Promise<void> => {
        const res = await sink.append(current.map((b) => b.event));
        if (res.inserted.length !== current.length) {
          throw new Error(`event store answered ${res.inserted.length} results for ${current.length} events`);
        }
        const stored: EnrichedEvent[] = [];
        current.forEach((b, i) => {
          const isNew = res.inserted[i] === true;
          if (isNew) {
            accepted++;
            stored.push(b.event);
          } else duplicates++;
          o.onRecord?.({ status: isNew ? 'accepted' : 'duplicate', line: b.line, kind: b.event.kind, id: b.event.id });
        });
        if (stored.length > 0 && sink.afterAppend !== undefined) await sink.afterAppend(stored);
        progress();
      };
      // At most one batch is being stored (append + detection hook) while the
      // next one is read, parsed and enriched: DuckDB commits on its own threads,
      // and waiting for it idle was a third of the wall time. Batches are still
      // stored one after another in input order, so cross-batch duplicates and
      // the detection hook see exactly what a sequential run would.
      let inFlight: Promise<void> | undefined;
      const settle = async (): Promise<void> => {
        const p = inFlight;
        inFlight = undefined;
        if (p !== undefined) await p;
      };
      const flush = async (): Promise<void> => {
        await settle();
        if (batch.length === 0) return;
        const current = batch;
        batch = [];
        inBatch.clear();
        const p = store(current);
        // Observed by settle() later; this keeps a failure meanwhile from counting as unhandled.
        p.catch(() => undefined);
        inFlight = p;
      };

      const counted = countingBytes(input, (n) => {
        bytes += n;
      });
      try {
        // Records sharing a line (a JSON array on one line, as JSON.stringify writes it) are told apart by their place on it.
        let nthOnLine = 0;
        const onLine = (reason: string): string => (nthOnLine > 1 ? `${reason} (record ${nthOnLine} of line ${lastLine})` : reason);
        for await (const group of readRecordBatches(counted, { maxRecordBytes: opts.limits.maxRecordBytes, maxInputBytes: opts.maxInputBytes })) {
          for (const raw of group) {
            records++;
            nthOnLine = raw.line === lastLine && records > 1 ? nthOnLine + 1 : 1;
            lastLine = raw.line;
            if (records % PROGRESS_EVERY === 0) progress();
            if (!raw.ok) {
              addRejection(raw);
              continue;
            }
            const r = adaptSafely(adapt, raw, o.format);
            if (!r.ok) {
              addRejection({ line: raw.line, field: r.field, reason: onLine(r.reason) });
              continue;
            }
            const refused = sink.admit?.(r.event);
            if (refused !== undefined) {
              addRejection({ line: raw.line, field: refused.field, reason: onLine(refused.reason) });
              continue;
            }
            // The same (kind, id) twice in one batch: the store would see both as new.
            const key = `${r.event.kind}\u0000${r.event.id}`;
            if (inBatch.has(key)) {
              duplicates++;
              o.onRecord?.({ status: 'duplicate', line: raw.line, kind: r.event.kind, id: r.event.id });
              continue;
            }
            inBatch.add(key);
            batch.push({ event: sink.enrich(r.event), line: raw.line });
            if (batch.length >= limit) {
              await flush();
              limit = Math.min(limit * 2, maxBatchSize);
            }
          }
          // Let the batch being stored take its next step (DuckDB answers arrive as
          // macrotasks, and buffered input chunks only cost microtasks), so each of
          // its awaits waits one input chunk at most instead of several.
          if (inFlight !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        await flush();
      } finally {
        // Never return (or fail) with an append still running behind the caller's back.
        await settle();
      }
      progress();
      return summary();
    },
  };
}
