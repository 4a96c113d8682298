import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tenant } from '../schema/tenants.ts';
import type { PurgeCounts } from '../store/ports.ts';
import { openDuckDbStore, type DuckDbStore } from '../store/duckdb/open.ts';
import { FIXTURE_DETECTIONS, FIXTURE_EVENTS, FIXTURE_NOW, FIXTURE_SIGNINS, signIn } from '../store/duckdb/report-queries-fixture.ts';
import { REPORT_CATALOG } from './catalog.ts';
import { scheduleRetention, warmReports, type RetentionDeps } from './retention.ts';
import { createReportService } from './service.ts';

function tenant(id: string, patch: Partial<Tenant> = {}): Tenant {
  return { id, name: id, edition: 'premium', rms: true, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z', optedInAt: '2026-01-02T00:00:00.000Z', ...patch };
}

const NONE: PurgeCounts = { signins: 0, events: 0, detections: 0 };

/** A store stand-in recording what the job asked of it; `fail` names tenants (or 'purge') whose call throws. */
function fakeDeps(tenants: Tenant[], fail: ReadonlySet<string> = new Set()) {
  const calls: string[] = [];
  const deps: RetentionDeps = {
    control: { listTenants: () => Promise.resolve(tenants) },
    queries: {
      purgeBefore(t) {
        calls.push(`purge ${t}`);
        return fail.has('purge') ? Promise.reject(new Error('disk full')) : Promise.resolve(NONE);
      },
      warm(t) {
        calls.push(`warm ${t}`);
        return fail.has(t) ? Promise.reject(new Error(`no ${t}`)) : Promise.resolve();
      },
    },
  };
  return { deps, calls };
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('warmReports', () => {
  it('warms each opted-in tenant; one failing is reported and the next is still warmed', async () => {
    const { deps, calls } = fakeDeps([tenant('a'), tenant('off', { optedInAt: undefined }), tenant('bad'), tenant('c')], new Set(['bad']));
    const errors: string[] = [];
    const warmed = await warmReports(deps, new Date(FIXTURE_NOW), { onError: (err, task) => errors.push(`${task}: ${(err as Error).message}`) });
    expect(warmed).toEqual(['a', 'c']);
    expect(calls).toEqual(['warm a', 'warm bad', 'warm c']);
    expect(errors).toEqual(['warming reports of tenant bad: no bad']);
  });

  it('does nothing for a store without warm, and stops between tenants when asked', async () => {
    const bare: RetentionDeps = { control: { listTenants: () => Promise.resolve([tenant('a')]) }, queries: { purgeBefore: () => Promise.resolve(NONE) } };
    expect(await warmReports(bare, new Date())).toEqual([]);
    const { deps, calls } = fakeDeps([tenant('a'), tenant('b')]);
    expect(await warmReports(deps, new Date(), { stopped: () => calls.length > 0 })).toEqual(['a']);
  });
});

describe('scheduleRetention', () => {
  it('warms at once without purging when told to, and settles', async () => {
    const { deps, calls } = fakeDeps([tenant('a')]);
    const job = scheduleRetention(deps, { warmNow: true, everyMs: 3_600_000 });
    await job.settled();
    expect(calls).toEqual(['warm a']);
    await job.stop();
  });

  it('runs the purge then the warming every period, and goes on after both fail', async () => {
    const { deps, calls } = fakeDeps([tenant('a'), tenant('b')], new Set(['purge', 'a']));
    const errors: string[] = [];
    const job = scheduleRetention(deps, { everyMs: 10, onError: (_err, task) => errors.push(task) });
    await until(() => calls.filter((c) => c === 'warm b').length >= 3);
    await job.stop();
    const after = calls.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(calls.length).toBe(after);
    expect(calls.slice(0, 5)).toEqual(['purge a', 'warm a', 'warm b', 'purge a', 'warm a']);
    expect(errors.slice(0, 4)).toEqual(['retention purge', 'warming reports of tenant a', 'retention purge', 'warming reports of tenant a']);
  });

  it('never overlaps runs, and stop waits for the run in flight', async () => {
    let release: () => void = () => undefined;
    let inFlight = 0;
    let most = 0;
    const deps: RetentionDeps = {
      control: { listTenants: () => Promise.resolve([tenant('a')]) },
      queries: {
        purgeBefore: () => Promise.resolve(NONE),
        async warm() {
          most = Math.max(most, ++inFlight);
          await new Promise<void>((r) => (release = r));
          inFlight--;
        },
      },
    };
    const job = scheduleRetention(deps, { everyMs: 5, warmNow: true });
    await new Promise((r) => setTimeout(r, 40));
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(most).toBe(1);
    expect(inFlight).toBe(0);
  });
});

describe('warming the DuckDB store', () => {
  let store: DuckDbStore;
  beforeEach(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  /** What a report run could have built: the rollup days (with their build time), per-user copies and flagged sign-ins. */
  async function builtState(t: string): Promise<string> {
    const days = await store.db.all<{ day: string; at: string }>(
      `SELECT CAST(day AS VARCHAR) AS day, CAST(built_at AS VARCHAR) AS at FROM report_usage_days WHERE tenant = $t ORDER BY day`,
      { t },
    );
    const counts = await store.db.one<{ u: number; f: number; r: number }>(
      `SELECT (SELECT count(*) FROM report_user_signins WHERE tenant = $t) AS u,
              (SELECT count(*) FROM report_flagged_signins WHERE tenant = $t) AS f,
              (SELECT count(*) FROM report_rms_daily WHERE tenant = $t) AS r`,
      { t },
    );
    return JSON.stringify({ days, counts });
  }

  it('builds the month for opted-in tenants only; then no report run at 24h, 7d or 30d builds anything', async () => {
    await store.control.createTenant(tenant('t1'));
    await store.control.createTenant(tenant('off', { optedInAt: undefined }));
    // Sign-ins on most days of the month, besides the fixture's events and detections.
    const spread = Array.from({ length: 60 }, (_, i) =>
      signIn({ id: `m${i}`, createdDateTime: new Date(Date.parse(FIXTURE_NOW) - (i * 11 + 5) * 3_600_000).toISOString(), userPrincipalName: `u${i % 7}@contoso.example` }),
    );
    for (const t of ['t1', 'off']) {
      await store.events.appendEvents(t, [...FIXTURE_SIGNINS, ...FIXTURE_EVENTS, ...spread]);
      await store.detections.appendDetections(t, FIXTURE_DETECTIONS);
    }
    const deps = { queries: store.reports, control: store.control };
    expect(await warmReports(deps, new Date(FIXTURE_NOW))).toEqual(['t1']);
    const warmed = await builtState('t1');
    expect(JSON.parse(warmed).days).toHaveLength(31);
    expect(JSON.parse(await builtState('off')).days).toHaveLength(0);

    const service = createReportService({ queries: store.reports, control: store.control, now: () => new Date(FIXTURE_NOW) });
    for (const def of REPORT_CATALOG) {
      for (const interval of ['24h', '7d', '30d']) {
        const filters = def.requiresUser ? { user: 'alice@contoso.example' } : def.requiresApp ? { app: 'Outlook' } : {};
        const v = await service.view({ tenant: 't1', report: def.id, interval, filters }, { portal: true });
        expect(v.ok, `${def.id} ${interval}`).toBe(true);
      }
    }
    expect(await builtState('t1')).toBe(warmed);
    // A second warm with nothing new changes nothing either.
    await warmReports(deps, new Date(FIXTURE_NOW));
    expect(await builtState('t1')).toBe(warmed);
  });
});
