import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { runCliCaptured } from '../main.ts';

// leaks and backtest need the store and the detection stores, not GeoIP: a runtime of those alone.
vi.mock('../runtime.ts', async () => (await import('../../../test/helpers/cli-store-runtime.ts')).storeOnlyRuntimeModule());
vi.mock('../../app.ts', () => ({}));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-leaks-'));
  const { openDuckDbStore } = await import('../../store/duckdb/open.ts');
  const store = await openDuckDbStore({ dataDir: dir });
  await store.control.createTenant({ id: 'acme', name: 'Acme', edition: 'premium', rms: false, retentionDays: 30, createdAt: '2026-11-01T00:00:00.000Z' });
  await store.control.importDirectory('acme', {
    users: [{ id: 'u1', userPrincipalName: 'Bob@acme.example', userType: 'member', accountEnabled: true, assignedLicenses: [] }],
  });
  await store.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(...argv: string[]) {
  return runCliCaptured(['--data-dir', dir, ...argv]);
}

describe('authlens leaks import', () => {
  it('stores the feed, raises D8 for directory users, rejects bad rows with line and reason (exit 2), and is idempotent', async () => {
    const file = path.join(dir, 'feed.csv');
    await writeFile(file, 'email,password,source\nbob@acme.example,hunter2,combo\n,x,combo\nstranger@else.example,,combo\n');
    const first = await cli('--json', 'leaks', 'import', '--tenant', 'acme', file);
    expect(first.exitCode).toBe(2);
    expect(JSON.parse(first.stdout)).toEqual({
      accepted: 2,
      inserted: 2,
      duplicates: 0,
      matchedUsers: 1,
      detections: 1,
      rejected: [{ line: 3, field: 'email', reason: 'no account: one of email, upn, username is required' }],
    });
    const again = await cli('--json', 'leaks', 'import', '--tenant', 'acme', file);
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, duplicates: 2 });
  });

  it('refuses an unknown tenant', async () => {
    const file = path.join(dir, 'one.ndjson');
    await writeFile(file, '{"email":"bob@acme.example"}\n');
    const r = await cli('leaks', 'import', '--tenant', 'nope', file);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("tenant 'nope' does not exist");
  });
});

describe('authlens backtest', () => {
  it('reports counts as JSON and rejects bad overrides with field and reason', async () => {
    const ok = await cli('--json', 'backtest', 'D2', '--tenant', 'acme', '--set', 'minFailures=3', '--interval', '7d');
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ detector: 'D2', signInsScanned: 0, added: 0, removed: 0, unchanged: 0 });
    const bad = await cli('backtest', 'D2', '--tenant', 'acme', '--set', 'minFailures=0');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('/D2/params/minFailures');
    const interval = await cli('backtest', 'D2', '--tenant', 'acme', '--interval', 'soon');
    expect(interval.stderr).toContain('--interval must look like');
  });
});
