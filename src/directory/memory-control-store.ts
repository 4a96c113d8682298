/**
 * An in-memory ControlStore: the reference behaviour for tests of the API and
 * directory services, and a stand-in until a store adapter is wired. Not for
 * production data (nothing survives a restart).
 */
import type { ApiKeyRecord, ControlStore, NewApiKey } from '../store/ports.ts';
import type { Tenant } from '../schema/tenants.ts';
import type { DirectorySnapshot, DirectoryUser } from '../schema/directory.ts';

const emptyDirectory = (): DirectorySnapshot => ({ users: [], groups: [], applications: [], roles: [] });

export function createMemoryControlStore(): ControlStore {
  const tenants = new Map<string, Tenant>();
  const directories = new Map<string, DirectorySnapshot>();
  const keys = new Map<string, ApiKeyRecord>();
  return {
    async createTenant(tenant) {
      if (tenants.has(tenant.id)) throw new Error(`tenant ${tenant.id} exists`);
      tenants.set(tenant.id, { ...tenant });
    },
    async getTenant(id) {
      const t = tenants.get(id);
      return t === undefined ? undefined : { ...t };
    },
    async listTenants() {
      return [...tenants.values()].map((t) => ({ ...t })).sort((a, b) => a.id.localeCompare(b.id));
    },
    async updateTenant(id, patch) {
      const t = tenants.get(id);
      if (t === undefined) throw new Error(`no tenant ${id}`);
      tenants.set(id, { ...t, ...patch });
    },
    async importDirectory(tenant, snapshot) {
      directories.set(tenant, { ...(directories.get(tenant) ?? emptyDirectory()), ...snapshot });
    },
    async getDirectory(tenant) {
      return directories.get(tenant) ?? emptyDirectory();
    },
    async findUserByUpn(tenant, upn): Promise<DirectoryUser | undefined> {
      const lower = upn.toLowerCase();
      return directories.get(tenant)?.users.find((u) => u.userPrincipalName.toLowerCase() === lower);
    },
    async findUsersByUpns(tenant, upns): Promise<DirectoryUser[]> {
      const wanted = new Set(upns.map((u) => u.toLowerCase()));
      return (directories.get(tenant)?.users ?? []).filter((u) => wanted.has(u.userPrincipalName.toLowerCase()));
    },
    async createApiKey(key: NewApiKey) {
      keys.set(key.id, { ...key });
    },
    async getApiKeyById(id) {
      return keys.get(id);
    },
    async listApiKeys(tenant) {
      return [...keys.values()].filter((k) => k.tenant === tenant);
    },
    async revokeApiKey(tenant, id, at) {
      const k = keys.get(id);
      if (k !== undefined && k.tenant === tenant) keys.set(id, { ...k, revokedAt: at });
    },
    async touchApiKey(id, at) {
      const k = keys.get(id);
      if (k !== undefined) keys.set(id, { ...k, lastUsedAt: at });
    },
  };
}
