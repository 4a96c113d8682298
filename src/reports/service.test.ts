import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { isLicensedGlobalAdminIn } from '../directory/global-admin.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from '../schema/directory.ts';
import type { Tenant } from '../schema/tenants.ts';
import { openDuckDbStore, type DuckDbStore } from '../store/duckdb/open.ts';
import { createReportQueries } from '../store/duckdb/report-queries.ts';
import { FIXTURE_DETECTIONS, FIXTURE_EVENTS, FIXTURE_NOW, FIXTURE_SIGNINS } from '../store/duckdb/report-queries-fixture.ts';
import { createAdminActions } from './admin-actions.ts';
import { collect } from './export/encode.ts';
import { purgeExpired } from './retention.ts';
import { createReportService, type ReportFile, type ReportService } from './service.ts';
import { REPORT_CATALOG } from './catalog.ts';
import type { ReportQueries } from '../store/ports.ts';

/** Reports with a DOUBLE column, whose CSV stays on the JS path. */
const DOUBLE_COLUMN_REPORTS = new Set(['user-devices']);

const BIG = 75_005;
// Admin actions a minute before the reports' clock, so the audit log's [from, to) range holds them.
const ADMIN_NOW = '2026-11-20T11:59:00.000Z';
let store: DuckDbStore;
let service: ReportService;
const now = (): Date => new Date(FIXTURE_NOW);

function tenant(id: string, patch: Partial<Tenant> = {}): Tenant {
  return { id, name: id, edition: 'premium', rms: true, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z', optedInAt: '2026-01-02T00:00:00.000Z', optedInBy: 'admin@contoso.example', ...patch };
}

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  await store.control.createTenant(tenant('t1'));
  await store.control.createTenant(tenant('free', { edition: 'free', rms: false }));
  await store.control.createTenant(tenant('new', { optedInAt: undefined, optedInBy: undefined }));
  await store.control.createTenant(tenant('big'));
  await store.control.importDirectory('t1', {
    users: [
      { id: 'u1', userPrincipalName: 'admin@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
      { id: 'u2', userPrincipalName: 'reader@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
      { id: 'u3', userPrincipalName: 'nolicence@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
    ],
    groups: [],
    applications: [],
    roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['u1', 'u3'] }],
  });
  await store.events.appendEvents('t1', [...FIXTURE_SIGNINS, ...FIXTURE_EVENTS]);
  await store.detections.appendDetections('t1', FIXTURE_DETECTIONS);
  // One audit event per second back from 11:00, so "newest" is well defined.
  await store.db.run(`INSERT INTO events (tenant, kind, id, time, category, activity, result, actor, doc, ingested_at)
    SELECT 'big', 'directoryAudit', 'e' || lpad(CAST(i AS VARCHAR), 6, '0'), TIMESTAMP '2026-11-20 11:00:00' - to_seconds(i), 'UserManagement',
      CASE WHEN i = 0 THEN '=cmd|'' /C calc''!A0' ELSE 'Update user' END, 'success', 'admin@contoso.example',
      '{"initiatedBy":{"user":{"userPrincipalName":"admin@contoso.example"}},"targetResources":[],"additionalDetails":[]}', now()
    FROM range(${BIG}) t(i)`);
  service = createReportService({ queries: createReportQueries(store.db), control: store.control, now });
});
afterAll(async () => {
  await store.close();
});

describe('gates', () => {
  it('before opt-in every report answers reportingNotEnabled', async () => {
    for (const report of ['audit', 'user-activity', 'rms-usage']) {
      expect(await service.view({ tenant: 'new', report, filters: { user: 'x@y' } }, { portal: true })).toEqual({
        ok: false,
        code: 'reportingNotEnabled',
        message: 'reporting is not enabled for this directory; a global admin must opt in',
      });
    }
  });

  it('a locked report names the edition it needs', async () => {
    const r = await service.view({ tenant: 'free', report: 'signins-from-suspicious-ips' }, { portal: true });
    expect(r).toMatchObject({ ok: false, code: 'editionRequired', needs: 'premium' });
    expect(r.ok ? '' : r.message).toContain('Premium');
    expect((await service.view({ tenant: 'free', report: 'audit' }, { portal: true })).ok).toBe(true);
  });

  it('lists the catalog with locked flags', async () => {
    const r = await service.list('free');
    if (!r.ok) throw new Error(r.message);
    expect(r.reports.filter((x) => !x.locked).map((x) => x.id)).toEqual([
      'signins-from-unknown-sources',
      'signins-after-multiple-failures',
      'signins-from-multiple-geographies',
      'audit',
      'account-provisioning-activity',
      'account-provisioning-errors',
      'user-devices',
      'user-activity',
    ]);
  });

  it.each([
    [{ report: 'nope' }, 'notFound', undefined],
    [{ report: 'user-activity' }, 'invalidRequest', 'user'],
    [{ report: 'application-usage-detailed' }, 'invalidRequest', 'app'],
    [{ report: 'audit', filters: { user: 'a@b' } }, 'invalidRequest', 'user'],
    [{ report: 'audit', interval: '1y' }, 'invalidRequest', 'interval'],
    [{ report: 'audit', from: '2026-01-01' }, 'invalidRequest', 'from'],
  ])('refuses %j', async (req, code, field) => {
    const r = await service.view({ tenant: 't1', ...req }, { portal: false });
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.field).toBe(field);
  });
});

describe('the seed’s limits', () => {
  it('portal view: the 1000 newest rows and the total', async () => {
    const r = await service.view({ tenant: 'big', report: 'audit', interval: '24h' }, { portal: true });
    if (!r.ok) throw new Error(r.message);
    expect(r.rows).toHaveLength(1000);
    expect(r.total).toBe(BIG);
    expect(r.truncated).toBe(true);
    expect(r.rows[0]?.id).toBe('e000000');
    expect(r.rows[999]?.id).toBe('e000999');
  });

  it('API: pages without the cap', async () => {
    const r = await service.view({ tenant: 'big', report: 'audit', interval: '24h' }, { portal: false, offset: 75_000, limit: 5000 });
    if (!r.ok) throw new Error(r.message);
    expect(r.rows.map((x) => x.id)).toEqual(['e075000', 'e075001', 'e075002', 'e075003', 'e075004']);
    expect(r.truncated).toBe(false);
  });

  it('download: a zip of one CSV with BOM, header, the 75,000 newest rows and a line saying rows were cut', async () => {
    const r = await service.download({ tenant: 'big', report: 'audit', interval: '24h' });
    if (!r.ok) throw new Error(r.message);
    expect(r.fileName).toBe('audit_2026-11-19-1200_2026-11-20-1200.zip');
    const files = unzipSync(await collect(r.body));
    expect(Object.keys(files)).toEqual(['audit.csv']);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(files['audit.csv']);
    expect(text.startsWith('\uFEFFid,activityDateTime,category,activity,')).toBe(true);
    const lines = text.split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1 + 75_000 + 1);
    expect(lines[1]).toBe(`e000000,2026-11-20T11:00:00.000Z,UserManagement,'=cmd|' /C calc'!A0,,success,,admin@contoso.example,,`);
    expect(lines[75_000]?.startsWith('e074999,')).toBe(true);
    expect(lines[75_001]).toBe('"Truncated: this file holds the newest 75,000 of 75,005 rows; use the export API for all of them."');
  });

  it('download under the cap has no cut line', async () => {
    const r = await service.download({ tenant: 't1', report: 'account-provisioning-errors', interval: '30d' });
    if (!r.ok) throw new Error(r.message);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(unzipSync(await collect(r.body))['account-provisioning-errors.csv']);
    expect(text).toBe(
      '\uFEFFid,activityDateTime,appDisplayName,action,targetAccount,sourceUserPrincipalName,result,errorCode,errorMessage,attempt\r\n' +
        `p2,2026-11-20T06:00:00.000Z,Salesforce,update,bob@sf.example,bob@contoso.example,failure,DuplicateUser,"'=HYPERLINK(""http://evil.example"")",3\r\n`,
    );
  });

  it('the NDJSON export carries evidence and contributing detections as JSON values, as the API answers do', async () => {
    for (const [report, column] of [['signins-from-unknown-sources', 'evidence'], ['users-with-anomalous-signin-activity', 'detections']] as const) {
      const nd = await service.export({ tenant: 't1', report, interval: '30d' }, 'ndjson');
      if (!nd.ok) throw new Error(nd.message);
      const rows = (await collect(nd.body)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows.length, report).toBeGreaterThan(0);
      for (const r of rows) expect(typeof r[column], report).toBe('object');
    }
  });

  it('exports everything as CSV, NDJSON and Parquet', async () => {
    const csv = await service.export({ tenant: 'big', report: 'audit', interval: '24h' }, 'csv');
    if (!csv.ok) throw new Error(csv.message);
    expect((await collect(csv.body)).toString('utf8').split('\r\n').filter((l) => l !== '')).toHaveLength(1 + BIG);
    const nd = await service.export({ tenant: 't1', report: 'rms-most-active-users', interval: '30d' }, 'ndjson');
    if (!nd.ok) throw new Error(nd.message);
    expect((await collect(nd.body)).toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { userPrincipalName: string }).userPrincipalName)).toEqual([
      'alice@contoso.example',
      'bob@contoso.example',
    ]);
    const pq = await service.export({ tenant: 'big', report: 'audit', interval: '24h' }, 'parquet');
    if (!pq.ok) throw new Error(pq.message);
    const bytes = await collect(pq.body);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(bytes.subarray(-4).toString('latin1')).toBe('PAR1');
  });
});

describe('the two CSV paths (lines made by the store, rows through csvLine)', () => {
  /** The service as wired, noting which reports got their lines from the store; and one whose store offers no csvText. */
  function services(): { sql: ReportService; js: ReportService; fromStore: Set<string> } {
    const queries = createReportQueries(store.db);
    const fromStore = new Set<string>();
    const csvText: NonNullable<ReportQueries['csvText']> = async (tenant, spec, columns, limit) => {
      const text = await queries.csvText?.(tenant, spec, columns, limit);
      if (text !== undefined) fromStore.add(spec.report);
      return text;
    };
    return {
      sql: createReportService({ queries: { ...queries, csvText }, control: store.control, now }),
      js: createReportService({ queries: { ...queries, csvText: undefined }, control: store.control, now }),
      fromStore,
    };
  }

  const csvInZip = async (file: ReportFile, name: string): Promise<Buffer> => {
    const inner = unzipSync(await collect(file.body))[`${name}.csv`];
    if (inner === undefined) throw new Error(`no ${name}.csv in the zip`);
    return Buffer.from(inner);
  };

  it.each(REPORT_CATALOG.map((d) => [d.id, d] as const))('%s: the download and the CSV export are byte-equal both ways', async (id, def) => {
    const { sql, js, fromStore } = services();
    const filters = def.requiresUser ? { user: 'alice@contoso.example' } : def.requiresApp ? { app: 'Outlook' } : {};
    const req = { tenant: 't1', report: id, interval: '30d', filters };
    const [a, b] = [await sql.download(req), await js.download(req)];
    if (!a.ok || !b.ok) throw new Error(`${id} failed`);
    const [ca, cb] = [await csvInZip(a, id), await csvInZip(b, id)];
    expect(ca.subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect(ca.toString('utf8')).toBe(cb.toString('utf8'));
    expect(ca.equals(cb)).toBe(true);
    const [ea, eb] = [await sql.export(req, 'csv'), await js.export(req, 'csv')];
    if (!ea.ok || !eb.ok) throw new Error(`${id} export failed`);
    const ex = await collect(ea.body);
    expect(ex.equals(await collect(eb.body))).toBe(true);
    expect(ex.equals(ca)).toBe(true);
    // Reports with non-integer numbers (user-devices: coordinates) keep the JS path; every other report takes the store's lines.
    expect(fromStore.has(id)).toBe(!DOUBLE_COLUMN_REPORTS.has(id));
  });

  it('the capped download: the 75,000 newest rows, neutralised, and the cut line with the total, the same both ways', async () => {
    const { sql, js, fromStore } = services();
    const req = { tenant: 'big', report: 'audit', interval: '24h' };
    const [a, b] = [await sql.download(req), await js.download(req)];
    if (!a.ok || !b.ok) throw new Error('download failed');
    expect(fromStore.has('audit')).toBe(true);
    expect([a.total, b.total]).toEqual([BIG, BIG]);
    const [ca, cb] = [await csvInZip(a, 'audit'), await csvInZip(b, 'audit')];
    expect(ca.equals(cb)).toBe(true);
    const text = ca.toString('utf8');
    expect(text.startsWith('\uFEFFid,')).toBe(true);
    expect(text).toContain(`\r\ne000000,2026-11-20T11:00:00.000Z,UserManagement,'=cmd|' /C calc'!A0,`);
    expect(text.endsWith('\r\n"Truncated: this file holds the newest 75,000 of 75,005 rows; use the export API for all of them."\r\n')).toBe(true);
  });
});

describe('ignore and suppressions through the service layer', () => {
  const admin = (): ReturnType<typeof createAdminActions> =>
    createAdminActions({ queries: createReportQueries(store.db), control: store.control, isLicensedGlobalAdminIn, now: () => new Date(ADMIN_NOW) });

  it('only a licensed global admin may ignore; others get forbidden', async () => {
    for (const upn of ['reader@contoso.example', 'nolicence@contoso.example', 'stranger@contoso.example']) {
      const r = await admin().ignore({ tenant: 't1', report: 'signins-after-multiple-failures', detectionIds: ['det-d2'], actor: { upn, via: 'test' } });
      expect(r).toMatchObject({ ok: false, code: 'forbidden' });
    }
    const r = await admin().ignore({
      tenant: 't1',
      report: 'signins-after-multiple-failures',
      detectionIds: ['det-d2', 'det-d1', 'missing'],
      actor: { upn: 'Admin@contoso.example', via: 'apiKey k1' },
    });
    expect(r).toEqual({ ok: true, ignored: ['det-d2'], skipped: [{ id: 'det-d1', reason: 'notInReport' }, { id: 'missing', reason: 'notFound' }] });
    const view = await service.view({ tenant: 't1', report: 'signins-after-multiple-failures', interval: '30d' }, { portal: true });
    expect(view.ok && view.rows).toEqual([]);
    const log = await service.view({ tenant: 't1', report: 'audit', interval: '24h', filters: { category: 'authlens' } }, { portal: true });
    if (!log.ok) throw new Error(log.message);
    expect(log.rows.map((x) => [x.activity, x.initiatedBy, x.targets, x.activityDateTime])).toEqual([
      ['Ignore event in report', 'Admin@contoso.example', 'detection det-d2 (D2)', ADMIN_NOW],
    ]);
  });

  it('suppressions validate, hide, audit and undo', async () => {
    const bad = await admin().suppress({ tenant: 't1', items: [{ kind: 'cidr', value: '10.0.0.0/33' }], reason: 'x', actor: { upn: 'sec@contoso.example', via: 'test' } });
    expect(bad).toMatchObject({ ok: false, code: 'invalidRequest', field: '/items/0/value' });
    const past = await admin().suppress({ tenant: 't1', items: [{ kind: 'user', value: 'bob@contoso.example' }], reason: 'x', expiresAt: '2026-01-01T00:00:00Z', actor: { upn: 'sec@contoso.example', via: 'test' } });
    expect(past).toMatchObject({ ok: false, field: 'expiresAt' });
    const made = await admin().suppress({
      tenant: 't1',
      items: [{ kind: 'ip', value: ' 185.220.101.1 ' }, { kind: 'asn', value: 'AS64496' }],
      reason: 'pen test',
      expiresAt: '2026-12-01T00:00:00Z',
      actor: { upn: 'sec@contoso.example', via: 'test' },
    });
    if (!made.ok) throw new Error(made.message);
    expect(made.created.map((s) => [s.kind, s.value, s.expiresAt])).toEqual([
      ['ip', '185.220.101.1', '2026-12-01T00:00:00.000Z'],
      ['asn', '64496', '2026-12-01T00:00:00.000Z'],
    ]);
    const hidden = await service.view({ tenant: 't1', report: 'signins-from-unknown-sources', interval: '30d' }, { portal: true });
    expect(hidden.ok && hidden.rows).toEqual([]);
    const id = made.created[0]?.id ?? '';
    expect(await admin().unsuppress({ tenant: 't1', id, actor: { upn: 'sec@contoso.example', via: 'test' } })).toEqual({ ok: true });
    const back = await service.view({ tenant: 't1', report: 'signins-from-unknown-sources', interval: '30d' }, { portal: true });
    expect(back.ok && back.rows.map((x) => x.detectionId)).toEqual(['det-d1']);
    const log = await service.view({ tenant: 't1', report: 'audit', interval: '24h', filters: { category: 'authlens', activity: 'suppression' } }, { portal: true });
    expect(log.ok && log.rows.map((x) => String(x.activity)).sort()).toEqual(['Add suppression', 'Add suppression', 'Remove suppression']);
  });
});

describe('retention job', () => {
  it('purges each tenant by its own retention', async () => {
    await store.control.updateTenant('t1', { retentionDays: 1 });
    const counts = await purgeExpired({ queries: createReportQueries(store.db), control: store.control }, now());
    expect(counts.get('t1')).toMatchObject({ signins: 2, detections: 3 });
    expect(counts.get('big')).toEqual({ signins: 0, events: 0, detections: 0 });
    const r = await service.view({ tenant: 't1', report: 'user-activity', filters: { user: 'alice@contoso.example' }, interval: '24h' }, { portal: true });
    expect(r.ok && r.rows.map((x) => x.signInId)).toEqual(['s1']);
  });
});
