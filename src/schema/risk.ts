/**
 * Risky users (D7) and leaked credentials (D8): the vocabulary shared by the
 * detectors, the store ports and the routes that show or change them.
 */
import { Type, type Static } from 'typebox';
import { IsoTime } from './events.ts';

/** How many days of detections a risk view (risky users, incidents) covers: 1d..90d. */
export const DAYS_INTERVAL_PATTERN = '^([1-9]|[1-8][0-9]|90)d$';
export const DaysInterval = Type.String({ pattern: DAYS_INTERVAL_PATTERN, description: '1d..90d' });

export const RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const;
export const RiskLevel = Type.Enum(RISK_LEVELS);
export type RiskLevel = Static<typeof RiskLevel>;

export const RISK_STATES = ['atRisk', 'confirmedSafe', 'remediated', 'dismissed', 'confirmedCompromised'] as const;
export const RiskState = Type.Enum(RISK_STATES);
export type RiskState = Static<typeof RiskState>;

/** One change of a risky user's state: who, when, from what, to what, why. */
export const RiskStateChange = Type.Object({
  userKey: Type.String(),
  userPrincipalName: Type.String(),
  from: Type.Optional(RiskState),
  to: RiskState,
  by: Type.String(),
  at: IsoTime,
  reason: Type.Optional(Type.String({ maxLength: 2048 })),
});
export type RiskStateChange = Static<typeof RiskStateChange>;

/** A user's stored risk state (the level itself is computed from detections). */
export const RiskyUserRecord = Type.Object({
  userKey: Type.String(),
  userPrincipalName: Type.String(),
  state: RiskState,
  /** Detections up to this time are covered by the state (dismissed/confirmedSafe/remediated clear what came before). */
  stateAt: IsoTime,
  updatedBy: Type.String(),
});
export type RiskyUserRecord = Static<typeof RiskyUserRecord>;

/**
 * A leaked-credential feed record. The clear-text password is never stored:
 * it is hashed on read (SHA-1 upper-case hex as HIBP; NTLM = MD4 of UTF-16LE).
 */
export const LeakedCredential = Type.Object({
  /** Lower-cased email/UPN/username as the feed gave it. */
  account: Type.String({ minLength: 1, maxLength: 512 }),
  sha1: Type.Optional(Type.String({ pattern: '^[0-9A-F]{40}$' })),
  ntlm: Type.Optional(Type.String({ pattern: '^[0-9A-F]{32}$' })),
  source: Type.Optional(Type.String({ maxLength: 512 })),
  /** When the leak happened or was published (YYYY-MM-DD or ISO). */
  date: Type.Optional(Type.String({ maxLength: 64 })),
  importedAt: IsoTime,
});
export type LeakedCredential = Static<typeof LeakedCredential>;
