/**
 * Incidents (SPEC 4): detections that belong together and the directory
 * changes that followed, computed from the interval's detections
 * (src/detect/incidents), with the status admins give them and its history.
 * Premium, as the risk APIs: they carry the Premium detections.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { INCIDENT_LOOKBACK_DAYS, loadActiveIncidents, type ActiveIncidents } from '../../../detect/incidents/load.ts';
import { Severity } from '../../../schema/detections.ts';
import { Incident, IncidentStatus, IncidentStatusChange } from '../../../schema/incidents.ts';
import { DaysInterval } from '../../../schema/risk.ts';
import { TenantId, type Tenant } from '../../../schema/tenants.ts';
import { isSuppressed } from '../../../notify/notifier.ts';
import type { ApiDeps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES, requireRiskViews, TenantParams } from './common.ts';
import { detectDepsOf, SETTINGS_ROLES } from './detection-settings.ts';
import { actorOf } from '../../principal.ts';
import { incidentStatusAudit } from '../../../reports/admin-actions.ts';

const ListQuery = Type.Object(
  {
    interval: Type.Optional({ ...DaysInterval, description: '1d..90d, incidents with activity in it; default 30d' }),
    status: Type.Optional(IncidentStatus),
    severity: Type.Optional(Severity),
  },
  { additionalProperties: false },
);
const OneParams = Type.Object({ tenant: TenantId, id: Type.String({ pattern: '^inc-[0-9a-f]{20}$' }) });
const OneQuery = Type.Object({ interval: Type.Optional({ ...DaysInterval, description: '1d..90d; default 90d, so a link from any list finds it' }) }, { additionalProperties: false });

const { timeline: _timeline, ...summaryProperties } = Incident.properties;
const IncidentSummary = Type.Object({ ...summaryProperties, timelineEntries: Type.Integer({ minimum: 0 }) });
const ListResponse = Type.Object({ from: Type.String(), to: Type.String(), value: Type.Array(IncidentSummary) });
const OneResponse = Type.Object({ ...Incident.properties, history: Type.Array(IncidentStatusChange) });
const StatusBody = Type.Object({ status: IncidentStatus, reason: Type.Optional(Type.String({ maxLength: 2048 })) }, { additionalProperties: false });

/**
 * The incidents with activity in the last `days` before `at` (loadActiveIncidents: ids do not
 * depend on the interval). Ignored and suppressed detections take no part, as in the risky users.
 */
export async function computeIncidents(deps: ApiDeps, tenant: TenantId, days: number, at: Date): Promise<ActiveIncidents> {
  const sups = (await deps.reports?.listSuppressions(tenant)) ?? [];
  const sources = { detections: deps.store.detections, events: deps.store.events, incidents: detectDepsOf(deps).incidents };
  return loadActiveIncidents(sources, tenant, at, days, (d) => isSuppressed(d, sups, at.toISOString()));
}

export async function incidentRoutes(app: FastifyInstance, { deps, services }: RouteOptionsOf): Promise<void> {
  const now = deps.now ?? (() => new Date());

  const requireIncidents = (tenant: TenantId): Promise<Tenant> => requireRiskViews(services.tenants, tenant, 'incidents');

  const days = (interval: string | undefined, fallback: number): number => (interval === undefined ? fallback : Number(interval.slice(0, -1)));

  async function findIncident(tenant: TenantId, id: string, interval: string | undefined): Promise<Incident> {
    const found = (await computeIncidents(deps, tenant, days(interval, INCIDENT_LOOKBACK_DAYS), now())).incidents.find((i) => i.id === id);
    if (found === undefined) throw new ApiError(404, 'notFound', `no incident '${id}' in the last ${days(interval, INCIDENT_LOOKBACK_DAYS)} days of this tenant`);
    return found;
  }

  app.get(
    '/api/v1/tenants/:tenant/incidents',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'Incidents: detections that belong together and the directory changes that followed, newest activity first',
        tags: ['detections'],
        params: TenantParams,
        querystring: ListQuery,
        response: { 200: ListResponse },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const q = request.query as Static<typeof ListQuery>;
      await requireIncidents(tenant);
      const r = await computeIncidents(deps, tenant, days(q.interval, 30), now());
      const value = r.incidents
        .filter((i) => (q.status === undefined || i.status === q.status) && (q.severity === undefined || i.severity === q.severity))
        .map(({ timeline, ...rest }) => ({ ...rest, timelineEntries: timeline.length }));
      return { from: r.from, to: r.to, value };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/incidents/:id',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'One incident with its timeline and the history of its status',
        tags: ['detections'],
        params: OneParams,
        querystring: OneQuery,
        response: { 200: OneResponse },
      },
    },
    async (request) => {
      const { tenant, id } = request.params as Static<typeof OneParams>;
      const q = request.query as Static<typeof OneQuery>;
      await requireIncidents(tenant);
      const incident = await findIncident(tenant, id, q.interval);
      return { ...incident, history: await detectDepsOf(deps).incidents.incidentHistory(tenant, id) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/incidents/:id/status',
    {
      config: { access: { roles: SETTINGS_ROLES } },
      schema: {
        summary: "Set an incident's status (new, active, resolved); recorded with who, when and why; 409 when it has that status already",
        tags: ['detections'],
        params: OneParams,
        body: StatusBody,
        response: { 200: IncidentStatusChange },
      },
    },
    async (request) => {
      const { tenant, id } = request.params as Static<typeof OneParams>;
      const body = request.body as Static<typeof StatusBody>;
      await requireIncidents(tenant);
      const incident = await findIncident(tenant, id, undefined);
      // A change to the same status would only add a line to the history and the audit log that says nothing.
      if (incident.status === body.status) throw new ApiError(409, 'conflict', `the incident is already ${body.status}`);
      const change: IncidentStatusChange = {
        incidentId: id,
        from: incident.status,
        to: body.status,
        by: actorOf(request).upn,
        at: now().toISOString(),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      };
      await detectDepsOf(deps).incidents.changeIncidentStatus(tenant, change, incidentStatusAudit(change, incident.title, actorOf(request)));
      return change;
    },
  );
}
