/** The outcome of ingesting one input record, and of a batch. Bad input is data, not an exception. */
import { Type, type Static } from 'typebox';

export const Rejection = Type.Object({
  /** 1-based line of the input where the record starts (for a JSON array, the line of the element's start). */
  line: Type.Integer({ minimum: 1 }),
  /** JSON path of the offending field ("/status/errorCode"), or "" when the record as a whole is bad (e.g. not JSON). */
  field: Type.String(),
  reason: Type.String(),
});
export type Rejection = Static<typeof Rejection>;

export type RecordResult =
  | { readonly status: 'accepted'; readonly line: number; readonly kind: string; readonly id: string }
  | { readonly status: 'duplicate'; readonly line: number; readonly kind: string; readonly id: string }
  | ({ readonly status: 'rejected' } & Rejection);

/** SPEC section 10: the shape `ingest --json` prints and the events endpoint returns. */
export const IngestSummary = Type.Object({
  accepted: Type.Integer({ minimum: 0 }),
  duplicates: Type.Integer({ minimum: 0 }),
  rejected: Type.Array(Rejection),
});
export type IngestSummary = Static<typeof IngestSummary>;

export const INPUT_FORMATS = ['auto', 'native', 'graph', 'okta', 'keycloak', 'auth0', 'ocsf'] as const;
export const InputFormat = Type.Enum(INPUT_FORMATS);
export type InputFormat = Static<typeof InputFormat>;
