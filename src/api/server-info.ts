/**
 * <dataDir>/server.json tells a local CLI that a server holds the data dir and
 * how to reach its operator channel: {url, pid, operatorToken}. Mode 0600: the
 * token is as strong as the file's owner.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';

export interface ServerInfo {
  readonly url: string;
  readonly pid: number;
  readonly operatorToken: string;
}

export const SERVER_INFO_FILE = 'server.json';

export function serverInfoPath(dataDir: string): string {
  return path.join(dataDir, SERVER_INFO_FILE);
}

export function newOperatorToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function writeServerInfo(dataDir: string, info: ServerInfo): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = serverInfoPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  // Written under a temporary name, created 0600, then renamed: no reader ever sees a partial or world-readable file.
  await writeFile(tmp, JSON.stringify(info) + '\n', { mode: 0o600, flag: 'wx' });
  await rename(tmp, file);
  return file;
}

/** Removes the file only if it is still ours (another server may have replaced it). */
export async function removeServerInfo(dataDir: string, pid: number = process.pid): Promise<void> {
  const current = await readServerInfo(dataDir);
  if (current !== undefined && current.pid !== pid) return;
  await rm(serverInfoPath(dataDir), { force: true });
}

/** undefined when absent or unreadable. */
export async function readServerInfo(dataDir: string): Promise<ServerInfo | undefined> {
  let text: string;
  try {
    text = await readFile(serverInfoPath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.url !== 'string' || typeof o.pid !== 'number' || typeof o.operatorToken !== 'string') return undefined;
    return { url: o.url, pid: o.pid, operatorToken: o.operatorToken };
  } catch {
    return undefined;
  }
}
