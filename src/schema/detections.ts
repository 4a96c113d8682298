/** What a detector emits and what the anomaly reports show. */
import { Type, type Static } from 'typebox';
import { IsoTime } from './events.ts';

/** D1-D8 as in SPEC section 4, plus the two detectors users of today's systems expect. */
export const DETECTOR_IDS = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'mfa-fatigue', 'brute-force'] as const;
export const DetectorId = Type.Enum(DETECTOR_IDS);
export type DetectorId = Static<typeof DetectorId>;

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export const Severity = Type.Enum(SEVERITIES);
export type Severity = Static<typeof Severity>;

export const Detection = Type.Object({
  /** Deterministic from (detector, flagged event or key and window), so re-evaluation is idempotent. */
  id: Type.String(),
  detector: DetectorId,
  severity: Severity,
  /** Event time of the flagged sign-in (or of the record that made it fire). */
  detectedDateTime: IsoTime,
  /** The flagged sign-in's event id as ingested, when there is one. */
  signInId: Type.Optional(Type.String()),
  userId: Type.Optional(Type.String()),
  userPrincipalName: Type.Optional(Type.String()),
  ipAddress: Type.Optional(Type.String()),
  /** Figures and events that made it fire: counts, distance, speed, list name, unfamiliar properties... */
  evidence: Type.Record(Type.String(), Type.Unknown()),
  /** Fired while the detector was in log-only mode: stored, never notified. */
  logOnly: Type.Boolean(),
});
export type Detection = Static<typeof Detection>;
