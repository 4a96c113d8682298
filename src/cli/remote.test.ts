import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from './main.ts';
import { absolutisePaths, relayFrames } from './remote.ts';

// A working directory holding folders named like the tenant ids and report ids used below:
// what exists locally must never turn an id into a path.
const cwd = mkdtempSync(path.join(tmpdir(), 'authlens-remote-'));
for (const d of ['bench', 'demo', 'audit', 'create']) mkdirSync(path.join(cwd, d));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const abs = (argv: string[]): string[] => absolutisePaths(argv, cwd, buildProgram());

describe('absolutisePaths: which arguments the server gets as absolute paths', () => {
  it('keeps tenant ids, report ids and option values even when a local folder has their name', () => {
    expect(abs(['tenant', 'create', 'bench', '--edition', 'premium'])).toEqual(['tenant', 'create', 'bench', '--edition', 'premium']);
    expect(abs(['tenant', 'opt-in', 'demo', '--by', 'a@b.example'])).toEqual(['tenant', 'opt-in', 'demo', '--by', 'a@b.example']);
    expect(abs(['report', 'audit', '--tenant', 'demo', '--interval', '7d'])).toEqual(['report', 'audit', '--tenant', 'demo', '--interval', '7d']);
    expect(abs(['--json', 'keys', 'create', '--tenant', 'demo', '--role', 'reports-reader'])).toEqual([
      '--json', 'keys', 'create', '--tenant', 'demo', '--role', 'reports-reader',
    ]);
  });

  it('resolves the files of ingest, directory import, leaks import and lists add, whether they exist or not', () => {
    expect(abs(['ingest', '--tenant', 'demo', 'a.ndjson', 'sub/b.csv', '-'])).toEqual([
      'ingest', '--tenant', 'demo', path.join(cwd, 'a.ndjson'), path.join(cwd, 'sub/b.csv'), '-',
    ]);
    expect(abs(['--data-dir', 'data', 'ingest', '--format', 'graph', '--tenant', 'bench', 'bench'])).toEqual([
      '--data-dir', path.join(cwd, 'data'), 'ingest', '--format', 'graph', '--tenant', 'bench', path.join(cwd, 'bench'),
    ]);
    expect(abs(['directory', 'import', '--tenant', 'demo', 'users.json', 'roles.json'])).toEqual([
      'directory', 'import', '--tenant', 'demo', path.join(cwd, 'users.json'), path.join(cwd, 'roles.json'),
    ]);
    expect(abs(['leaks', 'import', '--tenant', 'demo', 'leaks.csv'])).toEqual(['leaks', 'import', '--tenant', 'demo', path.join(cwd, 'leaks.csv')]);
    expect(abs(['lists', 'add', 'tor.txt', '--global', '--category', 'anonymizer', '--name', 'tor'])).toEqual([
      'lists', 'add', path.join(cwd, 'tor.txt'), '--global', '--category', 'anonymizer', '--name', 'tor',
    ]);
  });

  it('leaves URLs of lists add alone and resolves path options in both spellings', () => {
    expect(abs(['lists', 'add', 'https://example.org/ips.txt', '--name', 'x', '--category', 'botnet', '--global'])).toContain(
      'https://example.org/ips.txt',
    );
    expect(abs(['report', 'audit', '--tenant', 'demo', '--out', 'audit.csv'])).toEqual([
      'report', 'audit', '--tenant', 'demo', '--out', path.join(cwd, 'audit.csv'),
    ]);
    expect(abs(['--data-dir=d', 'report', 'audit', '--tenant', 'demo', '--out=o.csv'])).toEqual([
      `--data-dir=${path.join(cwd, 'd')}`, 'report', 'audit', '--tenant', 'demo', `--out=${path.join(cwd, 'o.csv')}`,
    ]);
  });

  it('never changes an id-like positional or option value, whatever its text', () => {
    const token = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.startsWith('-'));
    fc.assert(
      fc.property(token, token, (tenant, id) => {
        expect(abs(['tenant', 'create', tenant])).toEqual(['tenant', 'create', tenant]);
        expect(abs(['report', id, '--tenant', tenant])).toEqual(['report', id, '--tenant', tenant]);
        expect(abs(['keys', 'revoke', id, '--tenant', tenant])).toEqual(['keys', 'revoke', id, '--tenant', tenant]);
      }),
    );
  });

  it('turns every ingest file into the absolute path of that file', () => {
    const name = fc.stringMatching(/^[a-z0-9._][a-z0-9._/ -]{0,30}$/);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (files) => {
        const out = abs(['ingest', '--tenant', 'demo', ...files]);
        expect(out.slice(0, 3)).toEqual(['ingest', '--tenant', 'demo']);
        expect(out.slice(3)).toEqual(files.map((f) => path.resolve(cwd, f)));
      }),
    );
  });
});

describe('relayFrames: the server\'s streamed answer', () => {
  const frames = [{ stderr: '\r1,000 records' }, { stdout: 'accepted 3, duplicates 0, rejected 0\n' }, { stderr: 'ünïcode ✓\n' }, { exitCode: 2 }];
  const text = frames.map((f) => JSON.stringify(f)).join('\n') + '\n';
  const sink = (): { out: string[]; err: string[]; io: Parameters<typeof relayFrames>[1] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } };
  };
  async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncIterable<Uint8Array> {
    let at = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      yield bytes.slice(at, c);
      at = c;
    }
    yield bytes.slice(at);
  }

  it('writes each frame to its stream in order and returns the exit code, however the bytes are cut', async () => {
    const bytes = new TextEncoder().encode(text);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }), async (cuts) => {
        const s = sink();
        expect(await relayFrames(chunks(bytes, cuts), s.io)).toBe(2);
        expect(s.out).toEqual(['accepted 3, duplicates 0, rejected 0\n']);
        expect(s.err).toEqual(['\r1,000 records', 'ünïcode ✓\n']);
      }),
    );
  });

  it('has no exit code when the answer breaks off (server stopped), after writing what arrived', async () => {
    const s = sink();
    const cut = text.indexOf('{"exitCode"');
    async function* broken(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode(text.slice(0, cut));
      throw new Error('socket hang up');
    }
    expect(await relayFrames(broken(), s.io)).toBeUndefined();
    expect(s.out).toEqual(['accepted 3, duplicates 0, rejected 0\n']);
    const torn = sink();
    expect(await relayFrames(chunks(new TextEncoder().encode(text.slice(0, cut + 5)), []), torn.io)).toBeUndefined();
  });
});
