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
