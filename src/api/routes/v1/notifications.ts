/**
 * Notifications of a tenant (SPEC 5): settings, webhooks (secret shown once)
 * and delivery outcomes. Global admins manage; security admins read settings
 * and outcomes; reports readers see nothing here (SPEC 1).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Severity } from '../../../schema/detections.ts';
import { TenantId } from '../../../schema/tenants.ts';
import { NotifySettings } from '../../../notify/settings.ts';
import type { Notifier } from '../../../notify/notifier.ts';
import type { ApiDeps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { TenantParams } from './common.ts';
import { actorOf } from '../../principal.ts';

const MANAGE = { roles: ['global-admin'] } as const;
const READ = { roles: ['global-admin', 'security-admin'] } as const;
const TAGS = ['notifications'];

const SettingsView = Type.Object({
  minSeverity: Severity,
  extraRecipients: Type.Array(Type.String()),
  batchMinutes: Type.Integer(),
  weeklyDigest: Type.Boolean(),
  updatedBy: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Type.String()),
});
const WebhookView = Type.Object({ id: Type.String(), url: Type.String(), createdAt: Type.String(), createdBy: Type.String() });
const CreatedWebhookView = Type.Object({ ...WebhookView.properties, secret: Type.String({ description: 'Shown in this answer only' }) });
const CreateWebhookBody = Type.Object({ url: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false });
const WebhookParams = Type.Object({ tenant: TenantId, id: Type.String({ pattern: '^[0-9a-f]{16}$' }) });
const DeliveryView = Type.Object({
  id: Type.String(),
  channel: Type.Union([Type.Literal('email'), Type.Literal('webhook')]),
  kind: Type.Union([Type.Literal('detection'), Type.Literal('digest'), Type.Literal('test')]),
  target: Type.String({ description: 'email: the recipients; webhook: its id' }),
  subject: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.String({ description: "the server's reply or the reason of the last failure" })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  sentAt: Type.Optional(Type.String()),
});
/** Nothing to give: the message is fixed (`{}`). */
const TestBody = Type.Object({}, { additionalProperties: false });
const DeliveriesQuery = Type.Object({ top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });

function notifierOf(deps: ApiDeps): Notifier {
  if (deps.notify === undefined) throw new ApiError(503, 'serviceUnavailable', 'notifications are not available in this deployment');
  return deps.notify;
}

export async function notificationRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  const base = '/api/v1/tenants/:tenant/notifications';
  app.get(
    `${base}/settings`,
    { config: { access: READ }, schema: { summary: 'Notification settings (defaults until a global admin sets them)', tags: TAGS, params: TenantParams, response: { 200: SettingsView } } },
    async (request) => notifierOf(deps).getSettings((request.params as Static<typeof TenantParams>).tenant),
  );
  app.put(
    `${base}/settings`,
    {
      config: { access: MANAGE },
      schema: { summary: 'Set minimum severity, extra recipients, batching minutes and the weekly digest', tags: TAGS, params: TenantParams, body: NotifySettings, response: { 200: SettingsView } },
    },
    async (request) => {
      const n = notifierOf(deps);
      return n.putSettings((request.params as Static<typeof TenantParams>).tenant, request.body as Static<typeof NotifySettings>, actorOf(request).upn);
    },
  );
  app.post(
    `${base}/webhooks`,
    {
      config: { access: MANAGE },
      schema: { summary: 'Add a webhook; its signing secret is in this answer only', tags: TAGS, params: TenantParams, body: CreateWebhookBody, response: { 201: CreatedWebhookView } },
    },
    async (request, reply) => {
      const n = notifierOf(deps);
      const { url } = request.body as Static<typeof CreateWebhookBody>;
      const problem = n.webhookUrlProblem(url);
      if (problem !== undefined) throw new ApiError(400, 'invalidRequest', `url: ${problem}`);
      const created = await n.createWebhook((request.params as Static<typeof TenantParams>).tenant, url, actorOf(request).upn);
      return reply.code(201).send({ ...created.webhook, secret: created.secret });
    },
  );
  app.get(
    `${base}/webhooks`,
    { config: { access: READ }, schema: { summary: 'Webhooks (never their secrets)', tags: TAGS, params: TenantParams, response: { 200: Type.Array(WebhookView) } } },
    async (request) => notifierOf(deps).listWebhooks((request.params as Static<typeof TenantParams>).tenant),
  );
  app.delete(
    `${base}/webhooks/:id`,
    { config: { access: MANAGE }, schema: { summary: 'Remove a webhook', tags: TAGS, params: WebhookParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      const n = notifierOf(deps);
      const { tenant, id } = request.params as Static<typeof WebhookParams>;
      if (!(await n.deleteWebhook(tenant, id))) throw new ApiError(404, 'notFound', `no webhook '${id}' in this tenant`);
      return reply.code(204).send();
    },
  );
  app.post(
    `${base}/test`,
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Send a test message to the recipients and webhooks (at most one a minute); the delivery loop sends it within seconds',
        tags: TAGS,
        params: TenantParams,
        body: TestBody,
        response: { 202: Type.Object({ value: Type.Array(DeliveryView) }) },
      },
    },
    async (request, reply) => {
      const n = notifierOf(deps);
      const out = await n.sendTest((request.params as Static<typeof TenantParams>).tenant, actorOf(request).upn);
      if ('retryAfterSeconds' in out) {
        throw new ApiError(429, 'tooManyRequests', `a test notification was sent less than a minute ago; try again in ${out.retryAfterSeconds} s`, {
          'retry-after': String(out.retryAfterSeconds),
        });
      }
      return reply.code(202).send({ value: out.deliveries.map(({ payload: _payload, tenant: _tenant, ...d }) => d) });
    },
  );
  app.get(
    `${base}/deliveries`,
    {
      config: { access: READ },
      schema: { summary: 'Delivery outcomes (sent, pending with next try, failed with the reason), newest first', tags: TAGS, params: TenantParams, querystring: DeliveriesQuery, response: { 200: Type.Object({ value: Type.Array(DeliveryView) }) } },
    },
    async (request) => {
      const n = notifierOf(deps);
      const { top } = request.query as Static<typeof DeliveriesQuery>;
      const rows = await n.listDeliveries((request.params as Static<typeof TenantParams>).tenant, top ?? 100);
      return { value: rows.map(({ payload: _payload, tenant: _tenant, ...d }) => d) };
    },
  );
}
