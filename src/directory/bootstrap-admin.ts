/**
 * The first portal global admin of a tenant (a fresh tenant has no one who can
 * sign in to the portal). Called at first start for each tenant without portal
 * users and by `tenant create --admin`; the one-time password is printed once
 * by the caller, or taken from configuration when the operator set one.
 */
import type { ControlStore } from '../store/ports.ts';
import type { TenantId } from '../schema/tenants.ts';
import { isLicensedGlobalAdminIn } from './global-admin.ts';
import { createSessionService, type PortalUserStore } from './sessions.ts';

export interface BootstrappedAdmin {
  readonly tenant: TenantId;
  readonly upn: string;
  /** One-time (generated) or the configured password. */
  readonly password: string;
  readonly generated: boolean;
}

/**
 * Creates the tenant's first portal global admin when it has none. The UPN is
 * the one given, else the first licensed global admin of the imported
 * directory, else `admin@<tenant>`. undefined when the tenant already has portal users.
 */
export async function ensureFirstGlobalAdmin(
  users: PortalUserStore,
  control: ControlStore,
  tenant: TenantId,
  opts: { readonly upn?: string; readonly password?: string } = {},
): Promise<BootstrappedAdmin | undefined> {
  if ((await users.countForTenant(tenant)) > 0) return undefined;
  let upn = opts.upn;
  if (upn === undefined) {
    const dir = await control.getDirectory(tenant);
    upn = dir.users.find((u) => isLicensedGlobalAdminIn(dir, u.userPrincipalName))?.userPrincipalName ?? `admin@${tenant}`;
  }
  const password = await createSessionService(users).bootstrapGlobalAdmin(tenant, upn, opts.password);
  if (password === undefined) return undefined;
  return { tenant, upn, password, generated: opts.password === undefined };
}
