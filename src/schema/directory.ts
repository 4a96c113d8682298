/** The directory snapshot: users, groups, applications, admin roles and licences (SPEC 2). */
import { Type, type Static } from 'typebox';

export const DirectoryUser = Type.Object({
  id: Type.String({ minLength: 1 }),
  userPrincipalName: Type.String({ minLength: 1 }),
  displayName: Type.Optional(Type.String()),
  mail: Type.Optional(Type.String()),
  userType: Type.Union([Type.Literal('member'), Type.Literal('guest')]),
  accountEnabled: Type.Boolean(),
  /** SKU ids of assigned licences (Graph's assignedLicenses[].skuId). */
  assignedLicenses: Type.Array(Type.String()),
  department: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
});
export type DirectoryUser = Static<typeof DirectoryUser>;

export const DirectoryGroup = Type.Object({
  id: Type.String({ minLength: 1 }),
  displayName: Type.String(),
  /** Self-service (user-managed) group. */
  selfService: Type.Boolean(),
  memberIds: Type.Array(Type.String()),
});
export type DirectoryGroup = Static<typeof DirectoryGroup>;

export const DirectoryApplication = Type.Object({
  id: Type.String({ minLength: 1 }),
  appId: Type.Optional(Type.String()),
  displayName: Type.String(),
});
export type DirectoryApplication = Static<typeof DirectoryApplication>;

/** Graph's roleTemplateId of Global Administrator. */
export const GLOBAL_ADMIN_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';
/** Graph's roleTemplateId of Security Administrator. */
export const SECURITY_ADMIN_ROLE_TEMPLATE_ID = '194ae4cb-b126-40b2-bd5b-6091b380977d';

export const DirectoryRole = Type.Object({
  id: Type.String({ minLength: 1 }),
  displayName: Type.String(),
  roleTemplateId: Type.Optional(Type.String()),
  memberIds: Type.Array(Type.String()),
});
export type DirectoryRole = Static<typeof DirectoryRole>;

/** authlens's own directory JSON (what `directory import` takes besides Graph list responses). */
export const DirectorySnapshot = Type.Object({
  users: Type.Array(DirectoryUser),
  groups: Type.Array(DirectoryGroup),
  applications: Type.Array(DirectoryApplication),
  roles: Type.Array(DirectoryRole),
});
export type DirectorySnapshot = Static<typeof DirectorySnapshot>;
