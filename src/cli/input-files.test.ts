import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from './io.ts';
import { makeOutputDirectory, openOutputFile, readableFileSize, readInputText } from './input-files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CLI input files', () => {
  it('reads a file and standard input, and says plainly why a path cannot be read', async () => {
    const file = path.join(dir, 'a.txt');
    await writeFile(file, 'héllo');
    expect(await readableFileSize(file)).toBe(6);
    expect(await readInputText(file)).toBe('héllo');
    await expect(readInputText(dir)).rejects.toThrow(`cannot read ${dir}: it is a directory; give a file`);
    await expect(readableFileSize(path.join(dir, 'missing'))).rejects.toThrow('no such file');
    if (process.getuid?.() !== 0) {
      await chmod(file, 0o000);
      await expect(readInputText(file)).rejects.toThrow('permission denied');
    }
    let text = '';
    await captureCli(async () => {
      text = await readInputText('-');
    }, Readable.from([Buffer.from('from '), Buffer.from('stdin')]));
    expect(text).toBe('from stdin');
  });

  it('creates an output folder with its parents, and says plainly when it cannot', async () => {
    const nested = path.join(dir, 'out', 'a', 'b');
    makeOutputDirectory(nested);
    makeOutputDirectory(nested);
    expect(existsSync(nested)).toBe(true);
    await writeFile(path.join(dir, 'plain'), 'x');
    expect(() => makeOutputDirectory(path.join(dir, 'plain', 'sub'))).toThrow(`cannot write to ${path.join(dir, 'plain', 'sub')}: a part of the path is a file`);
    expect(() => makeOutputDirectory(path.join(dir, 'plain'))).toThrow('is a file, not a folder');
  });

  it('opens an output file before writing, and keeps a later write error for close()', async () => {
    await expect(openOutputFile(path.join(dir, 'nodir', 'x.csv'))).rejects.toThrow('no such folder');
    await expect(openOutputFile(dir)).rejects.toThrow('it is a directory; give a file name');
    const out = await openOutputFile(path.join(dir, 'r.csv'));
    out.stream.write('a,b\n');
    await out.close();
    expect(readFileSync(path.join(dir, 'r.csv'), 'utf8')).toBe('a,b\n');
  });
});
