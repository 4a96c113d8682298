/** A tenant's notification settings: the schema the API validates and the defaults a tenant starts with. */
import { Type, type Static } from 'typebox';
import { Severity, SEVERITIES } from '../schema/detections.ts';
import type { NotificationSettingsRecord } from '../store/ports.ts';

/** Deliberately plain: one @, no spaces or control characters, a dot in the domain. SMTP servers judge the rest. */
export const EMAIL_PATTERN = '^[^\\s@<>,;"]{1,64}@[^\\s@<>,;"]+\\.[^\\s@<>,;"]+$';
export const EmailAddress = Type.String({ pattern: EMAIL_PATTERN, maxLength: 254 });

export const NotifySettings = Type.Object(
  {
    minSeverity: Severity,
    extraRecipients: Type.Array(EmailAddress, { maxItems: 50 }),
    batchMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    weeklyDigest: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type NotifySettings = Static<typeof NotifySettings>;

export const DEFAULT_NOTIFY_SETTINGS: NotificationSettingsRecord = Object.freeze({
  minSeverity: 'high',
  extraRecipients: [],
  batchMinutes: 15,
  weeklyDigest: true,
});

export function severityAtLeast(s: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);
}
