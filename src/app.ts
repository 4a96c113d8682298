/**
 * Composition root: the only module that knows every other. Builds a runtime
 * (store, enrichment, ingest pipeline, detections) from config, and the HTTP
 * app over it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import type { IngestSummary, InputFormat } from './schema/ingest.ts';
import { eventTime, eventTimeField, type AuthEvent } from './schema/events.ts';
import type { EnrichedEvent } from './schema/enrichment.ts';
import type { TenantId } from './schema/tenants.ts';
import type { Detection } from './schema/detections.ts';
import type { Store } from './store/ports.ts';
import { DB_FILE_NAME, openDuckDbStore, type DuckDbStore } from './store/duckdb/open.ts';
import { createIngestPipeline, type IngestProgress } from './ingest/pipeline.ts';
import type { IngestInput } from './ingest/read-records.ts';
import { isReportingEnabled } from './directory/tenants.ts';
import { retentionCutoff } from './reports/retention.ts';
import { REPORTING_NOT_ENABLED } from './reports/editions.ts';
import { buildApp } from './api/build-app.ts';
import type { ApiDeps } from './api/deps.ts';
import { loadEnrichment, type Enrichment } from './enrich/load.ts';
import { createDetectionRuntime, loadTenantSettings, type DetectionRuntime } from './detect/runtime.ts';
import { createReputationSharing, rebuildSharedReputation, type ReputationSharing } from './detect/shared-reputation.ts';
import { createSharedIpReputation } from './enrich/shared-reputation.ts';
import { createDetectStores, type DetectStores } from './store/duckdb/detect-stores.ts';
import { createGraphQueries } from './store/duckdb/graph-queries.ts';
import { loadOrCreateSecret } from './secrets.ts';
import { createNotifyStore } from './store/duckdb/notify-store.ts';
import { createNotifier, type Notifier } from './notify/notifier.ts';
import { createSmtpMailer } from './notify/email.ts';
import { createConnectorStore } from './store/duckdb/connector-store.ts';
import { createBreachActions } from './reports/breach-actions.ts';

/** The lock error of the embedded store, for callers above the composition root (the CLI). */
export { DataDirLockedError } from './store/duckdb/open.ts';

/** Whether the data dir holds an authlens store already (commands other than setup ones refuse to create one by accident). */
export function hasStore(dataDir: string): boolean {
  return existsSync(path.join(dataDir, DB_FILE_NAME));
}

/** Why an ingest was refused before reading anything (the CLI and API word it for their users). */
export class IngestRefusedError extends Error {
  constructor(
    readonly code: 'tenantNotFound' | 'reportingNotEnabled',
    message: string,
  ) {
    super(message);
    this.name = 'IngestRefusedError';
  }
}


export interface IngestOptions {
  readonly format: InputFormat;
  onProgress?(p: IngestProgress): void;
}

export interface Runtime {
  readonly config: Config;
  readonly store: DuckDbStore;
  readonly enrichment: Enrichment;
  readonly detect: DetectStores;
  readonly detection: DetectionRuntime;
  /** Notification outbox and delivery loop (main.ts starts it in the server). */
  readonly notify: Notifier;
  /**
   * The deployment's shared IP reputation (SPEC 4 D4) when the operator turned it on
   * (Config.sharedIpReputation); undefined when off: then nothing crosses a tenant boundary.
   */
  readonly sharing?: ReputationSharing;
  /** Drops the tenant's detection engine after a settings change (and forgets what it shared if it stopped sending). */
  reloadDetections(tenant: TenantId): Promise<void>;
  /** Validates, enriches, stores durably and runs detections; refuses tenants that have not opted in. */
  ingest(tenant: TenantId, input: IngestInput, opts: IngestOptions): Promise<IngestSummary>;
  /**
   * Releases the detectors' lateness buffer and stores what it yields. A bulk
   * load (CLI, demo) calls it at its end; a live stream never needs to.
   */
  flushDetections(tenant: TenantId): Promise<number>;
  /**
   * Releases, in every opted-in tenant, the sign-ins older than the lateness by
   * the wall clock and stores (and notifies) their detections; the server runs
   * it every minute so a quiet stream's last sign-ins are not held back. Returns
   * how many detections it stored.
   */
  releaseDueDetections(): Promise<number>;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  const store = await openDuckDbStore({ dataDir: config.dataDir });
  let enrichment: Enrichment;
  try {
    enrichment = await loadEnrichment(config);
  } catch (err) {
    await store.close();
    throw err;
  }
  // A file may be far larger than one HTTP body (the events route enforces maxBodyBytes itself);
  // this bound only stops an endless input (1,024 bodies, 64 GiB by default).
  const pipeline = createIngestPipeline({ limits: config.limits, maxInputBytes: config.limits.maxBodyBytes * 1024 });
  const detect = createDetectStores(store.db);
  const detection = createDetectionRuntime({
    state: detect.state,
    settings: detect.settings,
    events: store.events,
    now: () => Date.now(),
    latenessMs: config.latenessMs,
  });

  let sharing: ReputationSharing | undefined;
  const shared = config.sharedIpReputation;
  if (shared?.enabled === true) {
    const reputation = createSharedIpReputation({ windowMs: shared.windowMs, maxIps: shared.maxIps, now: () => Date.now() });
    sharing = createReputationSharing({ reputation, settingsOf: (t) => detection.settingsOf(t) });
    try {
      // What the deployment shared in the last window, from the stored detections: it survives restarts,
      // and a CLI process sees what earlier ones (or a stopped server) shared.
      await rebuildSharedReputation(reputation, {
        detections: store.detections,
        settingsOf: (t) => loadTenantSettings(detect.settings, t),
        windowMs: shared.windowMs,
        maxIps: shared.maxIps,
        now: () => Date.now(),
      });
    } catch (err) {
      await enrichment.close();
      await store.close();
      throw err;
    }
  }

  const mailer = config.smtpUrl !== undefined ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom ?? 'authlens <authlens@localhost>' }) : undefined;
  const notify = createNotifier({
    store: createNotifyStore(store.db),
    control: store.control,
    detections: store.detections,
    suppressions: (t: TenantId) => store.reports.listSuppressions(t),
    ...(mailer !== undefined ? { mailer } : {}),
    webhookHosts: config.webhookAllowPrivate === true ? 'any' : 'public',
  });

  async function storeDetections(tenant: TenantId, found: readonly Detection[]): Promise<void> {
    if (found.length > 0) await store.detections.appendDetections(tenant, found);
    // Once durable (the rebuild at start reads them back): the tenant's own D4 findings, when it sends.
    if (sharing !== undefined && found.length > 0) await sharing.publish(tenant, found);
    // After the detections are durable: one outbox INSERT when some qualify (SPEC 5 notifications).
    await notify.enqueue(tenant, found);
    // The checkpoint follows the detections it covers: a crash in between replays, and ids make replays no-ops.
    await detection.checkpoint(tenant);
  }

  async function ingest(tenant: TenantId, input: IngestInput, opts: IngestOptions): Promise<IngestSummary> {
    const t = await store.control.getTenant(tenant);
    if (t === undefined) throw new IngestRefusedError('tenantNotFound', `tenant '${tenant}' does not exist`);
    if (!isReportingEnabled(t)) throw new IngestRefusedError('reportingNotEnabled', `${REPORTING_NOT_ENABLED} (authlens tenant opt-in ${tenant} --by UPN)`);
    // Events the retention purge would delete within the hour are refused up front, so a load of an old
    // export says why it is not in the reports instead of vanishing (SPEC 3 retention).
    const cutoff = retentionCutoff(new Date(), t.retentionDays);
    const cutoffMs = Date.parse(cutoff);
    // The shared IP reputation is stamped on the sign-ins of a tenant that receives it, like IP-list tags.
    const reputation = sharing !== undefined && (await sharing.receives(tenant)) ? sharing.reputation : undefined;
    const tooOld = `older than tenant ${tenant}'s retention of ${t.retentionDays} days (before ${cutoff}), so it would be purged; to keep older events: authlens tenant set ${tenant} --retention-days N`;
    return pipeline.ingest(
      input,
      {
        admit: (e) => (Date.parse(eventTime(e)) < cutoffMs ? { field: `/${eventTimeField(e.kind)}`, reason: tooOld } : undefined),
        enrich: (e: AuthEvent): EnrichedEvent => {
          const x = enrichment.enrich(tenant, e);
          return reputation !== undefined && x.kind === 'signIn' ? reputation.stamp(tenant, x) : x;
        },
        append: (events) => store.events.appendEvents(tenant, events),
        afterAppend: async (stored) => storeDetections(tenant, await detection.onEvents(tenant, stored)),
      },
      { format: opts.format, ...(opts.onProgress !== undefined ? { onProgress: opts.onProgress } : {}) },
    );
  }

  async function flushDetections(tenant: TenantId): Promise<number> {
    const found = await detection.flush(tenant);
    await storeDetections(tenant, found);
    return found.length;
  }

  async function releaseDueDetections(): Promise<number> {
    const tenants = (await store.control.listTenants()).filter(isReportingEnabled).map((t) => t.id);
    let n = 0;
    for (const { tenant, detections } of await detection.releaseDue(tenants)) {
      await storeDetections(tenant, detections);
      n += detections.length;
    }
    return n;
  }

  return {
    config,
    store,
    enrichment,
    detect,
    detection,
    notify,
    ...(sharing !== undefined ? { sharing } : {}),
    async reloadDetections(tenant) {
      await detection.reload(tenant);
      await sharing?.settingsChanged(tenant);
    },
    ingest,
    flushDetections,
    releaseDueDetections,
    async close() {
      await notify.stop();
      mailer?.close();
      await detection.checkpoint();
      await enrichment.close();
      await store.close();
    },
  };
}

/** The HTTP app over a runtime. */
export async function buildHttpApp(
  rt: Runtime,
  extra: Pick<ApiDeps, 'runCli' | 'operatorToken' | 'portalUsers' | 'https'> = {},
): Promise<FastifyInstance> {
  const deps: ApiDeps = {
    config: rt.config,
    store: rt.store satisfies Store,
    ingest: (tenant, input, format) => rt.ingest(tenant, input, { format }),
    tls: rt.config.tls !== undefined,
    graph: {
      queries: createGraphQueries(rt.store.db),
      // Persistent, so @odata.nextLink tokens outlive a restart.
      skipTokenKey: await loadOrCreateSecret(rt.config.dataDir, 'skip-token.key'),
    },
    // Persistent, so access tokens outlive a restart (docs/api.md); deleting the file ends them all.
    oauth: { signingKey: await loadOrCreateSecret(rt.config.dataDir, 'oauth-token.key') },
    detect: {
      settings: rt.detect.settings,
      leaks: rt.detect.leaks,
      riskyUsers: rt.detect.riskyUsers,
      incidents: rt.detect.incidents,
      reload: (tenant) => rt.reloadDetections(tenant),
    },
    ipLists: rt.enrichment.lists,
    notify: rt.notify,
    // The connector secrets are sealed with this key file: a copy of the database alone does not reveal them.
    breachActions: createBreachActions({
      store: createConnectorStore(rt.store.db),
      key: await loadOrCreateSecret(rt.config.dataDir, 'connector.key'),
      hosts: rt.config.webhookAllowPrivate === true ? 'any' : 'public',
    }),
    ...extra,
  };
  return buildApp(deps);
}
