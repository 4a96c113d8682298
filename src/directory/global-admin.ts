/** "Licensed global admin" (SPEC 1 and 3): who may opt in, ignore events and manage keys. */
import {
  GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
  type DirectoryRole,
  type DirectorySnapshot,
} from '../schema/directory.ts';
import type { ControlStore } from '../store/ports.ts';
import type { TenantId } from '../schema/tenants.ts';

// Graph's older name of the role is still returned by some tenants' directoryRoles.
const GLOBAL_ADMIN_NAMES = new Set(['global administrator', 'company administrator']);

export function isGlobalAdminRole(role: Pick<DirectoryRole, 'roleTemplateId' | 'displayName'>): boolean {
  if (role.roleTemplateId !== undefined && role.roleTemplateId !== '') {
    return role.roleTemplateId.toLowerCase() === GLOBAL_ADMIN_ROLE_TEMPLATE_ID;
  }
  return GLOBAL_ADMIN_NAMES.has(role.displayName.trim().toLowerCase());
}

/**
 * True when the UPN (case-insensitive) names an enabled directory user who is
 * a member of the Global Administrator role and holds at least one licence.
 */
export function isLicensedGlobalAdminIn(dir: Pick<DirectorySnapshot, 'users' | 'roles'>, upn: string): boolean {
  const wanted = upn.trim().toLowerCase();
  const user = dir.users.find((u) => u.userPrincipalName.toLowerCase() === wanted);
  if (user === undefined || !user.accountEnabled || user.assignedLicenses.length === 0) return false;
  return dir.roles.some((r) => isGlobalAdminRole(r) && r.memberIds.includes(user.id));
}

export async function isLicensedGlobalAdmin(control: ControlStore, tenant: TenantId, upn: string): Promise<boolean> {
  return isLicensedGlobalAdminIn(await control.getDirectory(tenant), upn);
}
