/**
 * Portal users kept in <dataDir>/portal-users.json (mode 0600; scrypt hashes
 * only), so the CLI that bootstraps an admin and the server that signs them in
 * see the same users. One small file suits the embedded deployment; read on
 * every lookup so a change by the CLI is seen without a restart. Writes go
 * through a temporary file and a rename, so a reader never sees half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PortalUser, PortalUserStore } from './sessions.ts';

export const PORTAL_USERS_FILE = 'portal-users.json';

function isPortalUser(v: unknown): v is PortalUser {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.tenant === 'string' &&
    typeof o.upn === 'string' &&
    typeof o.role === 'string' &&
    typeof o.passwordHash === 'string' &&
    typeof o.createdAt === 'string' &&
    typeof o.mustChangePassword === 'boolean'
  );
}

export function createFilePortalUserStore(dataDir: string): PortalUserStore {
  const file = path.join(dataDir, PORTAL_USERS_FILE);
  let writing: Promise<void> = Promise.resolve();

  async function load(): Promise<PortalUser[]> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`${file} is not a list of portal users`);
    return parsed.filter(isPortalUser);
  }

  const forTenant = async (tenant: string): Promise<PortalUser[]> => (await load()).filter((u) => u.tenant === tenant);
  const same = (u: PortalUser, tenant: string, upn: string): boolean =>
    u.tenant === tenant && u.upn.toLowerCase() === upn.toLowerCase();

  return {
    async get(tenant, upn) {
      return (await load()).find((u) => same(u, tenant, upn));
    },
    async countForTenant(tenant) {
      return (await forTenant(tenant)).length;
    },
    list: forTenant,
    put(user) {
      // Serialised: two puts must not each write the list the other has not seen.
      writing = writing.then(async () => {
        const users = (await load()).filter((u) => !same(u, user.tenant, user.upn));
        users.push(user);
        await mkdir(dataDir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(users, null, 1) + '\n', { mode: 0o600 });
        await rename(tmp, file);
      });
      return writing;
    },
  };
}
