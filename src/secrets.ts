/** Server secrets kept in the data dir (mode 0600), created on first use. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** 32 random bytes stored at <dataDir>/<name>; the same bytes on every later call. */
export async function loadOrCreateSecret(dataDir: string, name: string): Promise<Uint8Array> {
  const file = path.join(dataDir, name);
  try {
    const existing = await readFile(file);
    if (existing.length >= 32) return existing;
  } catch {
    // absent: create below
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, secret, { mode: 0o600 });
  await rename(tmp, file);
  return secret;
}
