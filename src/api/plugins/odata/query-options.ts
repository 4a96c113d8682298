/**
 * The OData system query options of a Graph list request ($filter, $top,
 * $orderby, $select, $count, $skiptoken) -> typed options for one resource,
 * or a message naming what is wrong (the route answers 400 with it).
 */
import type { FilterExpr, GraphResource, ResourceProperties } from '../../../schema/graph-query.ts';
import { GRAPH_PROPERTIES } from '../../../schema/graph-query.ts';
import { checkFilter } from './check.ts';
import { parseFilter } from './parser.ts';
import { printFilter } from './print.ts';

export interface ListOptions {
  readonly filter?: FilterExpr;
  readonly order: 'asc' | 'desc';
  readonly top: number;
  readonly select?: readonly string[];
  readonly count: boolean;
  readonly skipToken?: string;
}

export type OptionsResult = { readonly ok: true; readonly options: ListOptions } | { readonly ok: false; readonly message: string };

export const SUPPORTED_OPTIONS = ['$filter', '$top', '$orderby', '$select', '$count', '$skiptoken'] as const;
const UNSUPPORTED = ['$expand', '$search', '$skip', '$format', '$apply', '$compute'];

function single(query: Readonly<Record<string, unknown>>, name: string): string | undefined | { error: string } {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return { error: `${name} is given more than once` };
  return v;
}

function parseTop(text: string, props: ResourceProperties): number | { error: string } {
  if (!/^\d{1,9}$/.test(text.trim())) return { error: `Invalid $top value '${text}': expected a whole number from 1 to ${props.maxTop}` };
  const n = Number(text.trim());
  if (n < 1 || n > props.maxTop) return { error: `Invalid $top value '${text}': it must be from 1 to ${props.maxTop}` };
  return n;
}

function parseOrderBy(text: string, props: ResourceProperties): 'asc' | 'desc' | { error: string } {
  const m = /^\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*$/i.exec(text);
  if (m === null || m[1] !== props.timeProperty) {
    return { error: `Invalid $orderby '${text}': only '${props.timeProperty} asc' or '${props.timeProperty} desc' is supported` };
  }
  return (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc';
}

function parseSelect(text: string, props: ResourceProperties): string[] | { error: string } {
  const names = text.split(',').map((s) => s.trim());
  const out: string[] = [];
  for (const name of names) {
    if (!props.selectable.includes(name)) return { error: `Invalid $select: '${name}' is not a property of this resource` };
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export function parseListOptions(resource: GraphResource, query: Readonly<Record<string, unknown>>): OptionsResult {
  const props = GRAPH_PROPERTIES[resource];
  for (const name of UNSUPPORTED) if (query[name] !== undefined) return { ok: false, message: `${name} is not supported on this resource` };
  const raw: Record<string, string | undefined> = {};
  for (const name of SUPPORTED_OPTIONS) {
    const v = single(query, name);
    if (typeof v === 'object') return { ok: false, message: v.error };
    raw[name] = v;
  }
  let filter: FilterExpr | undefined;
  if (raw['$filter'] !== undefined) {
    const parsed = parseFilter(raw['$filter']);
    if (!parsed.ok) return { ok: false, message: `Invalid filter clause: ${parsed.error.reason} at position ${parsed.error.position}` };
    const problem = checkFilter(parsed.expr, props);
    if (problem !== undefined) return { ok: false, message: `Invalid filter clause: ${problem}` };
    filter = parsed.expr;
  }
  let top = props.defaultTop;
  if (raw['$top'] !== undefined) {
    const t = parseTop(raw['$top'], props);
    if (typeof t === 'object') return { ok: false, message: t.error };
    top = t;
  }
  let order: 'asc' | 'desc' = 'desc';
  if (raw['$orderby'] !== undefined) {
    const o = parseOrderBy(raw['$orderby'], props);
    if (typeof o === 'object') return { ok: false, message: o.error };
    order = o;
  }
  let select: string[] | undefined;
  if (raw['$select'] !== undefined) {
    const s = parseSelect(raw['$select'], props);
    if (!Array.isArray(s)) return { ok: false, message: s.error };
    select = s;
  }
  let count = false;
  if (raw['$count'] !== undefined) {
    if (raw['$count'] !== 'true' && raw['$count'] !== 'false') return { ok: false, message: `Invalid $count '${raw['$count']}': expected true or false` };
    count = raw['$count'] === 'true';
  }
  const skip = raw['$skiptoken'];
  return {
    ok: true,
    options: {
      order,
      top,
      count,
      ...(filter === undefined ? {} : { filter }),
      ...(select === undefined ? {} : { select }),
      ...(skip === undefined ? {} : { skipToken: skip }),
    },
  };
}

/** The options that define a result set (everything but the skip token), in one canonical text. */
export function normaliseQuery(o: ListOptions): string {
  return JSON.stringify([o.filter === undefined ? null : printFilter(o.filter), o.order, o.top, o.select ?? null, o.count]);
}
