/**
 * Tenants. Creating and listing every tenant are deployment-level acts: only
 * the local operator (token in <dataDir>/server.json, loopback) may do them.
 * A tenant's own principals may read their tenant and opt it in.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Edition, Tenant, TenantId } from '../../../schema/tenants.ts';
import { ApiError } from '../../errors.ts';
import { principalOf } from '../../principal.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES, TenantParams } from './common.ts';

const TenantSettings = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  edition: Type.Optional(Edition),
  rms: Type.Optional(Type.Boolean()),
  retentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
};
const CreateTenantBody = Type.Object({ id: TenantId, ...TenantSettings }, { additionalProperties: false });
const UpdateTenantBody = Type.Object(TenantSettings, { additionalProperties: false, minProperties: 1 });

const OptInBody = Type.Object(
  {
    /** UPN of the licensed global admin opting in; defaults to the signed-in portal user. */
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  },
  { additionalProperties: false },
);

export async function tenantRoutes(app: FastifyInstance, { services }: RouteOptionsOf): Promise<void> {
  app.post(
    '/api/v1/tenants',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Create a tenant (deployment operator only)',
        tags: ['tenants'],
        body: CreateTenantBody,
        response: { 201: Tenant },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreateTenantBody>;
      const r = await services.tenants.create(body);
      if (!r.ok) {
        if (r.reason === 'exists') throw new ApiError(409, 'conflict', `tenant '${body.id}' already exists`);
        throw new ApiError(400, 'invalidRequest', 'invalid tenant id');
      }
      return reply.code(201).send(r.tenant);
    },
  );
  app.get(
    '/api/v1/tenants',
    {
      config: { access: 'operator' },
      schema: { summary: 'List every tenant (deployment operator only)', tags: ['tenants'], response: { 200: Type.Array(Tenant) } },
    },
    async () => services.tenants.list(),
  );
  app.get(
    '/api/v1/tenants/:tenant',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { summary: 'Get the caller\'s tenant', tags: ['tenants'], params: TenantParams, response: { 200: Tenant } },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const t = await services.tenants.get(tenant);
      if (t === undefined) throw new ApiError(404, 'notFound', `tenant '${tenant}' not found`);
      return t;
    },
  );
  app.patch(
    '/api/v1/tenants/:tenant',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Change a tenant\'s name, edition, RMS add-on or retention (deployment operator only)',
        description: 'A shorter retention deletes the events and detections outside it at the next hourly purge.',
        tags: ['tenants'],
        params: TenantParams,
        body: UpdateTenantBody,
        response: { 200: Tenant },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const r = await services.tenants.update(tenant, request.body as Static<typeof UpdateTenantBody>);
      if (!r.ok) throw new ApiError(404, 'notFound', `tenant '${tenant}' not found`);
      return r.tenant;
    },
  );
  app.post(
    '/api/v1/tenants/:tenant/opt-in',
    {
      config: { access: { roles: ['global-admin'] } },
      schema: {
        summary: 'Opt the directory in to reporting (SPEC 3); records who and when',
        description:
          'Refused unless `by` (or the signed-in portal user) is an enabled, licensed member of the Global Administrator role in the imported directory.',
        tags: ['tenants'],
        params: TenantParams,
        body: OptInBody,
        response: { 200: Tenant },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const body = (request.body ?? {}) as Static<typeof OptInBody>;
      const principal = principalOf(request);
      const by = principal.kind === 'session' ? principal.id : body.by;
      if (by === undefined) throw new ApiError(400, 'invalidRequest', "the body needs 'by': the UPN of a licensed global admin");
      const r = await services.tenants.optIn(tenant, by);
      if (!r.ok) {
        if (r.reason === 'notFound') throw new ApiError(404, 'notFound', `tenant '${tenant}' not found`);
        throw new ApiError(403, 'forbidden', `${by} is not a licensed global admin in this tenant's directory`);
      }
      return r.tenant;
    },
  );
}
