import { describe, it, expect, afterEach } from 'vitest';
import { openDuckDbStore, type DuckDbStore } from './open.ts';
import { createNotifyStore } from './notify-store.ts';
import type { Detection } from '../../schema/detections.ts';
import type { DeliveryRecord } from '../ports.ts';

let store: DuckDbStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const det = (id: string, over: Partial<Detection> = {}): Detection => ({
  id,
  detector: 'D1',
  severity: 'high',
  detectedDateTime: '2026-03-02T10:00:00.000Z',
  signInId: `s-${id}`,
  userPrincipalName: 'bob@contoso.example',
  ipAddress: '198.51.100.7',
  evidence: { list: 'tor' },
  logOnly: false,
  ...over,
});

const delivery = (id: string, over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  id,
  tenant: 't1',
  channel: 'email',
  kind: 'detection',
  target: 'a@contoso.example',
  subject: 's',
  payload: 'p',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '2026-03-02T10:00:00.000Z',
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

describe('notify store over DuckDB', () => {
  it('settings: absent until put, then the last put wins, per tenant', async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    const n = createNotifyStore(store.db);
    expect(await n.getSettings('t1')).toBeUndefined();
    await n.putSettings('t1', { minSeverity: 'medium', extraRecipients: ['x@y.example'], batchMinutes: 5, weeklyDigest: false, updatedBy: 'admin', updatedAt: '2026-03-01T00:00:00.000Z' });
    await n.putSettings('t1', { minSeverity: 'low', extraRecipients: [], batchMinutes: 30, weeklyDigest: true });
    expect(await n.getSettings('t1')).toEqual({ minSeverity: 'low', extraRecipients: [], batchMinutes: 30, weeklyDigest: true });
    expect(await n.getSettings('t2')).toBeUndefined();
  });

  it('webhooks: listed per tenant until deleted; deleting twice or across tenants is false', async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    const n = createNotifyStore(store.db);
    const w = { id: '0123456789abcdef', url: 'https://hooks.example/x', secret: 'whsec_1', createdAt: '2026-03-01T00:00:00.000Z', createdBy: 'admin' };
    await n.addWebhook('t1', w);
    expect(await n.listWebhooks('t1')).toEqual([w]);
    expect(await n.listWebhooks('t2')).toEqual([]);
    expect(await n.deleteWebhook('t2', w.id, '2026-03-02T00:00:00.000Z')).toBe(false);
    expect(await n.deleteWebhook('t1', w.id, '2026-03-02T00:00:00.000Z')).toBe(true);
    expect(await n.deleteWebhook('t1', w.id, '2026-03-02T00:00:00.000Z')).toBe(false);
    expect(await n.listWebhooks('t1')).toEqual([]);
  });

  it('outbox: one row per batch, replays deduplicated, ignored detections dropped, commit clears up to its position', async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    const n = createNotifyStore(store.db);
    await store.detections.appendDetections('t1', [det('a'), det('b')]);
    await n.enqueueDetections('t1', [det('a'), det('b')], '2026-03-02T10:00:00.000Z');
    await n.enqueueDetections('t1', [det('b'), det('c')], '2026-03-02T10:01:00.000Z');
    await n.enqueueDetections('t1', [], '2026-03-02T10:01:00.000Z');
    expect(await store.db.one('SELECT count(*)::INTEGER AS n FROM notify_outbox')).toEqual({ n: 2 });
    // What Ignore (report-queries) writes; the outbox must honour it.
    await store.db.run("UPDATE detections SET ignored_at = TIMESTAMP '2026-03-02 10:02:00', ignored_by = 'admin' WHERE tenant = 't1' AND id = 'a'");
    expect(await n.tenantsWithQueuedDetectionsAllTenants()).toEqual(['t1']);
    const q = await n.listQueued('t1');
    expect(q.detections.map((d) => d.id)).toEqual(['b', 'c']);
    expect(q.detections[0]).toEqual(det('b'));
    // Queued after the listing: must survive the commit.
    await n.enqueueDetections('t1', [det('d')], '2026-03-02T10:03:00.000Z');
    await n.commitAlert('t1', q.upTo, [delivery('x1')], '2026-03-02T10:03:00.000Z');
    expect((await n.listQueued('t1')).detections.map((d) => d.id)).toEqual(['d']);
    expect(await n.getSchedule('t1')).toEqual({ lastAlertAt: '2026-03-02T10:03:00.000Z' });
    await n.commitDigest('t1', [], '2026-03-02T11:00:00.000Z');
    expect(await n.getSchedule('t1')).toEqual({ lastAlertAt: '2026-03-02T10:03:00.000Z', lastDigestAt: '2026-03-02T11:00:00.000Z' });
  });

  it('deliveries: due ones only, outcomes updated, listed newest first per tenant', async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    const n = createNotifyStore(store.db);
    await n.commitDigest('t1', [delivery('old'), delivery('later', { nextAttemptAt: '2026-03-02T12:00:00.000Z', createdAt: '2026-03-02T10:05:00.000Z' })], '2026-03-02T10:05:00.000Z');
    await n.commitDigest('t2', [delivery('other', { tenant: 't2', createdAt: '2026-03-02T10:06:00.000Z' })], '2026-03-02T10:06:00.000Z');
    expect((await n.dueDeliveriesAllTenants('2026-03-02T11:00:00.000Z', 10)).map((d) => d.id)).toEqual(['old', 'other']);
    await n.updateDelivery('t1', 'old', { status: 'failed', attempts: 3, lastError: '550 no such user', updatedAt: '2026-03-02T11:00:00.000Z' });
    const list = await n.listDeliveries('t1', 10);
    expect(list.map((d) => d.id)).toEqual(['later', 'old']);
    expect(list[1]).toEqual({ ...delivery('old'), status: 'failed', attempts: 3, lastError: '550 no such user', updatedAt: '2026-03-02T11:00:00.000Z', nextAttemptAt: undefined });
    expect((await n.dueDeliveriesAllTenants('2026-03-02T11:00:00.000Z', 10)).map((d) => d.id)).toEqual(['other']);
    expect((await n.dueDeliveriesAllTenants('2026-03-02T12:00:00.000Z', 10)).map((d) => d.id)).toEqual(['later', 'other']);
    // Finished rows older than the cut go; pending ones stay whatever their age.
    expect(await n.purgeDeliveriesBeforeAllTenants('2026-03-02T11:00:00.001Z')).toBe(1);
    expect((await n.listDeliveries('t1', 10)).map((d) => d.id)).toEqual(['later']);
    expect(await n.purgeDeliveriesBeforeAllTenants('2026-12-31T00:00:00.000Z')).toBe(0);
  });
});
