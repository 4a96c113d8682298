import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.ts';
import { dataDirOf, readsStdin, relayFrames } from './remote.ts';

const stdin = (argv: string[]): boolean => readsStdin(argv, buildProgram());

describe('readsStdin: whether a forwarded command sends standard input', () => {
  it("is true only for a '-' where the command takes a file", () => {
    expect(stdin(['ingest', '--tenant', 'demo', '-'])).toBe(true);
    expect(stdin(['--json', 'ingest', '--tenant', 'demo', 'a.ndjson', '-'])).toBe(true);
    expect(stdin(['directory', 'import', '--tenant', 'demo', '-'])).toBe(true);
    expect(stdin(['leaks', 'import', '--tenant', 'demo', '-'])).toBe(true);
    expect(stdin(['ingest', '--tenant', 'demo', 'a.ndjson'])).toBe(false);
  });

  it("is false for '-' as an option's value or as another command's argument", () => {
    expect(stdin(['tenant', 'create', 'dash', '--name', '-'])).toBe(false);
    expect(stdin(['ingest', '--tenant', '-', 'a.ndjson'])).toBe(false);
    expect(stdin(['report', 'audit', '--tenant', 'demo', '--user', '-'])).toBe(false);
    expect(stdin(['keys', 'revoke', '-', '--tenant', 'demo'])).toBe(false);
  });

  it('never mistakes an option value for a file, whatever its text', () => {
    const token = fc.string({ minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(token, token, (tenant, name) => {
        expect(stdin(['tenant', 'create', 'x', '--name', name])).toBe(false);
        expect(stdin(['ingest', '--tenant', tenant, 'file.ndjson'])).toBe(false);
      }),
    );
  });
});

describe('dataDirOf: the data dir a command will use', () => {
  it('takes the last --data-dir, as commander does, in both spellings', () => {
    expect(dataDirOf(['--data-dir', 'a', 'tenant', 'list', '--data-dir', 'b'])).toBe(path.resolve('b'));
    expect(dataDirOf(['--data-dir=a', 'tenant', 'list'])).toBe(path.resolve('a'));
    expect(dataDirOf(['tenant', 'list'])).toBe(path.resolve('data'));
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
