/**
 * The reports API (SPEC 5, 6): the catalog with lock flags, one report as
 * JSON (paged, or `?view=portal` for the seed's 1000 newest rows), the seed's
 * zipped CSV download, uncapped streaming exports, Ignore and suppressions.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import { isLicensedGlobalAdminIn } from '../../../directory/global-admin.ts';
import { createAdminActions, type AdminFailure } from '../../../reports/admin-actions.ts';
import { createReportService, EXPORT_FORMATS, type ReportFile, type ReportRunRequest } from '../../../reports/service.ts';
import { REPORT_EDITIONS, REPORT_SECTIONS, ReportInterval, Suppression, SuppressionKind } from '../../../schema/reports.ts';
import { TenantId } from '../../../schema/tenants.ts';
import { ApiError } from '../../errors.ts';
import { actorOf, principalOf } from '../../principal.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES, TenantParams } from './common.ts';
import { withJsonValues } from '../../../reports/catalog.ts';

const ReportParams = Type.Object({ tenant: TenantId, report: Type.String({ minLength: 1, maxLength: 64 }) });
type ReportParams = Static<typeof ReportParams>;

const filterField = (description: string) => Type.Optional(Type.String({ maxLength: 512, description }));
const RUN_QUERY = {
    interval: Type.Optional(ReportInterval),
    from: Type.Optional(Type.String({ maxLength: 40, description: 'custom range start (ISO 8601), within retention' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'custom range end (ISO 8601, exclusive); default now' })),
    user: filterField('userPrincipalName'),
    app: filterField('application name or id'),
    category: filterField('audit category'),
    activity: filterField('activity (substring)'),
    initiator: filterField('who did it (substring)'),
    target: filterField('target resource (substring)'),
    result: filterField('result / status'),
};
const RunQuery = Type.Object(RUN_QUERY, { additionalProperties: false });
type RunQuery = Static<typeof RunQuery>;

const ViewQuery = Type.Object(
  {
    ...RUN_QUERY,
    view: Type.Optional(Type.Literal('portal', { description: "the seed's portal table: the 1000 newest rows and the total" })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
const ExportQuery = Type.Object({ ...RUN_QUERY, format: Type.Optional(Type.Enum(EXPORT_FORMATS)) }, { additionalProperties: false });

const Column = Type.Object({ name: Type.String(), title: Type.String(), type: Type.String() });
const CatalogResponse = Type.Object({
  reportingEnabled: Type.Boolean(),
  reports: Type.Array(
    Type.Object({
      id: Type.String(),
      section: Type.Enum(REPORT_SECTIONS),
      title: Type.String(),
      description: Type.String(),
      edition: Type.Enum(REPORT_EDITIONS),
      locked: Type.Boolean(),
      lockedMessage: Type.Optional(Type.String({ description: "when locked: the report API's editionRequired message, naming the edition it needs" })),
      filters: Type.Array(Type.String()),
      requiresUser: Type.Boolean(),
      requiresApp: Type.Boolean(),
      columns: Type.Array(Column),
    }),
  ),
});
const ViewResponse = Type.Object({
  report: Type.String(),
  from: Type.String(),
  to: Type.String(),
  total: Type.Integer({ description: 'rows the report has in all' }),
  offset: Type.Integer(),
  truncated: Type.Boolean({ description: 'more rows exist than returned' }),
  nextOffset: Type.Optional(Type.Integer({ description: 'offset of the next page (API view)' })),
  rows: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
    description: 'one object per row; json columns (evidence, details) as JSON values, the rest as strings, numbers, booleans or null',
  }),
});
const IgnoreBody = Type.Object(
  {
    detectionIds: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 1000 }),
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'UPN of the licensed global admin (API keys); portal sessions use the signed-in user' })),
  },
  { additionalProperties: false },
);
const IgnoreResponse = Type.Object({
  ignored: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() })),
});
const SuppressBody = Type.Object(
  {
    items: Type.Array(Type.Object({ kind: SuppressionKind, value: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 1000,
    }),
    reason: Type.String({ minLength: 1, maxLength: 2048 }),
    expiresAt: Type.Optional(Type.String({ maxLength: 40 })),
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  },
  { additionalProperties: false },
);
const SuppressionParams = Type.Object({ tenant: TenantId, id: Type.String({ minLength: 1, maxLength: 64 }) });
const UndoBody = Type.Union([Type.Object({ by: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })) }, { additionalProperties: false }), Type.Null()]);

const ADMIN_ROLES = ['global-admin', 'security-admin'] as const;
const FAILURE_STATUS = { notFound: 404, reportingNotEnabled: 403, editionRequired: 403, invalidRequest: 400, forbidden: 403 } as const;

function fail(f: AdminFailure): never {
  throw new ApiError(FAILURE_STATUS[f.code], f.code, f.message);
}

function runRequest(tenant: string, report: string, q: RunQuery): ReportRunRequest {
  const { interval, from, to, ...filters } = q;
  return { tenant, report, interval, from, to, filters };
}

async function sendFile(reply: FastifyReply, file: ReportFile, attachment: boolean): Promise<FastifyReply> {
  void reply.header('content-type', file.contentType);
  void reply.header('cache-control', 'no-store');
  if (attachment) void reply.header('content-disposition', `attachment; filename="${file.fileName}"`);
  return reply.send(Readable.from(file.body));
}

export async function reportRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const wired = () => {
    const queries = deps.reports ?? deps.store.reports;
    if (queries === undefined) throw new ApiError(503, 'serviceUnavailable', 'reports are not configured on this server');
    return {
      service: createReportService({ queries, control: deps.store.control, now }),
      admin: createAdminActions({ queries, control: deps.store.control, isLicensedGlobalAdminIn, now }),
    };
  };

  app.get(
    '/api/v1/tenants/:tenant/reports',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { summary: 'The report catalog, with the reports this tenant’s edition locks', tags: ['reports'], params: TenantParams, response: { 200: CatalogResponse } },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const r = await wired().service.list(tenant);
      if (!r.ok) fail(r);
      return { reportingEnabled: r.reportingEnabled, reports: r.reports };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/reports/:report',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'Run a report: JSON rows, paged (offset, limit), or ?view=portal for the 1000 newest rows and the total',
        tags: ['reports'],
        params: ReportParams,
        querystring: ViewQuery,
        response: { 200: ViewResponse },
      },
    },
    async (request) => {
      const { tenant, report } = request.params as ReportParams;
      const { view, offset, limit, ...q } = request.query as Static<typeof ViewQuery>;
      const r = await wired().service.view(runRequest(tenant, report, q), { portal: view === 'portal', offset, limit });
      if (!r.ok) fail(r);
      return {
        report: r.report,
        from: r.range.from,
        to: r.range.to,
        total: r.total,
        offset: r.offset,
        truncated: r.truncated,
        ...(view !== 'portal' && r.truncated ? { nextOffset: r.offset + r.rows.length } : {}),
        rows: r.rows.map((row) => withJsonValues(r.report, row)),
      };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/reports/:report/download',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'The seed’s download: a .zip holding one CSV of the 75,000 newest rows (a last line says when rows were cut)',
        tags: ['reports'],
        params: ReportParams,
        querystring: RunQuery,
        produces: ['application/zip'],
        response: { 200: Type.String({ format: 'binary', description: 'application/zip holding <report id>.csv' }) },
      },
    },
    async (request, reply) => {
      const { tenant, report } = request.params as ReportParams;
      const r = await wired().service.download(runRequest(tenant, report, request.query as RunQuery));
      if (!r.ok) fail(r);
      void reply.header('x-total-count', String(r.total));
      return sendFile(reply, r, true);
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/reports/:report/export',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'Stream the whole report without a cap as CSV, NDJSON or Parquet (constant memory)',
        tags: ['reports'],
        params: ReportParams,
        querystring: ExportQuery,
        produces: ['text/csv', 'application/x-ndjson', 'application/vnd.apache.parquet'],
        response: { 200: Type.String({ format: 'binary', description: 'the report as CSV, NDJSON or Parquet' }) },
      },
    },
    async (request, reply) => {
      const { tenant, report } = request.params as ReportParams;
      const { format, ...q } = request.query as Static<typeof ExportQuery>;
      const r = await wired().service.export(runRequest(tenant, report, q), format ?? 'csv');
      if (!r.ok) fail(r);
      return sendFile(reply, r, true);
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/reports/:report/ignore',
    {
      config: { access: { roles: ['global-admin'] } },
      schema: {
        summary: 'Ignore events of an anomaly report (licensed global admins only): gone from the report for good, kept flagged, audited',
        tags: ['reports'],
        params: ReportParams,
        body: IgnoreBody,
        response: { 200: IgnoreResponse },
      },
    },
    async (request) => {
      const { tenant, report } = request.params as ReportParams;
      const body = request.body as Static<typeof IgnoreBody>;
      const principal = principalOf(request);
      if (principal.kind !== 'session' && body.by === undefined) {
        throw new ApiError(400, 'invalidRequest', "the body needs 'by': the UPN of the licensed global admin ignoring the events");
      }
      const r = await wired().admin.ignore({ tenant, report, detectionIds: body.detectionIds, actor: actorOf(request, body.by) });
      if (!r.ok) fail(r);
      return { ignored: r.ignored, skipped: r.skipped };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/suppressions',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { summary: 'Suppressions, active, expired and undone', tags: ['reports'], params: TenantParams, response: { 200: Type.Object({ value: Type.Array(Suppression) }) } },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const r = await wired().admin.list(tenant);
      if (!r.ok) fail(r);
      return { value: r.suppressions };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/suppressions',
    {
      config: { access: { roles: ADMIN_ROLES } },
      schema: {
        summary: 'Suppress detections by user, IP, CIDR, ASN, country or detector (one item per selected row); audited',
        tags: ['reports'],
        params: TenantParams,
        body: SuppressBody,
        response: { 201: Type.Object({ value: Type.Array(Suppression) }) },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const body = request.body as Static<typeof SuppressBody>;
      const r = await wired().admin.suppress({ tenant, items: body.items, reason: body.reason, expiresAt: body.expiresAt, actor: actorOf(request, body.by) });
      if (!r.ok) fail(r);
      return reply.code(201).send({ value: r.created });
    },
  );

  app.delete(
    '/api/v1/tenants/:tenant/suppressions/:id',
    {
      config: { access: { roles: ADMIN_ROLES } },
      schema: { summary: 'Undo a suppression (kept in the list as removed); audited', tags: ['reports'], params: SuppressionParams, body: UndoBody, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { tenant, id } = request.params as Static<typeof SuppressionParams>;
      const by = (request.body as Static<typeof UndoBody> | undefined)?.by;
      const r = await wired().admin.unsuppress({ tenant, id, actor: actorOf(request, by) });
      if (!r.ok) fail(r);
      return reply.code(204).send();
    },
  );
}
