/** The report vocabulary (SPEC sections 5 and 10): ids, sections, editions, filters, suppressions. */
import { Type, type Static } from 'typebox';

/** SPEC 10: API path segment, CLI argument and CSV file name of every report. Stable. */
export const REPORT_IDS = [
  'signins-from-unknown-sources',
  'signins-after-multiple-failures',
  'signins-from-multiple-geographies',
  'signins-from-suspicious-ips',
  'signins-from-infected-devices',
  'irregular-signin-activity',
  'users-with-anomalous-signin-activity',
  'users-with-leaked-credentials',
  'audit',
  'password-reset-activity',
  'password-reset-registration-activity',
  'self-service-groups-activity',
  'application-usage',
  'application-usage-detailed',
  'application-dashboard',
  'account-provisioning-activity',
  'password-rollover-status',
  'account-provisioning-errors',
  'rms-usage',
  'rms-most-active-users',
  'rms-device-usage',
  'rms-application-usage',
  'user-devices',
  'user-activity',
] as const;
export const ReportId = Type.Enum(REPORT_IDS);
export type ReportId = Static<typeof ReportId>;

/** Which detectors feed each anomaly report (SPEC 4 table); Ignore accepts only these detections. */
export const REPORT_DETECTORS: Readonly<Partial<Record<ReportId, readonly string[]>>> = {
  'signins-from-unknown-sources': ['D1'],
  'signins-after-multiple-failures': ['D2'],
  'signins-from-multiple-geographies': ['D3'],
  'signins-from-suspicious-ips': ['D4'],
  'signins-from-infected-devices': ['D5'],
  'irregular-signin-activity': ['D6'],
  'users-with-anomalous-signin-activity': ['D7'],
  'users-with-leaked-credentials': ['D8'],
};

export function isReportId(s: string): s is ReportId {
  return (REPORT_IDS as readonly string[]).includes(s);
}

export const REPORT_SECTIONS = [
  'anomalous activity',
  'activity logs',
  'integrated applications',
  'rights management',
  'user-specific',
] as const;
export const ReportSection = Type.Enum(REPORT_SECTIONS);
export type ReportSection = Static<typeof ReportSection>;

/** The least edition that includes a report; 'rms' = Premium with the Rights Management add-on. */
export const REPORT_EDITIONS = ['free', 'basic', 'premium', 'rms'] as const;
export const ReportEdition = Type.Enum(REPORT_EDITIONS);
export type ReportEdition = Static<typeof ReportEdition>;

export const REPORT_INTERVALS = ['24h', '7d', '30d'] as const;
export const ReportInterval = Type.Enum(REPORT_INTERVALS);
export type ReportInterval = Static<typeof ReportInterval>;

/** Report-specific filters; each report declares which it takes (catalog.ts). Text filters are case-insensitive. */
export const ReportFilters = Type.Object({
  /** userPrincipalName, exact. */
  user: Type.Optional(Type.String({ maxLength: 512 })),
  /** Application display name (or app id), exact. */
  app: Type.Optional(Type.String({ maxLength: 512 })),
  /** Audit category, exact. */
  category: Type.Optional(Type.String({ maxLength: 128 })),
  /** Activity name, substring. */
  activity: Type.Optional(Type.String({ maxLength: 512 })),
  /** Who did it (UPN or app name), substring. */
  initiator: Type.Optional(Type.String({ maxLength: 512 })),
  /** Target resource (UPN, name or id), substring. */
  target: Type.Optional(Type.String({ maxLength: 512 })),
  /** Result / status / outcome, exact. */
  result: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ReportFilters = Static<typeof ReportFilters>;
export const REPORT_FILTER_NAMES = ['user', 'app', 'category', 'activity', 'initiator', 'target', 'result'] as const;
export type ReportFilterName = (typeof REPORT_FILTER_NAMES)[number];

export const ColumnType = Type.Union([
  Type.Literal('string'),
  Type.Literal('integer'),
  Type.Literal('number'),
  Type.Literal('boolean'),
  Type.Literal('datetime'),
  Type.Literal('json'),
]);
export type ColumnType = Static<typeof ColumnType>;

/** One cell of a report row; json columns hold JSON text. */
export type ReportCell = string | number | boolean | null;
export type ReportRow = Record<string, ReportCell>;

export const SUPPRESSION_KINDS = ['user', 'ip', 'cidr', 'asn', 'country', 'detector'] as const;
export const SuppressionKind = Type.Enum(SUPPRESSION_KINDS);
export type SuppressionKind = Static<typeof SuppressionKind>;

/** Hides matching detections from the anomaly reports while active (SPEC 4, "Suppressions, not just Ignore"). */
export const Suppression = Type.Object({
  id: Type.String(),
  kind: SuppressionKind,
  /** UPN, IP literal, CIDR, ASN number, ISO country code or detector id, per kind. */
  value: Type.String({ minLength: 1, maxLength: 512 }),
  reason: Type.String({ minLength: 1, maxLength: 2048 }),
  createdAt: Type.String(),
  createdBy: Type.String(),
  expiresAt: Type.Optional(Type.String()),
  /** Set by undo; an undone suppression no longer hides anything. */
  removedAt: Type.Optional(Type.String()),
  removedBy: Type.Optional(Type.String()),
});
export type Suppression = Static<typeof Suppression>;
