/**
 * A tenant's IdP connector (SPEC 5 suspected-breach actions): global admins
 * set and remove it; security admins may see which one is set (they act
 * through it); reports readers see nothing. Secrets are write-only: accepted
 * in the PUT body, stored sealed, never in any answer or log line.
 */
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { Type, type Static } from 'typebox';
import { CONNECTOR_KINDS, ConnectorInput, ConnectorView } from '../../../schema/connectors.ts';
import type { BreachActions } from '../../../reports/breach-actions.ts';
import type { ApiDeps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { actorOf } from '../../principal.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { TenantParams } from './common.ts';

const MANAGE = { roles: ['global-admin'] } as const;
const READ = { roles: ['global-admin', 'security-admin'] } as const;
const TAGS = ['connector'];

/**
 * The PUT body checked against the one kind it names. Checked as the union, a
 * refusal came from whichever kind the validator tried first ("unknown field
 * 'url'" for a webhook secret too short); this names the field that is wrong
 * for the kind given, or the kinds there are. Other request parts: as everywhere.
 */
const connectorBodyValidator: FastifySchemaCompiler<unknown> = (route) => {
  if (route.httpPart !== 'body') return TypeBoxValidatorCompiler(route as Parameters<typeof TypeBoxValidatorCompiler>[0]);
  const byKind = new Map(
    ConnectorInput.anyOf.map((schema) => [schema.properties.kind.const as string, TypeBoxValidatorCompiler({ ...route, schema } as Parameters<typeof TypeBoxValidatorCompiler>[0])]),
  );
  return (data: unknown) => {
    const kind = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).kind : undefined;
    const check = typeof kind === 'string' ? byKind.get(kind) : undefined;
    if (check !== undefined) return check(data);
    const noKind = kind === undefined;
    return {
      error: [
        {
          keyword: noKind ? 'required' : 'enum',
          instancePath: noKind ? '' : '/kind',
          schemaPath: noKind ? '#/required' : '#/properties/kind/enum',
          params: noKind ? { requiredProperties: ['kind'] } : { allowedValues: [...CONNECTOR_KINDS] },
          message: noKind ? `must have the property kind (one of ${CONNECTOR_KINDS.join(', ')})` : `must be one of ${CONNECTOR_KINDS.join(', ')}`,
        },
      ],
    } as ReturnType<ReturnType<FastifySchemaCompiler<unknown>>>;
  };
};

export function breachActionsOf(deps: ApiDeps): BreachActions {
  if (deps.breachActions === undefined) throw new ApiError(503, 'serviceUnavailable', 'IdP connectors are not available on this server');
  return deps.breachActions;
}


export async function connectorRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  const url = '/api/v1/tenants/:tenant/connector';
  app.get(
    url,
    {
      config: { access: READ },
      schema: { summary: 'The IdP connector of this tenant (its settings, never its secret); 404 when none is set', tags: TAGS, params: TenantParams, response: { 200: ConnectorView } },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const view = await breachActionsOf(deps).getConnector(tenant);
      if (view === undefined) throw new ApiError(404, 'notFound', 'no IdP connector is configured for this tenant');
      return view;
    },
  );
  app.put(
    url,
    {
      config: { access: MANAGE },
      validatorCompiler: connectorBodyValidator,
      schema: {
        summary: 'Set the IdP connector (webhook, keycloak, okta or entra); a secret left out keeps the stored one of the same kind',
        description:
          'Secrets (webhook signing secret, client secrets, API tokens) are write-only: stored sealed with a key file of the data dir, never returned. URLs follow the webhook rules: never link-local; private or loopback hosts only when the operator sets AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1; IdP base URLs are https then too unless private hosts are allowed. See docs/connectors.md.',
        tags: TAGS,
        params: TenantParams,
        body: ConnectorInput,
        response: { 200: ConnectorView },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const out = await breachActionsOf(deps).putConnector(tenant, request.body as ConnectorInput, actorOf(request));
      if (!out.ok) throw new ApiError(400, 'invalidRequest', `${out.field.slice(1)}: ${out.reason}`);
      return out.view;
    },
  );
  app.delete(
    url,
    { config: { access: MANAGE }, schema: { summary: 'Remove the IdP connector (the actions already done stay in the history)', tags: TAGS, params: TenantParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      if (!(await breachActionsOf(deps).deleteConnector(tenant, actorOf(request)))) throw new ApiError(404, 'notFound', 'no IdP connector is configured for this tenant');
      return reply.code(204).send();
    },
  );
}
