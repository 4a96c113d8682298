/** API keys of a tenant: create (shown once), list, revoke. Global admins only (SPEC 1). */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Role, TenantId } from '../../../schema/tenants.ts';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { TenantParams } from './common.ts';

const CreateKeyBody = Type.Object(
  { role: Role, name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export const CreatedKey = Type.Object({ key: Type.String(), id: Type.String(), role: Role, tenant: TenantId });
export const KeyInfo = Type.Object({
  id: Type.String(),
  tenant: TenantId,
  role: Role,
  name: Type.Optional(Type.String()),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
  lastUsedAt: Type.Optional(Type.String()),
});
const KeyParams = Type.Object({ tenant: TenantId, id: Type.String({ pattern: '^[0-9a-f]{16}$' }) });
const GLOBAL_ADMIN = { roles: ['global-admin'] } as const;

export async function keyRoutes(app: FastifyInstance, { services }: RouteOptionsOf): Promise<void> {
  app.post(
    '/api/v1/tenants/:tenant/keys',
    {
      config: { access: GLOBAL_ADMIN },
      schema: {
        summary: 'Create an API key; the key is in this answer only',
        tags: ['keys'],
        params: TenantParams,
        body: CreateKeyBody,
        response: { 201: CreatedKey },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const body = request.body as Static<typeof CreateKeyBody>;
      return reply.code(201).send(await services.apiKeys.create(tenant, body.role, body.name));
    },
  );
  app.get(
    '/api/v1/tenants/:tenant/keys',
    {
      config: { access: GLOBAL_ADMIN },
      schema: { summary: 'List API keys (never their secrets)', tags: ['keys'], params: TenantParams, response: { 200: Type.Array(KeyInfo) } },
    },
    async (request) => services.apiKeys.list((request.params as Static<typeof TenantParams>).tenant),
  );
  app.delete(
    '/api/v1/tenants/:tenant/keys/:id',
    {
      config: { access: GLOBAL_ADMIN },
      schema: { summary: 'Revoke an API key', tags: ['keys'], params: KeyParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { tenant, id } = request.params as Static<typeof KeyParams>;
      if (!(await services.apiKeys.revoke(tenant, id))) throw new ApiError(404, 'notFound', `no key '${id}' in this tenant`);
      return reply.code(204).send();
    },
  );
}
