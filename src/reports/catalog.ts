/**
 * Every report of the seed (SPEC 5 and 10): id, section, title and
 * description (the seed's words), the least edition that includes it (the
 * seed's "Report editions" table), its columns and the filters it takes. The
 * query behind each id is ReportQueries (src/store/ports.ts).
 */
import type {
  ColumnType,
  ReportEdition,
  ReportFilterName,
  ReportId,
  ReportRow,
  ReportSection,
} from '../schema/reports.ts';

export interface ReportColumn {
  readonly name: string;
  readonly title: string;
  readonly type: ColumnType;
}

export interface ReportDefinition {
  readonly id: ReportId;
  readonly section: ReportSection;
  readonly title: string;
  readonly description: string;
  readonly edition: ReportEdition;
  readonly columns: readonly ReportColumn[];
  readonly filters: readonly ReportFilterName[];
  /** user-devices and user-activity: a user is required. */
  readonly requiresUser: boolean;
  /** application-usage-detailed: one application over time (SPEC 5), so an app is required. */
  readonly requiresApp: boolean;
  /** Anomaly reports: rows carry detectionId and may be ignored or suppressed. */
  readonly ignorable: boolean;
}

const c = (name: string, title: string, type: ColumnType = 'string'): ReportColumn => ({ name, title, type });

const SIGN_IN_ANOMALY_COLUMNS: readonly ReportColumn[] = [
  c('detectionId', 'Detection id'),
  c('signInId', 'Sign-in id'),
  c('createdDateTime', 'Date (UTC)', 'datetime'),
  c('userPrincipalName', 'User'),
  c('ipAddress', 'IP address'),
  c('location', 'Location'),
  c('appDisplayName', 'Application'),
  c('severity', 'Severity'),
  c('detection', 'Detection'),
  c('evidence', 'Evidence', 'json'),
  c('logOnly', 'Log-only', 'boolean'),
];

const AUDIT_COLUMNS: readonly ReportColumn[] = [
  c('id', 'Id'),
  c('activityDateTime', 'Date (UTC)', 'datetime'),
  c('category', 'Category'),
  c('activity', 'Activity'),
  c('operationType', 'Operation'),
  c('result', 'Result'),
  c('resultReason', 'Result reason'),
  c('initiatedBy', 'Initiated by'),
  c('targets', 'Targets'),
  c('ipAddress', 'IP address'),
];

const PASSWORD_RESET_COLUMNS: readonly ReportColumn[] = [
  c('id', 'Id'),
  c('activityDateTime', 'Date (UTC)', 'datetime'),
  c('userPrincipalName', 'User'),
  c('activity', 'Activity'),
  c('methods', 'Methods'),
  c('result', 'Result'),
  c('failureReason', 'Failure reason'),
];

const PROVISIONING_COLUMNS: readonly ReportColumn[] = [
  c('id', 'Id'),
  c('activityDateTime', 'Date (UTC)', 'datetime'),
  c('appDisplayName', 'Application'),
  c('action', 'Action'),
  c('targetAccount', 'Target account'),
  c('sourceUserPrincipalName', 'Source user'),
  c('result', 'Result'),
  c('errorCode', 'Error code'),
  c('errorMessage', 'Error message'),
  c('attempt', 'Attempt', 'integer'),
];

const SIGN_IN_ANOMALY_FILTERS: readonly ReportFilterName[] = ['user', 'result'];

function anomaly(id: ReportId, title: string, description: string, edition: ReportEdition): ReportDefinition {
  return {
    id,
    section: 'anomalous activity',
    title,
    description,
    edition,
    columns: SIGN_IN_ANOMALY_COLUMNS,
    filters: SIGN_IN_ANOMALY_FILTERS,
    requiresUser: false,
    requiresApp: false,
    ignorable: true,
  };
}

function report(
  def: Omit<ReportDefinition, 'requiresUser' | 'requiresApp' | 'ignorable'> &
    Partial<Pick<ReportDefinition, 'requiresUser' | 'requiresApp' | 'ignorable'>>,
): ReportDefinition {
  return { requiresUser: false, requiresApp: false, ignorable: false, ...def };
}

export const REPORT_CATALOG: readonly ReportDefinition[] = [
  anomaly('signins-from-unknown-sources', 'Sign ins from unknown sources', 'May indicate an attempt to sign in without being traced.', 'free'),
  anomaly('signins-after-multiple-failures', 'Sign ins after multiple failures', 'May indicate a successful brute force attack.', 'free'),
  anomaly(
    'signins-from-multiple-geographies',
    'Sign ins from multiple geographies',
    'May indicate that multiple users are signing in with the same account.',
    'free',
  ),
  anomaly(
    'signins-from-suspicious-ips',
    'Sign ins from IP addresses with suspicious activity',
    'May indicate a successful sign in after a sustained intrusion attempt.',
    'premium',
  ),
  anomaly(
    'signins-from-infected-devices',
    'Sign ins from possibly infected devices',
    'May indicate an attempt to sign in from possibly infected devices.',
    'premium',
  ),
  anomaly('irregular-signin-activity', 'Irregular sign in activity', 'May indicate events anomalous to users’ sign in patterns.', 'premium'),
  report({
    id: 'users-with-anomalous-signin-activity',
    section: 'anomalous activity',
    title: 'Users with anomalous sign in activity',
    description: 'Indicates users whose accounts may have been compromised.',
    edition: 'premium',
    columns: [
      c('userPrincipalName', 'User'),
      c('riskLevel', 'Risk level'),
      c('riskState', 'Risk state'),
      c('detectionCount', 'Detections', 'integer'),
      c('lastDetectedDateTime', 'Last detection (UTC)', 'datetime'),
      c('detections', 'Contributing detections', 'json'),
      c('detectionId', 'Risk detection id'),
    ],
    filters: ['user'],
    ignorable: true,
  }),
  report({
    id: 'users-with-leaked-credentials',
    section: 'anomalous activity',
    title: 'Users with leaked credentials',
    description: 'Users with leaked credentials',
    edition: 'premium',
    columns: [
      c('detectionId', 'Detection id'),
      c('detectedDateTime', 'Date (UTC)', 'datetime'),
      c('userPrincipalName', 'User'),
      c('riskLevel', 'Risk level'),
      c('source', 'Leak source'),
      c('detections', 'Contributing detections', 'json'),
    ],
    filters: ['user'],
    ignorable: true,
  }),
  report({
    id: 'audit',
    section: 'activity logs',
    title: 'Audit report',
    description: 'Audited events in your directory',
    edition: 'free',
    columns: AUDIT_COLUMNS,
    filters: ['category', 'activity', 'initiator', 'target', 'result'],
  }),
  report({
    id: 'password-reset-activity',
    section: 'activity logs',
    title: 'Password reset activity',
    description: 'Provides a detailed view of password resets that occur in your organization.',
    edition: 'premium',
    columns: PASSWORD_RESET_COLUMNS,
    filters: ['user', 'result'],
  }),
  report({
    id: 'password-reset-registration-activity',
    section: 'activity logs',
    title: 'Password reset registration activity',
    description: 'Provides a detailed view of password reset registrations that occur in your organization.',
    edition: 'premium',
    columns: PASSWORD_RESET_COLUMNS,
    filters: ['user', 'result'],
  }),
  report({
    id: 'self-service-groups-activity',
    section: 'activity logs',
    title: 'Self service groups activity',
    description: 'Provides an activity log to all group self service activity in your directory',
    edition: 'premium',
    columns: [
      c('id', 'Id'),
      c('activityDateTime', 'Date (UTC)', 'datetime'),
      c('group', 'Group'),
      c('action', 'Action'),
      c('actor', 'Actor'),
      c('member', 'Member'),
      c('result', 'Result'),
      c('resultReason', 'Result reason'),
    ],
    filters: ['user', 'activity', 'result'],
  }),
  report({
    id: 'application-usage',
    section: 'integrated applications',
    title: 'Application usage',
    description: 'Provides a usage summary for all SaaS applications integrated with your directory.',
    edition: 'premium',
    columns: [
      c('appDisplayName', 'Application'),
      c('signIns', 'Sign-ins', 'integer'),
      c('accessPanelClicks', 'Access panel clicks', 'integer'),
      c('ssoLaunches', 'SSO launches', 'integer'),
      c('distinctUsers', 'Users', 'integer'),
      c('lastUsedDateTime', 'Last used (UTC)', 'datetime'),
    ],
    filters: ['app', 'user'],
  }),
  report({
    id: 'application-usage-detailed',
    section: 'integrated applications',
    title: 'Application usage: detailed',
    description:
      'Use this report when you want to see how much a specific SaaS application is being used. This report is based on the number of times users have clicked on the application in the Access Panel.',
    edition: 'premium',
    columns: [
      c('date', 'Date (UTC)'),
      c('userPrincipalName', 'User'),
      c('appDisplayName', 'Application'),
      c('signIns', 'Sign-ins', 'integer'),
      c('accessPanelClicks', 'Access panel clicks', 'integer'),
      c('ssoLaunches', 'SSO launches', 'integer'),
      c('lastUsedDateTime', 'Last used (UTC)', 'datetime'),
    ],
    filters: ['app', 'user'],
    requiresApp: true,
  }),
  report({
    id: 'application-dashboard',
    section: 'integrated applications',
    title: 'Application dashboard',
    description:
      'This report indicates cumulative sign ins to the application by users in your organization, over a selected time interval.',
    edition: 'premium',
    columns: [
      c('bucketStart', 'From (UTC)', 'datetime'),
      c('signIns', 'Sign-ins', 'integer'),
      c('accessPanelClicks', 'Access panel clicks', 'integer'),
      c('cumulativeSignIns', 'Cumulative sign-ins', 'integer'),
    ],
    filters: ['app', 'user'],
  }),
  report({
    id: 'account-provisioning-activity',
    section: 'integrated applications',
    title: 'Account provisioning activity',
    description: 'Provides a history of attempts to provision accounts to external applications.',
    edition: 'free',
    columns: PROVISIONING_COLUMNS,
    filters: ['app', 'user', 'activity', 'result'],
  }),
  report({
    id: 'password-rollover-status',
    section: 'integrated applications',
    title: 'Password rollover status',
    description: 'Provides a detailed overview of automatic password rollover status of SaaS applications.',
    edition: 'premium',
    columns: [
      c('appDisplayName', 'Application'),
      c('account', 'Account'),
      c('status', 'Status'),
      c('scheduledDateTime', 'Scheduled (UTC)', 'datetime'),
      c('lastRolloverDateTime', 'Last rollover (UTC)', 'datetime'),
      c('error', 'Error'),
      c('reportedDateTime', 'Reported (UTC)', 'datetime'),
    ],
    filters: ['app', 'result'],
  }),
  report({
    id: 'account-provisioning-errors',
    section: 'integrated applications',
    title: 'Account provisioning errors',
    description: 'Indicates an impact to users’ access to external applications.',
    edition: 'free',
    columns: PROVISIONING_COLUMNS,
    filters: ['app', 'user', 'activity'],
  }),
  report({
    id: 'rms-usage',
    section: 'rights management',
    title: 'RMS usage',
    description: 'Provides a summary for Rights Management usage',
    edition: 'rms',
    columns: [
      c('date', 'Date (UTC)'),
      c('accesses', 'Accesses', 'integer'),
      c('distinctUsers', 'Users', 'integer'),
      c('distinctDocuments', 'Documents', 'integer'),
      c('distinctDevices', 'Devices', 'integer'),
      c('views', 'Views', 'integer'),
      c('edits', 'Edits', 'integer'),
      c('prints', 'Prints', 'integer'),
      c('protects', 'Protects', 'integer'),
    ],
    filters: ['user', 'app'],
  }),
  report({
    id: 'rms-most-active-users',
    section: 'rights management',
    title: 'Most active RMS users',
    description: 'Lists top 1000 active users who accessed RMS-protected files',
    edition: 'rms',
    columns: [
      c('userPrincipalName', 'User'),
      c('accesses', 'Accesses', 'integer'),
      c('distinctDocuments', 'Documents', 'integer'),
      c('distinctDevices', 'Devices', 'integer'),
      c('lastAccessDateTime', 'Last access (UTC)', 'datetime'),
    ],
    filters: ['user', 'app'],
  }),
  report({
    id: 'rms-device-usage',
    section: 'rights management',
    title: 'RMS device usage',
    description: 'Lists devices used for accessing RMS-protected files',
    edition: 'rms',
    columns: [
      c('deviceId', 'Device id'),
      c('devicePlatform', 'Platform'),
      c('accesses', 'Accesses', 'integer'),
      c('distinctUsers', 'Users', 'integer'),
      c('lastAccessDateTime', 'Last access (UTC)', 'datetime'),
    ],
    filters: ['user', 'app'],
  }),
  report({
    id: 'rms-application-usage',
    section: 'rights management',
    title: 'RMS enabled application usage',
    description: 'Provides usage of RMS enabled applications',
    edition: 'rms',
    columns: [
      c('application', 'Application'),
      c('accesses', 'Accesses', 'integer'),
      c('distinctUsers', 'Users', 'integer'),
      c('distinctDocuments', 'Documents', 'integer'),
      c('lastAccessDateTime', 'Last access (UTC)', 'datetime'),
    ],
    filters: ['user', 'app'],
  }),
  report({
    id: 'user-devices',
    section: 'user-specific',
    title: 'Devices',
    description:
      'Use this report when you want to see the IP address and geographical location of devices that a specific user has used to access Azure Active Directory.',
    edition: 'free',
    columns: [
      c('deviceId', 'Device id'),
      c('deviceName', 'Device'),
      c('operatingSystem', 'Operating system'),
      c('browser', 'Browser'),
      c('ipAddress', 'IP address'),
      c('location', 'Location'),
      c('city', 'City'),
      c('countryOrRegion', 'Country or region'),
      c('latitude', 'Latitude', 'number'),
      c('longitude', 'Longitude', 'number'),
      c('signIns', 'Sign-ins', 'integer'),
      c('firstSeenDateTime', 'First seen (UTC)', 'datetime'),
      c('lastSeenDateTime', 'Last seen (UTC)', 'datetime'),
    ],
    filters: ['user'],
    requiresUser: true,
  }),
  report({
    id: 'user-activity',
    section: 'user-specific',
    title: 'Activity',
    description:
      'Shows the sign in activity for a user. The report includes information like the application signed into, device used, IP address, and location.',
    edition: 'free',
    columns: [
      c('signInId', 'Sign-in id'),
      c('createdDateTime', 'Date (UTC)', 'datetime'),
      c('userPrincipalName', 'User'),
      c('appDisplayName', 'Application'),
      c('clientAppUsed', 'Client app'),
      c('deviceName', 'Device'),
      c('operatingSystem', 'Operating system'),
      c('browser', 'Browser'),
      c('ipAddress', 'IP address'),
      c('location', 'Location'),
      c('status', 'Status'),
      c('errorCode', 'Error code', 'integer'),
      c('failureReason', 'Failure reason'),
      c('isInteractive', 'Interactive', 'boolean'),
    ],
    filters: ['user', 'app', 'result'],
    requiresUser: true,
  }),
];

const BY_ID = new Map<string, ReportDefinition>(REPORT_CATALOG.map((r) => [r.id, r]));

export function findReport(id: string): ReportDefinition | undefined {
  return BY_ID.get(id);
}

/**
 * A row for a JSON answer (API, NDJSON export, `report --format json`): the
 * report's json columns (evidence, contributing detections) as JSON values,
 * not as JSON text inside a string; CSV keeps the text.
 */
export function withJsonValues(report: string, row: ReportRow): Record<string, unknown> {
  const json = findReport(report)?.columns.filter((c) => c.type === 'json') ?? [];
  if (json.length === 0) return row;
  const out: Record<string, unknown> = { ...row };
  for (const c of json) {
    const v = row[c.name];
    if (typeof v !== 'string') continue;
    try {
      out[c.name] = JSON.parse(v) as unknown;
    } catch {
      // Not JSON after all: leave the text as stored.
    }
  }
  return out;
}

/** SPEC 10: `reports --json` prints exactly these four keys. */
export function catalogSummary(): { id: ReportId; section: ReportSection; title: string; edition: ReportEdition }[] {
  return REPORT_CATALOG.map((r) => ({ id: r.id, section: r.section, title: r.title, edition: r.edition }));
}

/**
 * Clients whose sign-ins are background noise in the user activity report
 * (the seed: sign-ins by the Microsoft Online Services Sign-In Assistant are
 * not shown). Matched case-insensitively against clientAppUsed and the app name.
 */
export const DEFAULT_NOISE_CLIENTS: readonly string[] = [
  'Microsoft Online Services Sign-In Assistant',
  'Microsoft Authentication Broker',
];
