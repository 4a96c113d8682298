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
