/** Builds an app over in-memory stores for route tests (no disk, no port). */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type ConfigOverrides } from '../../config/config.ts';
import { createMemoryControlStore } from '../../directory/memory-control-store.ts';
import type { Store } from '../../store/ports.ts';
import type { IngestSummary } from '../../schema/ingest.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID, type DirectorySnapshot } from '../../schema/directory.ts';
import type { Role } from '../../schema/tenants.ts';
import { buildApp } from '../build-app.ts';
import type { ApiDeps, IngestFn } from '../deps.ts';
import { createApiKeyService } from '../../directory/api-keys.ts';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly ingested: Array<{ tenant: string; body: string; format: string }>;
  keyFor(tenant: string, role: Role): Promise<string>;
}

/** Counts NDJSON/array records the simplest way so route tests can assert what reached the pipeline. */
const fakeIngest =
  (log: TestApp['ingested']): IngestFn =>
  async (tenant, input, format) => {
    const parts: Buffer[] = [];
    for await (const c of input) parts.push(c);
    const body = Buffer.concat(parts).toString('utf8');
    log.push({ tenant, body, format });
    const trimmed = body.trim();
    const n = trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]).length : trimmed.split('\n').filter((l) => l.trim() !== '').length;
    const summary: IngestSummary = { accepted: n, duplicates: 0, rejected: [] };
    return summary;
  };

export const ADMIN_DIRECTORY: DirectorySnapshot = {
  users: [
    { id: 'u1', userPrincipalName: 'admin@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['sku-e5'] },
    { id: 'u2', userPrincipalName: 'unlicensed@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
    { id: 'u3', userPrincipalName: 'plain@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: ['sku-e3'] },
  ],
  groups: [],
  applications: [],
  roles: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['u1', 'u2'] }],
};

export async function createTestApp(
  opts: { limits?: ConfigOverrides['limits']; deps?: Partial<ApiDeps>; optIn?: readonly string[] } = {},
): Promise<TestApp> {
  const control = createMemoryControlStore();
  const store: Store = {
    control,
    events: {
      appendEvents: async () => ({ inserted: [] }),
      countEvents: async () => 0,
      scanSignIns: async function* () {},
      getEvent: async () => undefined,
    },
    detections: { appendDetections: async () => {}, listDetections: async () => [], ipSpansAllTenants: async () => [] },
    close: async () => {},
  } as unknown as Store;
  const ingested: TestApp['ingested'] = [];
  for (const id of ['alpha', 'beta']) {
    await control.createTenant({ id, name: id, edition: 'premium', rms: true, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z' });
    await control.importDirectory(id, ADMIN_DIRECTORY);
  }
  for (const id of opts.optIn ?? []) {
    await control.updateTenant(id, { optedInAt: '2026-01-02T00:00:00.000Z', optedInBy: 'admin@contoso.example' });
  }
  const app = await buildApp({
    config: loadConfig({ logLevel: 'silent', limits: opts.limits ?? {} }, {}),
    store,
    ingest: fakeIngest(ingested),
    operatorToken: OPERATOR_TOKEN,
    ...opts.deps,
  });
  await app.ready();
  const keys = createApiKeyService(control);
  return {
    app,
    store,
    ingested,
    keyFor: async (tenant, role) => (await keys.create(tenant, role)).key,
  };
}
