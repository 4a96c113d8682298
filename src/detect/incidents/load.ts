/**
 * The incidents of a range, read from the store's ports: the detections (less
 * the ignored ones and whatever `hidden` says, e.g. suppressions), the
 * directory changes of the users who got in, and the stored statuses. What the
 * API and the CLI both show.
 */
import type { Detection } from '../../schema/detections.ts';
import type { Incident } from '../../schema/incidents.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { DetectionStore, EventStore, IncidentStore, TimeRange } from '../../store/ports.ts';
import { correlateIncidents, followUpQuery } from './correlate.ts';

const DAY_MS = 86_400_000;

/** How far back incidents are correlated, whatever interval lists them: the longest interval the API and CLI take. */
export const INCIDENT_LOOKBACK_DAYS = 90;

export interface IncidentSources {
  readonly detections: DetectionStore;
  readonly events: EventStore;
  readonly incidents: IncidentStore;
}

export async function loadIncidents(sources: IncidentSources, tenant: TenantId, range: TimeRange, hidden: (d: Detection) => boolean = () => false): Promise<Incident[]> {
  const [stored, statuses] = await Promise.all([
    sources.detections.listDetections(tenant, range, { excludeIgnored: true }),
    sources.incidents.listIncidentStatuses(tenant),
  ]);
  const detections = stored.filter((d) => !hidden(d));
  const q = followUpQuery(detections);
  const audits = q === undefined ? [] : await sources.events.listAuditsInitiatedBy(tenant, { from: q.from, to: q.to < range.to ? q.to : range.to }, q.upns);
  return correlateIncidents(detections, audits, new Map(statuses.map((s) => [s.incidentId, s])));
}

export interface ActiveIncidents {
  /** The interval asked for: incidents with activity from `from` to `to` are listed. */
  readonly from: string;
  readonly to: string;
  readonly incidents: Incident[];
}

/**
 * The incidents with activity in the last `days` before `at`. They are
 * correlated over the last INCIDENT_LOOKBACK_DAYS whatever `days` is, so an
 * incident has the same id, detections and title in every list and in the
 * one-incident lookup (whose id a list links to): cut at the interval's edge,
 * an incident would get its id from a later detection, which the lookup does
 * not know.
 */
export async function loadActiveIncidents(sources: IncidentSources, tenant: TenantId, at: Date, days: number, hidden: (d: Detection) => boolean = () => false): Promise<ActiveIncidents> {
  const end = at.getTime();
  const from = new Date(end - days * DAY_MS).toISOString();
  const to = new Date(end + 1).toISOString();
  const all = await loadIncidents(sources, tenant, { from: new Date(end - INCIDENT_LOOKBACK_DAYS * DAY_MS).toISOString(), to }, hidden);
  const since = Date.parse(from);
  return { from, to, incidents: all.filter((i) => Date.parse(i.lastDateTime) >= since) };
}
