import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryAudit } from '../../schema/events.ts';
import { REPORT_IDS, type ReportFilters, type ReportId, type ReportRow } from '../../schema/reports.ts';
import type { ReportQueries, ReportQuerySpec } from '../ports.ts';
import { openDuckDbStore, type DuckDbStore } from './open.ts';
import { createReportQueries } from './report-queries.ts';
import { createDetectStores } from './detect-stores.ts';
import { aggregateRiskyUsers } from '../../detect/risk/risky-users.ts';
import type { Detection } from '../../schema/detections.ts';
import { FIXTURE_DETECTIONS, FIXTURE_EVENTS, FIXTURE_NOW, FIXTURE_SIGNINS, OTHER_TENANT_SIGNINS } from './report-queries-fixture.ts';

const RANGE_30D = { from: '2026-10-21T12:00:00.000Z', to: FIXTURE_NOW };
const NOISE = ['microsoft online services sign-in assistant'];

function spec(report: ReportId, filters: ReportFilters = {}, range = RANGE_30D, now = FIXTURE_NOW): ReportQuerySpec {
  return { report, range, filters, noiseClients: NOISE, now };
}

function audit(id: string): DirectoryAudit {
  return {
    kind: 'directoryAudit',
    id,
    activityDateTime: FIXTURE_NOW,
    category: 'authlens',
    activityDisplayName: 'test action',
    result: 'success',
    initiatedBy: { user: { userPrincipalName: 'admin@contoso.example' } },
    targetResources: [],
    additionalDetails: [],
  };
}

let store: DuckDbStore;
let q: ReportQueries;

beforeEach(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  await store.events.appendEvents('t1', [...FIXTURE_SIGNINS, ...FIXTURE_EVENTS]);
  await store.events.appendEvents('t2', OTHER_TENANT_SIGNINS);
  await store.detections.appendDetections('t1', FIXTURE_DETECTIONS);
  q = createReportQueries(store.db);
});
afterEach(async () => {
  await store.close();
});

async function rows(report: ReportId, filters: ReportFilters = {}, range = RANGE_30D, tenant = 't1', now = FIXTURE_NOW): Promise<ReportRow[]> {
  return (await q.page(tenant, spec(report, filters, range, now), { offset: 0, limit: 1000 })).rows;
}

const EXPECTED: Record<Exclude<ReportId, 'application-dashboard'>, ReportRow[]> = {
  'signins-from-unknown-sources': [
    {"detectionId":"det-d1","signInId":"s5","createdDateTime":"2026-11-20T09:40:00.000Z","userPrincipalName":"bob@contoso.example","ipAddress":"185.220.101.1","location":"NL","appDisplayName":"Outlook","severity":"high","detection":"D1","evidence":"{\"list\":\"tor-exits\"}","logOnly":false},
  ],
  'signins-after-multiple-failures': [
    {"detectionId":"det-d2","signInId":"s5","createdDateTime":"2026-11-20T09:40:00.000Z","userPrincipalName":"bob@contoso.example","ipAddress":"185.220.101.1","location":"NL","appDisplayName":"Outlook","severity":"medium","detection":"D2","evidence":"{\"failures\":5}","logOnly":false},
  ],
  'signins-from-multiple-geographies': [
    {"detectionId":"det-d3","signInId":"s2","createdDateTime":"2026-11-19T09:00:00.000Z","userPrincipalName":"alice@contoso.example","ipAddress":"198.51.100.7","location":"Paris, FR","appDisplayName":"Salesforce","severity":"high","detection":"D3","evidence":"{\"distanceKm\":880,\"speedKmh\":1200}","logOnly":false},
  ],
  'signins-from-suspicious-ips': [
  ],
  'signins-from-infected-devices': [
  ],
  'irregular-signin-activity': [
  ],
  'users-with-anomalous-signin-activity': [
    {"userPrincipalName":"bob@contoso.example","riskLevel":"high","riskState":"atRisk","detectionCount":2,"lastDetectedDateTime":"2026-11-20T09:40:00.000Z","detections":"[{\"id\":\"det-d1\",\"detector\":\"D1\",\"severity\":\"high\",\"detectedDateTime\":\"2026-11-20T09:40:00.000Z\"},{\"id\":\"det-d2\",\"detector\":\"D2\",\"severity\":\"medium\",\"detectedDateTime\":\"2026-11-20T09:40:00.000Z\"}]","detectionId":null},
    {"userPrincipalName":"alice@contoso.example","riskLevel":"high","riskState":"atRisk","detectionCount":2,"lastDetectedDateTime":"2026-11-19T09:00:00.000Z","detections":"[{\"id\":\"det-d3\",\"detector\":\"D3\",\"severity\":\"high\",\"detectedDateTime\":\"2026-11-19T09:00:00.000Z\"},{\"id\":\"det-d8\",\"detector\":\"D8\",\"severity\":\"high\",\"detectedDateTime\":\"2026-11-18T00:00:00.000Z\"}]","detectionId":null},
  ],
  'users-with-leaked-credentials': [
    {"detectionId":"det-d8","detectedDateTime":"2026-11-18T00:00:00.000Z","userPrincipalName":"alice@contoso.example","riskLevel":"high","source":"combo-list","detections":"[{\"id\":\"det-d8\",\"detector\":\"D8\",\"severity\":\"high\",\"detectedDateTime\":\"2026-11-18T00:00:00.000Z\",\"evidence\":{\"source\":\"combo-list\"}}]"},
  ],
  'audit': [
    {"id":"a1","activityDateTime":"2026-11-20T07:00:00.000Z","category":"UserManagement","activity":"Add user","operationType":"Add","result":"success","resultReason":null,"initiatedBy":"admin@contoso.example","targets":"dave@contoso.example","ipAddress":"192.0.2.10"},
    {"id":"a2","activityDateTime":"2026-11-19T12:00:00.000Z","category":"PasswordReset","activity":"Reset password (self-service)","operationType":null,"result":"success","resultReason":null,"initiatedBy":"alice@contoso.example","targets":"alice@contoso.example","ipAddress":null},
    {"id":"a3","activityDateTime":"2026-11-18T12:00:00.000Z","category":"PasswordResetRegistration","activity":"Register security info","operationType":null,"result":"failure","resultReason":"User cancelled","initiatedBy":"bob@contoso.example","targets":"bob@contoso.example","ipAddress":null},
    {"id":"a4","activityDateTime":"2026-11-17T12:00:00.000Z","category":"SelfServiceGroupManagement","activity":"Request to join group","operationType":null,"result":"success","resultReason":null,"initiatedBy":"alice@contoso.example","targets":"Hikers; alice@contoso.example","ipAddress":null},
  ],
  'password-reset-activity': [
    {"id":"a2","activityDateTime":"2026-11-19T12:00:00.000Z","userPrincipalName":"alice@contoso.example","activity":"Reset password (self-service)","methods":"SMS","result":"success","failureReason":null},
  ],
  'password-reset-registration-activity': [
    {"id":"a3","activityDateTime":"2026-11-18T12:00:00.000Z","userPrincipalName":"bob@contoso.example","activity":"Register security info","methods":"Mobile phone","result":"failure","failureReason":"User cancelled"},
  ],
  'self-service-groups-activity': [
    {"id":"a4","activityDateTime":"2026-11-17T12:00:00.000Z","group":"Hikers","action":"Request to join group","actor":"alice@contoso.example","member":"alice@contoso.example","result":"success","resultReason":null},
  ],
  'application-usage': [
    {"appDisplayName":"Outlook","signIns":4,"accessPanelClicks":0,"ssoLaunches":0,"distinctUsers":3,"lastUsedDateTime":"2026-11-20T10:00:00.000Z"},
    {"appDisplayName":"Salesforce","signIns":1,"accessPanelClicks":1,"ssoLaunches":1,"distinctUsers":2,"lastUsedDateTime":"2026-11-20T10:00:00.000Z"},
    {"appDisplayName":"Office 365","signIns":1,"accessPanelClicks":0,"ssoLaunches":0,"distinctUsers":1,"lastUsedDateTime":"2026-11-20T11:00:00.000Z"},
  ],
  'application-usage-detailed': [
    {"date":"2026-11-20","userPrincipalName":"alice@contoso.example","appDisplayName":"Office 365","signIns":1,"accessPanelClicks":0,"ssoLaunches":0,"lastUsedDateTime":"2026-11-20T11:00:00.000Z"},
    {"date":"2026-11-20","userPrincipalName":"alice@contoso.example","appDisplayName":"Outlook","signIns":1,"accessPanelClicks":0,"ssoLaunches":0,"lastUsedDateTime":"2026-11-20T10:00:00.000Z"},
    {"date":"2026-11-20","userPrincipalName":"bob@contoso.example","appDisplayName":"Outlook","signIns":1,"accessPanelClicks":0,"ssoLaunches":0,"lastUsedDateTime":"2026-11-20T09:40:00.000Z"},
    {"date":"2026-11-20","userPrincipalName":"bob@contoso.example","appDisplayName":"Salesforce","signIns":0,"accessPanelClicks":0,"ssoLaunches":1,"lastUsedDateTime":"2026-11-20T10:00:00.000Z"},
    {"date":"2026-11-20","userPrincipalName":"carol@outlook.example","appDisplayName":"Outlook","signIns":1,"accessPanelClicks":0,"ssoLaunches":0,"lastUsedDateTime":"2026-11-20T08:00:00.000Z"},
    {"date":"2026-11-19","userPrincipalName":"alice@contoso.example","appDisplayName":"Salesforce","signIns":1,"accessPanelClicks":1,"ssoLaunches":0,"lastUsedDateTime":"2026-11-19T09:01:00.000Z"},
    {"date":"2026-11-01","userPrincipalName":"alice@contoso.example","appDisplayName":"Outlook","signIns":1,"accessPanelClicks":0,"ssoLaunches":0,"lastUsedDateTime":"2026-11-01T12:00:00.000Z"},
  ],
  'account-provisioning-activity': [
    {"id":"p2","activityDateTime":"2026-11-20T06:00:00.000Z","appDisplayName":"Salesforce","action":"update","targetAccount":"bob@sf.example","sourceUserPrincipalName":"bob@contoso.example","result":"failure","errorCode":"DuplicateUser","errorMessage":"=HYPERLINK(\"http://evil.example\")","attempt":3},
    {"id":"p1","activityDateTime":"2026-11-19T06:00:00.000Z","appDisplayName":"Salesforce","action":"create","targetAccount":"alice@sf.example","sourceUserPrincipalName":"alice@contoso.example","result":"success","errorCode":null,"errorMessage":null,"attempt":1},
  ],
  'password-rollover-status': [
    {"appDisplayName":"Dropbox","account":"ops@contoso.example","status":"pending","scheduledDateTime":"2026-11-21T00:00:00.000Z","lastRolloverDateTime":null,"error":null,"reportedDateTime":"2026-11-20T00:00:00.000Z"},
    {"appDisplayName":"Twitter","account":"@contoso","status":"success","scheduledDateTime":null,"lastRolloverDateTime":"2026-11-19T00:00:00.000Z","error":null,"reportedDateTime":"2026-11-19T00:00:00.000Z"},
  ],
  'account-provisioning-errors': [
    {"id":"p2","activityDateTime":"2026-11-20T06:00:00.000Z","appDisplayName":"Salesforce","action":"update","targetAccount":"bob@sf.example","sourceUserPrincipalName":"bob@contoso.example","result":"failure","errorCode":"DuplicateUser","errorMessage":"=HYPERLINK(\"http://evil.example\")","attempt":3},
  ],
  'rms-usage': [
    {"date":"2026-11-20","accesses":2,"distinctUsers":1,"distinctDocuments":1,"distinctDevices":1,"views":1,"edits":1,"prints":0,"protects":0},
    {"date":"2026-11-19","accesses":1,"distinctUsers":1,"distinctDocuments":1,"distinctDevices":1,"views":0,"edits":0,"prints":1,"protects":0},
  ],
  'rms-most-active-users': [
    {"userPrincipalName":"alice@contoso.example","accesses":2,"distinctDocuments":1,"distinctDevices":1,"lastAccessDateTime":"2026-11-20T08:05:00.000Z"},
    {"userPrincipalName":"bob@contoso.example","accesses":1,"distinctDocuments":1,"distinctDevices":1,"lastAccessDateTime":"2026-11-19T08:00:00.000Z"},
  ],
  'rms-device-usage': [
    {"deviceId":"dev-a","devicePlatform":"Windows","accesses":2,"distinctUsers":1,"lastAccessDateTime":"2026-11-20T08:05:00.000Z"},
    {"deviceId":"dev-b","devicePlatform":"iOS","accesses":1,"distinctUsers":1,"lastAccessDateTime":"2026-11-19T08:00:00.000Z"},
  ],
  'rms-application-usage': [
    {"application":"Word","accesses":2,"distinctUsers":1,"distinctDocuments":1,"lastAccessDateTime":"2026-11-20T08:05:00.000Z"},
    {"application":"Excel","accesses":1,"distinctUsers":1,"distinctDocuments":1,"lastAccessDateTime":"2026-11-19T08:00:00.000Z"},
  ],
  'user-devices': [
    {"deviceId":null,"deviceName":null,"operatingSystem":"Windows","browser":"Edge","ipAddress":"203.0.113.5","location":"Berlin, DE","city":"Berlin","countryOrRegion":"DE","latitude":52.52,"longitude":13.4,"signIns":1,"firstSeenDateTime":"2026-11-20T11:00:00.000Z","lastSeenDateTime":"2026-11-20T11:00:00.000Z"},
    {"deviceId":"d-1","deviceName":"ALICE-PC","operatingSystem":"Windows 11","browser":"Edge 120","ipAddress":"203.0.113.5","location":"Berlin, DE","city":"Berlin","countryOrRegion":"DE","latitude":52.52,"longitude":13.4,"signIns":1,"firstSeenDateTime":"2026-11-20T10:00:00.000Z","lastSeenDateTime":"2026-11-20T10:00:00.000Z"},
    {"deviceId":"d-1","deviceName":"ALICE-PC","operatingSystem":"Windows 11","browser":"Edge 120","ipAddress":"198.51.100.7","location":"Paris, FR","city":"Paris","countryOrRegion":"FR","latitude":48.85,"longitude":2.35,"signIns":1,"firstSeenDateTime":"2026-11-19T09:00:00.000Z","lastSeenDateTime":"2026-11-19T09:00:00.000Z"},
    {"deviceId":null,"deviceName":null,"operatingSystem":"Windows","browser":"Edge","ipAddress":"203.0.113.9","location":"Berlin, DE","city":"Berlin","countryOrRegion":"DE","latitude":52.52,"longitude":13.4,"signIns":1,"firstSeenDateTime":"2026-11-01T12:00:00.000Z","lastSeenDateTime":"2026-11-01T12:00:00.000Z"},
  ],
  'user-activity': [
    {"signInId":"s1","createdDateTime":"2026-11-20T10:00:00.000Z","userPrincipalName":"alice@contoso.example","appDisplayName":"Outlook","clientAppUsed":null,"deviceName":"ALICE-PC","operatingSystem":"Windows 11","browser":"Edge 120","ipAddress":"203.0.113.5","location":"Berlin, DE","status":"success","errorCode":0,"failureReason":null,"isInteractive":true},
    {"signInId":"s2","createdDateTime":"2026-11-19T09:00:00.000Z","userPrincipalName":"alice@contoso.example","appDisplayName":"Salesforce","clientAppUsed":null,"deviceName":"ALICE-PC","operatingSystem":"Windows 11","browser":"Edge 120","ipAddress":"198.51.100.7","location":"Paris, FR","status":"success","errorCode":0,"failureReason":null,"isInteractive":true},
    {"signInId":"s7","createdDateTime":"2026-11-01T12:00:00.000Z","userPrincipalName":"alice@contoso.example","appDisplayName":"Outlook","clientAppUsed":null,"deviceName":null,"operatingSystem":"Windows","browser":"Edge","ipAddress":"203.0.113.9","location":"Berlin, DE","status":"success","errorCode":0,"failureReason":null,"isInteractive":true},
  ],
};

describe('every report over the fixture (30 days)', () => {
  it.each(REPORT_IDS.filter((id) => id !== 'application-dashboard'))('%s', async (id) => {
    const filters = id.startsWith('user-') ? { user: 'alice@contoso.example' } : {};
    const expected = EXPECTED[id as Exclude<ReportId, 'application-dashboard'>];
    const page = await q.page('t1', spec(id, filters), { offset: 0, limit: 1000 });
    expect(page.rows).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it('application-dashboard: one point per day, cumulative sign-ins', async () => {
    const r = await rows('application-dashboard', {}, { from: '2026-11-17T00:00:00.000Z', to: FIXTURE_NOW });
    expect(r).toEqual([
      { bucketStart: '2026-11-17T00:00:00.000Z', signIns: 0, accessPanelClicks: 0, cumulativeSignIns: 0 },
      { bucketStart: '2026-11-18T00:00:00.000Z', signIns: 0, accessPanelClicks: 0, cumulativeSignIns: 0 },
      { bucketStart: '2026-11-19T00:00:00.000Z', signIns: 1, accessPanelClicks: 1, cumulativeSignIns: 1 },
      { bucketStart: '2026-11-20T00:00:00.000Z', signIns: 4, accessPanelClicks: 0, cumulativeSignIns: 5 },
    ]);
  });

  it('application-dashboard: hourly points over 24 hours, for one app', async () => {
    const r = await rows('application-dashboard', { app: 'salesforce' }, { from: '2026-11-19T12:00:00.000Z', to: FIXTURE_NOW });
    expect(r).toHaveLength(24);
    expect(r.filter((p) => p.signIns !== 0)).toEqual([]);
    expect(r.at(-1)).toEqual({ bucketStart: '2026-11-20T11:00:00.000Z', signIns: 0, accessPanelClicks: 0, cumulativeSignIns: 0 });
  });
});

describe('filters, ranges and tenants', () => {
  const ids = (r: ReportRow[], col = 'id'): unknown[] => r.map((x) => x[col]);

  it.each<[string, ReportFilters, string[]]>([
    ['category', { category: 'passwordreset' }, ['a2']],
    ['activity', { activity: 'JOIN' }, ['a4']],
    ['initiator', { initiator: 'admin@' }, ['a1']],
    ['target', { target: 'hikers' }, ['a4']],
    ['result', { result: 'failure' }, ['a3']],
    ['all together', { category: 'UserManagement', initiator: 'admin', target: 'dave', result: 'success' }, ['a1']],
  ])('audit by %s', async (_name, filters, expected) => {
    expect(ids(await rows('audit', filters))).toEqual(expected);
  });

  it('anomaly reports filter by user, application reports by app and user', async () => {
    expect(ids(await rows('signins-from-unknown-sources', { user: 'ALICE@contoso.example' }), 'detectionId')).toEqual([]);
    expect(ids(await rows('signins-from-multiple-geographies', { user: 'ALICE@contoso.example' }), 'detectionId')).toEqual(['det-d3']);
    expect(ids(await rows('application-usage', { app: 'SALESFORCE' }), 'appDisplayName')).toEqual(['Salesforce']);
    expect(ids(await rows('application-usage', { user: 'bob@contoso.example' }), 'appDisplayName')).toEqual(['Outlook', 'Salesforce']);
    expect(ids(await rows('account-provisioning-activity', { user: 'alice@contoso.example' }))).toEqual(['p1']);
    expect(ids(await rows('rms-application-usage', { app: 'excel' }), 'application')).toEqual(['Excel']);
  });

  it('a 7-day range leaves out older events', async () => {
    const r = await rows('user-activity', { user: 'alice@contoso.example' }, { from: '2026-11-13T12:00:00.000Z', to: FIXTURE_NOW });
    expect(ids(r, 'signInId')).toEqual(['s1', 's2']);
  });

  it('user activity keeps noise clients when none are configured', async () => {
    const r = await q.page('t1', { ...spec('user-activity', { user: 'alice@contoso.example' }), noiseClients: [] }, { offset: 0, limit: 10 });
    expect(ids(r.rows, 'signInId')).toEqual(['s3', 's1', 's2', 's7']);
  });

  it('external consumer accounts have no activity history', async () => {
    expect(await rows('user-activity', { user: 'carol@outlook.example' })).toEqual([]);
    expect(await rows('user-devices', { user: 'carol@outlook.example' })).toEqual([]);
  });

  it('never shows another tenant’s rows', async () => {
    expect(ids(await rows('user-activity', { user: 'alice@contoso.example' }, RANGE_30D, 't2'), 'appDisplayName')).toEqual(['Secret App']);
    expect(await rows('signins-from-unknown-sources', {}, RANGE_30D, 't2')).toEqual([]);
    expect(ids(await rows('application-usage'), 'appDisplayName')).not.toContain('Secret App');
  });

  it('pages: offset and limit over the report order, total of all rows', async () => {
    const p = await q.page('t1', spec('audit'), { offset: 1, limit: 2 });
    expect(ids(p.rows)).toEqual(['a2', 'a3']);
    expect(p.total).toBe(4);
    const empty = await q.page('t1', spec('audit'), { offset: 0, limit: 0 });
    expect(empty).toEqual({ rows: [], total: 4 });
  });

  it.each(['users-with-anomalous-signin-activity', 'rms-usage', 'rms-most-active-users', 'rms-device-usage', 'rms-application-usage'] as const)(
    'pages %s (counted in the same run): every window gives the rows of the whole report and its total, without a counting column',
    async (report) => {
      const all = await rows(report);
      expect(all.length).toBeGreaterThan(1);
      for (const [offset, limit] of [[0, 1], [1, 1], [1, 5], [0, all.length], [all.length, 3], [all.length + 4, 2], [0, 0]] as const) {
        const p = await q.page('t1', spec(report), { offset, limit });
        expect(p, `${offset}+${limit}`).toEqual({ rows: all.slice(offset, offset + limit), total: all.length });
      }
    },
  );

  it('streams in report order with a limit', async () => {
    const out: ReportRow[] = [];
    for await (const batch of q.stream('t1', spec('audit'), 3)) out.push(...batch);
    expect(ids(out)).toEqual(['a1', 'a2', 'a3']);
  });
});

describe('ignore', () => {
  it('removes the event from the report for good, keeps it flagged, and audits it', async () => {
    expect(await q.ignoreDetection('t1', 'det-d1', 'admin@contoso.example', FIXTURE_NOW, audit('authlens-1'))).toBe(true);
    expect(await rows('signins-from-unknown-sources')).toEqual([]);
    expect(await q.getDetectionFlags('t1', 'det-d1')).toEqual({ detector: 'D1', ignoredAt: FIXTURE_NOW });
    const users = await rows('users-with-anomalous-signin-activity');
    expect(users.find((u) => u.userPrincipalName === 'bob@contoso.example')?.detectionCount).toBe(1);
    const log = await rows('audit', { category: 'authlens' }, { from: RANGE_30D.from, to: '2026-11-20T12:00:00.001Z' });
    expect(log.map((r) => [r.id, r.initiatedBy, r.activity])).toEqual([['authlens-1', 'admin@contoso.example', 'test action']]);
    // A second ignore changes nothing and writes no second audit record.
    expect(await q.ignoreDetection('t1', 'det-d1', 'admin@contoso.example', FIXTURE_NOW, audit('authlens-2'))).toBe(false);
    expect(await q.ignoreDetection('t2', 'det-d2', 'admin@contoso.example', FIXTURE_NOW, audit('authlens-3'))).toBe(false);
    expect(await store.events.countEvents('t1', 'directoryAudit')).toBe(5);
  });
});

describe('suppressions', () => {
  const base = { reason: 'known', createdAt: '2026-11-01T00:00:00.000Z', createdBy: 'admin@contoso.example' };
  const anomalyIds = async (): Promise<unknown[]> =>
    (await Promise.all(['signins-from-unknown-sources', 'signins-after-multiple-failures', 'signins-from-multiple-geographies'].map((r) => rows(r as ReportId))))
      .flat()
      .map((r) => r.detectionId);

  it.each<[string, string, string[]]>([
    ['user', 'alice@contoso.example', ['det-d1', 'det-d2']],
    ['ip', '185.220.101.1', ['det-d3']],
    ['cidr', '185.220.0.0/16', ['det-d3']],
    ['cidr', '198.51.100.0/25', ['det-d1', 'det-d2']],
    ['asn', '64500', ['det-d3']],
    ['country', 'FR', ['det-d1', 'det-d2']],
    ['detector', 'D2', ['det-d1', 'det-d3']],
  ])('by %s %s', async (kind, value, left) => {
    await q.addSuppression('t1', { id: `s-${kind}`, kind: kind as 'user', value, ...base }, audit(`a-${kind}`));
    expect(await anomalyIds()).toEqual(left);
  });

  it('stops hiding when it expires or is undone, and lists both states', async () => {
    await q.addSuppression('t1', { id: 'x1', kind: 'user', value: 'bob@contoso.example', expiresAt: '2026-11-20T11:00:00.000Z', ...base }, audit('a-x1'));
    await q.addSuppression('t1', { id: 'x2', kind: 'detector', value: 'D3', ...base }, audit('a-x2'));
    // Before expiry bob is hidden; after it he is back.
    expect(await rows('signins-from-unknown-sources', {}, RANGE_30D, 't1', '2026-11-20T10:59:00.000Z')).toEqual([]);
    expect(await rows('signins-from-unknown-sources')).toHaveLength(1);
    expect(await rows('signins-from-multiple-geographies')).toEqual([]);
    expect(await q.removeSuppression('t1', 'x2', 'admin@contoso.example', FIXTURE_NOW, audit('a-undo'))).toBe(true);
    expect(await q.removeSuppression('t1', 'x2', 'admin@contoso.example', FIXTURE_NOW, audit('a-undo2'))).toBe(false);
    expect(await rows('signins-from-multiple-geographies')).toHaveLength(1);
    const list = await q.listSuppressions('t1');
    expect(list.map((s) => [s.id, s.removedAt ?? null, s.expiresAt ?? null])).toEqual([
      ['x1', null, '2026-11-20T11:00:00.000Z'],
      ['x2', FIXTURE_NOW, null],
    ]);
    expect(await q.listSuppressions('t2')).toEqual([]);
  });
});

describe('retention purge', () => {
  it('deletes older sign-ins, events and detections so no report or export shows them', async () => {
    const cutoff = '2026-11-19T12:00:00.000Z';
    const counts = await q.purgeBefore('t1', cutoff);
    // a2 happened exactly at the cutoff: [from, to) keeps it.
    expect(counts).toEqual({ signins: 2, events: 7, detections: 3 });
    const gone = ['s2', 's7', 'a3', 'a4', 'aa1', 'p1', 'r1', 'r2', 'm3', 'det-d3', 'det-d8', 'det-old'];
    for (const id of REPORT_IDS) {
      const filters = id.startsWith('user-') ? { user: 'alice@contoso.example' } : {};
      const text: string[] = [];
      for await (const batch of q.stream('t1', spec(id, filters))) text.push(JSON.stringify(batch));
      const all = text.join('');
      for (const g of gone) expect(all, `${id} still shows ${g}`).not.toContain(`"${g}"`);
    }
    expect(await rows('rms-most-active-users')).toEqual([
      { userPrincipalName: 'alice@contoso.example', accesses: 2, distinctDocuments: 1, distinctDevices: 1, lastAccessDateTime: '2026-11-20T08:05:00.000Z' },
    ]);
    // The other tenant keeps its data.
    expect(await store.events.countEvents('t2')).toBe(1);
  });
});

describe('users with anomalous sign in activity: the D7 risk model (aggregateRiskyUsers), not just "who has detections"', () => {
  const det = (d: Partial<Detection> & Pick<Detection, 'id' | 'detector' | 'severity' | 'detectedDateTime' | 'userPrincipalName'>): Detection => ({
    evidence: {},
    logOnly: false,
    signInId: `sign-in-of-${d.id}`,
    ...d,
  });
  const MORE: Detection[] = [
    // Targets of a spray: failed sign-ins flagged by D4 (and D1 from a Tor exit); they were attacked, not compromised.
    det({ id: 'spray-1', detector: 'D4', severity: 'medium', detectedDateTime: '2026-11-19T03:00:00.000Z', userPrincipalName: 'erin@contoso.example', evidence: { outcome: 'credentialFailure' } }),
    det({ id: 'spray-2', detector: 'D1', severity: 'medium', detectedDateTime: '2026-11-19T03:01:00.000Z', userPrincipalName: 'erin@contoso.example', evidence: { outcome: 'credentialFailure' } }),
    // A leak alone is the D8 report's row, not this one's.
    det({ id: 'leak-only', detector: 'D8', severity: 'medium', detectedDateTime: '2026-11-18T00:00:00.000Z', userPrincipalName: 'frank@contoso.example', signInId: undefined }),
    // Log-only detections never count.
    det({ id: 'log-only', detector: 'D3', severity: 'high', detectedDateTime: '2026-11-19T05:00:00.000Z', userPrincipalName: 'gina@contoso.example', logOnly: true }),
    // Three medium detections make 6 points: high.
    ...[1, 2, 3].map((i) => det({ id: `hank-${i}`, detector: 'D6', severity: 'medium', detectedDateTime: `2026-11-1${i}T05:00:00.000Z`, userPrincipalName: 'hank@contoso.example' })),
    // A spray success is a compromise sign: it counts.
    det({ id: 'spray-ok', detector: 'D4', severity: 'high', detectedDateTime: '2026-11-19T03:05:00.000Z', userPrincipalName: 'ivan@contoso.example', evidence: { outcome: 'success' } }),
  ];

  it('lists, levels and states users as the risk model does, and an admin dismissal takes them off', async () => {
    await store.detections.appendDetections('t1', MORE);
    const risky = createDetectStores(store.db).riskyUsers;
    // An admin dismissed bob after looking at his Tor sign-in.
    await risky.changeRiskState('t1', { userKey: 'bob@contoso.example', userPrincipalName: 'bob@contoso.example', to: 'dismissed', by: 'admin@contoso.example', at: '2026-11-20T11:00:00.000Z' });
    const report = (await rows('users-with-anomalous-signin-activity')).map((r) => [r.userPrincipalName, r.riskLevel, r.riskState]);
    expect(report).toEqual([
      ['alice@contoso.example', 'high', 'atRisk'],
      ['ivan@contoso.example', 'high', 'atRisk'],
      ['hank@contoso.example', 'high', 'atRisk'],
    ]);
    // The same answer as the model behind /risky-users over the range's detections.
    const inRange = [...FIXTURE_DETECTIONS, ...MORE].filter((d) => d.detectedDateTime >= RANGE_30D.from && d.detectedDateTime < RANGE_30D.to);
    const states = new Map((await risky.listRiskyUsers('t1')).map((r) => [r.userKey, r]));
    const model = aggregateRiskyUsers(inRange, states).map((u) => [u.userPrincipalName, u.riskLevel, u.riskState]);
    expect([...report].sort()).toEqual([...model].sort());
    expect((await rows('users-with-anomalous-signin-activity', { user: 'HANK@contoso.example' })).map((r) => r.userPrincipalName)).toEqual(['hank@contoso.example']);
    expect(await rows('users-with-anomalous-signin-activity', { user: 'erin@contoso.example' })).toEqual([]);
  });

  it('pins a user an admin confirmed compromised at high, with that state', async () => {
    await createDetectStores(store.db).riskyUsers.changeRiskState('t1', {
      userKey: 'bob@contoso.example',
      userPrincipalName: 'bob@contoso.example',
      to: 'confirmedCompromised',
      by: 'admin@contoso.example',
      at: '2026-11-20T11:00:00.000Z',
    });
    const bob = (await rows('users-with-anomalous-signin-activity')).find((r) => r.userPrincipalName === 'bob@contoso.example');
    expect([bob?.riskLevel, bob?.riskState]).toEqual(['high', 'confirmedCompromised']);
  });
});

