/**
 * Which reports a tenant may run (the seed's "Report editions" table) and the
 * SPEC 3 opt-in gate that comes before every report.
 */
import type { ReportEdition } from '../schema/reports.ts';
import type { Tenant } from '../schema/tenants.ts';
import type { ReportDefinition } from './catalog.ts';

export type Availability = { readonly ok: true } | { readonly ok: false; readonly locked: true; readonly needs: ReportEdition };

const RANK = { free: 0, basic: 1, premium: 2 } as const;

/**
 * Free and Basic include the free reports; Premium all others; the RMS reports
 * appear in the seed's Premium column as "RMS Only": Premium with the Rights
 * Management add-on.
 */
export function reportAvailable(tenant: Pick<Tenant, 'edition' | 'rms'>, report: Pick<ReportDefinition, 'edition'>): Availability {
  const ok =
    report.edition === 'rms'
      ? tenant.rms && tenant.edition === 'premium'
      : RANK[tenant.edition] >= RANK[report.edition];
  return ok ? { ok: true } : { ok: false, locked: true, needs: report.edition };
}

const EDITION_PHRASES: Record<ReportEdition, string> = {
  free: 'the Free edition',
  basic: 'the Basic edition',
  premium: 'the Premium edition',
  // 'rms' is an add-on to Premium, not an edition of its own: "needs the rms edition" left readers guessing.
  rms: 'the Premium edition with the Rights Management (RMS) add-on',
};

/** What a tenant needs, as people say it: "the Premium edition", "the Premium edition with the Rights Management (RMS) add-on". */
export function editionPhrase(edition: ReportEdition): string {
  return EDITION_PHRASES[edition];
}

/**
 * The risk APIs as a whole (risky users, Graph identityProtection/riskDetections
 * and riskyUsers) carry the detections of the Premium anomaly reports (D4-D8 and
 * the D7 rollup), so they need what "Users with anomalous sign in activity"
 * needs; otherwise a Free tenant would read them there.
 */
export function riskApisAvailable(tenant: Pick<Tenant, 'edition' | 'rms'>): Availability {
  return reportAvailable(tenant, { edition: 'premium' });
}

/** The message a locked report answers with (API 403 editionRequired, CLI exit 1). */
export function lockedMessage(report: Pick<ReportDefinition, 'id' | 'title'>, needs: ReportEdition): string {
  return `the report '${report.id}' (${report.title}) needs ${editionPhrase(needs)}`;
}

/** SPEC 3: reporting starts only after a global admin opted in. */
export function reportingEnabled(tenant: Pick<Tenant, 'optedInAt'>): boolean {
  return tenant.optedInAt !== undefined && tenant.optedInAt !== '';
}

export const REPORTING_NOT_ENABLED = 'reporting is not enabled for this directory; a global admin must opt in';

/**
 * Why a risk view (risky users, incidents) is refused for this tenant, or
 * undefined when it is not: before opt-in (SPEC 3), then below what "Users
 * with anomalous sign in activity" needs. `what` names the view ("incidents").
 */
export function riskViewRefusal(
  tenant: Pick<Tenant, 'edition' | 'rms' | 'optedInAt'>,
  what: string,
): { readonly code: 'reportingNotEnabled' | 'editionRequired'; readonly message: string } | undefined {
  if (!reportingEnabled(tenant)) return { code: 'reportingNotEnabled', message: REPORTING_NOT_ENABLED };
  const avail = riskApisAvailable(tenant);
  return avail.ok ? undefined : { code: 'editionRequired', message: `${what} need ${editionPhrase(avail.needs)}` };
}
