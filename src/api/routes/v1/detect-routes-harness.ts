/**
 * Test harness of the detections routes (lists, leaks, detection settings,
 * backtest, risky users): an app over a real store and real detection stores
 * that the test opens (in-memory DuckDB), a data dir for IP lists, two
 * tenants and a key for every role of each. Not a test itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../../config/config.ts';
import { createApiKeyService } from '../../../directory/api-keys.ts';
import { openIpListCatalog, type IpListCatalog } from '../../../enrich/ip-lists/catalog.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID, type DirectorySnapshot } from '../../../schema/directory.ts';
import { ROLES, type Role, type Tenant } from '../../../schema/tenants.ts';
import type { GraphQueries, ReportQueries, Store } from '../../../store/ports.ts';
import { buildApp } from '../../build-app.ts';
import type { ApiDeps, DetectApiDeps } from '../../deps.ts';

export const HARNESS_NOW = '2026-11-20T12:00:00.000Z';
export const TENANTS = ['t1', 't2'] as const;

export const DIRECTORY: DirectorySnapshot = {
  users: [
    { id: 'U-ALICE', userPrincipalName: 'alice@contoso.example', mail: 'alice.smith@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
    { id: 'U-BOB', userPrincipalName: 'bob@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
  ],
  groups: [],
  applications: [],
  roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['U-ALICE'] }],
};

export interface Harness {
  readonly app: FastifyInstance;
  readonly lists: IpListCatalog;
  readonly dataDir: string;
  /** Tenants whose engine was reloaded, in order. */
  readonly reloaded: string[];
  key(tenant: string, role: Role): string;
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown, contentType?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly ipListFetch?: typeof fetch;
  readonly reports?: ReportQueries;
  readonly graph?: GraphQueries;
  readonly breachActions?: ApiDeps['breachActions'];
  readonly rateLimits?: ApiDeps['rateLimits'];
  /** Captures the app's log lines (at level trace). */
  readonly logStream?: ApiDeps['logStream'];
  /** Environment the config is read from (e.g. AUTHLENS_SHARED_IP_REPUTATION); default none. */
  readonly env?: NodeJS.ProcessEnv;
}

export async function createHarness(store: Store, detect: Omit<DetectApiDeps, 'reload'>, opts: HarnessOptions = {}): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'authlens-detect-routes-'));
  const lists = openIpListCatalog({ dataDir, now: () => new Date(HARNESS_NOW) });
  const reloaded: string[] = [];
  for (const id of TENANTS) {
    const t: Tenant = { id, name: id, edition: 'premium', rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z', optedInAt: '2026-01-02T00:00:00.000Z' };
    await store.control.createTenant(t);
    await store.control.importDirectory(id, DIRECTORY);
  }
  const app = await buildApp({
    config: loadConfig({ logLevel: opts.logStream !== undefined ? 'trace' : 'silent' }, opts.env ?? {}),
    store,
    ingest: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
    now: () => new Date(HARNESS_NOW),
    detect: { ...detect, reload: async (t) => void reloaded.push(t) },
    ipLists: lists,
    ...(opts.reports !== undefined ? { reports: opts.reports } : {}),
    ...(opts.graph !== undefined ? { graph: { queries: opts.graph } } : {}),
    ...(opts.ipListFetch !== undefined ? { ipListFetch: opts.ipListFetch } : {}),
    ...(opts.breachActions !== undefined ? { breachActions: opts.breachActions } : {}),
    ...(opts.rateLimits !== undefined ? { rateLimits: opts.rateLimits } : {}),
    ...(opts.logStream !== undefined ? { logStream: opts.logStream } : {}),
  });
  await app.ready();
  const keys = new Map<string, string>();
  const apiKeys = createApiKeyService(store.control);
  for (const t of TENANTS) for (const role of ROLES) keys.set(`${t}/${role}`, (await apiKeys.create(t, role)).key);
  return {
    app,
    lists,
    dataDir,
    reloaded,
    key: (t, role) => keys.get(`${t}/${role}`) ?? '',
    call: (method, url, key, payload, contentType) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload !== undefined ? { 'content-type': contentType ?? 'application/json' } : {}),
        },
        ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
      }),
    async close() {
      await app.close();
      lists.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
