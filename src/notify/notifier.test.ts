/**
 * The notifier end to end over a real DuckDB store, a real SMTP server and a
 * real HTTP receiver on loopback, with an injected clock.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { openDuckDbStore, type DuckDbStore } from '../store/duckdb/open.ts';
import { createNotifyStore } from '../store/duckdb/notify-store.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID, SECURITY_ADMIN_ROLE_TEMPLATE_ID, type DirectorySnapshot } from '../schema/directory.ts';
import type { Detection } from '../schema/detections.ts';
import type { Suppression } from '../schema/reports.ts';
import { createNotifier, NO_RECIPIENTS, SMTP_NOT_CONFIGURED, type Notifier, type NotifierDeps } from './notifier.ts';
import { createSmtpMailer, type Mailer } from './email.ts';
import { DEFAULT_NOTIFY_SETTINGS } from './settings.ts';
import { SIGNATURE_HEADER, verifySignature, type CloudEvent } from './cloud-events.ts';
import { startHook, startSmtp, type LocalHook, type LocalSmtp } from './testing/local-servers.ts';

const MIN = 60_000;

/** The message as a reader sees it: headers, then the quoted-printable body decoded. */
function readable(raw: string | undefined): string {
  const text = raw ?? '';
  const cut = text.indexOf('\r\n\r\n');
  const body = text.slice(cut + 4).replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return `${text.slice(0, cut)}\n\n${body}`;
}
const SMTP_PASS = 'p@ss-w0rd-never-shown';
const EVIDENCE_MARK = 'evidence-only-marker-9f2c';

const DIRECTORY: DirectorySnapshot = {
  users: [
    { id: 'ga', userPrincipalName: 'ga@contoso.example', mail: 'Alice.Admin@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
    { id: 'sa', userPrincipalName: 'sec@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
    { id: 'off', userPrincipalName: 'former@contoso.example', userType: 'member', accountEnabled: false, assignedLicenses: [] },
    { id: 'u', userPrincipalName: 'plain@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
  ],
  groups: [],
  applications: [],
  roles: [
    { id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['ga', 'off'] },
    { id: 'r2', displayName: 'Security Administrator', roleTemplateId: SECURITY_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['sa'] },
  ],
};

const det = (id: string, over: Partial<Detection> = {}): Detection => ({
  id,
  detector: 'D1',
  severity: 'high',
  detectedDateTime: '2026-03-04T09:59:00.000Z',
  signInId: `signin-${id}`,
  userPrincipalName: 'bob@contoso.example',
  ipAddress: '198.51.100.7',
  evidence: { list: EVIDENCE_MARK },
  logOnly: false,
  ...over,
});

interface Harness {
  readonly store: DuckDbStore;
  readonly notifier: Notifier;
  clock: Date;
  advance(ms: number): void;
}

const open: { store?: DuckDbStore; smtp?: LocalSmtp; hook?: LocalHook; mailer?: Mailer; notifier?: Notifier } = {};
afterEach(async () => {
  await open.notifier?.stop();
  open.mailer?.close();
  await open.smtp?.close();
  await open.hook?.close();
  await open.store?.close();
  for (const k of Object.keys(open)) delete open[k as keyof typeof open];
});

async function harness(over: Partial<NotifierDeps> = {}, directory: DirectorySnapshot = DIRECTORY): Promise<Harness> {
  const store = await openDuckDbStore({ path: ':memory:' });
  open.store = store;
  await store.control.createTenant({ id: 'acme', name: 'Contoso Ltd', edition: 'premium', rms: false, retentionDays: 30, createdAt: '2026-01-01T00:00:00.000Z' });
  await store.control.importDirectory('acme', directory);
  const h = {
    store,
    clock: new Date('2026-03-04T10:00:00.000Z'), // a Wednesday
    advance(ms: number) {
      h.clock = new Date(h.clock.getTime() + ms);
    },
  } as Harness;
  const notifier = createNotifier({
    store: createNotifyStore(store.db),
    control: store.control,
    detections: store.detections,
    now: () => h.clock,
    webhookTimeoutMs: 500,
    // The receivers of these tests listen on loopback.
    webhookHosts: 'any',
    ...over,
  });
  open.notifier = notifier;
  return Object.assign(h, { notifier });
}

async function withSmtp(replies: Parameters<typeof startSmtp>[0] = {}): Promise<{ smtp: LocalSmtp; mailer: Mailer }> {
  const smtp = await startSmtp({ user: 'relay', pass: SMTP_PASS, ...replies });
  const mailer = createSmtpMailer({ url: `smtp://relay:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${smtp.port}`, from: 'authlens <alerts@authlens.example>', timeoutMs: 5000 });
  open.smtp = smtp;
  open.mailer = mailer;
  return { smtp, mailer };
}

describe('enqueue', () => {
  it('keeps detections of at least the minimum severity that are not log-only, in one outbox row', async () => {
    const h = await harness();
    expect(await h.notifier.enqueue('acme', [det('a'), det('b', { severity: 'medium' }), det('c', { logOnly: true })])).toBe(1);
    expect(await h.notifier.enqueue('acme', [det('d', { severity: 'low' })])).toBe(0);
    // History loaded late is for the reports and the digest, not an alert.
    expect(await h.notifier.enqueue('acme', [det('old', { detectedDateTime: '2026-03-03T09:59:59.999Z' }), det('recent', { detectedDateTime: '2026-03-03T10:00:00.000Z' })])).toBe(1);
    await h.notifier.putSettings('acme', { ...DEFAULT_NOTIFY_SETTINGS, extraRecipients: [], minSeverity: 'medium' }, 'admin');
    expect(await h.notifier.enqueue('acme', [det('e', { severity: 'medium' }), det('f', { severity: 'low' })])).toBe(1);
    expect(await h.store.db.one('SELECT count(*)::INTEGER AS n FROM notify_outbox')).toEqual({ n: 3 });
  });
});

describe('email over SMTP', () => {
  it('sends one batched email to the admins and extra recipients, then at most one per batching window', async () => {
    const { smtp, mailer } = await withSmtp();
    const h = await harness({ mailer });
    await h.notifier.putSettings('acme', { minSeverity: 'high', extraRecipients: ['soc@partner.example', 'ALICE.admin@contoso.example'], batchMinutes: 15, weeklyDigest: false }, 'admin');
    await h.notifier.enqueue('acme', [det('a'), det('b', { detector: 'brute-force' })]);
    await h.notifier.enqueue('acme', [det('c', { userPrincipalName: 'carol@contoso.example', ipAddress: '203.0.113.9' })]);
    expect(await h.notifier.tick()).toEqual({ alerts: 1, digests: 0, attempted: 1 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    const text = readable(mail?.raw);
    expect(mail?.user).toBe('relay');
    expect(mail?.from).toBe('alerts@authlens.example');
    expect(mail?.to).toEqual(['Alice.Admin@contoso.example', 'sec@contoso.example', 'soc@partner.example']);
    expect(mail?.raw).toContain('Subject: [authlens] 3 new high-severity detections in Contoso Ltd');
    expect(text).toContain('D1  Sign-ins from unknown sources: 2');
    expect(text).toContain('brute-force  Brute force against one user: 1');
    expect(text).toContain('carol@contoso.example  203.0.113.9  sign-in signin-c');
    expect(mail?.raw).not.toContain(SMTP_PASS);
    expect(text).not.toContain(EVIDENCE_MARK);
    const [d] = await h.notifier.listDeliveries('acme', 10);
    expect(d).toMatchObject({ channel: 'email', kind: 'detection', status: 'sent', attempts: 1, sentAt: '2026-03-04T10:00:00.000Z' });

    // An attack goes on: within the window nothing is sent, then everything new goes in one email.
    h.advance(MIN);
    await h.notifier.enqueue('acme', [det('d')]);
    h.advance(MIN);
    await h.notifier.enqueue('acme', [det('e'), det('a')]);
    expect(await h.notifier.tick()).toEqual({ alerts: 0, digests: 0, attempted: 0 });
    h.advance(13 * MIN);
    expect(await h.notifier.tick()).toEqual({ alerts: 1, digests: 0, attempted: 1 });
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]?.raw).toContain('Subject: [authlens] 3 new high-severity detections');
    expect(await h.notifier.tick()).toEqual({ alerts: 0, digests: 0, attempted: 0 });
  });

  it('retries a 4xx reply with backoff and sends on the next try', async () => {
    const { smtp, mailer } = await withSmtp({ replies: [[451, 'try again later, greylisted']] });
    const h = await harness({ mailer });
    await h.notifier.enqueue('acme', [det('a')]);
    await h.notifier.tick();
    expect((await h.notifier.listDeliveries('acme', 1))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: '2026-03-04T10:01:00.000Z',
      lastError: expect.stringContaining('451'),
    });
    expect(smtp.received).toHaveLength(0);
    h.advance(30_000);
    expect((await h.notifier.tick()).attempted).toBe(0);
    h.advance(30_000);
    expect((await h.notifier.tick()).attempted).toBe(1);
    expect((await h.notifier.listDeliveries('acme', 1))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.received).toHaveLength(1);
  });

  it("marks a 5xx reply failed at once with the server's reply", async () => {
    const { smtp, mailer } = await withSmtp({ replies: [[554, 'message rejected by policy']] });
    const h = await harness({ mailer });
    await h.notifier.enqueue('acme', [det('a')]);
    await h.notifier.tick();
    const [d] = await h.notifier.listDeliveries('acme', 1);
    expect(d?.status).toBe('failed');
    expect(d?.attempts).toBe(1);
    expect(d?.lastError).toContain('554');
    expect(d?.lastError).toContain('message rejected by policy');
    h.advance(60 * MIN);
    expect((await h.notifier.tick()).attempted).toBe(0);
    expect(smtp.received).toHaveLength(0);
  });

  it('refused credentials fail for good, and the stored reason never carries the password', async () => {
    const smtp = await startSmtp({ user: 'relay', pass: 'the-right-one' });
    open.smtp = smtp;
    const mailer = createSmtpMailer({ url: `smtp://relay:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${smtp.port}`, from: 'a@b.example', timeoutMs: 5000 });
    open.mailer = mailer;
    const h = await harness({ mailer });
    await h.notifier.enqueue('acme', [det('a')]);
    await h.notifier.tick();
    const [d] = await h.notifier.listDeliveries('acme', 1);
    expect(d?.status).toBe('failed');
    expect(d?.lastError).toContain('535');
    expect(JSON.stringify(d)).not.toContain(SMTP_PASS);
    expect(smtp.received).toHaveLength(0);
  });

  it('gives up after the last attempt when the server stays unreachable', async () => {
    const smtp = await startSmtp();
    const port = smtp.port;
    await smtp.close();
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'a@b.example', timeoutMs: 1000 });
    open.mailer = mailer;
    const h = await harness({ mailer, retryBaseMs: 1000 });
    await h.notifier.enqueue('acme', [det('a')]);
    for (let i = 0; i < 8; i++) {
      await h.notifier.tick();
      h.advance(6 * 3_600_000);
    }
    const [d] = await h.notifier.listDeliveries('acme', 1);
    expect(d?.status).toBe('failed');
    expect(d?.attempts).toBe(8);
    expect(d?.lastError).toMatch(/^gave up after 8 attempts: .*ECONNREFUSED/);
  });

  it('without SMTP, stores the email as failed with the reason; webhooks still go', async () => {
    const hook = await startHook();
    open.hook = hook;
    const h = await harness();
    await h.notifier.createWebhook('acme', hook.url, 'admin');
    await h.notifier.enqueue('acme', [det('a')]);
    await h.notifier.tick();
    const rows = await h.notifier.listDeliveries('acme', 10);
    expect(rows.find((r) => r.channel === 'email')).toMatchObject({ status: 'failed', lastError: SMTP_NOT_CONFIGURED, attempts: 1 });
    expect(rows.find((r) => r.channel === 'webhook')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(hook.received).toHaveLength(1);
  });

  it('with nobody to write to, stores a failed email saying so', async () => {
    const { mailer } = await withSmtp();
    const h = await harness({ mailer }, { ...DIRECTORY, roles: [] });
    await h.notifier.enqueue('acme', [det('a')]);
    await h.notifier.tick();
    expect((await h.notifier.listDeliveries('acme', 1))[0]).toMatchObject({ status: 'failed', lastError: NO_RECIPIENTS, target: '' });
  });
});

describe('webhooks', () => {
  it('posts a signed CloudEvent, retries a 500 with backoff, and never shows the secret again', async () => {
    const hook = await startHook([500]);
    open.hook = hook;
    const h = await harness();
    const created = await h.notifier.createWebhook('acme', hook.url, 'admin');
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await h.notifier.listWebhooks('acme'))).not.toContain(created.secret);
    await h.notifier.enqueue('acme', [det('a'), det('b', { detector: 'D3' })]);
    await h.notifier.tick();
    const pending = (await h.notifier.listDeliveries('acme', 10)).find((r) => r.channel === 'webhook');
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500 receiver trouble', nextAttemptAt: '2026-03-04T10:01:00.000Z' });
    h.advance(MIN);
    await h.notifier.tick();
    expect((await h.notifier.listDeliveries('acme', 10)).find((r) => r.channel === 'webhook')).toMatchObject({ status: 'sent', attempts: 2 });

    expect(hook.received).toHaveLength(2);
    const req = hook.received[1];
    expect(req?.body).toBe(hook.received[0]?.body);
    expect(req?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    const sig = req?.headers[SIGNATURE_HEADER];
    expect(typeof sig === 'string' && verifySignature(req?.body ?? '', created.secret, sig)).toBe(true);
    expect(verifySignature(req?.body ?? '', 'whsec_other', typeof sig === 'string' ? sig : undefined)).toBe(false);
    expect(verifySignature(`${req?.body ?? ''} `, created.secret, typeof sig === 'string' ? sig : undefined)).toBe(false);
    const ev = JSON.parse(req?.body ?? '{}') as CloudEvent<{ total: number; detections: { id: string; evidence: unknown }[] }>;
    expect(ev).toMatchObject({ specversion: '1.0', type: 'com.authlens.detection', source: '/authlens/tenants/acme', datacontenttype: 'application/json', time: '2026-03-04T10:00:00.000Z' });
    expect(ev.id).toBe(pending?.id);
    expect(req?.headers['x-authlens-delivery']).toBe(pending?.id);
    expect(ev.data.total).toBe(2);
    expect(ev.data.detections.map((d) => d.id)).toEqual(['a', 'b']);
    expect(ev.data.detections[0]?.evidence).toEqual({ list: EVIDENCE_MARK });
  });

  it('retries a receiver that does not answer in time; a deleted webhook fails its pending delivery', async () => {
    const hook = await startHook([0]);
    open.hook = hook;
    const h = await harness();
    const { webhook } = await h.notifier.createWebhook('acme', hook.url, 'admin');
    await h.notifier.enqueue('acme', [det('a')]);
    await h.notifier.tick();
    expect((await h.notifier.listDeliveries('acme', 10)).find((r) => r.channel === 'webhook')).toMatchObject({ status: 'pending', lastError: 'no answer within 500 ms' });
    expect(await h.notifier.deleteWebhook('acme', webhook.id)).toBe(true);
    h.advance(MIN);
    await h.notifier.tick();
    expect((await h.notifier.listDeliveries('acme', 10)).find((r) => r.channel === 'webhook')).toMatchObject({ status: 'failed', attempts: 2, lastError: 'the webhook was deleted' });
  });
});

describe('webhook targets', () => {
  it("by default never posts to the server's own network: the delivery fails for good and nothing is received", async () => {
    const hook = await startHook();
    open.hook = hook;
    const h = await harness({ webhookHosts: 'public' });
    expect(h.notifier.webhookUrlProblem(hook.url)).toMatch(/^127\.0\.0\.1: authlens calls public addresses only/);
    // Stored before the operator changed the setting, or a name resolving to loopback: refused at delivery.
    await h.store.db.run("INSERT INTO notify_webhooks VALUES ('acme', '00000000000000aa', $1, 'whsec_x', TIMESTAMP '2026-03-01 00:00:00', 'admin', NULL)", [hook.url.replace('127.0.0.1', 'localhost')]);
    await h.notifier.enqueue('acme', [det('a')]);
    await h.notifier.tick();
    expect((await h.notifier.listDeliveries('acme', 10)).find((r) => r.channel === 'webhook')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('localhost is not a public address'),
    });
    expect(hook.received).toHaveLength(0);
  });
});

describe('suppressions and ignore', () => {
  it('drops queued detections a suppression covers, without using up the batching window', async () => {
    const sup: Suppression = { id: 's1', kind: 'user', value: 'BOB@contoso.example', reason: 'pen test', createdAt: '2026-03-01T00:00:00.000Z', createdBy: 'admin' };
    const h = await harness({ suppressions: async () => [sup] });
    await h.notifier.enqueue('acme', [det('a')]);
    expect(await h.notifier.tick()).toEqual({ alerts: 0, digests: 0, attempted: 0 });
    await h.notifier.enqueue('acme', [det('b', { userPrincipalName: 'carol@contoso.example' })]);
    expect((await h.notifier.tick()).alerts).toBe(1);
  });
});

describe('weekly digest', () => {
  it('lists users with detections this week and none the week before, and the risky sign-ins', async () => {
    const h = await harness();
    await h.store.detections.appendDetections('acme', [
      det('old-bob', { detectedDateTime: '2026-02-23T12:00:00.000Z' }),
      det('bob', { detectedDateTime: '2026-03-02T12:00:00.000Z', severity: 'medium' }),
      det('carol-1', { detectedDateTime: '2026-03-01T12:00:00.000Z', userPrincipalName: 'carol@contoso.example', severity: 'low' }),
      det('carol-2', { detectedDateTime: '2026-03-03T12:00:00.000Z', userPrincipalName: 'carol@contoso.example', severity: 'high' }),
      det('dave-log', { detectedDateTime: '2026-03-03T12:00:00.000Z', userPrincipalName: 'dave@contoso.example', logOnly: true }),
      det('leak', { detectedDateTime: '2026-03-03T13:00:00.000Z', detector: 'D8', userPrincipalName: 'erin@contoso.example', signInId: undefined, severity: 'medium' }),
    ]);
    const digest = await h.notifier.buildWeeklyDigest('acme', new Date('2026-03-04T10:00:00.000Z'));
    expect(digest.from).toBe('2026-02-25T10:00:00.000Z');
    expect(digest.newRiskyUsers).toEqual([
      { userPrincipalName: 'carol@contoso.example', riskLevel: 'high', detections: 2 },
      { userPrincipalName: 'erin@contoso.example', riskLevel: 'medium', detections: 1 },
    ]);
    expect(digest.riskySignIns.total).toBe(3);
    expect(digest.riskySignIns.bySeverity).toEqual({ low: 1, medium: 1, high: 1 });
  });

  it('leaves out detections a global admin ignored: an ignored false alarm makes nobody a new risky user', async () => {
    const h = await harness();
    await h.store.detections.appendDetections('acme', [
      det('old-bob', { detectedDateTime: '2026-02-23T12:00:00.000Z' }),
      det('bob', { detectedDateTime: '2026-03-02T12:00:00.000Z' }),
      det('carol', { detectedDateTime: '2026-03-03T12:00:00.000Z', userPrincipalName: 'carol@contoso.example' }),
    ]);
    // Ignored (SPEC 5): carol's only detection this week, and bob's of the week before.
    await h.store.db.run("UPDATE detections SET ignored_at = TIMESTAMP '2026-03-03 13:00:00', ignored_by = 'admin' WHERE id IN ('carol', 'old-bob')");
    const digest = await h.notifier.buildWeeklyDigest('acme', new Date('2026-03-04T10:00:00.000Z'));
    expect(digest.newRiskyUsers).toEqual([{ userPrincipalName: 'bob@contoso.example', riskLevel: 'high', detections: 1 }]);
    expect(digest.riskySignIns.total).toBe(1);
  });

  it('starts the schedule on first sight, then sends every Monday 08:00 UTC', async () => {
    const hook = await startHook();
    open.hook = hook;
    const h = await harness();
    await h.notifier.createWebhook('acme', hook.url, 'admin');
    expect((await h.notifier.tick()).digests).toBe(0);
    h.clock = new Date('2026-03-09T07:59:00.000Z');
    expect((await h.notifier.tick()).digests).toBe(0);
    h.clock = new Date('2026-03-09T08:00:00.000Z');
    expect(await h.notifier.tick()).toEqual({ alerts: 0, digests: 1, attempted: 2 });
    expect((await h.notifier.tick()).digests).toBe(0);
    const rows = await h.notifier.listDeliveries('acme', 10);
    expect(rows.map((r) => [r.channel, r.kind, r.status])).toEqual(expect.arrayContaining([['email', 'digest', 'failed'], ['webhook', 'digest', 'sent']]));
    expect(rows.find((r) => r.channel === 'email')?.subject).toBe('[authlens] Weekly digest for Contoso Ltd: 0 new risky users, 0 risky sign-ins');
    expect(JSON.parse(hook.received[0]?.body ?? '{}')).toMatchObject({ type: 'com.authlens.digest', data: { tenant: 'acme', newRiskyUsers: [] } });
    await h.notifier.putSettings('acme', { ...DEFAULT_NOTIFY_SETTINGS, extraRecipients: [], weeklyDigest: false }, 'admin');
    h.clock = new Date('2026-03-16T09:00:00.000Z');
    expect((await h.notifier.tick()).digests).toBe(0);
    // Outcomes stay visible for 90 days, then go.
    expect(await h.notifier.listDeliveries('acme', 10)).toHaveLength(2);
    h.clock = new Date('2026-06-08T08:00:00.000Z');
    await h.notifier.tick();
    expect(await h.notifier.listDeliveries('acme', 10)).toHaveLength(0);
  });
});

describe('the loop', () => {
  it('ticks on its schedule, reports failures to its log, and stops', async () => {
    const h = await harness();
    const lines: string[] = [];
    await h.notifier.enqueue('acme', [det('a')]);
    h.notifier.start({ everyMs: 20, log: (l) => lines.push(l) });
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await h.notifier.stop();
    expect(lines[0]).toMatch(/^notification [0-9a-f-]{36} \(email, tenant acme\) failed: SMTP is not configured/);
    expect((await h.notifier.listDeliveries('acme', 5)).map((d) => d.status)).toEqual(['failed']);
  });
});

describe('test message', () => {
  it('goes to the recipients and the webhooks through the delivery loop, and not twice within a minute', async () => {
    const { smtp, mailer } = await withSmtp();
    const hook = await startHook();
    open.hook = hook;
    const h = await harness({ mailer });
    await h.notifier.createWebhook('acme', hook.url, 'admin');
    const asked = await h.notifier.sendTest('acme', 'alice.admin@contoso.example');
    expect('deliveries' in asked && asked.deliveries.map((d) => [d.channel, d.kind, d.status])).toEqual([
      ['email', 'test', 'pending'],
      ['webhook', 'test', 'pending'],
    ]);
    // No detection was queued: the tick only sends what is due.
    expect(await h.notifier.tick()).toEqual({ alerts: 0, digests: 0, attempted: 2 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.raw).toContain('Subject: [authlens] Test notification for Contoso Ltd');
    expect(readable(smtp.received[0]?.raw)).toContain('asked for by alice.admin@contoso.example');
    expect(JSON.parse(hook.received[0]?.body ?? '{}')).toMatchObject({ type: 'com.authlens.test', data: { tenant: 'acme', test: true } });
    expect((await h.notifier.listDeliveries('acme', 10)).map((d) => [d.kind, d.status])).toEqual([
      ['test', 'sent'],
      ['test', 'sent'],
    ]);
    h.advance(59_000);
    expect(await h.notifier.sendTest('acme', 'alice.admin@contoso.example')).toEqual({ retryAfterSeconds: 1 });
    h.advance(1_000);
    expect('deliveries' in (await h.notifier.sendTest('acme', 'alice.admin@contoso.example'))).toBe(true);
  });
});
