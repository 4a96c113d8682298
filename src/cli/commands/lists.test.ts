import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { runCliCaptured } from '../main.ts';
import { openIpListCatalog } from '../../enrich/ip-lists/catalog.ts';
import type { Runtime } from '../../app.ts';
import { withSharedRuntime } from '../runtime.ts';

// The composition root loads GeoIP and ASN data at import; lists never needs them.
vi.mock('../../app.ts', () => ({}));

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-lists-cli-'));
  file = path.join(dir, 'drop.txt');
  await writeFile(file, '; Spamhaus DROP\n1.10.16.0/20 ; SBL256894\n2a06:e480::/29 ; SBL301771\nnot-an-ip ; SBL1\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(...argv: string[]) {
  return runCliCaptured(['--data-dir', dir, ...argv]);
}

describe('authlens lists', () => {
  it('add --json reports counts and rejected lines, exits 2 when lines were rejected', async () => {
    const r = await cli('--json', 'lists', 'add', '--global', '--category', 'malicious', '--name', 'drop', file);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'drop',
      scope: 'global',
      category: 'malicious',
      format: 'spamhaus-drop',
      source: file,
      entries: 2,
      v4: 1,
      v6: 1,
      skipped: 0,
      rejectedCount: 1,
      rejected: [{ line: 4, reason: 'not an IP address: not-an-ip' }],
    });
  });

  it('add prints a human summary and the list is visible to a server catalog', async () => {
    const clean = path.join(dir, 'corp.txt');
    await writeFile(clean, '192.0.2.0/24\n');
    const r = await cli('lists', 'add', '--tenant', 'acme', '--category', 'trusted', '--name', 'corp', clean);
    expect([r.exitCode, r.stdout]).toEqual([0, 'loaded corp (tenant acme, trusted, format plain): 1 entries (1 IPv4, 0 IPv6), 0 rejected\n']);
    const server = openIpListCatalog({ dataDir: dir });
    await server.reload();
    expect(server.registry.lookup('acme', '192.0.2.9')).toEqual([{ list: 'corp', category: 'trusted' }]);
    expect(server.registry.lookup('acme', '1.10.16.1')).toEqual([{ list: 'drop', category: 'malicious' }]);
    expect(server.registry.lookup('other', '192.0.2.9')).toEqual([]);
  });

  it('list and remove', async () => {
    const listed = await cli('--json', 'lists', 'list', '--tenant', 'acme');
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((e) => e.name).sort()).toEqual(['corp', 'drop']);
    expect((await cli('lists', 'remove', '--tenant', 'acme', '--name', 'corp')).stdout).toBe('removed corp\n');
    const after = await cli('--json', 'lists', 'list');
    expect((JSON.parse(after.stdout) as { name: string }[]).map((e) => e.name)).toEqual(['drop']);
  });

  it('run through a server (operator channel), add and remove are in force in its registry at once, not at its next poll', async () => {
    const served = path.join(dir, 'tor.txt');
    await writeFile(served, '185.220.101.1\n');
    const catalog = openIpListCatalog({ dataDir: dir });
    await catalog.reload();
    // The server's runtime as the operator channel shares it; lists touches only its catalog.
    const rt = { enrichment: { lists: catalog } } as unknown as Runtime;
    const added = await withSharedRuntime(rt, () => cli('lists', 'add', '--tenant', 'acme', '--category', 'anonymizer', '--name', 'tor', served));
    expect(added.exitCode).toBe(0);
    expect(catalog.registry.lookup('acme', '185.220.101.1')).toEqual([{ list: 'tor', category: 'anonymizer' }]);
    const removed = await withSharedRuntime(rt, () => cli('lists', 'remove', '--tenant', 'acme', '--name', 'tor'));
    expect(removed.stdout).toBe('removed tor\n');
    expect(catalog.registry.lookup('acme', '185.220.101.1')).toEqual([]);
  });

  it("a download that cannot connect says why, not undici's bare 'fetch failed'", async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = await cli('lists', 'add', '--global', '--category', 'botnet', '--name', 'x', `http://127.0.0.1:${port}/list.txt`);
    expect([r.exitCode, r.stderr]).toEqual([1, 'authlens: download failed: ECONNREFUSED\n']);
  });

  it.each([
    [['lists', 'add', '--category', 'malicious', '--name', 'x', 'f'], /exactly one of --tenant ID or --global/],
    [['lists', 'add', '--global', '--tenant', 'a', '--category', 'malicious', '--name', 'x', 'f'], /exactly one/],
    [['lists', 'add', '--global', '--category', 'evil', '--name', 'x', 'f'], /--category must be one of/],
    [['lists', 'add', '--tenant', 'Bad Id', '--category', 'botnet', '--name', 'x', 'f'], /invalid tenant id/],
    [['lists', 'add', '--global', '--category', 'botnet', '--name', 'x', '/nonexistent/list.txt'], /cannot read \/nonexistent\/list.txt: no such file/],
    [['lists', 'remove', '--global', '--name', 'nope'], /no list 'nope'/],
  ])('refuses %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});
