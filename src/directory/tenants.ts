/** Tenants: creation, listing, and the reporting opt-in of SPEC 3. */
import { Compile } from 'typebox/compile';
import { TenantId, type Edition, type Tenant } from '../schema/tenants.ts';
import type { ControlStore } from '../store/ports.ts';
import { isLicensedGlobalAdmin } from './global-admin.ts';

export const DEFAULT_RETENTION_DAYS = 30;
const tenantIdCheck = Compile(TenantId);

export interface NewTenantInput {
  readonly id: string;
  readonly name?: string;
  readonly edition?: Edition;
  readonly rms?: boolean;
  readonly retentionDays?: number;
}

export type CreateTenantResult =
  | { readonly ok: true; readonly tenant: Tenant }
  | { readonly ok: false; readonly reason: 'invalidId' | 'exists' };

/** What an operator may change after creation: the licence (edition, RMS), the name and the retention. */
export interface TenantChanges {
  readonly name?: string;
  readonly edition?: Edition;
  readonly rms?: boolean;
  readonly retentionDays?: number;
}

export type UpdateTenantResult = { readonly ok: true; readonly tenant: Tenant } | { readonly ok: false; readonly reason: 'notFound' };

export type OptInResult =
  | { readonly ok: true; readonly tenant: Tenant }
  | { readonly ok: false; readonly reason: 'notFound' | 'notGlobalAdmin' };

export interface TenantService {
  create(input: NewTenantInput): Promise<CreateTenantResult>;
  get(id: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
  /** Changes name, edition, RMS or retention; a shorter retention takes effect at the next hourly purge. */
  update(id: string, changes: TenantChanges): Promise<UpdateTenantResult>;
  /** Records who opted in and when; refused unless `by` is a licensed global admin of the tenant's directory. */
  optIn(id: string, by: string): Promise<OptInResult>;
}

export function isReportingEnabled(tenant: Pick<Tenant, 'optedInAt'>): boolean {
  return tenant.optedInAt !== undefined;
}

export function createTenantService(control: ControlStore, now: () => Date = () => new Date()): TenantService {
  return {
    async create(input) {
      if (!tenantIdCheck.Check(input.id)) return { ok: false, reason: 'invalidId' };
      if ((await control.getTenant(input.id)) !== undefined) return { ok: false, reason: 'exists' };
      const tenant: Tenant = {
        id: input.id,
        name: input.name ?? input.id,
        edition: input.edition ?? 'free',
        rms: input.rms ?? false,
        retentionDays: input.retentionDays ?? DEFAULT_RETENTION_DAYS,
        createdAt: now().toISOString(),
      };
      await control.createTenant(tenant);
      return { ok: true, tenant };
    },
    get(id) {
      return control.getTenant(id);
    },
    list() {
      return control.listTenants();
    },
    async update(id, changes) {
      const tenant = await control.getTenant(id);
      if (tenant === undefined) return { ok: false, reason: 'notFound' };
      const patch: { -readonly [K in keyof TenantChanges]: TenantChanges[K] } = {};
      if (changes.name !== undefined) patch.name = changes.name;
      if (changes.edition !== undefined) patch.edition = changes.edition;
      if (changes.rms !== undefined) patch.rms = changes.rms;
      if (changes.retentionDays !== undefined) patch.retentionDays = changes.retentionDays;
      if (Object.keys(patch).length > 0) await control.updateTenant(id, patch);
      return { ok: true, tenant: { ...tenant, ...patch } };
    },
    async optIn(id, by) {
      const tenant = await control.getTenant(id);
      if (tenant === undefined) return { ok: false, reason: 'notFound' };
      if (!(await isLicensedGlobalAdmin(control, id, by))) return { ok: false, reason: 'notGlobalAdmin' };
      // A repeated opt-in keeps the first record: it answers "who enabled reporting, when".
      if (tenant.optedInAt !== undefined) return { ok: true, tenant };
      // Recorded as the directory spells the UPN, whatever case the caller typed.
      const user = await control.findUserByUpn(id, by);
      const patch = { optedInAt: now().toISOString(), optedInBy: user?.userPrincipalName ?? by };
      await control.updateTenant(id, patch);
      return { ok: true, tenant: { ...tenant, ...patch } };
    },
  };
}
