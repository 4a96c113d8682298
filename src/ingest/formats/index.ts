/** The adapter for each input format. */
import type { InputFormat } from '../../schema/ingest.ts';
import { adaptAuto } from './auto.ts';
import { FORMAT_ADAPTERS, type Adapter } from './built.ts';

export type { AdaptResult } from './adapt-result.ts';
export type { Adapter } from './built.ts';

const ADAPTERS: Readonly<Record<InputFormat, Adapter>> = { auto: adaptAuto, ...FORMAT_ADAPTERS };

export function adapterFor(format: InputFormat): Adapter {
  return ADAPTERS[format];
}
