/** Who gets a tenant's emails: its directory's global and security admins, plus extra recipients. */
import {
  GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
  SECURITY_ADMIN_ROLE_TEMPLATE_ID,
  type DirectorySnapshot,
} from '../schema/directory.ts';

const ADMIN_TEMPLATES = new Set([GLOBAL_ADMIN_ROLE_TEMPLATE_ID, SECURITY_ADMIN_ROLE_TEMPLATE_ID]);

/** Enabled admins' mail (or UPN when they have none) and the extras, once each (case-insensitive), in that order. */
export function notificationRecipients(dir: DirectorySnapshot, extra: readonly string[]): string[] {
  const adminIds = new Set<string>();
  for (const role of dir.roles) {
    if (role.roleTemplateId !== undefined && ADMIN_TEMPLATES.has(role.roleTemplateId)) for (const id of role.memberIds) adminIds.add(id);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (addr: string | undefined): void => {
    const a = addr?.trim();
    if (a === undefined || a === '' || !a.includes('@') || seen.has(a.toLowerCase())) return;
    seen.add(a.toLowerCase());
    out.push(a);
  };
  for (const u of dir.users) if (adminIds.has(u.id) && u.accountEnabled) add(u.mail ?? u.userPrincipalName);
  for (const e of extra) add(e);
  return out;
}
