/**
 * The IP lists in force, keyed by (scope, name). A tenant's lookups see the
 * global lists and that tenant's own lists, never another tenant's.
 */
import type { IpCategory, IpTag } from '../../schema/enrichment.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { IpNum } from '../ip-num.ts';
import { ipToNum } from '../ip-num.ts';
import type { CidrSet } from './cidr-set.ts';

/** 'global' applies to every tenant; `{ tenant }` to that tenant only (a tenant may be called "global"). */
export type ListScope = 'global' | { readonly tenant: TenantId };

export interface IpList {
  readonly scope: ListScope;
  readonly name: string;
  readonly category: IpCategory;
  readonly set: CidrSet;
}

export interface IpListRegistry {
  /** Adds or swaps a list in one step: lookups see the old or the new list, never a mix. */
  replace(list: IpList): void;
  remove(scope: ListScope, name: string): boolean;
  lists(): IpList[];
  lookup(tenant: TenantId, ip: IpNum | string): IpTag[];
}

export function scopeKey(scope: ListScope): string {
  return scope === 'global' ? 'global' : `tenant:${scope.tenant}`;
}

// Frozen so the shared empty answer cannot be changed by a caller.
const NONE = Object.freeze([]) as unknown as IpTag[];

export function createIpListRegistry(): IpListRegistry {
  // Per scope, an immutable array swapped on change, so a lookup iterates a stable snapshot.
  const byScope = new Map<string, readonly IpList[]>();
  let global: readonly IpList[] = [];

  function write(key: string, lists: readonly IpList[]): void {
    if (lists.length === 0) byScope.delete(key);
    else byScope.set(key, lists);
    if (key === 'global') global = lists;
  }

  function collect(into: IpTag[], lists: readonly IpList[] | undefined, ip: IpNum): void {
    if (lists === undefined) return;
    for (const l of lists) if (l.set.has(ip)) into.push({ list: l.name, category: l.category });
  }

  return {
    replace(list) {
      const key = scopeKey(list.scope);
      const current = byScope.get(key) ?? [];
      const next = current.filter((l) => l.name !== list.name);
      next.push(list);
      next.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      write(key, next);
    },
    remove(scope, name) {
      const key = scopeKey(scope);
      const current = byScope.get(key) ?? [];
      const next = current.filter((l) => l.name !== name);
      write(key, next);
      return next.length !== current.length;
    },
    lists: () => [...byScope.values()].flat(),
    lookup(tenant, ip) {
      const n = typeof ip === 'string' ? ipToNum(ip) : ip;
      if (n === undefined) return NONE;
      const tenantLists = byScope.get(`tenant:${tenant}`);
      if (global.length === 0 && tenantLists === undefined) return NONE;
      const tags: IpTag[] = [];
      collect(tags, global, n);
      collect(tags, tenantLists, n);
      return tags.length === 0 ? NONE : tags;
    },
  };
}
