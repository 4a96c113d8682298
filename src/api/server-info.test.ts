import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { newOperatorToken, readServerInfo, removeServerInfo, serverInfoPath, writeServerInfo } from './server-info.ts';

describe('server.json', () => {
  it('is written 0600, read back, and removed only by the process that wrote it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authlens-si-'));
    try {
      const token = newOperatorToken();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const file = await writeServerInfo(dir, { url: 'http://127.0.0.1:4321', pid: 4242, operatorToken: token });
      expect(file).toBe(serverInfoPath(dir));
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(await readServerInfo(dir)).toEqual({ url: 'http://127.0.0.1:4321', pid: 4242, operatorToken: token });
      await removeServerInfo(dir, 1);
      expect(await readServerInfo(dir)).toBeDefined();
      await removeServerInfo(dir, 4242);
      expect(await readServerInfo(dir)).toBeUndefined();
      await writeFile(file, '{"url":1}');
      expect(await readServerInfo(dir)).toBeUndefined();
      await writeFile(file, 'not json');
      expect(await readServerInfo(dir)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
