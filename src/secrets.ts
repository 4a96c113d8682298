/** Server secrets kept in the data dir (mode 0600), created on first use, and the sealing of stored secrets with one of them. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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

/**
 * Secrets authlens must use again (IdP tokens, client secrets) sealed with
 * AES-256-GCM under a key file of the data dir: a copy of the database alone
 * does not reveal them. `context` (e.g. the tenant id) is bound as associated
 * data, so a sealed value moved to another tenant's row does not open.
 * Format: `v1.<iv>.<ciphertext+tag>`, base64url.
 */
export function sealSecret(key: Uint8Array, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.subarray(0, 32), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The plaintext of sealSecret, or undefined when the value was not sealed with this key and context (or was altered). */
export function openSecret(key: Uint8Array, sealed: string, context: string): string | undefined {
  const m = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/.exec(sealed);
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  const body = Buffer.from(m[2], 'base64url');
  if (body.length < 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.subarray(0, 32), Buffer.from(m[1], 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
