/** Streams a file's lines as Buffers without holding the file (shared by the ingest benchmarks). */
import { createReadStream } from 'node:fs';

export async function* fileLines(file: string): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) {
    let chunk = c as Buffer;
    if (carry !== undefined) {
      chunk = Buffer.concat([carry, chunk]);
      carry = undefined;
    }
    let pos = 0;
    for (let nl = chunk.indexOf(10, pos); nl >= 0; nl = chunk.indexOf(10, pos)) {
      if (nl > pos) yield chunk.subarray(pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) carry = Buffer.from(chunk.subarray(pos));
  }
  if (carry !== undefined && carry.length > 0) yield carry;
}

export interface RateFigures {
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
}

export function rate(records: number, startedNs: bigint): RateFigures {
  const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  return { records, seconds, recordsPerSecond: Math.round(records / seconds) };
}
