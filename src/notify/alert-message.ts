/**
 * What one batched alert says: counts per detector and severity and the top
 * rows, as an email text and as the data of a `com.authlens.detection` event.
 * The email carries no evidence: it may hold hash material (D8) or other
 * users' details, and mailboxes are forwarded; the portal has the rest.
 */
import { SEVERITIES, type Detection, type DetectorId, type Severity } from '../schema/detections.ts';
import { REPORT_DETECTORS, type ReportId } from '../schema/reports.ts';

export const TOP_ROWS = 20;
/** Rows a webhook event carries at most: an attack's thousands would make bodies receivers refuse. */
export const MAX_EVENT_ROWS = 500;

const DETECTOR_TITLES: Readonly<Record<DetectorId, string>> = {
  D1: 'Sign-ins from unknown sources',
  D2: 'Sign-ins after multiple failures',
  D3: 'Sign-ins from multiple geographies',
  D4: 'Sign-ins from IP addresses with suspicious activity',
  D5: 'Sign-ins from possibly infected devices',
  D6: 'Irregular sign-in activity',
  D7: 'Users with anomalous sign-in activity',
  D8: 'Users with leaked credentials',
  'mfa-fatigue': 'MFA fatigue',
  'brute-force': 'Brute force against one user',
};

/**
 * Where the admin finds a detector's rows in the portal: its anomaly report
 * (REPORT_DETECTORS); MFA fatigue and brute force have no report of their
 * own and show, per user, in "Users with anomalous sign in activity".
 */
function reportOf(detector: DetectorId): ReportId {
  const own = (Object.entries(REPORT_DETECTORS) as [ReportId, readonly string[]][]).find(([, ds]) => ds.includes(detector));
  return own?.[0] ?? 'users-with-anomalous-signin-activity';
}

export interface AlertSummary {
  readonly tenant: string;
  readonly total: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly byDetector: readonly { readonly detector: DetectorId; readonly title: string; readonly count: number }[];
  /** Most severe first, then newest. */
  readonly top: readonly Detection[];
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export function summarizeAlert(tenant: string, detections: readonly Detection[]): AlertSummary {
  const bySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  const perDetector = new Map<DetectorId, number>();
  for (const d of detections) {
    bySeverity[d.severity]++;
    perDetector.set(d.detector, (perDetector.get(d.detector) ?? 0) + 1);
  }
  const byDetector = [...perDetector]
    .map(([detector, count]) => ({ detector, title: DETECTOR_TITLES[detector], count }))
    .sort((a, b) => b.count - a.count || a.detector.localeCompare(b.detector));
  const top = [...detections]
    .sort((a, b) => rank(b.severity) - rank(a.severity) || b.detectedDateTime.localeCompare(a.detectedDateTime) || a.id.localeCompare(b.id))
    .slice(0, TOP_ROWS);
  return { tenant, total: detections.length, bySeverity, byDetector, top };
}

/** Header-safe: no line breaks can reach the Subject. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').slice(0, 200);

export function alertEmail(s: AlertSummary, tenantName: string): { subject: string; text: string } {
  const worst = [...SEVERITIES].reverse().find((sev) => s.bySeverity[sev] > 0) ?? 'low';
  const subject = oneLine(`[authlens] ${s.total} new ${worst}-severity detection${s.total === 1 ? '' : 's'} in ${tenantName}`);
  const lines = [
    `authlens found ${s.total} new detection${s.total === 1 ? '' : 's'} in the directory "${oneLine(tenantName)}" (tenant ${s.tenant}).`,
    `By severity: high ${s.bySeverity.high}, medium ${s.bySeverity.medium}, low ${s.bySeverity.low}.`,
    '',
    'By detector:',
    ...s.byDetector.map((d) => `  ${d.detector}  ${d.title}: ${d.count}  (report ${reportOf(d.detector)})`),
    '',
    s.total > s.top.length ? `The ${s.top.length} most severe (newest first):` : 'Detections:',
    ...s.top.map(
      (d) =>
        `  ${d.detectedDateTime}  ${d.severity.padEnd(6)} ${d.detector}  ${oneLine(d.userPrincipalName ?? '-')}  ${d.ipAddress ?? '-'}` +
        (d.signInId !== undefined ? `  sign-in ${oneLine(d.signInId)}` : ''),
    ),
    '',
    'Open those reports in the authlens portal for the evidence, and to ignore or suppress.',
    'You receive this because you are a global or security administrator of this directory, or were added as a recipient.',
  ];
  return { subject, text: lines.join('\n') + '\n' };
}

/** The data of a `com.authlens.detection` CloudEvent: the counts and the rows (most severe first, at most MAX_EVENT_ROWS) with their evidence. */
export function alertEventData(s: AlertSummary, all: readonly Detection[]): Record<string, unknown> {
  const rows = all.length <= MAX_EVENT_ROWS ? all : [...all].sort((a, b) => rank(b.severity) - rank(a.severity)).slice(0, MAX_EVENT_ROWS);
  return {
    tenant: s.tenant,
    total: s.total,
    bySeverity: s.bySeverity,
    byDetector: s.byDetector,
    omitted: all.length - rows.length,
    detections: rows.map((d) => ({
      id: d.id,
      detector: d.detector,
      severity: d.severity,
      detectedDateTime: d.detectedDateTime,
      ...(d.signInId !== undefined ? { signInId: d.signInId } : {}),
      ...(d.userPrincipalName !== undefined ? { userPrincipalName: d.userPrincipalName } : {}),
      ...(d.ipAddress !== undefined ? { ipAddress: d.ipAddress } : {}),
      evidence: d.evidence,
    })),
  };
}
