/**
 * `--format auto`: picks the adapter per record from what the record itself
 * says (native carries `kind`; Graph has its own field sets or the Azure
 * diagnostic envelope). Anything ambiguous is rejected with a hint to pass
 * --format, never guessed.
 */
import type { RawRecord } from '../raw-record.ts';
import { reject, type AdaptResult } from './adapt-result.ts';
import { adaptGraph, graphKindOf, isDiagnosticEnvelope, isGraphCsvRow } from './graph.ts';
import { adaptNative } from './native.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;

export function adaptAuto(rec: OkRecord): AdaptResult {
  if (rec.shape === 'csv') {
    if (isGraphCsvRow(rec.value)) return adaptGraph(rec);
    return reject('', 'cannot tell the format of this CSV row (graph reads Log Analytics SigninLogs and AuditLogs exports with an Id column); pass --format');
  }
  const v = rec.value;
  // Native shares Graph's field names, so `kind` decides; only Graph's own markers make it ambiguous.
  const native = typeof v.kind === 'string';
  const graphMarker = isDiagnosticEnvelope(v) || typeof v['@odata.type'] === 'string';
  if (native && !graphMarker) return adaptNative(rec);
  if (!native && (graphMarker || graphKindOf(v) !== undefined)) return adaptGraph(rec);
  return reject(
    '',
    native
      ? 'ambiguous record: it has `kind` (native) and a Graph envelope or @odata.type; pass --format native or --format graph'
      : 'cannot tell the format of this record (no `kind` for native, no Graph signIn/directoryAudit/riskDetection/riskyUser fields); pass --format',
  );
}
