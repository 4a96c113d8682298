/**
 * Reads a directory import: authlens's own JSON (DirectorySnapshot, any subset
 * of its four arrays) or Microsoft Graph list responses (`{"value":[...]}`) of
 * users, groups, applications/servicePrincipals or directoryRoles (with
 * `$expand=members`), alone or several in an array. Which one it is is told by
 * `@odata.context` when present, else by the fields of the first item.
 * Bad input is data: a list of problems with the JSON path and the reason.
 */
import { Compile } from 'typebox/compile';
import {
  DirectoryApplication,
  DirectoryGroup,
  DirectoryRole,
  DirectoryUser,
  type DirectorySnapshot,
} from '../schema/directory.ts';

export type DirectoryPart = 'users' | 'groups' | 'applications' | 'roles';

export interface ImportProblem {
  /** JSON pointer of the offending value ("/value/3/userPrincipalName"). */
  readonly field: string;
  readonly reason: string;
}

export type DirectoryImport =
  | {
      readonly ok: true;
      readonly snapshot: Partial<DirectorySnapshot>;
      /** What was recognised, in input order ("graph:users", "authlens"). */
      readonly detected: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const checks = {
  users: Compile(DirectoryUser),
  groups: Compile(DirectoryGroup),
  applications: Compile(DirectoryApplication),
  roles: Compile(DirectoryRole),
} as const;

const CONTEXT_PARTS: ReadonlyArray<[RegExp, DirectoryPart]> = [
  [/#users\b/i, 'users'],
  [/#groups\b/i, 'groups'],
  [/#(applications|servicePrincipals)\b/i, 'applications'],
  [/#(directoryRoles|roleManagement)/i, 'roles'],
];

function graphPartOf(list: Json): DirectoryPart | undefined {
  const ctx = str(list['@odata.context']);
  if (ctx !== undefined) {
    for (const [re, part] of CONTEXT_PARTS) if (re.test(ctx)) return part;
  }
  const value = list.value;
  const first = Array.isArray(value) ? value.find(isObject) : undefined;
  if (first === undefined) return undefined;
  const type = str(first['@odata.type'])?.toLowerCase();
  if (type === '#microsoft.graph.user' || 'userPrincipalName' in first) return 'users';
  if (type === '#microsoft.graph.directoryrole' || 'roleTemplateId' in first) return 'roles';
  if (type === '#microsoft.graph.group' || 'groupTypes' in first || 'securityEnabled' in first) return 'groups';
  if (type === '#microsoft.graph.application' || type === '#microsoft.graph.serviceprincipal' || 'appId' in first) {
    return 'applications';
  }
  return undefined;
}

function memberIds(item: Json): string[] {
  const members = item.members;
  if (!Array.isArray(members)) return [];
  return members.flatMap((m) => {
    const id = isObject(m) ? str(m.id) : str(m);
    return id !== undefined ? [id] : [];
  });
}

function fromGraphUser(u: Json): unknown {
  const licences = Array.isArray(u.assignedLicenses) ? u.assignedLicenses : [];
  const userType = str(u.userType)?.toLowerCase() === 'guest' ? 'guest' : 'member';
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    ...(str(u.displayName) !== undefined ? { displayName: u.displayName } : {}),
    ...(str(u.mail) !== undefined ? { mail: u.mail } : {}),
    userType,
    // Graph omits accountEnabled unless $select'ed; an omitted value means an ordinary, enabled account.
    accountEnabled: typeof u.accountEnabled === 'boolean' ? u.accountEnabled : true,
    assignedLicenses: licences.flatMap((l) => {
      const sku = isObject(l) ? str(l.skuId) : str(l);
      return sku !== undefined ? [sku] : [];
    }),
    ...(str(u.department) !== undefined ? { department: u.department } : {}),
    ...(str(u.country) !== undefined ? { country: u.country } : str(u.usageLocation) !== undefined ? { country: u.usageLocation } : {}),
  };
}

function fromGraphGroup(g: Json): unknown {
  return {
    id: g.id,
    displayName: str(g.displayName) ?? '',
    // Graph does not mark user-created groups; authlens's own JSON carries the flag.
    selfService: false,
    memberIds: memberIds(g),
  };
}

function fromGraphApplication(a: Json): unknown {
  return {
    id: a.id,
    ...(str(a.appId) !== undefined ? { appId: a.appId } : {}),
    displayName: str(a.displayName) ?? str(a.appDisplayName) ?? '',
  };
}

function fromGraphRole(r: Json): unknown {
  return {
    id: r.id,
    displayName: str(r.displayName) ?? '',
    ...(str(r.roleTemplateId) !== undefined ? { roleTemplateId: r.roleTemplateId } : {}),
    memberIds: memberIds(r),
  };
}

const FROM_GRAPH: Readonly<Record<DirectoryPart, (item: Json) => unknown>> = {
  users: fromGraphUser,
  groups: fromGraphGroup,
  applications: fromGraphApplication,
  roles: fromGraphRole,
};

interface Acc {
  snapshot: { -readonly [K in DirectoryPart]?: DirectorySnapshot[K] };
  detected: string[];
  problems: ImportProblem[];
}

function pushChecked(acc: Acc, part: DirectoryPart, item: unknown, at: string): void {
  const check = checks[part];
  if (!check.Check(item)) {
    const first = check.Errors(item)[0];
    acc.problems.push({ field: `${at}${first?.instancePath ?? ''}`, reason: first?.message ?? 'invalid' });
    return;
  }
  const list = (acc.snapshot[part] ??= []) as unknown[];
  list.push(item);
}

function readOne(doc: unknown, at: string, acc: Acc): void {
  if (!isObject(doc)) {
    acc.problems.push({ field: at, reason: 'expected a JSON object' });
    return;
  }
  if ('value' in doc) {
    if (!Array.isArray(doc.value)) {
      acc.problems.push({ field: `${at}/value`, reason: 'expected an array' });
      return;
    }
    if (doc.value.length === 0) return;
    const part = graphPartOf(doc);
    if (part === undefined) {
      acc.problems.push({ field: at, reason: 'not a Graph list of users, groups, applications or directoryRoles' });
      return;
    }
    acc.detected.push(`graph:${part}`);
    doc.value.forEach((item, i) => {
      const where = `${at}/value/${i}`;
      if (!isObject(item)) acc.problems.push({ field: where, reason: 'expected an object' });
      else pushChecked(acc, part, FROM_GRAPH[part](item), where);
    });
    return;
  }
  const parts = (['users', 'groups', 'applications', 'roles'] as const).filter((p) => p in doc);
  if (parts.length === 0) {
    acc.problems.push({ field: at, reason: 'neither authlens directory JSON nor a Graph list response' });
    return;
  }
  acc.detected.push('authlens');
  for (const part of parts) {
    const items = doc[part];
    if (!Array.isArray(items)) {
      acc.problems.push({ field: `${at}/${part}`, reason: 'expected an array' });
      continue;
    }
    acc.snapshot[part] ??= [];
    items.forEach((item, i) => pushChecked(acc, part, item, `${at}/${part}/${i}`));
  }
}

/** Reads one parsed JSON document (object, or an array of list responses). */
export function readDirectoryImport(doc: unknown): DirectoryImport {
  const acc: Acc = { snapshot: {}, detected: [], problems: [] };
  if (Array.isArray(doc)) doc.forEach((d, i) => readOne(d, `/${i}`, acc));
  else readOne(doc, '', acc);
  if (acc.problems.length > 0) return { ok: false, problems: acc.problems.slice(0, 100) };
  if (acc.detected.length === 0) return { ok: false, problems: [{ field: '', reason: 'nothing to import' }] };
  return { ok: true, snapshot: acc.snapshot, detected: acc.detected };
}

/** Merges several imports (e.g. one file per Graph list) into one snapshot part set. */
export function mergeImports(parts: ReadonlyArray<Partial<DirectorySnapshot>>): Partial<DirectorySnapshot> {
  const out: { -readonly [K in DirectoryPart]?: DirectorySnapshot[K] } = {};
  for (const p of parts) {
    for (const key of ['users', 'groups', 'applications', 'roles'] as const) {
      const items = p[key];
      if (items !== undefined) (out[key] ??= [] as never[]).push(...(items as never[]));
    }
  }
  return out;
}

export function countsOf(s: Partial<DirectorySnapshot>): Record<DirectoryPart, number> {
  return {
    users: s.users?.length ?? 0,
    groups: s.groups?.length ?? 0,
    applications: s.applications?.length ?? 0,
    roles: s.roles?.length ?? 0,
  };
}
