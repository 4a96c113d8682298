/**
 * The notification outbox and its delivery loop (SPEC 5 Notifications).
 * Ingest calls enqueue() after storing detections: one INSERT per batch with
 * qualifying detections. tick() then, per tenant, gathers everything queued
 * into one alert (at most one per `batchMinutes`), sends the weekly digest
 * when due, and attempts every due delivery, storing each outcome.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Detection } from '../schema/detections.ts';
import type { Suppression } from '../schema/reports.ts';
import type { TenantId } from '../schema/tenants.ts';
import { cidrContains, parseCidr } from '../schema/cidr.ts';
import type {
  ControlStore,
  DeliveryRecord,
  DetectionStore,
  NotificationSettingsRecord,
  NotificationStore,
  WebhookRecord,
} from '../store/ports.ts';
import { alertEmail, alertEventData, summarizeAlert } from './alert-message.ts';
import { DEFAULT_RETRY_BASE_MS, MAX_ATTEMPTS, retryDelayMs } from './backoff.ts';
import { cloudEvent, DETECTION_EVENT_TYPE, DIGEST_EVENT_TYPE, TEST_EVENT_TYPE } from './cloud-events.ts';
import { buildWeeklyDigest, digestEmail, isDigestDue, type WeeklyDigest } from './digest.ts';
import type { Mailer } from './email.ts';
import { notificationRecipients } from './recipients.ts';
import { DEFAULT_NOTIFY_SETTINGS, severityAtLeast, type NotifySettings } from './settings.ts';
import { postWebhook, webhookUrlProblem, type WebhookHosts } from './webhook.ts';

export const SMTP_NOT_CONFIGURED = 'SMTP is not configured (AUTHLENS_SMTP_URL)';
export const NO_RECIPIENTS =
  'no recipients: the directory has no enabled global or security admin with a mail or UPN, and no extra recipients are set';
const DELIVERIES_PER_TICK = 50;
const SETTINGS_CACHE_MS = 30_000;
/**
 * Detections of events older than this are history being loaded (a backfill, an
 * export imported late): they go to the reports and the digest, not to an alert.
 */
export const MAX_ALERT_AGE_MS = 24 * 3_600_000;
/** Finished deliveries are kept this long for admins to look at, then purged (checked hourly). */
export const DELIVERY_RETENTION_MS = 90 * 86_400_000;
const PURGE_EVERY_MS = 3_600_000;
/** At most one test message per tenant this often (it mails every admin of the directory). */
export const TEST_INTERVAL_MS = 60_000;

export interface NotifierDeps {
  readonly store: NotificationStore;
  readonly control: Pick<ControlStore, 'getDirectory' | 'getTenant' | 'listTenants'>;
  readonly detections: Pick<DetectionStore, 'listDetections'>;
  /** The tenant's suppressions (ReportQueries.listSuppressions); absent: none apply. */
  readonly suppressions?: (tenant: TenantId) => Promise<Suppression[]>;
  /** Absent: SMTP is not configured and email deliveries fail with SMTP_NOT_CONFIGURED. */
  readonly mailer?: Mailer;
  readonly fetch?: typeof fetch;
  /** Default 'public': webhooks never reach private, loopback or link-local addresses. */
  readonly webhookHosts?: WebhookHosts;
  readonly now?: () => Date;
  readonly retryBaseMs?: number;
  readonly webhookTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface TickResult {
  readonly alerts: number;
  readonly digests: number;
  readonly attempted: number;
}

export interface CreatedWebhook {
  readonly webhook: Omit<WebhookRecord, 'secret'>;
  /** Shown once: the receiver needs it to verify X-Authlens-Signature. */
  readonly secret: string;
}

export interface Notifier {
  /** Keeps the detections worth notifying (severity, not log-only, event within MAX_ALERT_AGE_MS) and queues them in one INSERT; returns how many. */
  enqueue(tenant: TenantId, detections: readonly Detection[]): Promise<number>;
  /** One round of the loop (alerts, digests, due deliveries). Never runs twice at once. */
  tick(): Promise<TickResult>;
  /** Runs tick() every `everyMs` (default 15 s) until stop(); `log` hears of failed deliveries and loop errors. */
  start(opts?: { readonly everyMs?: number; readonly log?: (line: string) => void }): void;
  /** Stops the schedule and waits for a running tick. */
  stop(): Promise<void>;
  getSettings(tenant: TenantId): Promise<NotificationSettingsRecord>;
  putSettings(tenant: TenantId, settings: NotifySettings, by: string): Promise<NotificationSettingsRecord>;
  /** Why a webhook URL is refused (scheme, credentials, a literal private host), or undefined. */
  webhookUrlProblem(url: string): string | undefined;
  createWebhook(tenant: TenantId, url: string, by: string): Promise<CreatedWebhook>;
  listWebhooks(tenant: TenantId): Promise<Omit<WebhookRecord, 'secret'>[]>;
  deleteWebhook(tenant: TenantId, id: string): Promise<boolean>;
  listDeliveries(tenant: TenantId, limit: number): Promise<DeliveryRecord[]>;
  buildWeeklyDigest(tenant: TenantId, now: Date): Promise<WeeklyDigest>;
  /**
   * Queues a test message to the tenant's recipients and webhooks (sent by the
   * delivery loop like an alert), or says when the next one may be asked for.
   */
  sendTest(tenant: TenantId, by: string): Promise<{ readonly deliveries: DeliveryRecord[] } | { readonly retryAfterSeconds: number }>;
}

/** Suppressions by user, IP, CIDR and detector; ASN and country need the sign-in's enrichment and are judged by the reports only. */
export function isSuppressed(d: Detection, sups: readonly Suppression[], now: string): boolean {
  return sups.some((s) => {
    if (s.removedAt !== undefined || (s.expiresAt !== undefined && s.expiresAt <= now)) return false;
    switch (s.kind) {
      case 'user':
        return d.userPrincipalName?.toLowerCase() === s.value.toLowerCase();
      case 'ip':
        return d.ipAddress === s.value;
      case 'cidr': {
        const c = parseCidr(s.value);
        return c !== undefined && d.ipAddress !== undefined && cidrContains(c, d.ipAddress);
      }
      case 'detector':
        return d.detector === s.value;
      default:
        return false;
    }
  });
}

const publicWebhook = ({ secret: _secret, ...w }: WebhookRecord): Omit<WebhookRecord, 'secret'> => w;

export function createNotifier(deps: NotifierDeps): Notifier {
  const clock = deps.now ?? (() => new Date());
  let log = deps.log ?? (() => undefined);
  const cache = new Map<TenantId, { at: number; settings: NotificationSettingsRecord }>();
  let running: Promise<TickResult> | undefined;
  let lastPurge = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const lastTest = new Map<TenantId, number>();

  async function settingsOf(tenant: TenantId): Promise<NotificationSettingsRecord> {
    const hit = cache.get(tenant);
    const t = Date.now();
    if (hit !== undefined && t - hit.at < SETTINGS_CACHE_MS) return hit.settings;
    const settings = (await deps.store.getSettings(tenant)) ?? DEFAULT_NOTIFY_SETTINGS;
    cache.set(tenant, { at: t, settings });
    return settings;
  }

  function delivery(tenant: TenantId, d: Pick<DeliveryRecord, 'channel' | 'kind' | 'target' | 'subject' | 'payload'>, at: string, failed?: string): DeliveryRecord {
    return {
      id: randomUUID(),
      tenant,
      ...d,
      status: failed === undefined ? 'pending' : 'failed',
      attempts: 0,
      ...(failed !== undefined ? { lastError: failed } : { nextAttemptAt: at }),
      createdAt: at,
      updatedAt: at,
    };
  }

  /** One email to every recipient (or a failed row saying why there is none) and one event per webhook. */
  async function fanOut(
    tenant: TenantId,
    kind: DeliveryRecord['kind'],
    mail: { subject: string; text: string },
    event: { type: string; data: unknown },
    at: string,
  ): Promise<DeliveryRecord[]> {
    const settings = await settingsOf(tenant);
    const recipients = notificationRecipients(await deps.control.getDirectory(tenant), settings.extraRecipients);
    const out: DeliveryRecord[] = [
      delivery(tenant, { channel: 'email', kind, target: recipients.join(', '), subject: mail.subject, payload: mail.text }, at, recipients.length === 0 ? NO_RECIPIENTS : undefined),
    ];
    for (const w of await deps.store.listWebhooks(tenant)) {
      const id = randomUUID();
      const body = JSON.stringify(cloudEvent({ id, tenant, type: event.type, time: at, data: event.data }));
      out.push({ ...delivery(tenant, { channel: 'webhook', kind, target: w.id, subject: mail.subject, payload: body }, at), id });
    }
    return out;
  }

  async function tenantName(tenant: TenantId): Promise<string> {
    return (await deps.control.getTenant(tenant))?.name ?? tenant;
  }

  async function alerts(now: Date): Promise<number> {
    let n = 0;
    const at = now.toISOString();
    for (const tenant of await deps.store.tenantsWithQueuedDetectionsAllTenants()) {
      const settings = await settingsOf(tenant);
      const { lastAlertAt } = await deps.store.getSchedule(tenant);
      if (lastAlertAt !== undefined && now.getTime() - Date.parse(lastAlertAt) < settings.batchMinutes * 60_000) continue;
      const queued = await deps.store.listQueued(tenant);
      const sups = deps.suppressions !== undefined ? await deps.suppressions(tenant) : [];
      const found = queued.detections.filter((d) => !isSuppressed(d, sups, at));
      if (found.length === 0) {
        // Everything queued was suppressed or ignored since: drop it without using up the tenant's window.
        await deps.store.commitAlert(tenant, queued.upTo, [], undefined);
        continue;
      }
      const summary = summarizeAlert(tenant, found);
      const rows = await fanOut(
        tenant,
        'detection',
        alertEmail(summary, await tenantName(tenant)),
        { type: DETECTION_EVENT_TYPE, data: alertEventData(summary, found) },
        at,
      );
      await deps.store.commitAlert(tenant, queued.upTo, rows, at);
      n++;
    }
    return n;
  }

  async function digests(now: Date): Promise<number> {
    let n = 0;
    const at = now.toISOString();
    for (const t of await deps.control.listTenants()) {
      const settings = await settingsOf(t.id);
      if (!settings.weeklyDigest) continue;
      const { lastDigestAt } = await deps.store.getSchedule(t.id);
      if (!isDigestDue(lastDigestAt, now)) continue;
      if (lastDigestAt === undefined) {
        // A tenant seen for the first time starts its schedule: the first digest goes at the next boundary, not at boot.
        await deps.store.commitDigest(t.id, [], at);
        continue;
      }
      const digest = await buildWeeklyDigest(deps, t.id, now);
      const rows = await fanOut(t.id, 'digest', digestEmail(digest, t.name), { type: DIGEST_EVENT_TYPE, data: digest }, at);
      await deps.store.commitDigest(t.id, rows, at);
      n++;
    }
    return n;
  }

  async function attempt(d: DeliveryRecord, now: Date): Promise<void> {
    const at = now.toISOString();
    const attempts = d.attempts + 1;
    let outcome: { ok: true } | { ok: false; permanent: boolean; reason: string };
    if (d.channel === 'email') {
      outcome =
        deps.mailer === undefined
          ? { ok: false, permanent: true, reason: SMTP_NOT_CONFIGURED }
          : await deps.mailer.send({ to: d.target.split(', '), subject: d.subject, text: d.payload });
    } else {
      const hook = (await deps.store.listWebhooks(d.tenant)).find((w) => w.id === d.target);
      outcome =
        hook === undefined
          ? { ok: false, permanent: true, reason: 'the webhook was deleted' }
          : await postWebhook(hook.url, hook.secret, d.payload, {
              deliveryId: d.id,
              hosts: deps.webhookHosts ?? 'public',
              ...(deps.fetch !== undefined ? { fetch: deps.fetch } : {}),
              ...(deps.webhookTimeoutMs !== undefined ? { timeoutMs: deps.webhookTimeoutMs } : {}),
            });
    }
    if (outcome.ok) {
      await deps.store.updateDelivery(d.tenant, d.id, { status: 'sent', attempts, sentAt: at, updatedAt: at });
      return;
    }
    if (outcome.permanent || attempts >= MAX_ATTEMPTS) {
      const reason = outcome.permanent ? outcome.reason : `gave up after ${attempts} attempts: ${outcome.reason}`;
      await deps.store.updateDelivery(d.tenant, d.id, { status: 'failed', attempts, lastError: reason, updatedAt: at });
      log(`notification ${d.id} (${d.channel}, tenant ${d.tenant}) failed: ${reason}`);
      return;
    }
    const next = new Date(now.getTime() + retryDelayMs(attempts, deps.retryBaseMs ?? DEFAULT_RETRY_BASE_MS)).toISOString();
    await deps.store.updateDelivery(d.tenant, d.id, { status: 'pending', attempts, nextAttemptAt: next, lastError: outcome.reason, updatedAt: at });
  }

  async function runTick(): Promise<TickResult> {
    const now = clock();
    const a = await alerts(now);
    const g = await digests(now);
    const due = await deps.store.dueDeliveriesAllTenants(now.toISOString(), DELIVERIES_PER_TICK);
    for (const d of due) await attempt(d, now);
    if (now.getTime() - lastPurge >= PURGE_EVERY_MS) {
      lastPurge = now.getTime();
      await deps.store.purgeDeliveriesBeforeAllTenants(new Date(now.getTime() - DELIVERY_RETENTION_MS).toISOString());
    }
    return { alerts: a, digests: g, attempted: due.length };
  }

  const notifier: Notifier = {
    async enqueue(tenant, detections) {
      if (detections.length === 0) return 0;
      const { minSeverity } = await settingsOf(tenant);
      const oldest = clock().getTime() - MAX_ALERT_AGE_MS;
      const keep = detections.filter((d) => !d.logOnly && severityAtLeast(d.severity, minSeverity) && Date.parse(d.detectedDateTime) >= oldest);
      if (keep.length > 0) await deps.store.enqueueDetections(tenant, keep, clock().toISOString());
      return keep.length;
    },
    tick() {
      running ??= runTick().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(opts = {}) {
      if (timer !== undefined) return;
      if (opts.log !== undefined) log = opts.log;
      timer = setInterval(() => {
        notifier.tick().catch((err: unknown) => log(`notification loop failed: ${String(err)}`));
      }, opts.everyMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    getSettings: settingsOf,
    async putSettings(tenant, s, by) {
      const record: NotificationSettingsRecord = {
        minSeverity: s.minSeverity,
        extraRecipients: [...new Set(s.extraRecipients.map((r) => r.trim()))],
        batchMinutes: s.batchMinutes,
        weeklyDigest: s.weeklyDigest,
        updatedBy: by,
        updatedAt: clock().toISOString(),
      };
      await deps.store.putSettings(tenant, record);
      cache.delete(tenant);
      return record;
    },
    webhookUrlProblem: (url) => webhookUrlProblem(url, deps.webhookHosts ?? 'public'),
    async createWebhook(tenant, url, by) {
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const webhook: WebhookRecord = { id: randomBytes(8).toString('hex'), url, secret, createdAt: clock().toISOString(), createdBy: by };
      await deps.store.addWebhook(tenant, webhook);
      return { webhook: publicWebhook(webhook), secret };
    },
    async listWebhooks(tenant) {
      return (await deps.store.listWebhooks(tenant)).map(publicWebhook);
    },
    deleteWebhook: (tenant, id) => deps.store.deleteWebhook(tenant, id, clock().toISOString()),
    listDeliveries: (tenant, limit) => deps.store.listDeliveries(tenant, limit),
    buildWeeklyDigest: (tenant, now) => buildWeeklyDigest(deps, tenant, now),
    async sendTest(tenant, by) {
      const now = clock();
      const last = lastTest.get(tenant);
      if (last !== undefined && now.getTime() - last < TEST_INTERVAL_MS) return { retryAfterSeconds: Math.ceil((TEST_INTERVAL_MS - (now.getTime() - last)) / 1000) };
      lastTest.set(tenant, now.getTime());
      const at = now.toISOString();
      const name = await tenantName(tenant);
      const mail = {
        subject: `[authlens] Test notification for ${name}`,
        text: `This is a test message from authlens, asked for by ${by} at ${at}.\n\nAlerts about detections in ${name} (${tenant}) and its weekly digest come to this address the same way. Nothing needs to be done.\n`,
      };
      const rows = await fanOut(tenant, 'test', mail, { type: TEST_EVENT_TYPE, data: { tenant, test: true, requestedBy: by } }, at);
      await deps.store.addDeliveries(tenant, rows);
      return { deliveries: rows };
    },
  };
  return notifier;
}
