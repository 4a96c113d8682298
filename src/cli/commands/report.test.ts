import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDuckDbStore } from '../../store/duckdb/open.ts';
import { FIXTURE_DETECTIONS, FIXTURE_EVENTS, FIXTURE_SIGNINS } from '../../store/duckdb/report-queries-fixture.ts';
import { runCliCaptured } from '../main.ts';

// Reports need only the store: skip the GeoIP databases the full runtime loads.
vi.mock('../runtime.ts', async () => (await import('../../../test/helpers/cli-store-runtime.ts')).storeOnlyRuntimeModule());
vi.mock('../../app.ts', () => ({}));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-report-cli-'));
  const store = await openDuckDbStore({ dataDir: dir });
  // A long retention keeps the fixture's November 2026 inside it whenever the test runs.
  const base = { edition: 'premium' as const, rms: false, retentionDays: 36500, createdAt: '2026-01-01T00:00:00.000Z', optedInAt: '2026-01-02T00:00:00.000Z' };
  await store.control.createTenant({ id: 't1', name: 't1', ...base });
  await store.control.createTenant({ id: 'free', name: 'free', ...base, edition: 'free' });
  await store.events.appendEvents('t1', [...FIXTURE_SIGNINS, ...FIXTURE_EVENTS]);
  await store.detections.appendDetections('t1', FIXTURE_DETECTIONS);
  await store.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(...argv: string[]) {
  return runCliCaptured(['--data-dir', dir, ...argv]);
}

const RANGE = ['--from', '2026-11-17T00:00:00Z', '--to', '2026-11-21T00:00:00Z'];

describe('authlens reports / report', () => {
  it('reports --json prints exactly {id, section, title, edition} for all 24', async () => {
    const r = await cli('--json', 'reports');
    expect(r.exitCode).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, string>[];
    expect(list).toHaveLength(24);
    for (const e of list) expect(Object.keys(e)).toEqual(['id', 'section', 'title', 'edition']);
    expect(list.find((e) => e.id === 'rms-usage')).toEqual({ id: 'rms-usage', section: 'rights management', title: 'RMS usage', edition: 'rms' });
  });

  it('report --format json prints the rows', async () => {
    const r = await cli('report', 'user-activity', '--tenant', 't1', '--user', 'alice@contoso.example', '--format', 'json', ...RANGE);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { signInId: string }[]).map((x) => x.signInId)).toEqual(['s1', 's2']);
  });

  it('report --format json carries evidence as a JSON value (machine-readable), not JSON text in a string', async () => {
    const r = await cli('report', 'signins-from-unknown-sources', '--tenant', 't1', '--format', 'json', ...RANGE);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { detectionId: string; evidence: unknown }[]).map((x) => [x.detectionId, x.evidence])).toEqual([['det-d1', { list: 'tor-exits' }]]);
  });

  it('report prints a table and says how many rows', async () => {
    const r = await cli('report', 'audit', '--tenant', 't1', '--category', 'PasswordReset', ...RANGE);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^id\s+activityDateTime\s+category/);
    expect(r.stdout.split('\n')[1]).toMatch(/^a2\s+2026-11-19T12:00:00.000Z\s+PasswordReset/);
    expect(r.stderr).toBe('Audit report: 1 of 1 rows, 2026-11-17T00:00:00.000Z to 2026-11-21T00:00:00.000Z\n');
  });

  it('report --format csv --out FILE writes CSV with BOM', async () => {
    const out = path.join(dir, 'errors.csv');
    const r = await cli('report', 'account-provisioning-errors', '--tenant', 't1', '--format', 'csv', '--out', out, ...RANGE);
    expect(r.exitCode).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text.startsWith('\uFEFFid,activityDateTime,')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it.each([
    [['report', 'irregular-signin-activity', '--tenant', 'free'], 'needs the Premium edition'],
    [['report', 'nope', '--tenant', 't1'], "no report 'nope'"],
    [['report', 'user-devices', '--tenant', 't1'], 'give user (a UPN) (--user)'],
    [['report', 'audit', '--tenant', 't1', '--interval', '1y'], 'interval must be one of 24h, 7d, 30d'],
  ])('%j fails with a message', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });
});
