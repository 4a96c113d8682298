import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config/config.ts';
import { createApiKeyService } from './directory/api-keys.ts';
import { startServer, type RunningServer } from './main.ts';

let dataDir: string;
let server: RunningServer;
const lines: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'authlens-main-'));
  server = await startServer(loadConfig({ dataDir, port: 0, demo: true, logLevel: 'warn' }, {}), {
    log: (l) => lines.push(l),
    demo: { users: 50, days: 7, seed: 3 },
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** The closed days the demo tenant's report rollups hold, with when each was built. */
async function builtDays(): Promise<string> {
  const rows = await server.runtime.store.db.all<{ day: string; at: string }>(
    `SELECT CAST(day AS VARCHAR) AS day, CAST(built_at AS VARCHAR) AS at FROM report_usage_days WHERE tenant = 'demo' ORDER BY day`,
  );
  return JSON.stringify(rows);
}

describe('server start', () => {
  it('warms the demo tenant in the background; a 30-day report afterwards builds nothing', async () => {
    await server.reportsWarmed;
    expect(lines.filter((l) => l.includes('failed'))).toEqual([]);
    const before = await builtDays();
    expect(JSON.parse(before)).toHaveLength(31);
    const { key } = await createApiKeyService(server.runtime.store.control).create('demo', 'reports-reader');
    for (const report of ['application-usage', 'rms-usage', 'audit']) {
      const res = await fetch(`${server.url}/api/v1/tenants/demo/reports/${report}?interval=30d`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status, report).toBe(200);
    }
    expect(await builtDays()).toBe(before);
  });
});
