/**
 * The label record of labels.ndjson and confounders.ndjson, as a schema, and a
 * reader for those files (for backtests and quality checks that start from the
 * files rather than from `simulate()`).
 */
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { DetectorId } from '../schema/detections.ts';
import { IsoTime } from '../schema/events.ts';

export const LabelRecord = Type.Object(
  {
    /** What happened: password-spray, brute-force, business-trip, ... (docs/simulator.md). */
    attack: Type.String({ minLength: 1, maxLength: 64 }),
    /** The detector that should fire (labels) or could be fooled (confounders). */
    detector: DetectorId,
    userPrincipalName: Type.Optional(Type.String({ maxLength: 512 })),
    ipAddress: Type.Optional(Type.String({ maxLength: 64 })),
    signInIds: Type.Array(Type.String({ minLength: 1, maxLength: 256 })),
    start: IsoTime,
    end: IsoTime,
  },
  { additionalProperties: false },
);
export type LabelRecord = Static<typeof LabelRecord>;

const check = Compile(LabelRecord);

export interface LabelFileResult {
  readonly labels: LabelRecord[];
  readonly rejected: { readonly line: number; readonly field: string; readonly reason: string }[];
}

/** Parses NDJSON label lines; a bad line is reported with its number, field and reason, never thrown. */
export function parseLabelFile(text: string): LabelFileResult {
  const labels: LabelRecord[] = [];
  const rejected: LabelFileResult['rejected'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      rejected.push({ line, field: '', reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (check.Check(value)) {
      labels.push(value);
      return;
    }
    const first = [...check.Errors(value)][0];
    rejected.push({ line, field: first?.instancePath ?? '', reason: first?.message ?? 'does not match the label schema' });
  });
  return { labels, rejected };
}
