import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { openIpListCatalog } from './catalog.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-lists-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bumpMtime(file: string): Promise<void> {
  // Some filesystems keep mtimes at 1 s granularity: move it clearly forward.
  const t = new Date(Date.now() + 5000);
  await utimes(file, t, t);
}

describe('IpListCatalog', () => {
  it('add stores the text and an index entry; a second catalog loads it at start', async () => {
    const src = path.join(dir, 'src.txt');
    await writeFile(src, '# x\n1.2.3.4\n2001:db8::/32\nbad\n');
    const writer = openIpListCatalog({ dataDir: dir, now: () => new Date('2026-01-02T03:04:05.000Z') });
    const { entry, parsed } = await writer.add({ scope: { tenant: 'acme' }, name: 'corp', category: 'trusted', source: src });
    expect(entry).toEqual({
      name: 'corp',
      scope: { tenant: 'acme' },
      category: 'trusted',
      format: 'plain',
      source: src,
      file: path.join('tenants', 'acme', 'corp.txt'),
      loadedAt: '2026-01-02T03:04:05.000Z',
      counts: { entries: 2, v4: 1, v6: 1, rejected: 1 },
    });
    expect(parsed.rejected).toEqual([{ line: 4, reason: 'not an IP address: bad' }]);
    expect(await readFile(path.join(dir, 'lists', 'tenants', 'acme', 'corp.txt'), 'utf8')).toContain('1.2.3.4');

    const reader = openIpListCatalog({ dataDir: dir });
    expect(await reader.reload()).toEqual({ loaded: ['acme/corp'], removed: [], failed: [] });
    expect(reader.registry.lookup('acme', '1.2.3.4')).toEqual([{ list: 'corp', category: 'trusted' }]);
    expect(reader.registry.lookup('other', '1.2.3.4')).toEqual([]);
    // Nothing changed: nothing reparsed.
    expect(await reader.reload()).toEqual({ loaded: [], removed: [], failed: [] });
  });

  it('reload picks up a changed file and a removed list without restart', async () => {
    const src = path.join(dir, 'src.txt');
    await writeFile(src, '1.2.3.4\n');
    const writer = openIpListCatalog({ dataDir: dir });
    await writer.add({ scope: 'global', name: 'tor', category: 'anonymizer', source: src });
    const server = openIpListCatalog({ dataDir: dir });
    await server.reload();
    expect(server.registry.lookup('t', '5.6.7.8')).toEqual([]);

    const stored = path.join(dir, 'lists', 'global', 'tor.txt');
    await writeFile(stored, '5.6.7.8\n');
    await bumpMtime(stored);
    expect((await server.reload()).loaded).toEqual(['global/tor']);
    expect(server.registry.lookup('t', '5.6.7.8')).toEqual([{ list: 'tor', category: 'anonymizer' }]);
    expect(server.registry.lookup('t', '1.2.3.4')).toEqual([]);

    expect(await writer.remove('global', 'tor')).toBe(true);
    expect((await server.reload()).removed).toEqual(['global/tor']);
    expect(server.registry.lookup('t', '5.6.7.8')).toEqual([]);
  });

  it('polling reloads on its own', async () => {
    const src = path.join(dir, 'src.txt');
    await writeFile(src, '7.7.7.7\n');
    const server = openIpListCatalog({ dataDir: dir });
    await server.reload();
    const reloaded = new Promise<void>((resolve) => server.startPolling(0.05, (s) => s.loaded.length > 0 && resolve()));
    await openIpListCatalog({ dataDir: dir }).add({ scope: 'global', name: 'x', category: 'malicious', source: src });
    await reloaded;
    server.close();
    expect(server.registry.lookup('t', '7.7.7.7')).toEqual([{ list: 'x', category: 'malicious' }]);
  });

  it('a broken stored file keeps the previous version and reports the failure', async () => {
    const src = path.join(dir, 'src.txt');
    await writeFile(src, '1.2.3.4\n');
    const c = openIpListCatalog({ dataDir: dir });
    await c.add({ scope: 'global', name: 'x', category: 'botnet', source: src });
    await c.reload();
    await rm(path.join(dir, 'lists', 'global', 'x.txt'));
    const s = await c.reload();
    expect(s.failed.map((f) => f.list)).toEqual(['global/x']);
    expect(c.registry.lookup('t', '1.2.3.4')).toEqual([{ list: 'x', category: 'botnet' }]);
  });

  it('concurrent writers (two processes adding at once) do not lose index entries', async () => {
    const src = path.join(dir, 'src.txt');
    await writeFile(src, '1.2.3.4\n');
    const names = Array.from({ length: 8 }, (_, i) => `l${i}`);
    // Separate catalog objects share nothing in memory, like separate CLI processes.
    await Promise.all(names.map((name) => openIpListCatalog({ dataDir: dir }).add({ scope: 'global', name, category: 'botnet', source: src })));
    expect((await openIpListCatalog({ dataDir: dir }).entries()).map((e) => e.name).sort()).toEqual(names);
  });

  it('refuses bad names and a missing file, and leaves the index untouched', async () => {
    const c = openIpListCatalog({ dataDir: dir });
    await expect(c.add({ scope: 'global', name: '../evil', category: 'botnet', source: '/dev/null' })).rejects.toThrow(/list name/);
    await expect(c.add({ scope: 'global', name: 'ok', category: 'botnet', source: path.join(dir, 'nope') })).rejects.toThrow(/ENOENT/);
    expect(await c.entries()).toEqual([]);
  });

  it('a source without a single address (a wrong file, an error page) leaves the list in force as it was', async () => {
    const c = openIpListCatalog({ dataDir: dir });
    const good = path.join(dir, 'good.txt');
    const bad = path.join(dir, 'bad.txt');
    await writeFile(good, '192.0.2.1\n# a comment\n2001:db8::/32\n');
    await writeFile(bad, 'Tue Feb 27 09:27:52 IST 2024\n<html>nope</html>\n');
    await c.add({ scope: 'global', name: 'tor', category: 'anonymizer', source: good });
    await expect(c.add({ scope: 'global', name: 'tor', category: 'anonymizer', source: bad })).rejects.toThrow(
      /^no address or network found in .*bad\.txt \(2 lines rejected; line 1: .+\); list 'tor' was not changed$/,
    );
    expect((await c.entries()).map((e) => [e.name, e.counts.entries, e.source])).toEqual([['tor', 2, good]]);
    // An empty file is an empty list, not an error.
    await writeFile(bad, '# nothing listed today\n');
    expect((await c.add({ scope: 'global', name: 'tor', category: 'anonymizer', source: bad })).entry.counts.entries).toBe(0);
  });

  describe('URL sources', () => {
    let server: Server;
    let body = '1.1.1.1\n';
    let base = '';
    beforeEach(async () => {
      server = createServer((req, res) => {
        if (req.url === '/list.txt') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(body);
        } else {
          res.writeHead(404);
          res.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('fetches a list by URL and refreshes it from the source', async () => {
      const c = openIpListCatalog({ dataDir: dir });
      const { entry } = await c.add({ scope: 'global', name: 'web', category: 'malicious', source: `${base}/list.txt` });
      expect([entry.source, entry.counts.entries]).toEqual([`${base}/list.txt`, 1]);
      expect(c.registry.lookup('t', '1.1.1.1')).toHaveLength(1);
      body = '2.2.2.2\n3.3.3.3\n';
      expect(await c.refreshSources()).toEqual({ loaded: ['global/web'], removed: [], failed: [] });
      expect(c.registry.lookup('t', '1.1.1.1')).toEqual([]);
      expect(c.registry.lookup('t', '3.3.3.3')).toEqual([{ list: 'web', category: 'malicious' }]);
      expect((await c.entries())[0]?.counts.entries).toBe(2);
    });

    it('an HTTP error is an error, not an empty list', async () => {
      const c = openIpListCatalog({ dataDir: dir });
      await expect(c.add({ scope: 'global', name: 'web', category: 'malicious', source: `${base}/missing` })).rejects.toThrow(/HTTP 404/);
      expect(await c.entries()).toEqual([]);
    });
  });
});
