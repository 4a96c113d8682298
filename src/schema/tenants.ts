/** Tenants (directories), editions, roles. */
import { Type, type Static } from 'typebox';

/** Lower-case letters, digits and dashes; used in URLs and file names. */
export const TenantId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
export type TenantId = Static<typeof TenantId>;

export const EDITIONS = ['free', 'basic', 'premium'] as const;
export const Edition = Type.Enum(EDITIONS);
export type Edition = Static<typeof Edition>;

export const ROLES = ['global-admin', 'security-admin', 'reports-reader'] as const;
export const Role = Type.Enum(ROLES);
export type Role = Static<typeof Role>;

export const Tenant = Type.Object({
  id: TenantId,
  name: Type.String(),
  edition: Edition,
  /** The Rights Management add-on (RMS reports). */
  rms: Type.Boolean(),
  /** Set when a global admin opted in to reporting (SPEC 3). */
  optedInAt: Type.Optional(Type.String()),
  optedInBy: Type.Optional(Type.String()),
  retentionDays: Type.Integer({ minimum: 1 }),
  createdAt: Type.String(),
});
export type Tenant = Static<typeof Tenant>;

/** Portal passwords people choose: long enough to resist guessing, short enough to type. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
