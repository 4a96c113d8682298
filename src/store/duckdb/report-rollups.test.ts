import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnrichedEvent } from '../../schema/enrichment.ts';
import type { ReportFilters, ReportId, ReportRow } from '../../schema/reports.ts';
import type { ReportQueries, ReportQuerySpec } from '../ports.ts';
import { openDuckDbStore, type DuckDbStore } from './open.ts';
import { createReportQueries } from './report-queries.ts';
import { signIn } from './report-queries-fixture.ts';
import { buildReportSql, NO_SUPPRESSIONS } from './report-queries-sql.ts';
import { blockMasks, dayFromEpoch, dayOf, epochDay, rawRms } from './report-rollups-sql.ts';
import { warmReportRollups } from './report-rollups.ts';
import type { PlainValue } from './values.ts';

const NOW = '2026-11-20T12:00:00.000Z';
const DAY = 86_400_000;
const USAGE: ReportId[] = [
  'application-usage',
  'application-usage-detailed',
  'application-dashboard',
  'rms-usage',
  'rms-most-active-users',
  'rms-device-usage',
  'rms-application-usage',
];
const RMS_ACTIONS = ['view', 'edit', 'print', 'protect'] as const;
const APPS = [
  ['Outlook', 'id-outlook'],
  ['Salesforce', 'id-sf'],
  ['Salesforce', 'id-sf-2'], // one name, two ids: the app filter by id must not take the other's rows
  ['Zoom', 'id-zoom'],
] as const;

let store: DuckDbStore;
let q: ReportQueries;

beforeEach(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  q = createReportQueries(store.db);
});
afterEach(async () => {
  await store.close();
});

interface Use {
  readonly kind: 'signIn' | 'accessPanel' | 'sso' | 'rms';
  readonly ms: number;
  readonly user: number;
  readonly app: number;
  readonly ok: boolean;
}

let seq = 0;
function toEvent(u: Use): EnrichedEvent {
  const [name, appId] = APPS[u.app % APPS.length] ?? APPS[0];
  const createdDateTime = new Date(Date.parse(NOW) - u.ms).toISOString();
  const userPrincipalName = `user${u.user}@contoso.example`;
  const id = `e${seq++}`;
  if (u.kind === 'signIn') {
    return signIn({
      id,
      createdDateTime,
      userPrincipalName,
      appDisplayName: name,
      appId,
      ...(u.ok ? {} : { status: { errorCode: 50126 }, outcome: 'credentialFailure' as const }),
    });
  }
  if (u.kind === 'rms') {
    // Some without a device or a document id, as the schema allows.
    return {
      kind: 'rmsAccess',
      id,
      createdDateTime,
      userPrincipalName,
      // 'WORD' and 'Word': one app to the filter (lower-cased), two groups in rms-application-usage.
      application: u.app % 2 === 0 ? (u.app === 2 ? 'WORD' : 'Word') : 'Excel',
      action: RMS_ACTIONS[u.user % RMS_ACTIONS.length] ?? 'view',
      ...(u.app === 3 ? {} : { deviceId: `dev-${u.user % 3}`, devicePlatform: u.app === 1 ? 'iOS' : 'Windows' }),
      ...(u.user % 4 === 0 ? { documentName: `name-${u.app}` } : { documentId: `doc-${(u.user + u.app) % 5}` }),
    };
  }
  // Clicks without an app id, as many access panels send them.
  return { kind: 'appAccess', id, createdDateTime, userPrincipalName, appDisplayName: name, accessType: u.kind, ...(u.app % 2 === 0 ? { appId } : {}) };
}

const useArb = fc.record({
  kind: fc.constantFrom('signIn' as const, 'signIn' as const, 'accessPanel' as const, 'sso' as const, 'rms' as const),
  ms: fc.integer({ min: 0, max: 12 * DAY }),
  user: fc.integer({ min: 0, max: 6 }),
  app: fc.integer({ min: 0, max: APPS.length - 1 }),
  ok: fc.boolean(),
});

function spec(report: ReportId, range: { from: string; to: string }, filters: ReportFilters = {}): ReportQuerySpec {
  return { report, range, filters, noiseClients: [], now: NOW };
}

/** The report straight from the raw tables (no rollup plan), in report order. */
async function raw(tenant: string, s: ReportQuerySpec): Promise<ReportRow[]> {
  const b = buildReportSql(tenant, s, NO_SUPPRESSIONS);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.params)) if (new RegExp(`\\$${k}\\b`).test(b.sql)) params[k] = v;
  const rows = await store.db.all<Record<string, PlainValue>>(`SELECT * FROM (${b.sql}) ORDER BY ${b.order}`, params);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === undefined ? null : (v as ReportRow[string])])));
}

async function viaRollups(tenant: string, s: ReportQuerySpec): Promise<ReportRow[]> {
  return (await q.page(tenant, s, { offset: 0, limit: 100_000 })).rows;
}

const ago = (days: number, hours = 0): string => new Date(Date.parse(NOW) - days * DAY - hours * 3_600_000).toISOString();
const RANGES = [
  { from: ago(30), to: NOW }, // 30d: partial first day, whole days, today live
  { from: ago(7), to: NOW },
  { from: '2026-11-12T00:00:00.000Z', to: '2026-11-18T00:00:00.000Z' }, // midnight-aligned, all closed
  { from: ago(3, 5), to: ago(1, 2) }, // ends inside a closed day
];
const FILTERS: ReportFilters[] = [
  {},
  { app: 'salesforce' },
  { app: 'id-sf-2' },
  { app: 'Zoom', user: 'USER3@contoso.example' },
  { user: 'user1@contoso.example' },
  { app: 'word' },
];

const USER_REPORTS: ReportId[] = ['user-devices', 'user-activity'];
const USER_FILTERS: ReportFilters[] = [
  { user: 'user1@contoso.example' },
  { user: 'USER3@contoso.example', app: 'id-sf-2' },
  { user: 'user2@contoso.example', result: 'credentialFailure' },
  { user: 'user9@contoso.example' },
];

async function expectSameAsRaw(tenant: string): Promise<void> {
  for (const report of USER_REPORTS) {
    for (const range of RANGES) {
      for (const filters of USER_FILTERS) {
        const s = spec(report, range, filters);
        expect(await viaRollups(tenant, s), `${report} ${JSON.stringify(range)} ${JSON.stringify(filters)}`).toEqual(await raw(tenant, s));
      }
    }
  }
  for (const report of USAGE) {
    for (const range of RANGES) {
      for (const filters of report === 'application-usage-detailed' ? FILTERS.filter((f) => f.app !== undefined) : FILTERS) {
        const s = spec(report, range, filters);
        expect(await viaRollups(tenant, s), `${report} ${JSON.stringify(range)} ${JSON.stringify(filters)}`).toEqual(await raw(tenant, s));
      }
    }
  }
}

async function rollupRows(tenant: string): Promise<number> {
  const r = await store.db.one<{ n: number }>(
    `SELECT (SELECT count(*) FROM report_usage_daily WHERE tenant = $t) + (SELECT count(*) FROM report_usage_days WHERE tenant = $t) AS n`,
    { t: tenant },
  );
  return Number(r?.n ?? 0);
}

describe('usage rollups', () => {
  it('answer exactly what the raw query answers, for random months of usage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(useArb, { minLength: 1, maxLength: 120 }), fc.array(useArb, { maxLength: 30 }), async (uses, late) => {
        await store.close();
        store = await openDuckDbStore({ path: ':memory:' });
        q = createReportQueries(store.db);
        await store.events.appendEvents('t1', uses.map(toEvent));
        await expectSameAsRaw('t1');
        expect(await rollupRows('t1')).toBeGreaterThan(0);
        // Late events into days the rollups already hold: those days are rebuilt.
        await store.events.appendEvents('t1', late.map((u) => toEvent({ ...u, ms: u.ms + DAY })));
        await expectSameAsRaw('t1');
      }),
      { numRuns: 8 },
    );
  }, 240_000);

  it('rebuild a closed day when a late event lands in it, with a user never seen before', async () => {
    await store.events.appendEvents('t1', [toEvent({ kind: 'signIn', ms: 3 * DAY, user: 1, app: 0, ok: true })]);
    const s = spec('application-usage', { from: ago(7), to: NOW });
    expect((await viaRollups('t1', s))[0]).toMatchObject({ appDisplayName: 'Outlook', signIns: 1, distinctUsers: 1 });
    await store.events.appendEvents('t1', [
      toEvent({ kind: 'signIn', ms: 3 * DAY + 60_000, user: 9, app: 0, ok: true }),
      toEvent({ kind: 'accessPanel', ms: 3 * DAY + 120_000, user: 1, app: 0, ok: true }),
    ]);
    expect((await viaRollups('t1', s))[0]).toMatchObject({ appDisplayName: 'Outlook', signIns: 2, accessPanelClicks: 1, distinctUsers: 2 });
    expect(await viaRollups('t1', s)).toEqual(await raw('t1', s));
  });

  it('build once under concurrent runs: no duplicate rollup rows, the same answers', async () => {
    const uses: Use[] = Array.from({ length: 80 }, (_, i) => ({ kind: i % 4 === 0 ? 'rms' : 'signIn', ms: (i * 3 + 2) * 3_600_000, user: i % 6, app: i % 4, ok: true }));
    await store.events.appendEvents('t1', uses.map(toEvent));
    const s = spec('application-usage', { from: ago(30), to: NOW });
    const runs = await Promise.all([viaRollups('t1', s), viaRollups('t1', spec('rms-usage', { from: ago(30), to: NOW })), viaRollups('t1', s)]);
    expect(runs[0]).toEqual(await raw('t1', s));
    expect(runs[2]).toEqual(runs[0]);
    const dup = await store.db.one<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT day, app, upn FROM report_usage_daily WHERE tenant = 't1' GROUP BY ALL HAVING count(*) > 1)`,
    );
    expect(Number(dup?.n)).toBe(0);
    const days = await store.db.one<{ n: number; d: number }>(`SELECT count(*) AS n, count(DISTINCT day) AS d FROM report_usage_days WHERE tenant = 't1'`);
    expect(Number(days?.n)).toBe(Number(days?.d));
  });

  it('are warmed off the request path: every closed day of the month built once, later runs build nothing and answer like raw', async () => {
    const uses: Use[] = Array.from({ length: 90 }, (_, i) => ({ kind: i % 5 === 0 ? 'rms' : 'signIn', ms: (i * 7 + 3) * 3_600_000, user: i % 6, app: i % 4, ok: true }));
    await store.events.appendEvents('t1', uses.map(toEvent));
    await store.events.appendEvents('t2', uses.slice(0, 10).map(toEvent));
    await warmReportRollups(store.db, 't1', NOW);
    const days = await store.db.all<{ day: string }>(`SELECT CAST(day AS VARCHAR) AS day FROM report_usage_days WHERE tenant = 't1' ORDER BY day`);
    const today = epochDay(dayOf(NOW));
    expect(days.map((d) => d.day)).toEqual(Array.from({ length: 31 }, (_, i) => dayFromEpoch(today - 31 + i)));
    const copied = await store.db.one<{ n: number }>(`SELECT count(*) AS n FROM report_user_signins WHERE tenant = 't1'`);
    expect(Number(copied?.n)).toBe(uses.filter((u) => u.kind === 'signIn' && u.ms >= 12 * 3_600_000).length);
    const other = await store.db.one<{ n: number }>(`SELECT count(*) AS n FROM report_usage_days WHERE tenant = 't2'`);
    expect(Number(other?.n)).toBe(0);
    const before = await rollupRows('t1');
    await warmReportRollups(store.db, 't1', NOW);
    const s = spec('application-usage', { from: ago(30), to: NOW });
    expect(await viaRollups('t1', s)).toEqual(await raw('t1', s));
    expect(await rollupRows('t1')).toBe(before);
    // A late event into a warmed day: the next warm rebuilds that day.
    await store.events.appendEvents('t1', [toEvent({ kind: 'signIn', ms: 5 * DAY, user: 9, app: 0, ok: true })]);
    await warmReportRollups(store.db, 't1', NOW);
    const fresh = await store.db.one<{ n: number }>(
      `SELECT count(*) AS n FROM report_usage_daily WHERE tenant = 't1' AND upn = 'user9@contoso.example'`,
    );
    expect(Number(fresh?.n)).toBe(1);
    expect(await viaRollups('t1', s)).toEqual(await raw('t1', s));
  });

  it('derive rms-usage day answers for days built before migration 025 exactly as a build does', async () => {
    const uses: Use[] = Array.from({ length: 120 }, (_, i) => ({ kind: i % 2 === 0 ? 'rms' : 'signIn', ms: (i * 5 + 2) * 3_600_000, user: i % 7, app: i % 4, ok: true }));
    await store.events.appendEvents('t1', uses.map(toEvent));
    await store.events.appendEvents('t2', uses.slice(0, 30).map(toEvent));
    await warmReportRollups(store.db, 't1', NOW);
    await warmReportRollups(store.db, 't2', NOW);
    const all = `SELECT tenant, CAST(day AS VARCHAR) AS day, every_app, app_l, accesses, users, documents, devices, views, edits, prints, protects
      FROM report_rms_day_stats ORDER BY ALL`;
    const built = await store.db.all(all);
    expect(built.length).toBeGreaterThan(10);
    const sql = readFileSync(new URL('./migrations/025_report_rms_day_stats.sql', import.meta.url), 'utf8');
    const insert = sql.slice(sql.indexOf('INSERT INTO report_rms_day_stats'));
    await store.db.run('DELETE FROM report_rms_day_stats');
    await store.db.run(insert);
    expect(await store.db.all(all)).toEqual(built);
  });

  it('rms-most-active-users: the top 1000 of 1,300 users (ties broken by name) with their distinct counts, as a plain count(DISTINCT) says', async () => {
    const uses: Use[] = Array.from({ length: 3_000 }, (_, i) => ({ kind: 'rms', ms: ((i * 37) % (9 * 24)) * 3_600_000 + 60_000, user: (i * 7) % 1_300, app: i % 4, ok: true }));
    await store.events.appendEvents('t1', uses.map(toEvent));
    const range = { from: ago(8, 3), to: NOW };
    const plain = await store.db.all<Record<string, PlainValue>>(
      `SELECT upn AS userPrincipalName, CAST(count(*) AS INTEGER) AS accesses, CAST(count(DISTINCT doc_key) AS INTEGER) AS distinctDocuments,
         CAST(count(DISTINCT device_id) AS INTEGER) AS distinctDevices, strftime(max(time), '%Y-%m-%dT%H:%M:%S.%gZ') AS lastAccessDateTime
       FROM (${rawRms('from', 'to')}) GROUP BY upn ORDER BY accesses DESC, userPrincipalName LIMIT 1000`,
      { tenant: 't1', from: range.from, to: range.to },
    );
    expect(plain).toHaveLength(1000);
    const s = spec('rms-most-active-users', range);
    expect(await raw('t1', s)).toEqual(plain);
    expect(await viaRollups('t1', s)).toEqual(plain);
  });

  it('keep tenants apart: the same users and apps in another tenant change nothing', async () => {
    const uses: Use[] = Array.from({ length: 60 }, (_, i) => ({ kind: i % 3 === 0 ? 'accessPanel' : 'signIn', ms: (i * 4 + 1) * 3_600_000, user: i % 5, app: i % 4, ok: true }));
    await store.events.appendEvents('t1', uses.map(toEvent));
    await store.events.appendEvents('t2', uses.slice(0, 25).map((u) => toEvent({ ...u, user: u.user + 1 })));
    await expectSameAsRaw('t1');
    await expectSameAsRaw('t2');
    const t1 = await viaRollups('t1', spec('application-usage', { from: ago(30), to: NOW }));
    await store.events.appendEvents('t2', uses.map((u) => toEvent({ ...u, ms: u.ms + 2 * DAY })));
    await expectSameAsRaw('t2');
    expect(await viaRollups('t1', spec('application-usage', { from: ago(30), to: NOW }))).toEqual(t1);
    // Three full raw-vs-rollup comparisons (every report, ranges and filters): 18-25 s on the shared box, over 30 s at load 8.
  }, 90_000);

  it('leave with the retention purge: no rollup of a purged day, no key of a user whose rows are gone', async () => {
    await store.events.appendEvents('t1', [
      toEvent({ kind: 'signIn', ms: 20 * DAY, user: 5, app: 1, ok: true }),
      toEvent({ kind: 'signIn', ms: 10 * DAY, user: 1, app: 1, ok: true }),
      toEvent({ kind: 'signIn', ms: 2 * DAY, user: 2, app: 1, ok: true }),
      toEvent({ kind: 'rms', ms: 20 * DAY, user: 5, app: 1, ok: true }),
      toEvent({ kind: 'rms', ms: 3 * DAY, user: 2, app: 1, ok: true }),
    ]);
    await expectSameAsRaw('t1');
    const cut = ago(10, 6); // inside the day of the second sign-in: that day becomes partial and leaves the rollups
    expect(await rollupRows('t1')).toBeGreaterThan(0);
    const rmsBefore = await store.db.all<{ day: string }>(`SELECT CAST(day AS VARCHAR) AS day FROM report_rms_daily WHERE tenant = 't1'`);
    expect(rmsBefore.some((r) => r.day <= dayOf(ago(20)))).toBe(true);
    await q.purgeBefore('t1', cut);
    for (const table of ['report_usage_daily', 'report_usage_app_days', 'report_usage_days', 'report_rms_daily', 'report_rms_day_stats', 'report_user_signins']) {
      const left = await store.db.all<{ day: string }>(`SELECT CAST(day AS VARCHAR) AS day FROM ${table} WHERE tenant = 't1'`);
      expect(left.length, table).toBeGreaterThan(0);
      expect(left.every((r) => r.day > dayOf(cut)), table).toBe(true);
    }
    const keys = await store.db.all<{ upn: string }>(`SELECT upn FROM report_user_keys WHERE tenant = 't1' ORDER BY upn`);
    expect(keys.map((k) => k.upn)).not.toContain('user5@contoso.example');
    const bits = await store.db.one<{ n: number }>(`SELECT count(*) AS n FROM report_usage_blocks WHERE tenant = 't1' AND bits = 0`);
    expect(Number(bits?.n)).toBe(0);
    await expectSameAsRaw('t1');
  });
});

describe('day blocks', () => {
  it('set one bit per day in the block holding it', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 40_000 }), { maxLength: 200 }), (days) => {
        const masks = blockMasks(days);
        let bitsSet = 0;
        for (const [b, m] of masks) {
          expect(m >= 0n && m < 1n << 64n).toBe(true);
          for (let i = 0; i < 64; i++) if ((m >> BigInt(i)) & 1n) {
            bitsSet++;
            expect(days).toContain(b * 64 + i);
          }
        }
        expect(bitsSet).toBe(days.length);
      }),
    );
  });

  it('round-trip days and epoch numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 80_000 }), (n) => {
        expect(epochDay(dayFromEpoch(n))).toBe(n);
        expect(dayOf(`${dayFromEpoch(n)}T23:59:59.999Z`)).toBe(dayFromEpoch(n));
      }),
    );
  });
});
