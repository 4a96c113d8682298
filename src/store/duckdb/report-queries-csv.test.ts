import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnrichedEvent } from '../../schema/enrichment.ts';
import type { ReportFilters, ReportId } from '../../schema/reports.ts';
import { findReport } from '../../reports/catalog.ts';
import { collect, csvChunks, csvChunksFromText } from '../../reports/export/encode.ts';
import type { ReportQueries, ReportQuerySpec } from '../ports.ts';
import { openDuckDbStore, type DuckDbStore } from './open.ts';
import { createReportQueries } from './report-queries.ts';
import { signIn } from './report-queries-fixture.ts';

const NOW = '2026-11-20T12:00:00.000Z';
const RANGE = { from: '2026-10-21T12:00:00.000Z', to: NOW };

let store: DuckDbStore;
let q: ReportQueries;

beforeEach(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  q = createReportQueries(store.db);
});
afterEach(async () => {
  await store.close();
});

function spec(report: ReportId, filters: ReportFilters = {}): ReportQuerySpec {
  return { report, range: RANGE, filters, noiseClients: [], now: NOW };
}

/** The download's bytes both ways: SQL-made lines and the JS csvLine of every streamed row. */
async function both(report: ReportId, filters: ReportFilters, limit?: number): Promise<{ sql: Buffer | undefined; js: Buffer }> {
  const def = findReport(report);
  if (def === undefined) throw new Error(report);
  const s = spec(report, filters);
  const opts = { columns: def.columns, trailer: () => 'Truncated: the end' };
  const text = await q.csvText?.('t1', s, def.columns.map((c) => c.name), limit);
  return {
    sql: text === undefined ? undefined : await collect(csvChunksFromText(text, opts)),
    js: await collect(csvChunks(q.stream('t1', s, limit), opts)),
  };
}

// Cells that a spreadsheet would run, that need quotes, and text beyond ASCII.
const nasty = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", ';', ' ', 'a', 'Z', '7', 'é', '日', '😀'), maxLength: 12 });

const auditArb = fc.record({
  min: fc.integer({ min: 1, max: 29 * 24 * 60 }),
  category: nasty,
  activity: nasty,
  result: fc.constantFrom('success' as const, 'failure' as const, 'timeout' as const),
  reason: fc.option(nasty, { nil: undefined }),
  by: nasty,
  target: fc.option(nasty, { nil: undefined }),
});

type AuditInput = typeof auditArb extends fc.Arbitrary<infer T> ? T : never;

let seq = 0;
function toAudit(a: AuditInput): EnrichedEvent {
  return {
    kind: 'directoryAudit',
    id: `a${seq++}`,
    activityDateTime: new Date(Date.parse(NOW) - a.min * 60_000).toISOString(),
    category: a.category,
    activityDisplayName: a.activity,
    result: a.result,
    ...(a.reason === undefined ? {} : { resultReason: a.reason }),
    initiatedBy: { user: { userPrincipalName: a.by } },
    targetResources: a.target === undefined ? [] : [{ id: 't', displayName: a.target }],
    additionalDetails: [],
  };
}

describe('CSV lines made by the store', () => {
  it('are byte for byte the JS csvLine output, for formula starts, quotes, line breaks and non-ASCII text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(auditArb, { minLength: 1, maxLength: 40 }), fc.option(fc.integer({ min: 0, max: 45 }), { nil: undefined }), async (audits, limit) => {
        await store.db.run(`DELETE FROM events WHERE tenant = 't1'`);
        await store.events.appendEvents('t1', audits.map(toAudit));
        const { sql, js } = await both('audit', {}, limit);
        const stored = Number((await store.db.one<{ n: number }>(`SELECT count(*) AS n FROM events WHERE tenant = 't1'`))?.n ?? 0);
        const rows = Math.min(stored, limit ?? stored);
        // Every row is there: its id starts a line (ids need no quoting).
        expect(stored).toBeGreaterThan(0);
        expect(js.toString('utf8').match(/\r\na\d+,/g)?.length ?? 0).toBe(rows);
        expect(sql).toBeDefined();
        expect(sql?.toString('utf8')).toBe(js.toString('utf8'));
        expect(sql?.equals(js)).toBe(true);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('write integers and booleans as JS does (user-activity: error codes, interactive flags)', async () => {
    await store.events.appendEvents('t1', [
      signIn({ id: 's1', createdDateTime: '2026-11-19T10:00:00.000Z', userPrincipalName: 'ann@contoso.example', appDisplayName: '=cmd|calc' }),
      signIn({ id: 's2', createdDateTime: '2026-11-19T11:00:00.000Z', userPrincipalName: 'ann@contoso.example', status: { errorCode: 50126 }, outcome: 'credentialFailure' }),
    ]);
    const { sql, js } = await both('user-activity', { user: 'ann@contoso.example' });
    expect(sql).toBeDefined();
    expect(sql?.equals(js)).toBe(true);
    expect(js.toString('utf8')).toContain("'=cmd|calc");
  });

  it('leave reports with non-integer numbers to the JS path (DuckDB and JS print doubles differently)', async () => {
    await store.events.appendEvents('t1', [signIn({ id: 's1', createdDateTime: '2026-11-19T10:00:00.000Z', userPrincipalName: 'ann@contoso.example' })]);
    const def = findReport('user-devices');
    const text = await q.csvText?.('t1', spec('user-devices', { user: 'ann@contoso.example' }), def?.columns.map((c) => c.name) ?? []);
    expect(text).toBeUndefined();
  });
});
