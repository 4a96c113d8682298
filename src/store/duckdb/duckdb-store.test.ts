import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
