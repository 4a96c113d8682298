/**
 * The Microsoft-Graph-compatible read API (SPEC 6): list and get for
 * auditLogs/signIns, auditLogs/directoryAudits, identityProtection/riskDetections
 * and identityProtection/riskyUsers, with Graph's property names, envelopes
 * and OData options. The tenant is the caller's (the API key's), never the URL's.
 * docs/graph-api.md documents the supported options and the decisions taken.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { GraphListResult, GraphRecord, GraphResource } from '../../../schema/graph-query.ts';
import type { Role } from '../../../schema/tenants.ts';
import { isReportingEnabled } from '../../../directory/tenants.ts';
import { editionPhrase, riskApisAvailable } from '../../../reports/editions.ts';
import { ApiError, reportingNotEnabled } from '../../errors.ts';
import { principalOf } from '../../principal.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { normaliseQuery, parseListOptions, SUPPORTED_OPTIONS, type ListOptions } from '../../plugins/odata/query-options.ts';
import { signSkipToken, verifySkipToken } from '../../plugins/odata/skip-token.ts';
import { computeRiskyUsers } from '../v1/risky-users.ts';
import type { RiskyUser } from '../../../detect/risk/risky-users.ts';
import type { RiskState } from '../../../schema/risk.ts';

/** Who may read the Graph API (SPEC 10 roles; all three read reports). */
export const GRAPH_READ_ROLES: readonly Role[] = ['global-admin', 'security-admin', 'reports-reader'];

/** Resource -> its path under /v1.0 (also the @odata.context fragment). */
export const GRAPH_PATHS: Readonly<Record<GraphResource, string>> = {
  signIns: 'auditLogs/signIns',
  directoryAudits: 'auditLogs/directoryAudits',
  riskDetections: 'identityProtection/riskDetections',
  riskyUsers: 'identityProtection/riskyUsers',
};

const ListQuery = Type.Object(
  {
    $filter: Type.Optional(Type.String({ maxLength: 4096 })),
    $top: Type.Optional(Type.String({ maxLength: 16 })),
    $orderby: Type.Optional(Type.String({ maxLength: 256 })),
    $select: Type.Optional(Type.String({ maxLength: 2048 })),
    $count: Type.Optional(Type.String({ maxLength: 8 })),
    $skiptoken: Type.Optional(Type.String({ maxLength: 16384 })),
  },
  { additionalProperties: true },
);

const GraphObject = Type.Record(Type.String(), Type.Unknown(), { description: "one record in Graph's shape" });
const ListResponse = Type.Object({
  '@odata.context': Type.String(),
  '@odata.count': Type.Optional(Type.Integer()),
  '@odata.nextLink': Type.Optional(Type.String()),
  value: Type.Array(GraphObject),
});
type ListResponse = Static<typeof ListResponse>;
const ItemParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) });

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/**
 * Graph clients branch on Graph's error codes, so a query the route schema
 * refused (an option given twice arrives as an array; a value over its
 * length) is a BadRequest as well, worded by the OData parser when it can
 * say what is wrong, not the shared `invalidRequest` with a schema path.
 */
function refusedQuery(request: FastifyRequest, resource: GraphResource): ApiError | undefined {
  const refused = request.validationError;
  if (refused === undefined) return undefined;
  const parsed = parseListOptions(resource, request.query as Record<string, unknown>);
  return badRequest(parsed.ok ? `Invalid query options: ${refused.message}` : parsed.message);
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function project(r: GraphRecord, select: readonly string[] | undefined): Record<string, unknown> {
  if (select === undefined) return r;
  const out: Record<string, unknown> = {};
  for (const k of select) if (k in r) out[k] = r[k];
  return out;
}

/** The next page's URL: the same options (so the token's binding can be checked) plus the signed position. */
function nextLink(request: FastifyRequest, path: string, query: Readonly<Record<string, unknown>>, token: string): string {
  const parts: string[] = [];
  for (const name of SUPPORTED_OPTIONS) {
    const v = query[name];
    if (name !== '$skiptoken' && typeof v === 'string') parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
  }
  parts.push(`%24skiptoken=${encodeURIComponent(token)}`);
  return `${baseUrl(request)}${path}?${parts.join('&')}`;
}

/** Days of detections authlens's own risky users are computed from for Graph (the longest interval /risky-users offers). */
export const GRAPH_RISK_DAYS = 90;

/** Graph's riskDetail for an admin's state; atRisk and remediated carry no detail Graph would name. */
const RISK_DETAIL: Readonly<Partial<Record<RiskState, string>>> = {
  dismissed: 'adminDismissedAllRiskForUser',
  confirmedSafe: 'adminDismissedAllRiskForUser',
  confirmedCompromised: 'adminConfirmedUserCompromised',
};

/** One of authlens's own risky users (D7) as Graph's riskyUser; its id is the directory id when known, else the UPN. */
export function graphRiskyUser(u: RiskyUser): GraphRecord {
  const state = u.riskState ?? 'none';
  return {
    id: u.userKey,
    isDeleted: false,
    isProcessing: false,
    riskLastUpdatedDateTime: u.riskLastUpdatedDateTime,
    riskLevel: u.riskLevel,
    riskState: state,
    riskDetail: (u.riskState === undefined ? undefined : RISK_DETAIL[u.riskState]) ?? 'none',
    userPrincipalName: u.userPrincipalName,
  };
}

export async function graphRoutes(app: FastifyInstance, { deps, services }: RouteOptionsOf): Promise<void> {
  const graph = deps.graph;
  const key = graph?.skipTokenKey ?? randomBytes(32);
  const now = deps.now ?? (() => new Date());

  /** riskyUsers: authlens's own (D7) beside the imported ones, when this server runs detections. */
  async function ownRecords(tenant: string, resource: GraphResource): Promise<GraphRecord[] | undefined> {
    if (resource !== 'riskyUsers' || deps.detect === undefined) return undefined;
    const { users } = await computeRiskyUsers(deps, tenant, GRAPH_RISK_DAYS, now());
    return users.map(graphRiskyUser);
  }

  /** The caller's tenant, once it exists and has opted in, and when its edition includes the resource. */
  async function readableTenant(request: FastifyRequest, resource: GraphResource): Promise<string> {
    const tenant = principalOf(request).tenant;
    const t = await services.tenants.get(tenant);
    if (t === undefined) throw new ApiError(404, 'notFound', `tenant '${tenant}' not found`);
    if (!isReportingEnabled(t)) throw reportingNotEnabled();
    if (resource === 'riskDetections' || resource === 'riskyUsers') {
      const avail = riskApisAvailable(t);
      if (!avail.ok) throw new ApiError(403, 'editionRequired', `${GRAPH_PATHS[resource]} needs ${editionPhrase(avail.needs)}`);
    }
    return tenant;
  }

  function queries(): NonNullable<typeof graph>['queries'] {
    if (graph === undefined) throw new ApiError(503, 'serviceUnavailable', 'the Graph API is not configured on this server');
    return graph.queries;
  }

  for (const [resource, sub] of Object.entries(GRAPH_PATHS) as [GraphResource, string][]) {
    const path = `/v1.0/${sub}`;
    app.get(
      path,
      {
        config: { access: { roles: GRAPH_READ_ROLES } },
        schema: {
          summary: `List ${resource} (Microsoft Graph compatible)`,
          description: 'OData: $filter, $top, $orderby, $select, $count, $skiptoken. See docs/graph-api.md.',
          tags: ['graph'],
          querystring: ListQuery,
          response: { 200: ListResponse },
        },
        attachValidation: true,
      },
      async (request): Promise<ListResponse> => {
        const tenant = await readableTenant(request, resource);
        const refused = refusedQuery(request, resource);
        if (refused !== undefined) throw refused;
        const query = request.query as Record<string, unknown>;
        const parsed = parseListOptions(resource, query);
        if (!parsed.ok) throw badRequest(parsed.message);
        const options: ListOptions = parsed.options;
        const normalised = normaliseQuery(options);
        let after: { time: string; id: string } | undefined;
        if (options.skipToken !== undefined) {
          const p = verifySkipToken(key, options.skipToken);
          if (p === undefined) throw badRequest('Invalid $skiptoken: the token is malformed, was altered, or was issued by another server');
          if (p.tenant !== tenant || p.resource !== resource) throw badRequest('Invalid $skiptoken: the token belongs to another resource');
          if (p.query !== normalised) throw badRequest('Invalid $skiptoken: the token was issued for different query options');
          after = p.after;
        }
        const result: GraphListResult = await queries().list(
          tenant,
          resource,
          {
            order: options.order,
            top: options.top,
            count: options.count,
            ...(options.filter === undefined ? {} : { filter: options.filter }),
            ...(after === undefined ? {} : { after }),
          },
          await ownRecords(tenant, resource),
        );
        const body: ListResponse = {
          '@odata.context': `${baseUrl(request)}/v1.0/$metadata#${sub}`,
          value: result.value.map((r) => project(r, options.select)),
        };
        if (result.count !== undefined) body['@odata.count'] = result.count;
        if (result.next !== undefined) {
          body['@odata.nextLink'] = nextLink(request, path, query, signSkipToken(key, { tenant, resource, query: normalised, after: result.next }));
        }
        return body;
      },
    );

    app.get(
      `${path}/:id`,
      {
        config: { access: { roles: GRAPH_READ_ROLES } },
        schema: {
          summary: `Get one of ${resource} by id (Microsoft Graph compatible)`,
          tags: ['graph'],
          params: ItemParams,
          querystring: Type.Object({ $select: Type.Optional(Type.String({ maxLength: 2048 })) }, { additionalProperties: true }),
          response: { 200: GraphObject },
        },
        attachValidation: true,
      },
      async (request) => {
        const tenant = await readableTenant(request, resource);
        const refused = refusedQuery(request, resource);
        if (refused !== undefined) throw refused;
        const { id } = request.params as Static<typeof ItemParams>;
        const query = request.query as Record<string, unknown>;
        const parsed = parseListOptions(resource, typeof query['$select'] === 'string' ? { $select: query['$select'] } : {});
        if (!parsed.ok) throw badRequest(parsed.message);
        const record = await queries().get(tenant, resource, id, await ownRecords(tenant, resource));
        if (record === undefined) throw new ApiError(404, 'ResourceNotFound', `no ${resource} record with id '${id}'`);
        return { '@odata.context': `${baseUrl(request)}/v1.0/$metadata#${sub}/$entity`, ...project(record, parsed.options.select) };
      },
    );
  }
}
