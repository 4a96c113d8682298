/**
 * The interfaces the rest of authlens uses to reach storage. Every method
 * takes the tenant id first; there is no way to ask for "all tenants" except
 * through methods whose name says they are maintenance (e.g. purgeExpiredAllTenants).
 * Adapters: duckdb/ (embedded default). Every adapter passes contract/.
 */
import type { EnrichedEvent, EnrichedSignIn } from '../schema/enrichment.ts';
import type { EventKind } from '../schema/events.ts';
import type { Detection } from '../schema/detections.ts';
import type { Tenant, TenantId, Role } from '../schema/tenants.ts';
import type { DirectorySnapshot, DirectoryUser } from '../schema/directory.ts';

/** Half-open time range [from, to) in ISO UTC. */
export interface TimeRange {
  readonly from: string;
  readonly to: string;
}

export interface AppendResult {
  /** Aligned with the input: true where the event was new, false where (tenant, kind, id) was already stored. */
  readonly inserted: readonly boolean[];
}

export interface EventStore {
  /**
   * Appends events idempotently by (tenant, kind, id). Resolves only once the
   * batch is durable (committed); a rejected promise means nothing of the
   * batch may be acknowledged.
   */
  appendEvents(tenant: TenantId, events: readonly EnrichedEvent[]): Promise<AppendResult>;
  countEvents(tenant: TenantId, kind?: EventKind): Promise<number>;
  /** Sign-ins of a range in event-time order (backtest, backfill, re-evaluation). */
  scanSignIns(tenant: TenantId, range: TimeRange): AsyncIterable<EnrichedSignIn>;
  getEvent(tenant: TenantId, kind: EventKind, id: string): Promise<EnrichedEvent | undefined>;
}

export interface DetectionStore {
  /** Idempotent by (tenant, detection id). */
  appendDetections(tenant: TenantId, detections: readonly Detection[]): Promise<void>;
  listDetections(tenant: TenantId, range: TimeRange): Promise<Detection[]>;
}

export interface NewApiKey {
  readonly id: string;
  readonly tenant: TenantId;
  readonly role: Role;
  /** scrypt or SHA-256 hash of the secret; the secret itself is never stored. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly name?: string;
}
export interface ApiKeyRecord extends NewApiKey {
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

/** Control data: tenants, directory snapshot, API keys. */
export interface ControlStore {
  createTenant(tenant: Tenant): Promise<void>;
  getTenant(tenant: TenantId): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  updateTenant(tenant: TenantId, patch: Partial<Omit<Tenant, 'id' | 'createdAt'>>): Promise<void>;

  /** Replaces the parts of the snapshot given (users, groups, applications, roles). */
  importDirectory(tenant: TenantId, snapshot: Partial<DirectorySnapshot>): Promise<void>;
  getDirectory(tenant: TenantId): Promise<DirectorySnapshot>;
  findUserByUpn(tenant: TenantId, upn: string): Promise<DirectoryUser | undefined>;

  createApiKey(key: NewApiKey): Promise<void>;
  /** Looks a key up by id across tenants: the key itself says which tenant it belongs to. */
  getApiKeyById(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(tenant: TenantId): Promise<ApiKeyRecord[]>;
  revokeApiKey(tenant: TenantId, id: string, at: string): Promise<void>;
  touchApiKey(id: string, at: string): Promise<void>;
}

/** Everything the composition root hands out; close() flushes and releases the data dir. */
export interface Store {
  readonly events: EventStore;
  readonly detections: DetectionStore;
  readonly control: ControlStore;
  close(): Promise<void>;
}
