/** Schemas, role sets and checks shared by the /api/v1 route groups. */
import { Type } from 'typebox';
import { riskViewRefusal } from '../../../reports/editions.ts';
import { ROLES, TenantId, type Role, type Tenant } from '../../../schema/tenants.ts';
import type { TenantService } from '../../../directory/tenants.ts';
import { ApiError, reportingNotEnabled } from '../../errors.ts';

export const TenantParams = Type.Object({ tenant: TenantId });
export const ALL_ROLES: readonly Role[] = ROLES;
/** Who may send events: writers of data, not mere readers (docs/api.md). */
export const INGEST_ROLES: readonly Role[] = ['global-admin', 'security-admin'];

/**
 * The risk views (risky users, incidents) carry the detections of the Premium
 * anomaly reports: the tenant must exist, have opted in (SPEC 3) and have what
 * "Users with anomalous sign in activity" needs. `what` names the view in the
 * refusal ("risky users need the Premium edition").
 */
export async function requireRiskViews(tenants: TenantService, tenant: TenantId, what: string): Promise<Tenant> {
  const t = await tenants.get(tenant);
  if (t === undefined) throw new ApiError(404, 'notFound', `tenant '${tenant}' not found`);
  const refused = riskViewRefusal(t, what);
  if (refused?.code === 'reportingNotEnabled') throw reportingNotEnabled();
  if (refused !== undefined) throw new ApiError(403, refused.code, refused.message);
  return t;
}
