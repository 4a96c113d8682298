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
import { FORMAT_ADAPTERS } from './built.ts';
import { isKeycloakAdminEvent } from './keycloak.ts';

type OkRecord = Extract<RawRecord, { ok: true }>;
type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Records of the other identity products authlens reads, recognised by their own fields. */
function foreignProduct(v: Obj): { readonly name: string; readonly format: 'okta' | 'auth0' | 'keycloak' | 'ocsf' } | undefined {
  if (typeof (v.eventType ?? v.eventtype) === 'string' && isObj(v.actor) && ('published' in v || 'uuid' in v)) return { name: 'an Okta System Log event', format: 'okta' };
  if ('log_id' in v || (isObj(v.data) && 'log_id' in v.data) || (isObj(v.json) && 'log_id' in v.json)) return { name: 'an Auth0 log event', format: 'auth0' };
  if ((typeof v.realmId === 'string' && typeof v.type === 'string') || isKeycloakAdminEvent(v)) return { name: 'a Keycloak event', format: 'keycloak' };
  if ('class_uid' in v && 'category_uid' in v) return { name: 'an OCSF event', format: 'ocsf' };
  return undefined;
}

export function adaptAuto(rec: OkRecord): AdaptResult {
  if (rec.shape === 'csv') {
    if (isGraphCsvRow(rec.value)) return adaptGraph(rec);
    return reject('', 'cannot tell the format of this CSV row: graph reads Log Analytics SigninLogs and AuditLogs exports (with an Id column); no other CSV is known');
  }
  // The reader hands on only Keycloak event lines of a server log (read-log.ts).
  if (rec.shape === 'text') return FORMAT_ADAPTERS.keycloak(rec);
  const v = rec.value;
  const foreign = foreignProduct(v);
  if (foreign !== undefined) return FORMAT_ADAPTERS[foreign.format](rec);
  // Native shares Graph's field names, so `kind` decides; only Graph's own markers make it ambiguous.
  const native = typeof v.kind === 'string';
  const graphMarker = isDiagnosticEnvelope(v) || typeof v['@odata.type'] === 'string';
  if (native && !graphMarker) return adaptNative(rec);
  if (!native && (graphMarker || graphKindOf(v) !== undefined)) return adaptGraph(rec);
  return reject(
    '',
    native
      ? 'ambiguous record: it has `kind` (native) and a Graph envelope or @odata.type; pass --format native or --format graph'
      : 'cannot tell the format of this record: not native (no `kind`), not a Graph signIn, directoryAudit, riskDetection or riskyUser (docs/formats)',
  );
}
