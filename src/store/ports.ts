/**
 * The interfaces the rest of authlens uses to reach storage. Every method
 * takes the tenant id first; there is no way to ask for "all tenants" except
 * through methods whose name says they are maintenance (e.g. purgeExpiredAllTenants).
 * Adapters: duckdb/ (embedded default). Every adapter passes contract/.
 */
import type { EnrichedEvent, EnrichedSignIn } from '../schema/enrichment.ts';
import type { DirectoryAudit, EventKind } from '../schema/events.ts';
import type { Detection, DetectorId } from '../schema/detections.ts';
import type { GraphListQuery, GraphListResult, GraphRecord, GraphResource } from '../schema/graph-query.ts';
import type { Tenant, TenantId, Role } from '../schema/tenants.ts';
import type { DirectorySnapshot, DirectoryUser } from '../schema/directory.ts';
import type { ReportFilters, ReportId, ReportRow, Suppression } from '../schema/reports.ts';
import type { LeakedCredential, RiskStateChange, RiskyUserRecord } from '../schema/risk.ts';
import type { IncidentStatusChange } from '../schema/incidents.ts';
import type { BreachActionRecord } from '../schema/connectors.ts';

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
  /** Directory audits of a range initiated by any of these users (UPNs, any case), in time order: incidents' follow-ups. */
  listAuditsInitiatedBy(tenant: TenantId, range: TimeRange, upns: readonly string[]): Promise<DirectoryAudit[]>;
}

export interface DetectionStore {
  /** Idempotent by (tenant, detection id). */
  appendDetections(tenant: TenantId, detections: readonly Detection[]): Promise<void>;
  listDetections(tenant: TenantId, range: TimeRange, options?: ListDetectionsOptions): Promise<Detection[]>;
  /**
   * Maintenance across tenants, for the shared IP reputation's rebuild at start
   * (SPEC 4 D4): per tenant and IP, the first and last detection time of the
   * detector's detections at or after `since` that are not log-only and whose
   * evidence.reason is one of `reasons`; at most `limit` rows, the most recent
   * `last` first. Nothing else of the detections leaves the tenant's rows.
   */
  ipSpansAllTenants(detector: DetectorId, reasons: readonly string[], since: string, limit: number): Promise<IpSpanRow[]>;
}

/** One tenant's detections of one IP in a time span (ipSpansAllTenants). */
export interface IpSpanRow {
  readonly tenant: TenantId;
  readonly ip: string;
  /** ISO UTC. */
  readonly first: string;
  readonly last: string;
}

export interface ListDetectionsOptions {
  /**
   * Leave out detections a global admin ignored (SPEC 5: gone from the reports
   * for good): for views that judge users by their detections (risky users,
   * the weekly digest). Default false: every stored detection (Graph shows
   * ignored ones as dismissed; backtest compares by id).
   */
  readonly excludeIgnored?: boolean;
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
  /** The directory users among these UPNs (any case), in one look-up: thousands of single ones took seconds. */
  findUsersByUpns(tenant: TenantId, upns: readonly string[]): Promise<DirectoryUser[]>;

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
  /** The reports' queries; optional so that partial test stores need not provide them. */
  readonly reports?: ReportQueries;
  close(): Promise<void>;
}

/** What one report run asks for (src/reports/catalog.ts says which filters each report takes). */
export interface ReportQuerySpec {
  readonly report: ReportId;
  readonly range: TimeRange;
  readonly filters: ReportFilters;
  /** user-activity: clients (clientAppUsed or app name, lower case) whose sign-ins are background noise. */
  readonly noiseClients: readonly string[];
  /** ISO time the suppressions' expiry is judged against. */
  readonly now: string;
}

export interface ReportPage {
  /** In the report's order (newest first for event lists). */
  readonly rows: ReportRow[];
  /** Rows the report has in all, regardless of offset and limit. */
  readonly total: number;
}

export interface PurgeCounts {
  readonly signins: number;
  readonly events: number;
  readonly detections: number;
}

/** The reports' queries (implemented per store: duckdb/report-queries.ts). */
export interface ReportQueries {
  page(tenant: TenantId, spec: ReportQuerySpec, window: { readonly offset: number; readonly limit: number }): Promise<ReportPage>;
  /** Rows in report order, in batches, in constant memory; `limit` keeps the first N (the newest). */
  stream(tenant: TenantId, spec: ReportQuerySpec, limit?: number): AsyncIterable<readonly ReportRow[]>;
  /**
   * The rows of `stream` as CSV lines made by the store (csvLine's neutralising
   * and quoting; no BOM, header or trailer), in text chunks of whole lines;
   * undefined when a column's type has no exact text there (use stream then).
   */
  csvText?(tenant: TenantId, spec: ReportQuerySpec, columns: readonly string[], limit?: number): Promise<AsyncIterable<string> | undefined>;
  /**
   * Builds off the request path what the first report runs over the month
   * before `now` would otherwise build (DuckDB: the closed days' rollups and
   * per-user sign-ins, and the flagged sign-ins of new detections); idempotent
   * and cheap when up to date. Optional: a store without such caches omits it.
   */
  warm?(tenant: TenantId, now: string): Promise<void>;
  /** Writes the whole report as Parquet to `file` inside the store (DuckDB COPY); resolves to the row count. */
  exportParquet(tenant: TenantId, spec: ReportQuerySpec, file: string): Promise<number>;
  /** The detection as stored (detector and ignore flag), for Ignore's checks. */
  getDetectionFlags(
    tenant: TenantId,
    detectionId: string,
  ): Promise<{ readonly detector: string; readonly ignoredAt?: string } | undefined>;
  /**
   * SPEC 5 Ignore: flags the detection (kept in storage) and stores `audit` in the
   * tenant's own audit log, atomically; false (and nothing written) when it was
   * not there or already ignored.
   */
  ignoreDetection(tenant: TenantId, detectionId: string, by: string, at: string, audit: DirectoryAudit): Promise<boolean>;
  /** Stores the suppression and its audit record atomically. */
  addSuppression(tenant: TenantId, suppression: Suppression, audit: DirectoryAudit): Promise<void>;
  listSuppressions(tenant: TenantId): Promise<Suppression[]>;
  /** Undo: marks the suppression removed (and audits it); false when there was no active one with that id. */
  removeSuppression(tenant: TenantId, id: string, by: string, at: string, audit: DirectoryAudit): Promise<boolean>;
  /** Retention: deletes the tenant's sign-ins, events and detections older than `before`. */
  purgeBefore(tenant: TenantId, before: string): Promise<PurgeCounts>;
}

/**
 * The Graph-compatible read API's queries (implemented per store:
 * duckdb/graph-queries.ts). Records come back in Graph's JSON shape.
 */
export interface GraphQueries {
  /**
   * `own`: records of the resource that authlens computes outside the store
   * (riskyUsers: its risk model over the detections), listed, filtered and
   * paged with the stored ones; a stored record with the same id wins.
   */
  list(tenant: TenantId, resource: GraphResource, query: GraphListQuery, own?: readonly GraphRecord[]): Promise<GraphListResult>;
  get(tenant: TenantId, resource: GraphResource, id: string, own?: readonly GraphRecord[]): Promise<GraphRecord | undefined>;
}

/** One detector key's checkpointed state (src/detect/engine): plain JSON. */
export interface DetectorStateRow {
  readonly detector: string;
  readonly key: string;
  readonly state: unknown;
  /** Event time (ms) of the key's last event. */
  readonly last: number;
}

/** Streaming detector checkpoints (detect engine); save() is atomic. */
export interface StateStore {
  load(tenant: TenantId): Promise<{ readonly meta: unknown; readonly keys: DetectorStateRow[] }>;
  save(
    tenant: TenantId,
    delta: {
      readonly upserts: readonly DetectorStateRow[];
      readonly deletes: readonly { readonly detector: string; readonly key: string }[];
      readonly meta: unknown;
    },
  ): Promise<void>;
}

/** Per-tenant detector settings as stored (validated by src/detect/engine/settings.ts). */
export interface DetectorSettingsStore {
  getSettings(tenant: TenantId): Promise<Record<string, unknown>>;
  putSettings(tenant: TenantId, settings: Record<string, unknown>, by: string, at: string): Promise<void>;
  /** Stored versions, newest first, with who and when (the settings history). Optional: stores without history omit it. */
  settingsHistory?(tenant: TenantId, limit: number): Promise<{ readonly settings: Record<string, unknown>; readonly by: string; readonly at: string }[]>;
}

/** Leaked-credential feed records per tenant (D8). Idempotent by (tenant, account, sha1, ntlm, source). */
export interface LeakStore {
  importLeaks(tenant: TenantId, records: readonly LeakedCredential[]): Promise<{ readonly inserted: number; readonly duplicates: number }>;
  listLeaks(tenant: TenantId): Promise<LeakedCredential[]>;
}

/** Risky users' states with their history (D7). */
export interface RiskyUserStore {
  getRiskyUser(tenant: TenantId, userKey: string): Promise<RiskyUserRecord | undefined>;
  listRiskyUsers(tenant: TenantId): Promise<RiskyUserRecord[]>;
  /** Stores the change and the new state atomically (with `audit`, the tenant's audit log records it in the same transaction). */
  changeRiskState(tenant: TenantId, change: RiskStateChange, audit?: DirectoryAudit): Promise<void>;
  riskHistory(tenant: TenantId, userKey: string): Promise<RiskStateChange[]>;
}

/** Incidents' statuses with their history; the incidents themselves are computed (src/detect/incidents). */
export interface IncidentStore {
  /** The newest change of each incident that has one. */
  listIncidentStatuses(tenant: TenantId): Promise<IncidentStatusChange[]>;
  /** With `audit`, the tenant's audit log records the change in the same transaction. */
  changeIncidentStatus(tenant: TenantId, change: IncidentStatusChange, audit?: DirectoryAudit): Promise<void>;
  /** Oldest first. */
  incidentHistory(tenant: TenantId, incidentId: string): Promise<IncidentStatusChange[]>;
}

/** A tenant's notification settings (SPEC 5 Notifications) as stored. */
export interface NotificationSettingsRecord {
  /** Detections of at least this severity are notified (default high). */
  readonly minSeverity: 'low' | 'medium' | 'high';
  /** Besides the directory's global and security admins. */
  readonly extraRecipients: readonly string[];
  /** At most one alert email per tenant per this many minutes. */
  readonly batchMinutes: number;
  readonly weeklyDigest: boolean;
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** A tenant's webhook; the secret signs every body (HMAC-SHA256) and is shown to the admin once. */
export interface WebhookRecord {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export type DeliveryChannel = 'email' | 'webhook';
/** `test`: asked for by an admin (POST .../notifications/test) to check that messages arrive. */
export type DeliveryKind = 'detection' | 'digest' | 'test';
export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/** One message to one channel target (an email to its recipients, or one webhook), with its outcome. */
export interface DeliveryRecord {
  readonly id: string;
  readonly tenant: TenantId;
  readonly channel: DeliveryChannel;
  readonly kind: DeliveryKind;
  /** Email: recipients joined by ", "; webhook: the webhook id. */
  readonly target: string;
  readonly subject: string;
  /** Email: the text body; webhook: the CloudEvent JSON exactly as posted. */
  readonly payload: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt?: string;
  /** The server's reply or the reason of the last failed attempt. */
  readonly lastError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sentAt?: string;
}

/** Notifications: settings, webhooks, the detection outbox and deliveries (src/notify). */
export interface NotificationStore {
  getSettings(tenant: TenantId): Promise<NotificationSettingsRecord | undefined>;
  putSettings(tenant: TenantId, settings: NotificationSettingsRecord): Promise<void>;
  addWebhook(tenant: TenantId, webhook: WebhookRecord): Promise<void>;
  listWebhooks(tenant: TenantId): Promise<WebhookRecord[]>;
  /** false when there was no such (live) webhook. */
  deleteWebhook(tenant: TenantId, id: string, at: string): Promise<boolean>;
  /** One INSERT for a batch of qualifying detections. */
  enqueueDetections(tenant: TenantId, detections: readonly Detection[], at: string): Promise<void>;
  /** Maintenance across tenants (hence the name): tenants with queued detections. */
  tenantsWithQueuedDetectionsAllTenants(): Promise<TenantId[]>;
  /** Queued detections (not ignored since), and the outbox position they go up to. */
  listQueued(tenant: TenantId): Promise<{ readonly detections: Detection[]; readonly upTo: number }>;
  /** Atomically: drops the outbox up to `upTo`, stores the deliveries and (when `at` is given) the tenant's last alert time. */
  commitAlert(tenant: TenantId, upTo: number, deliveries: readonly DeliveryRecord[], at: string | undefined): Promise<void>;
  /** Stores deliveries that belong to no alert or digest schedule (a test message). */
  addDeliveries(tenant: TenantId, deliveries: readonly DeliveryRecord[]): Promise<void>;
  /** Atomically: stores the digest's deliveries and the tenant's last digest time. */
  commitDigest(tenant: TenantId, deliveries: readonly DeliveryRecord[], at: string): Promise<void>;
  getSchedule(tenant: TenantId): Promise<{ readonly lastAlertAt?: string; readonly lastDigestAt?: string }>;
  /** Maintenance across tenants: pending deliveries due at `now`, oldest first. */
  dueDeliveriesAllTenants(now: string, limit: number): Promise<DeliveryRecord[]>;
  updateDelivery(
    tenant: TenantId,
    id: string,
    outcome: Pick<DeliveryRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt' | 'updatedAt'>,
  ): Promise<void>;
  /** Newest first. */
  listDeliveries(tenant: TenantId, limit: number): Promise<DeliveryRecord[]>;
  /** Maintenance across tenants: deletes finished (sent or failed) deliveries last updated before `before`; returns how many. */
  purgeDeliveriesBeforeAllTenants(before: string): Promise<number>;
}

/** A tenant's IdP connector as stored: its kind, the settings that may be shown, and its one secret sealed (src/secrets.ts). */
export interface ConnectorRecord {
  readonly kind: string;
  readonly settings: Readonly<Record<string, string>>;
  /** sealSecret(key, secret, tenant): never the secret in clear. */
  readonly sealedSecret: string;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

/** IdP connectors and the suspected-breach actions done through them (SPEC 5). */
export interface ConnectorStore {
  getConnector(tenant: TenantId): Promise<ConnectorRecord | undefined>;
  /** Replaces the tenant's connector and stores `audit` in its audit log, atomically. */
  putConnector(tenant: TenantId, record: ConnectorRecord, audit: DirectoryAudit): Promise<void>;
  /** Removes it (and audits it); false, with nothing written, when there was none. */
  deleteConnector(tenant: TenantId, audit: DirectoryAudit): Promise<boolean>;
  /** Stores the action in the user's history and `audit` in the tenant's audit log, atomically. */
  recordAction(tenant: TenantId, action: BreachActionRecord, audit: DirectoryAudit): Promise<void>;
  /** The actions on any of these user keys (lower case), oldest first. */
  listActions(tenant: TenantId, userKeys: readonly string[]): Promise<BreachActionRecord[]>;
}
