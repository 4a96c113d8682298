/** The adapter for each input format; formats not built yet answer with a clear rejection. */
import type { InputFormat } from '../../schema/ingest.ts';
import type { RawRecord } from '../raw-record.ts';
import type { AdaptResult } from './adapt-result.ts';
import { adaptAuto } from './auto.ts';
import { adaptGraph } from './graph.ts';
import { adaptNative } from './native.ts';

export type { AdaptResult } from './adapt-result.ts';
export type Adapter = (rec: Extract<RawRecord, { ok: true }>) => AdaptResult;

const ADAPTERS: Partial<Record<InputFormat, Adapter>> = {
  auto: adaptAuto,
  native: adaptNative,
  graph: adaptGraph,
};

/** The adapter for a format, or the reason it cannot be read yet. */
export function adapterFor(format: InputFormat): { ok: true; adapter: Adapter } | { ok: false; reason: string } {
  const adapter = ADAPTERS[format];
  return adapter === undefined
    ? { ok: false, reason: `format ${format} is not supported yet (supported: ${Object.keys(ADAPTERS).join(', ')})` }
    : { ok: true, adapter };
}
