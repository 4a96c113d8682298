/** ControlStore over DuckDB (migration 002): tenants, the directory snapshot, API keys. */
import { DuckDBListValue, LIST, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type {
  DirectoryApplication,
  DirectoryGroup,
  DirectoryRole,
  DirectorySnapshot,
  DirectoryUser,
} from '../../schema/directory.ts';
import type { Tenant, TenantId } from '../../schema/tenants.ts';
import type { ApiKeyRecord, ControlStore, NewApiKey } from '../ports.ts';
import type { DuckDb, Row } from './database.ts';
import type { PlainValue } from './values.ts';

const VARCHAR_LIST = LIST(VARCHAR);

const strOr = (v: PlainValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const strList = (v: PlainValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

function tenantFromRow(r: Row): Tenant {
  const t: Tenant = {
    id: String(r.id),
    name: String(r.name),
    edition: r.edition as Tenant['edition'],
    rms: r.rms === true,
    retentionDays: Number(r.retention_days),
    createdAt: String(r.created_at),
  };
  const at = strOr(r.opted_in_at);
  const by = strOr(r.opted_in_by);
  if (at !== undefined) t.optedInAt = at;
  if (by !== undefined) t.optedInBy = by;
  return t;
}

function userFromRow(r: Row): DirectoryUser {
  const u: DirectoryUser = {
    id: String(r.id),
    userPrincipalName: String(r.upn_given),
    userType: r.user_type as DirectoryUser['userType'],
    accountEnabled: r.account_enabled === true,
    assignedLicenses: strList(r.assigned_licenses),
  };
  for (const [key, col] of [
    ['displayName', 'display_name'],
    ['mail', 'mail'],
    ['department', 'department'],
    ['country', 'country'],
  ] as const) {
    const v = strOr(r[col]);
    if (v !== undefined) u[key] = v;
  }
  return u;
}

function apiKeyFromRow(r: Row): ApiKeyRecord {
  const out: { -readonly [K in keyof ApiKeyRecord]: ApiKeyRecord[K] } = {
    id: String(r.id),
    tenant: String(r.tenant),
    role: r.role as ApiKeyRecord['role'],
    secretHash: String(r.secret_hash),
    createdAt: String(r.created_at),
  };
  const name = strOr(r.name);
  const revokedAt = strOr(r.revoked_at);
  const lastUsedAt = strOr(r.last_used_at);
  if (name !== undefined) out.name = name;
  if (revokedAt !== undefined) out.revokedAt = revokedAt;
  if (lastUsedAt !== undefined) out.lastUsedAt = lastUsedAt;
  return out;
}

/** Last one wins when an import names the same id twice (a refreshed record supersedes). */
function lastById<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i] as const)).values()];
}

type Cell = string | boolean | null | readonly string[];

async function replaceRows(
  conn: DuckDBConnection,
  table: string,
  tenant: TenantId,
  rows: readonly (readonly Cell[])[],
): Promise<void> {
  await conn.run(`DELETE FROM ${table} WHERE tenant = $1`, [tenant]);
  if (rows.length === 0) return;
  const a = await conn.createAppender(table);
  try {
    for (const row of rows) {
      a.appendVarchar(tenant);
      for (const cell of row) {
        if (cell === null) a.appendNull();
        else if (typeof cell === 'string') a.appendVarchar(cell);
        else if (typeof cell === 'boolean') a.appendBoolean(cell);
        else a.appendList(new DuckDBListValue([...cell]), VARCHAR_LIST);
      }
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

const TENANT_PATCH_COLUMNS = {
  name: 'name',
  edition: 'edition',
  rms: 'rms',
  optedInAt: 'opted_in_at',
  optedInBy: 'opted_in_by',
  retentionDays: 'retention_days',
} as const;

export function createControlStore(db: DuckDb): ControlStore {
  return {
    async createTenant(t: Tenant): Promise<void> {
      await db.run(
        `INSERT INTO tenants (id, name, edition, rms, opted_in_at, opted_in_by, retention_days, created_at)
         VALUES ($1, $2, $3, $4, $5::TIMESTAMP, $6, $7, $8::TIMESTAMP)`,
        [t.id, t.name, t.edition, t.rms, t.optedInAt ?? null, t.optedInBy ?? null, t.retentionDays, t.createdAt],
      );
    },

    async getTenant(tenant: TenantId): Promise<Tenant | undefined> {
      const r = await db.one<Row>('SELECT * FROM tenants WHERE id = $1', [tenant]);
      return r === undefined ? undefined : tenantFromRow(r);
    },

    async listTenants(): Promise<Tenant[]> {
      return (await db.all<Row>('SELECT * FROM tenants ORDER BY id')).map(tenantFromRow);
    },

    async updateTenant(tenant, patch): Promise<void> {
      const sets: string[] = [];
      const params: (string | number | boolean | null)[] = [tenant];
      for (const [key, column] of Object.entries(TENANT_PATCH_COLUMNS) as [keyof typeof TENANT_PATCH_COLUMNS, string][]) {
        if (!(key in patch)) continue;
        const value = patch[key];
        params.push(value ?? null);
        const cast = column === 'opted_in_at' ? '::TIMESTAMP' : '';
        sets.push(`${column} = $${params.length}${cast}`);
      }
      if (sets.length === 0) return;
      await db.run(`UPDATE tenants SET ${sets.join(', ')} WHERE id = $1`, params);
    },

    async importDirectory(tenant: TenantId, snapshot: Partial<DirectorySnapshot>): Promise<void> {
      await db.transaction(async (conn) => {
        if (snapshot.users !== undefined) {
          const rows = lastById(snapshot.users).map((u: DirectoryUser): Cell[] => [
            u.id,
            u.userPrincipalName.toLowerCase(),
            u.userPrincipalName,
            u.displayName ?? null,
            u.mail ?? null,
            u.userType,
            u.accountEnabled,
            u.assignedLicenses,
            u.department ?? null,
            u.country ?? null,
          ]);
          await replaceRows(conn, 'directory_users', tenant, rows);
        }
        if (snapshot.groups !== undefined) {
          const rows = lastById(snapshot.groups).map((g: DirectoryGroup): Cell[] => [
            g.id,
            g.displayName,
            g.selfService,
            g.memberIds,
          ]);
          await replaceRows(conn, 'directory_groups', tenant, rows);
        }
        if (snapshot.applications !== undefined) {
          const rows = lastById(snapshot.applications).map((a: DirectoryApplication): Cell[] => [
            a.id,
            a.appId ?? null,
            a.displayName,
          ]);
          await replaceRows(conn, 'directory_applications', tenant, rows);
        }
        if (snapshot.roles !== undefined) {
          const rows = lastById(snapshot.roles).map((r: DirectoryRole): Cell[] => [
            r.id,
            r.displayName,
            r.roleTemplateId ?? null,
            r.memberIds,
          ]);
          await replaceRows(conn, 'directory_roles', tenant, rows);
        }
      });
    },

    async getDirectory(tenant: TenantId): Promise<DirectorySnapshot> {
      const [users, groups, applications, roles] = await Promise.all([
        db.all<Row>('SELECT * FROM directory_users WHERE tenant = $1 ORDER BY id', [tenant]),
        db.all<Row>('SELECT * FROM directory_groups WHERE tenant = $1 ORDER BY id', [tenant]),
        db.all<Row>('SELECT * FROM directory_applications WHERE tenant = $1 ORDER BY id', [tenant]),
        db.all<Row>('SELECT * FROM directory_roles WHERE tenant = $1 ORDER BY id', [tenant]),
      ]);
      return {
        users: users.map(userFromRow),
        groups: groups.map((r): DirectoryGroup => ({
          id: String(r.id),
          displayName: String(r.display_name),
          selfService: r.self_service === true,
          memberIds: strList(r.member_ids),
        })),
        applications: applications.map((r): DirectoryApplication => {
          const a: DirectoryApplication = { id: String(r.id), displayName: String(r.display_name) };
          const appId = strOr(r.app_id);
          if (appId !== undefined) a.appId = appId;
          return a;
        }),
        roles: roles.map((r): DirectoryRole => {
          const role: DirectoryRole = {
            id: String(r.id),
            displayName: String(r.display_name),
            memberIds: strList(r.member_ids),
          };
          const tpl = strOr(r.role_template_id);
          if (tpl !== undefined) role.roleTemplateId = tpl;
          return role;
        }),
      };
    },

    async findUserByUpn(tenant: TenantId, upn: string): Promise<DirectoryUser | undefined> {
      const r = await db.one<Row>('SELECT * FROM directory_users WHERE tenant = $1 AND upn = $2 LIMIT 1', [
        tenant,
        upn.toLowerCase(),
      ]);
      return r === undefined ? undefined : userFromRow(r);
    },

    async findUsersByUpns(tenant: TenantId, upns: readonly string[]): Promise<DirectoryUser[]> {
      if (upns.length === 0) return [];
      const rows = await db.all<Row>(
        `SELECT * FROM directory_users WHERE tenant = $1 AND upn IN (SELECT unnest(from_json(CAST($2 AS JSON), '["VARCHAR"]')))`,
        [tenant, JSON.stringify(upns.map((u) => u.toLowerCase()))],
      );
      return rows.map(userFromRow);
    },

    async createApiKey(k: NewApiKey): Promise<void> {
      await db.run(
        `INSERT INTO api_keys (id, tenant, role, secret_hash, name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMP)`,
        [k.id, k.tenant, k.role, k.secretHash, k.name ?? null, k.createdAt],
      );
    },

    async getApiKeyById(id: string): Promise<ApiKeyRecord | undefined> {
      const r = await db.one<Row>('SELECT * FROM api_keys WHERE id = $1', [id]);
      return r === undefined ? undefined : apiKeyFromRow(r);
    },

    async listApiKeys(tenant: TenantId): Promise<ApiKeyRecord[]> {
      return (await db.all<Row>('SELECT * FROM api_keys WHERE tenant = $1 ORDER BY created_at, id', [tenant])).map(
        apiKeyFromRow,
      );
    },

    async revokeApiKey(tenant: TenantId, id: string, at: string): Promise<void> {
      // The first revocation time stands; revoking again changes nothing.
      await db.run(
        'UPDATE api_keys SET revoked_at = $3::TIMESTAMP WHERE tenant = $1 AND id = $2 AND revoked_at IS NULL',
        [tenant, id, at],
      );
    },

    async touchApiKey(id: string, at: string): Promise<void> {
      await db.run('UPDATE api_keys SET last_used_at = $2::TIMESTAMP WHERE id = $1', [id, at]);
    },
  };
}
