import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config/config.ts';
import { createApiKeyService } from './directory/api-keys.ts';
import { createTenantService } from './directory/tenants.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from './schema/directory.ts';
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

  it('fills the demo\'s "Users with leaked credentials" report from the simulated leak feed', async () => {
    const { key } = await createApiKeyService(server.runtime.store.control).create('demo', 'reports-reader');
    const res = await fetch(`${server.url}/api/v1/tenants/demo/reports/users-with-leaked-credentials?interval=30d`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; rows: { userPrincipalName: string }[] };
    // SPEC 9: every report has content; the simulation writes leaks.csv beside the data and labels its D8 victims.
    const labelled = readFileSync(path.join(dataDir, 'demo', 'labels.ndjson'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"leaked-credentials"') && l.includes('"D8"'))
      .map((l) => (JSON.parse(l) as { userPrincipalName: string }).userPrincipalName.toLowerCase());
    expect(labelled.length).toBeGreaterThan(0);
    expect(body.total).toBeGreaterThan(0);
    const reported = new Set(body.rows.map((r) => r.userPrincipalName.toLowerCase()));
    for (const upn of labelled) expect(reported, upn).toContain(upn);
  });

  it('gives every tenant without portal users a first admin at start: printed one-time, or the configured password', async () => {
    expect(lines.filter((l) => /^demo: sign in to the portal as tenant "demo", user \S+@\S+, one-time password \S{27}$/.test(l))).toHaveLength(1);
    const control = server.runtime.store.control;
    await control.createTenant({ id: 'acme', name: 'Acme', edition: 'free', rms: false, retentionDays: 30, createdAt: new Date().toISOString() });
    await control.importDirectory('acme', {
      users: [{ id: 'u1', userPrincipalName: 'ga@acme.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] }],
      roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['u1'] }],
    });
    await server.close();
    lines.length = 0;
    server = await startServer(loadConfig({ dataDir, port: 0, demo: true, logLevel: 'warn', adminPassword: 'configured at install' }, {}), { log: (l) => lines.push(l) });
    // The demo keeps its admin; acme gets the directory's licensed global admin with the configured password.
    expect(lines.filter((l) => l.includes('portal'))).toEqual(['acme: portal user ga@acme.example created with the password of AUTHLENS_ADMIN_PASSWORD', expect.stringContaining('serving HTTP')]);
    const login = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'acme', upn: 'ga@acme.example', password: 'configured at install' }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ role: 'global-admin', mustChangePassword: false });
    // A restart of a demo data dir (open, migrate, warm) took over 30 s on a box shared with browser tests.
  }, 90_000);

  it('says a port is taken before it loads the demo or opens the data dir', async () => {
    const taken = new URL(server.url);
    const fresh = path.join(dataDir, 'not-created');
    await expect(
      startServer(loadConfig({ dataDir: fresh, port: Number(taken.port), demo: true, logLevel: 'warn' }, {}), { log: () => {} }),
    ).rejects.toThrow(`127.0.0.1:${taken.port} is already in use (another authlens, or another server); start on another port with --port N`);
    expect(existsSync(fresh)).toBe(false);
  });

  it("detects a quiet stream's last sign-in once it is older than the lateness, without waiting for newer traffic", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authlens-quiet-'));
    const quiet = await startServer(loadConfig({ dataDir: dir, port: 0, demo: false, logLevel: 'warn' }, { AUTHLENS_LATENESS_MS: '1000' }), {
      log: () => {},
      releaseEveryMs: 100,
    });
    try {
      const rt = quiet.runtime;
      await createTenantService(rt.store.control).create({ id: 'calm', name: 'Calm', edition: 'premium', rms: false, retentionDays: 30 });
      await rt.store.control.importDirectory('calm', {
        users: [{ id: 'u1', userPrincipalName: 'ga@calm.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] }],
        roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['u1'] }],
      });
      expect(await createTenantService(rt.store.control).optIn('calm', 'ga@calm.example')).toMatchObject({ ok: true });
      const list = path.join(dir, 'tor.txt');
      await writeFile(list, '185.220.101.1\n');
      await rt.enrichment.lists.add({ scope: { tenant: 'calm' }, name: 'tor', category: 'anonymizer', source: list });
      await rt.enrichment.lists.reload();
      const at = new Date().toISOString();
      const line = JSON.stringify({ kind: 'signIn', id: 'only-one', createdDateTime: at, userPrincipalName: 'ga@calm.example', ipAddress: '185.220.101.1', isInteractive: true, status: { errorCode: 0 }, outcome: 'success' });
      expect(await rt.ingest('calm', Readable.from([Buffer.from(`${line}\n`)]), { format: 'native' })).toMatchObject({ accepted: 1 });
      // Nothing newer ever arrives; the detection must come by the clock (lateness 1 s, released every 100 ms).
      await expect
        .poll(async () => (await rt.store.detections.listDetections('calm', { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' })).map((d) => [d.detector, d.signInId]), { timeout: 10_000 })
        .toEqual([['D1', 'only-one']]);
    } finally {
      await quiet.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
