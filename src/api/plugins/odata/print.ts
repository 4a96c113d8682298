/**
 * FilterExpr -> canonical $filter text. Parsing the output gives the same AST
 * back (property-tested), so it serves as the normalised form of a query that
 * skip tokens are bound to.
 */
import type { FilterExpr, ODataLiteral, PropertyRef } from '../../../schema/graph-query.ts';

function literal(v: ODataLiteral): string {
  switch (v.kind) {
    case 'string':
      return `'${v.value.replaceAll("'", "''")}'`;
    case 'number':
      return Object.is(v.value, -0) ? '0' : String(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'dateTime':
      return v.value;
    case 'enum':
      return `${v.type}'${v.value.replaceAll("'", "''")}'`;
  }
}

function ref(p: PropertyRef, variable: string | undefined): string {
  return (p.lambda && variable !== undefined ? [variable, ...p.path] : p.path).join('/');
}

function print(e: FilterExpr, variable: string | undefined): string {
  switch (e.type) {
    case 'and':
    case 'or':
      return `(${print(e.left, variable)} ${e.type} ${print(e.right, variable)})`;
    case 'not':
      return `not (${print(e.operand, variable)})`;
    case 'compare':
      return `${ref(e.property, variable)} ${e.op} ${literal(e.value)}`;
    case 'startswith':
      return `startswith(${ref(e.property, variable)}, ${literal({ kind: 'string', value: e.value })})`;
    case 'any':
      return `${e.collection.join('/')}/any(${e.variable}: ${print(e.predicate, e.variable)})`;
  }
}

export function printFilter(e: FilterExpr): string {
  return print(e, undefined);
}
