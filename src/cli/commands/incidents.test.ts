import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { incidentId } from '../../detect/incidents/correlate.ts';
import type { Detection } from '../../schema/detections.ts';
import { openDuckDbStore } from '../../store/duckdb/open.ts';
import { runCliCaptured } from '../main.ts';

// Incidents need only the store: skip the GeoIP databases the full runtime loads.
vi.mock('../runtime.ts', async () => (await import('../../../test/helpers/cli-store-runtime.ts')).storeOnlyRuntimeModule());
vi.mock('../../app.ts', () => ({}));

// The command reads the last days before now: the fixture is yesterday.
const DAY_AGO = Date.now() - 86_400_000;
const at = (minutes: number): string => new Date(DAY_AGO + minutes * 60_000).toISOString();
const d4 = (id: string, minutes: number, upn: string, outcome: string): Detection => ({
  id,
  detector: 'D4',
  severity: outcome === 'success' ? 'high' : 'medium',
  detectedDateTime: at(minutes),
  signInId: `s-${id}`,
  userPrincipalName: upn,
  ipAddress: '203.0.113.7',
  evidence: { outcome, reason: 'passwordSpray', distinctUsersFailed: 12 },
  logOnly: false,
});
const ID = incidentId('x-1');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-incidents-cli-'));
  const store = await openDuckDbStore({ dataDir: dir });
  const base = { rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z', optedInAt: '2026-01-02T00:00:00.000Z' };
  await store.control.createTenant({ id: 't1', name: 't1', edition: 'premium', ...base });
  await store.control.createTenant({ id: 'free', name: 'free', edition: 'free', ...base });
  await store.control.createTenant({ id: 'quiet', name: 'quiet', edition: 'premium', rms: false, retentionDays: 30, createdAt: base.createdAt });
  await store.detections.appendDetections('t1', [d4('x-1', 0, 'ann@contoso.example', 'credentialFailure'), d4('x-2', 1, 'bob@contoso.example', 'credentialFailure'), d4('x-3', 4, 'vic@contoso.example', 'success')]);
  await store.events.appendEvents('t1', [
    {
      kind: 'directoryAudit',
      id: 'au-1',
      activityDateTime: at(30),
      category: 'UserManagement',
      activityDisplayName: 'User registered security info',
      result: 'success',
      initiatedBy: { user: { userPrincipalName: 'vic@contoso.example' } },
      targetResources: [],
      additionalDetails: [],
    },
  ]);
  await store.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(...argv: string[]) {
  return runCliCaptured(['--data-dir', dir, ...argv]);
}

describe('authlens incidents', () => {
  it('lists the incidents as a table, and as JSON in the API\'s shape', async () => {
    const table = await cli('incidents', '--tenant', 't1');
    expect(table.exitCode).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+severity\s+status\s+lastActivity\s+detections\s+title$/);
    expect(table.stdout).toContain(`${ID}  high`);
    expect(table.stdout).toMatch(/1 incident from .* \(--id ID shows one in full\)\n$/);

    const json = await cli('--json', 'incidents', '--tenant', 't1');
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        id: ID,
        title: 'Password spray from 203.0.113.7 against 12 users; vic@contoso.example signed in, then 1 directory change',
        severity: 'high',
        status: 'new',
        detectionCount: 3,
        directoryChanges: 1,
        timelineEntries: 3,
      }),
    ]);
    expect(JSON.parse((await cli('--json', 'incidents', '--tenant', 't1', '--status', 'resolved')).stdout)).toEqual([]);
    // 24h, as `report --interval` takes it, is the last day: the incident's last activity (the change half an hour after the spray) is in it.
    const day = JSON.parse((await cli('--json', 'incidents', '--tenant', 't1', '--interval', '24h')).stdout) as { id: string }[];
    expect(day.map((i) => i.id)).toEqual([ID]);
  });

  it('prints one incident with its timeline', async () => {
    const r = await cli('incidents', '--tenant', 't1', '--id', ID);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').slice(4, 7)).toEqual([
      `${at(0)} .. ${at(1)}  2 failed sign-ins flagged as sign-in from an IP address with suspicious activity from 203.0.113.7, aimed at 2 users`,
      `${at(4)}  Sign-in from an IP address with suspicious activity by vic@contoso.example from 203.0.113.7`,
      `${at(30)}  User registered security info by vic@contoso.example; MFA method registered or changed after a suspicious sign-in`,
    ]);
    const missing = await cli('incidents', '--tenant', 't1', '--id', 'inc-00000000000000000000');
    expect([missing.exitCode, missing.stderr]).toEqual([1, "authlens: no incident 'inc-00000000000000000000' in the last 90d of t1\n"]);
  });

  it.each([
    [['--tenant', 'nope'], "tenant 'nope' does not exist"],
    [['--tenant', 'free'], 'incidents need the Premium edition'],
    [['--tenant', 'quiet'], 'reporting is not enabled for this directory; a global admin must opt in (authlens tenant opt-in quiet --by UPN)'],
    [['--tenant', 't1', '--interval', '91d'], '--interval must be 1d to 90d (or 24h), got "91d"'],
    [['--tenant', 't1', '--interval', '7h'], '--interval must be 1d to 90d (or 24h), got "7h"'],
    [['--tenant', 't1', '--status', 'closed'], '--status must be one of new, active, resolved, got "closed"'],
  ])('refuses %j: %s', async (args, message) => {
    const r = await cli('incidents', ...args);
    expect([r.exitCode, r.stderr]).toEqual([1, `authlens: ${message}\n`]);
  });
});
