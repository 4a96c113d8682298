/** Schemas and role sets shared by the /api/v1 route groups. */
import { Type } from 'typebox';
import { ROLES, TenantId, type Role } from '../../../schema/tenants.ts';

export const TenantParams = Type.Object({ tenant: TenantId });
export const ALL_ROLES: readonly Role[] = ROLES;
/** Who may send events: writers of data, not mere readers (docs/api.md). */
export const INGEST_ROLES: readonly Role[] = ['global-admin', 'security-admin'];
