import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { minimalSignIn } from '../contract/fixtures.ts';
import { DataDirLockedError, openDuckDbStore } from './open.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
const BATCH = 500;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Same ids as crash-writer.fixture.ts, re-created here without importing the script (it runs on import). */
function batch(b: number) {
  return Array.from({ length: BATCH }, (_, i) => minimalSignIn(b * BATCH + i, { id: `crash-${b}-${i}` }));
}

function startWriter(dir: string): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(BATCH)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: child.stdout! });
  return { child, lines: rl[Symbol.asyncIterator]() };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const r = await lines.next();
  if (r.done === true) throw new Error('writer exited early');
  return r.value;
}

describe('durability and locking (child process)', () => {
  it('reports the lock holder, and after kill -9 keeps every acknowledged batch exactly once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'authlens-crash-'));
    dirs.push(dir);
    const { child, lines } = startWriter(dir);
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let acked = -1;
    try {
      expect(await nextLine(lines)).toBe(`ready ${child.pid}`);

      const second = openDuckDbStore({ dataDir: dir });
      await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(second).rejects.toThrow(`the data directory ${dir} is in use by another authlens process (pid ${child.pid})`);

      // Kill at a point that depends on scheduling: somewhere inside batch 4 or later.
      while (acked < 3) {
        const m = /^ack (\d+)$/.exec(await nextLine(lines));
        if (m?.[1] !== undefined) acked = Number(m[1]);
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Lines already written before the kill are acknowledgements too.
    for (;;) {
      const r = await lines.next();
      if (r.done === true) break;
      const m = /^ack (\d+)$/.exec(r.value);
      if (m?.[1] !== undefined) acked = Number(m[1]);
    }

    const store = await openDuckDbStore({ dataDir: dir });
    try {
      const perBatch = await store.db.all<{ b: string; n: number; distinct_ids: number }>(
        `SELECT split_part(id, '-', 2) AS b, count(*) AS n, count(DISTINCT id) AS distinct_ids
           FROM signins WHERE tenant = 'crash' GROUP BY 1`,
      );
      const counts = new Map(perBatch.map((r) => [Number(r.b), r]));
      for (let b = 0; b <= acked; b++) {
        expect(counts.get(b)).toEqual({ b: String(b), n: BATCH, distinct_ids: BATCH });
      }
      // The batch in flight at the kill is all or nothing (one transaction).
      const inFlight = counts.get(acked + 1);
      if (inFlight !== undefined) expect(inFlight.n).toBe(BATCH);
      expect(Math.max(...counts.keys())).toBeLessThanOrEqual(acked + 1);

      const before = await store.events.countEvents('crash');
      for (let b = 0; b <= acked; b++) {
        const { inserted } = await store.events.appendEvents('crash', batch(b));
        expect(inserted.some((x) => x)).toBe(false);
      }
      expect(await store.events.countEvents('crash')).toBe(before);
    } finally {
      await store.close();
    }
  });
});
