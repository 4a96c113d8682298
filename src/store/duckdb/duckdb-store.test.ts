import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { at, detection, minimalSignIn, otherEvents } from '../contract/fixtures.ts';
import { storeContract } from '../contract/store-contract.ts';
import { DataDirLockedError, openDuckDbStore } from './open.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'authlens-store-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

storeContract('duckdb in memory', () => openDuckDbStore({ path: ':memory:' }));
storeContract('duckdb file', () => openDuckDbStore({ dataDir: tempDir() }));

describe('duckdb store', () => {
  it('refuses a second open of the same data dir in this process with DataDirLockedError', async () => {
    const dir = tempDir();
    const store = await openDuckDbStore({ dataDir: dir });
    try {
      const second = openDuckDbStore({ dataDir: dir });
      await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(second).rejects.toThrow(`the data directory ${dir} is in use by another authlens process (pid ${process.pid})`);
    } finally {
      await store.close();
    }
    const again = await openDuckDbStore({ dataDir: dir });
    await again.close();
  });
});

describe('duckdb store after a failed first append', () => {
  it('still appends: nothing of the rolled-back transaction (staging tables included) is assumed to exist', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    try {
      const bad = minimalSignIn(1, { id: 'bad', status: { errorCode: 2 ** 40 } });
      await expect(store.events.appendEvents('t', [bad])).rejects.toThrow('signIn bad: status.errorCode');
      const badDetection = detection(1, { detectedDateTime: 'not a time' });
      await expect(store.detections.appendDetections('t', [badDetection])).rejects.toThrow();
      expect((await store.events.appendEvents('t', [minimalSignIn(2), ...otherEvents(3)])).inserted.every(Boolean)).toBe(true);
      await store.detections.appendDetections('t', [detection(2)]);
      expect(await store.events.countEvents('t')).toBe(1 + otherEvents(3).length);
      expect(await store.detections.listDetections('t', { from: at(0), to: at(10) })).toEqual([detection(2)]);
    } finally {
      await store.close();
    }
  });
});

describe('duckdb store data dir', () => {
  it('creates a missing data dir with the database file in it, and sees the same dir through a symlink as in use', async () => {
    const { existsSync, symlinkSync } = await import('node:fs');
    const parent = tempDir();
    const dir = path.join(parent, 'nested', 'data');
    const store = await openDuckDbStore({ dataDir: dir });
    try {
      expect(store.path).toBe(path.join(dir, 'authlens.duckdb'));
      expect(existsSync(store.path)).toBe(true);
      symlinkSync(dir, path.join(parent, 'link'));
      await expect(openDuckDbStore({ dataDir: path.join(parent, 'link') })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await store.close();
    }
  });

  it('keeps data across close and reopen, and migrates only once', async () => {
    const dir = tempDir();
    const first = await openDuckDbStore({ dataDir: dir });
    await first.events.appendEvents('t', [minimalSignIn(1), ...otherEvents(1)]);
    await first.detections.appendDetections('t', [detection(1)]);
    await first.close();
    const second = await openDuckDbStore({ dataDir: dir });
    try {
      expect(await second.events.countEvents('t')).toBe(1 + otherEvents(1).length);
      expect(await second.events.getEvent('t', 'signIn', minimalSignIn(1).id)).toEqual(minimalSignIn(1));
      const versions = await second.db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(new Set(versions.map((v) => v.version)).size).toBe(versions.length);
      expect(versions.map((v) => v.version).slice(0, 4)).toEqual([1, 2, 3, 4]);
    } finally {
      await second.close();
    }
  });
});
