/**
 * `authlens start` as a process whose standard output is a pipe
 * (`authlens start | tee log`): after the reader went away (Ctrl-C ends tee
 * too), request logs meet a closed pipe, and SIGINT still shuts the server
 * down cleanly, so server.json does not outlive it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../bin/authlens.mjs');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-start-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('authlens start with its output piped', () => {
  it('shuts down cleanly on SIGINT and removes server.json after the reader of its output went away', async () => {
    const dataDir = path.join(dir, 'data');
    const info = path.join(dataDir, 'server.json');
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'start', '--no-demo', '--port', '0'], {
      env: { ...process.env, AUTHLENS_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await until(() => existsSync(info), 60_000);
    const { url } = JSON.parse(await readFile(info, 'utf8')) as { url: string };
    // The reader goes away (`2>&1 | tee`, ended by the same Ctrl-C): both outputs meet a closed pipe.
    child.stdout.destroy();
    child.stderr.destroy();
    await fetch(`${url}/api/v1/health`).catch(() => undefined);
    await fetch(`${url}/api/v1/health`).catch(() => undefined);
    // Ctrl-C reaches the whole pipeline.
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 30_000))]);
    if (code === 'running') child.kill('SIGKILL');
    expect(code, stderr).toBe(0);
    expect(existsSync(info)).toBe(false);
  }, 120_000);
});
