/**
 * Notifications over DuckDB (migration 050): settings, webhooks, the detection
 * outbox, schedules and deliveries. `createNotifyStore(store.db)`.
 */
import type { Detection } from '../../schema/detections.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { DeliveryRecord, NotificationSettingsRecord, NotificationStore, WebhookRecord } from '../ports.ts';
import type { DuckDb } from './database.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { timestampFromIso } from './values.ts';

interface DeliveryRow {
  id: string;
  tenant: string;
  channel: string;
  kind: string;
  target: string;
  subject: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

const SEVERITIES = ['low', 'medium', 'high'] as const;
const ts = (iso: string | undefined) => (iso === undefined ? null : timestampFromIso(iso));

function deliveryOf(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    channel: r.channel === 'webhook' ? 'webhook' : 'email',
    kind: r.kind === 'digest' ? 'digest' : r.kind === 'test' ? 'test' : 'detection',
    target: r.target,
    subject: r.subject,
    payload: r.payload,
    status: r.status === 'sent' ? 'sent' : r.status === 'failed' ? 'failed' : 'pending',
    attempts: Number(r.attempts),
    ...(r.next_attempt_at !== null ? { nextAttemptAt: r.next_attempt_at } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.sent_at !== null ? { sentAt: r.sent_at } : {}),
  };
}

const DELIVERY_COLUMNS =
  'id, tenant, channel, kind, target, subject, payload, status, attempts, next_attempt_at, last_error, created_at, updated_at, sent_at';

async function insertDeliveries(conn: DuckDBConnection, deliveries: readonly DeliveryRecord[]): Promise<void> {
  for (const d of deliveries) {
    await conn.run(`INSERT INTO notify_deliveries (${DELIVERY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, [
      d.id,
      d.tenant,
      d.channel,
      d.kind,
      d.target,
      d.subject,
      d.payload,
      d.status,
      d.attempts,
      ts(d.nextAttemptAt),
      d.lastError ?? null,
      timestampFromIso(d.createdAt),
      timestampFromIso(d.updatedAt),
      ts(d.sentAt),
    ]);
  }
}

async function touchSchedule(conn: DuckDBConnection, tenant: TenantId, column: 'last_alert_at' | 'last_digest_at', at: string): Promise<void> {
  const n = await conn.run(`UPDATE notify_schedule SET ${column} = $2 WHERE tenant = $1`, [tenant, timestampFromIso(at)]);
  if (n.rowsChanged === 0) {
    await conn.run(`INSERT INTO notify_schedule (tenant, ${column}) VALUES ($1, $2)`, [tenant, timestampFromIso(at)]);
  }
}

export function createNotifyStore(db: DuckDb): NotificationStore {
  return {
    async getSettings(tenant) {
      const r = await db.one<{ min_severity: string; extra_recipients: string; batch_minutes: number; weekly_digest: boolean; updated_by: string | null; updated_at: string | null }>(
        'SELECT min_severity, extra_recipients, batch_minutes, weekly_digest, updated_by, updated_at FROM notify_settings WHERE tenant = $1 LIMIT 1',
        [tenant],
      );
      if (r === undefined) return undefined;
      const extra = JSON.parse(r.extra_recipients) as unknown;
      return {
        minSeverity: SEVERITIES.find((s) => s === r.min_severity) ?? 'high',
        extraRecipients: Array.isArray(extra) ? extra.filter((x): x is string => typeof x === 'string') : [],
        batchMinutes: Number(r.batch_minutes),
        weeklyDigest: r.weekly_digest,
        ...(r.updated_by !== null ? { updatedBy: r.updated_by } : {}),
        ...(r.updated_at !== null ? { updatedAt: r.updated_at } : {}),
      };
    },
    async putSettings(tenant, s: NotificationSettingsRecord) {
      await db.transaction(async (conn) => {
        await conn.run('DELETE FROM notify_settings WHERE tenant = $1', [tenant]);
        await conn.run('INSERT INTO notify_settings VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          tenant,
          s.minSeverity,
          JSON.stringify(s.extraRecipients),
          s.batchMinutes,
          s.weeklyDigest,
          s.updatedBy ?? null,
          ts(s.updatedAt),
        ]);
      });
    },
    async addWebhook(tenant, w: WebhookRecord) {
      await db.run('INSERT INTO notify_webhooks VALUES ($1, $2, $3, $4, $5, $6, NULL)', [tenant, w.id, w.url, w.secret, timestampFromIso(w.createdAt), w.createdBy]);
    },
    async listWebhooks(tenant) {
      const rows = await db.all<{ id: string; url: string; secret: string; created_at: string; created_by: string }>(
        'SELECT id, url, secret, created_at, created_by FROM notify_webhooks WHERE tenant = $1 AND deleted_at IS NULL ORDER BY created_at, id',
        [tenant],
      );
      return rows.map((r) => ({ id: r.id, url: r.url, secret: r.secret, createdAt: r.created_at, createdBy: r.created_by }));
    },
    async deleteWebhook(tenant, id, at) {
      const n = await db.run('UPDATE notify_webhooks SET deleted_at = $3 WHERE tenant = $1 AND id = $2 AND deleted_at IS NULL', [tenant, id, timestampFromIso(at)]);
      return n > 0;
    },
    async enqueueDetections(tenant, detections, at) {
      if (detections.length === 0) return;
      await db.run('INSERT INTO notify_outbox (tenant, detections, enqueued_at) VALUES ($1, $2, $3)', [tenant, JSON.stringify(detections), timestampFromIso(at)]);
    },
    async tenantsWithQueuedDetectionsAllTenants() {
      return (await db.all<{ tenant: string }>('SELECT DISTINCT tenant FROM notify_outbox ORDER BY tenant')).map((r) => r.tenant);
    },
    async listQueued(tenant) {
      const rows = await db.all<{ seq: number; detections: string }>('SELECT seq, detections FROM notify_outbox WHERE tenant = $1 ORDER BY seq', [tenant]);
      if (rows.length === 0) return { detections: [], upTo: -1 };
      // Ignored after it was queued: the admin already dealt with it.
      const ignored = new Set(
        (await db.all<{ id: string }>('SELECT id FROM detections WHERE tenant = $1 AND ignored_at >= (SELECT min(enqueued_at) FROM notify_outbox WHERE tenant = $1)',
          [tenant],)).map((r) => r.id),
      );
      const seen = new Set<string>();
      const detections: Detection[] = [];
      for (const r of rows) {
        for (const d of JSON.parse(r.detections) as Detection[]) {
          // A replay after a crash may queue the same detection twice.
          if (seen.has(d.id) || ignored.has(d.id)) continue;
          seen.add(d.id);
          detections.push(d);
        }
      }
      return { detections, upTo: Number(rows[rows.length - 1]?.seq ?? -1) };
    },
    async commitAlert(tenant, upTo, deliveries, at) {
      await db.transaction(async (conn) => {
        await conn.run('DELETE FROM notify_outbox WHERE tenant = $1 AND seq <= $2', [tenant, upTo]);
        await insertDeliveries(conn, deliveries);
        if (at !== undefined) await touchSchedule(conn, tenant, 'last_alert_at', at);
      });
    },
    async addDeliveries(tenant, deliveries) {
      if (deliveries.some((d) => d.tenant !== tenant)) throw new Error('addDeliveries: a delivery of another tenant');
      await db.transaction(async (conn) => insertDeliveries(conn, deliveries));
    },
    async commitDigest(tenant, deliveries, at) {
      await db.transaction(async (conn) => {
        await insertDeliveries(conn, deliveries);
        await touchSchedule(conn, tenant, 'last_digest_at', at);
      });
    },
    async getSchedule(tenant) {
      const r = await db.one<{ last_alert_at: string | null; last_digest_at: string | null }>(
        'SELECT last_alert_at, last_digest_at FROM notify_schedule WHERE tenant = $1',
        [tenant],
      );
      return {
        ...(r?.last_alert_at != null ? { lastAlertAt: r.last_alert_at } : {}),
        ...(r?.last_digest_at != null ? { lastDigestAt: r.last_digest_at } : {}),
      };
    },
    async dueDeliveriesAllTenants(now, limit) {
      const rows = await db.all<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM notify_deliveries WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY created_at, id LIMIT $2`,
        [timestampFromIso(now), limit],
      );
      return rows.map(deliveryOf);
    },
    async updateDelivery(tenant, id, o) {
      await db.run(
        'UPDATE notify_deliveries SET status = $3, attempts = $4, next_attempt_at = $5, last_error = $6, sent_at = $7, updated_at = $8 WHERE tenant = $1 AND id = $2',
        [tenant, id, o.status, o.attempts, ts(o.nextAttemptAt), o.lastError ?? null, ts(o.sentAt), timestampFromIso(o.updatedAt)],
      );
    },
    async listDeliveries(tenant, limit) {
      const rows = await db.all<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM notify_deliveries WHERE tenant = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [tenant, limit],
      );
      return rows.map(deliveryOf);
    },
    purgeDeliveriesBeforeAllTenants(before) {
      return db.run("DELETE FROM notify_deliveries WHERE status <> 'pending' AND updated_at < $1", [timestampFromIso(before)]);
    },
  };
}
