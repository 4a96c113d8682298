/**
 * `authlens ingest` as a user runs it, on a Keycloak server log, Keycloak
 * Admin REST API events and an OCSF file, with --format auto and the named
 * formats: the events land in the store (the audit report shows them),
 * rejections come with line, field and reason, re-sending changes nothing.
 * Times are two days ago, inside the default retention whenever the suite runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../bin/authlens.mjs');
let dir: string;
let dataDir: string;

interface Summary {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly { readonly line: number; readonly field: string; readonly reason: string }[];
}

function authlens(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, AUTHLENS_LOG_LEVEL: 'warn' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const BASE_MS = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
const at = (minute: number): number => BASE_MS + minute * 60_000;
/** Quarkus' default log time, `yyyy-MM-dd HH:mm:ss,SSS` (UTC here). */
const logTime = (minute: number): string => new Date(at(minute)).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);

const serverLog = [
  `${logTime(0)} INFO  [io.quarkus] (main) Keycloak 24.0.3 on JVM started in 9.6s. Listening on: http://0.0.0.0:8080`,
  ...[1, 2, 3].map(
    (m) =>
      `${logTime(m)} WARN  [org.keycloak.events] (executor-thread-1) type="LOGIN_ERROR", realmId="acme", clientId="portal", userId="null", ipAddress="198.51.100.23", error="user_not_found", username="guess${m}"`,
  ),
  `${logTime(4)} INFO  [org.keycloak.events] (executor-thread-2) type=LOGIN, realmId=acme, clientId=portal, userId=u-bob, ipAddress=198.51.100.23, auth_method=openid-connect, username=bob@contoso.example`,
  `${logTime(5)} WARN  [org.keycloak.events] (executor-thread-2) type=LOGIN_ERROR, realmId=acme, clientId=portal, userId=null, ipAddress=198.51.100.23, error=invalid_redirect_uri, redirect_uri=http://evil.example`,
].join('\n');

const apiEvents = [
  { id: 'kc-api-1', time: at(10), type: 'LOGIN', realmId: 'acme', clientId: 'portal', userId: 'u-alice', ipAddress: '203.0.113.7', details: { username: 'alice@contoso.example' } },
  { id: 'kc-api-2', time: at(11), realmId: 'acme', authDetails: { realmId: 'master', clientId: 'security-admin-console', userId: 'u-admin', ipAddress: '192.0.2.10' }, operationType: 'CREATE', resourceType: 'USER', resourcePath: 'users/u-dave' },
];

const ocsf = [
  { class_uid: 3002, category_uid: 3, activity_id: 1, time: at(20), status_id: 2, status_detail: 'Invalid password', user: { email_addr: 'carol@contoso.example' }, src_endpoint: { ip: '198.51.100.99' }, metadata: { uid: 'ocsf-1' } },
  { class_uid: 3002, category_uid: 3, activity_id: 2, time: at(21), status_id: 1, user: { email_addr: 'carol@contoso.example' }, metadata: { uid: 'ocsf-2' } },
  { class_uid: 3001, category_uid: 3, activity_id: 4, time: at(22), status_id: 1, actor: { user: { email_addr: 'admin@contoso.example' } }, user: { email_addr: 'carol@contoso.example' }, metadata: { uid: 'ocsf-3' } },
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-kc-ocsf-'));
  dataDir = path.join(dir, 'data');
  await writeFile(path.join(dir, 'server.log'), `${serverLog}\n`);
  await writeFile(path.join(dir, 'keycloak-events.json'), JSON.stringify(apiEvents, null, 2));
  await writeFile(path.join(dir, 'ocsf.ndjson'), ocsf.map((e) => JSON.stringify(e)).join('\n'));
  const directory = {
    users: [{ id: 'u1', userPrincipalName: 'admin@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['sku-e5'] }],
    groups: [],
    applications: [],
    roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', memberIds: ['u1'] }],
  };
  await writeFile(path.join(dir, 'directory.json'), JSON.stringify(directory));
  expect(authlens(['tenant', 'create', 'acme', '--edition', 'premium']).code).toBe(0);
  expect(authlens(['directory', 'import', '--tenant', 'acme', 'directory.json']).code).toBe(0);
  expect(authlens(['tenant', 'opt-in', 'acme', '--by', 'admin@contoso.example']).code).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('authlens ingest: Keycloak and OCSF files', () => {
  it('loads a Keycloak server log with --format auto: event lines kept, the server line skipped, a user-less event rejected', () => {
    const r = authlens(['--json', 'ingest', '--tenant', 'acme', 'server.log']);
    expect(r.code, r.stderr).toBe(2);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.accepted).toBe(4);
    expect(s.rejected).toEqual([{ line: 6, field: '/username', reason: expect.stringContaining('no user') }]);
  });

  it('loads Keycloak API events and an OCSF file in one command with the named formats', () => {
    const kc = authlens(['--json', 'ingest', '--tenant', 'acme', '--format', 'keycloak', 'keycloak-events.json']);
    expect(kc.code, kc.stderr).toBe(0);
    expect(JSON.parse(kc.stdout)).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const o = authlens(['--json', 'ingest', '--tenant', 'acme', '--format', 'ocsf', 'ocsf.ndjson']);
    expect(o.code, o.stderr).toBe(2);
    expect(JSON.parse(o.stdout)).toEqual({ accepted: 2, duplicates: 0, rejected: [{ line: 2, field: '/activity_id', reason: expect.stringContaining('Logoff is not a sign-in') }] });
  });

  it('re-sending the files changes nothing, the log included (its events carry no id of their own)', () => {
    const r = authlens(['--json', 'ingest', '--tenant', 'acme', 'server.log', 'keycloak-events.json', 'ocsf.ndjson']);
    const s = JSON.parse(r.stdout) as Summary;
    expect([s.accepted, s.duplicates, s.rejected.length]).toEqual([0, 8, 2]);
  });

  it('shows the admin event and the OCSF password reset in the audit report', () => {
    const r = authlens(['--json', 'report', 'audit', '--tenant', 'acme', '--interval', '7d', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Create user');
    expect(r.stdout).toContain('Reset password');
  });
});
