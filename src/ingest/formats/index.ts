/** The adapter for each input format; formats not built yet answer with a clear rejection. */
import type { InputFormat } from '../../schema/ingest.ts';
import { adaptAuto } from './auto.ts';
import { BUILT_ADAPTERS, notBuiltReason, type Adapter } from './built.ts';

export type { AdaptResult } from './adapt-result.ts';
export type { Adapter } from './built.ts';

const ADAPTERS: Partial<Record<InputFormat, Adapter>> = { auto: adaptAuto, ...BUILT_ADAPTERS };

/** The adapter for a format, or the reason it cannot be read yet. */
export function adapterFor(format: InputFormat): { ok: true; adapter: Adapter } | { ok: false; reason: string } {
  const adapter = ADAPTERS[format];
  return adapter === undefined ? { ok: false, reason: notBuiltReason(format) } : { ok: true, adapter };
}
