/**
 * An Okta System Log export and an Auth0 log export loaded with
 * `authlens ingest` (auto-detected, the full runtime: enrichment, store,
 * detections) show up in the reports: sign-ins in the user's activity, admin
 * changes in the audit report, Okta's given location kept.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../src/cli/main.ts';

let dir: string;
const cli = (...argv: string[]) => runCliCaptured(['--data-dir', path.join(dir, 'data'), ...argv]);

// Yesterday at a whole hour: inside the default retention whenever the suite runs.
const BASE = Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000;
const at = (minute: number) => new Date(BASE + minute * 60_000).toISOString();

const oktaEvent = (uuid: string, minute: number, over: Record<string, unknown>) => ({
  uuid,
  published: at(minute),
  eventType: 'user.session.start',
  displayMessage: 'User login to Okta',
  severity: 'INFO',
  actor: { id: '00u1', type: 'User', alternateId: 'alice@contoso.example', displayName: 'Alice' },
  client: {
    ipAddress: '81.2.69.160',
    userAgent: { rawUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0', os: 'Windows', browser: 'CHROME' },
    geographicalContext: { city: 'London', country: 'United Kingdom', geolocation: { lat: 51.5, lon: -0.12 } },
  },
  outcome: { result: 'SUCCESS' },
  transaction: { type: 'WEB', id: `tx-${uuid}` },
  ...over,
});

const auth0Log = (id: string, minute: number, type: string) => ({
  log_id: id,
  data: { date: at(minute), type, description: type === 's' ? 'Successful login' : 'Wrong email or password.', client_id: 'cl1', client_name: 'Shop', ip: '81.2.69.161', user_id: 'auth0|a1', user_name: 'alice@contoso.example' },
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-okta-auth0-'));
  await writeFile(
    path.join(dir, 'directory.json'),
    JSON.stringify({
      users: [
        { id: 'u1', userPrincipalName: 'admin@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['sku-e5'] },
        { id: 'u2', userPrincipalName: 'alice@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
      ],
      groups: [],
      applications: [],
      roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', memberIds: ['u1'] }],
    }),
  );
  const okta = [
    oktaEvent('ok-1', 1, { outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } }),
    oktaEvent('ok-2', 2, {}),
    oktaEvent('ok-3', 3, {
      eventType: 'group.user_membership.add',
      displayMessage: 'Add user to group membership',
      actor: { id: '00u9', type: 'User', alternateId: 'admin@contoso.example', displayName: 'Admin' },
      target: [{ id: '00u1', type: 'User', alternateId: 'alice@contoso.example', displayName: 'Alice' }, { id: '00g1', type: 'UserGroup', displayName: 'Finance' }],
    }),
  ];
  await writeFile(path.join(dir, 'okta.ndjson'), okta.map((e) => JSON.stringify(e)).join('\n') + '\n');
  // A Management API page is a JSON array; these are log-stream events ({log_id, data}).
  await writeFile(path.join(dir, 'auth0.json'), JSON.stringify([auth0Log('a0-1', 10, 'fp'), auth0Log('a0-2', 11, 's')], null, 2));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('authlens ingest of Okta and Auth0 exports', () => {
  it('loads both files with --format auto and shows their events in the reports', async () => {
    expect((await cli('tenant', 'create', 'contoso', '--edition', 'premium')).exitCode).toBe(0);
    expect((await cli('directory', 'import', '--tenant', 'contoso', path.join(dir, 'directory.json'))).exitCode).toBe(0);
    expect((await cli('tenant', 'opt-in', 'contoso', '--by', 'admin@contoso.example')).exitCode).toBe(0);

    const r = await cli('--json', 'ingest', '--tenant', 'contoso', path.join(dir, 'okta.ndjson'), path.join(dir, 'auth0.json'));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    const again = await cli('--json', 'ingest', '--tenant', 'contoso', '--format', 'okta', path.join(dir, 'okta.ndjson'));
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 0, duplicates: 3, rejected: [] });

    const range = ['--from', at(0), '--to', at(60)];
    const activity = await cli('report', 'user-activity', '--tenant', 'contoso', '--user', 'alice@contoso.example', '--format', 'json', ...range);
    expect(activity.exitCode, activity.stderr).toBe(0);
    const rows = JSON.parse(activity.stdout) as { signInId: string; location: string; status: string }[];
    expect(rows.map((x) => x.signInId).sort()).toEqual(['a0-1', 'a0-2', 'ok-1', 'ok-2']);
    // Okta gives the location (kept as given); Auth0's export here has none, so GeoIP fills it.
    const where = Object.fromEntries(rows.map((x) => [x.signInId, [x.status, x.location]]));
    expect(where['ok-1']).toEqual(['credentialFailure', 'London, GB']);
    expect(where['a0-1']?.[0]).toBe('credentialFailure');
    expect(where['a0-2']?.[1]).toMatch(/GB$/);

    const audit = await cli('report', 'audit', '--tenant', 'contoso', '--format', 'json', ...range);
    expect(audit.exitCode, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout)).toEqual([expect.objectContaining({ id: 'ok-3', category: 'GroupManagement' })]);
  }, 120_000);
});
