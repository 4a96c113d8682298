/**
 * The CLI as a user runs it (a child process per command, as from a terminal):
 * create a tenant, import a directory, see ingest refused before opt-in, opt
 * in, ingest good and bad records (SPEC 10 JSON and exit codes), re-send
 * (idempotent), then do the same while a server holds the data dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { startServer, type RunningServer } from '../../src/main.ts';
import { runCliCaptured } from '../../src/cli/main.ts';
import { INPUT_FORMATS } from '../../src/schema/ingest.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/authlens.mjs');
let dir: string;
let dataDir: string;

function authlens(args: readonly string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, AUTHLENS_LOG_LEVEL: 'warn' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const directory = {
  users: [
    { id: 'u1', userPrincipalName: 'admin@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['sku-e5'] },
    { id: 'u2', userPrincipalName: 'alice@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
  ],
  groups: [],
  applications: [],
  roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', memberIds: ['u1'] }],
};

// Two days ago at a whole hour: inside the default 30-day retention whenever the suite runs.
const BASE_MS = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;

function signIn(id: string, minute: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'signIn',
    id,
    createdDateTime: new Date(BASE_MS + minute * 60_000).toISOString(),
    userPrincipalName: 'alice@contoso.example',
    ipAddress: '81.2.69.160',
    isInteractive: true,
    status: { errorCode: 0 },
    outcome: 'success',
    ...extra,
  });
}

/** Async twin of authlens(): the server under test lives in this process, so the parent must keep serving. */
function authlensAsync(args: readonly string[], input?: Buffer, cwd = dir): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
      cwd,
      env: { ...process.env, AUTHLENS_LOG_LEVEL: 'warn' },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-cli-'));
  dataDir = path.join(dir, 'data');
  await writeFile(path.join(dir, 'directory.json'), JSON.stringify(directory));
  await writeFile(
    path.join(dir, 'events.ndjson'),
    [signIn('s1', 1), signIn('s2', 2), signIn('s3', 3, { ipAddress: '123.456.7.89' }), '{not json', signIn('s4', 4)].join('\n') + '\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('authlens CLI, no server', () => {
  it('creates a tenant, imports its directory and refuses ingest before opt-in', () => {
    expect(authlens(['tenant', 'create', 'contoso', '--edition', 'premium']).code).toBe(0);
    const imp = authlens(['directory', 'import', '--tenant', 'contoso', 'directory.json']);
    expect(imp.code, imp.stderr).toBe(0);
    const refused = authlens(['ingest', '--tenant', 'contoso', 'events.ndjson']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('reporting is not enabled for this directory; a global admin must opt in');
  });

  it('lets only a global admin opt in', () => {
    const wrong = authlens(['tenant', 'opt-in', 'contoso', '--by', 'alice@contoso.example']);
    expect(wrong.code).toBe(1);
    expect(authlens(['tenant', 'opt-in', 'contoso', '--by', 'admin@contoso.example']).code).toBe(0);
  });

  it('ingests, keeps good records beside bad ones, and prints SPEC 10 JSON with exit code 2', () => {
    const r = authlens(['--json', 'ingest', '--tenant', 'contoso', 'events.ndjson']);
    expect(r.code, r.stderr).toBe(2);
    const summary = JSON.parse(r.stdout) as { accepted: number; duplicates: number; rejected: { line: number; field: string; reason: string }[] };
    expect(summary.accepted).toBe(3);
    expect(summary.duplicates).toBe(0);
    expect(summary.rejected.map((x) => [x.line, x.field])).toEqual([
      [3, '/ipAddress'],
      [4, ''],
    ]);
    for (const x of summary.rejected) expect(x.reason).toMatch(/\S/);
  });

  it('re-sending changes nothing; stdin works with "-"', () => {
    const again = authlens(['--json', 'ingest', '--tenant', 'contoso', '-'], `${signIn('s1', 1)}\n${signIn('s5', 5)}\n`);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
  });

  it('refuses events older than the tenant\'s retention, naming it, and keeps the recent ones', () => {
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const r = authlens(['--json', 'ingest', '--tenant', 'contoso', '-'], `${signIn('old-1', 0, { createdDateTime: old })}\n${signIn('s6', 6)}\n`);
    expect(r.code, r.stderr).toBe(2);
    const summary = JSON.parse(r.stdout) as { accepted: number; rejected: { line: number; field: string; reason: string }[] };
    expect(summary.accepted).toBe(1);
    expect(summary.rejected).toHaveLength(1);
    expect(summary.rejected[0]).toMatchObject({ line: 1, field: '/createdDateTime' });
    expect(summary.rejected[0]?.reason).toMatch(/^older than tenant contoso's retention of 30 days \(before \d{4}-.*Z\), so it would be purged/);
  });

  it('keeps those events once the operator raises the retention with tenant set', () => {
    const set = authlens(['tenant', 'set', 'contoso', '--retention-days', '90']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^updated contoso\t.*retention 90d/);
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const r = authlens(['--json', 'ingest', '--tenant', 'contoso', '-'], `${signIn('old-1', 0, { createdDateTime: old })}\n`);
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, { accepted: 1, duplicates: 0, rejected: [] }]);
    const nothing = authlens(['tenant', 'set', 'contoso']);
    expect([nothing.code, nothing.stderr.trim()]).toEqual([1, 'authlens: nothing to change: give --name, --edition, --rms/--no-rms or --retention-days']);
    const shorter = authlens(['tenant', 'set', 'contoso', '--retention-days', '30', '--no-rms']);
    expect(shorter.stdout).toContain('older than 30 days are deleted at the next purge');
  });

  it('ignores a server.json left by a server that is gone, and reads standard input itself', async () => {
    // A pid that is certainly not running: a child that has exited.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;
    const info = path.join(dataDir, 'server.json');
    await writeFile(info, JSON.stringify({ url: 'http://127.0.0.1:9', pid: gone, operatorToken: 'x' }), { mode: 0o600 });
    try {
      const r = authlens(['--json', 'ingest', '--tenant', 'contoso', '-'], `${signIn('stale-1', 21)}\n`);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(JSON.parse(r.stdout)).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    } finally {
      await rm(info, { force: true });
    }
  });

  it('refuses a format that does not exist before reading, checks every file before loading any, and says when a file has no records', async () => {
    const refused = authlens(['ingest', '--tenant', 'contoso', '--format', 'splunk', 'events.ndjson']);
    expect([refused.code, refused.stderr.trim()]).toEqual([1, `authlens: --format must be one of ${INPUT_FORMATS.join(', ')}`]);
    await writeFile(path.join(dir, 'first.ndjson'), `${signIn('first-1', 31)}\n`);
    const typo = authlens(['--json', 'ingest', '--tenant', 'contoso', 'first.ndjson', 'secnod.ndjson']);
    expect([typo.code, typo.stderr.trim()]).toEqual([1, 'authlens: cannot read secnod.ndjson: no such file']);
    await writeFile(path.join(dir, 'empty.ndjson'), '');
    const r = authlens(['--json', 'ingest', '--tenant', 'contoso', 'first.ndjson', 'empty.ndjson']);
    // first-1 was not stored by the refused run above: it is new here.
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, { accepted: 1, duplicates: 0, rejected: [] }]);
    expect(r.stderr.trim()).toBe('authlens: no records in empty.ndjson');
  });

  it('takes the data dir from AUTHLENS_DATA_DIR when no --data-dir is given', () => {
    const r = spawnSync(process.execPath, [BIN, '--json', 'tenant', 'list'], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, AUTHLENS_DATA_DIR: dataDir } });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((t) => t.id)).toContain('contoso');
  });

  it('refuses to work on a folder without authlens data instead of creating an empty store there', () => {
    const elsewhere = path.join(dir, 'elsewhere');
    const r = spawnSync(process.execPath, [BIN, '--data-dir', elsewhere, 'tenant', 'list'], { cwd: dir, encoding: 'utf8' });
    expect([r.status, r.stderr.trim()]).toEqual([
      1,
      `authlens: no authlens data in ${elsewhere}: pass --data-dir (default ./data), or set one up with authlens start or authlens tenant create`,
    ]);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('says plainly when a file cannot be read, and exits 1', () => {
    const missing = authlens(['ingest', '--tenant', 'contoso', 'nope.ndjson']);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'authlens: cannot read nope.ndjson: no such file']);
    const dir = authlens(['ingest', '--tenant', 'contoso', '.']);
    expect([dir.code, dir.stderr.trim()]).toEqual([1, 'authlens: cannot read .: it is a directory; give a file']);
  });
});

describe('authlens CLI while a server holds the data dir', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(loadConfig({ dataDir, port: 0, demo: false, logLevel: 'warn' }, {}), { log: () => {}, runCli: runCliCaptured });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('runs ingest and keys through the server instead of failing on the database lock', async () => {
    const r = await authlensAsync(['--json', 'ingest', '--tenant', 'contoso', 'events.ndjson']);
    expect(r.code, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: 0, duplicates: 3 });

    const k = await authlensAsync(['--json', 'keys', 'create', '--tenant', 'contoso', '--role', 'reports-reader']);
    expect(k.code, k.stderr).toBe(0);
    const key = JSON.parse(k.stdout) as Record<string, string>;
    expect(Object.keys(key).sort()).toEqual(['id', 'key', 'role', 'tenant']);
    expect(key).toMatchObject({ role: 'reports-reader', tenant: 'contoso' });
  });

  it('forwards gzip on standard input as bytes, streamed', async () => {
    const body = gzipSync(Buffer.from(`${signIn('gz-1', 11)}\n${signIn('gz-2', 12)}\n${signIn('s1', 1)}\n`));
    const r = await authlensAsync(['--json', 'ingest', '--tenant', 'contoso', '-'], body);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
  });

  it('reads and writes relative paths from the user\'s working directory and names them as typed', async () => {
    const sub = path.join(dir, 'sub');
    await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, 'bad.ndjson'), `${signIn('rel-1', 41)}\n{oops\n`);
    const r = await authlensAsync(['--json', 'ingest', '--tenant', 'contoso', 'bad.ndjson', '../first.ndjson'], undefined, sub);
    expect(r.code, r.stderr).toBe(2);
    const summary = JSON.parse(r.stdout) as { rejected: { file?: string; line: number }[] };
    expect(summary.rejected.map((x) => [x.file, x.line])).toEqual([['bad.ndjson', 2]]);
    const missing = await authlensAsync(['ingest', '--tenant', 'contoso', 'nope.ndjson'], undefined, sub);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'authlens: cannot read nope.ndjson: no such file']);
    const out = await authlensAsync(['report', 'audit', '--tenant', 'contoso', '--format', 'csv', '--out', 'audit.csv'], undefined, sub);
    expect(out.code, out.stderr).toBe(0);
    expect(existsSync(path.join(sub, 'audit.csv'))).toBe(true);
    // A missing folder for --out is one clear line, and the server lives on.
    const nowhere = await authlensAsync(['report', 'audit', '--tenant', 'contoso', '--format', 'csv', '--out', 'nodir/x.csv'], undefined, sub);
    expect([nowhere.code, nowhere.stderr.trim()]).toEqual([1, 'authlens: cannot write nodir/x.csv: no such folder']);
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBeLessThan(500);
    const onDir = await authlensAsync(['report', 'audit', '--tenant', 'contoso', '--format', 'csv', '--out', '.'], undefined, sub);
    expect([onDir.code, onDir.stderr.trim()]).toEqual([1, 'authlens: cannot write .: it is a directory; give a file name']);
    expect((await authlensAsync(['tenant', 'list'])).code).toBe(0);
  });

  it('prints a usage error exactly as a local run does, help text wrapped alike', async () => {
    const through = await authlensAsync(['ingest', 'x.ndjson']);
    const local = spawnSync(process.execPath, [BIN, '--data-dir', path.join(dir, 'no-server-here'), 'ingest', 'x.ndjson'], { cwd: dir, encoding: 'utf8' });
    expect(through.code).toBe(1);
    expect(through.stderr).toContain("required option '--tenant <id>' not specified");
    expect([through.code, through.stderr]).toEqual([local.status, local.stderr]);
  });

  it('takes a tenant id that a folder in the working directory also has as its name', async () => {
    await mkdir(path.join(dir, 'fabrikam'));
    const r = await authlensAsync(['tenant', 'create', 'fabrikam', '--edition', 'premium']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("authlens tenant opt-in fabrikam");
    const list = await authlensAsync(['--json', 'tenant', 'list']);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((t) => t.id)).toContain('fabrikam');
  });

  it('the printed key reads the tenant over HTTP and nothing of another tenant', async () => {
    const k = JSON.parse((await authlensAsync(['--json', 'keys', 'create', '--tenant', 'contoso', '--role', 'reports-reader'])).stdout) as { key: string };
    const mine = await fetch(`${server.url}/api/v1/tenants/contoso/reports/audit?interval=30d`, { headers: { authorization: `Bearer ${k.key}` } });
    expect(mine.status).toBe(200);
    const other = await fetch(`${server.url}/api/v1/tenants/demo/reports/audit?interval=30d`, { headers: { authorization: `Bearer ${k.key}` } });
    expect([403, 404]).toContain(other.status);
  });
});
