/**
 * Checks a parsed $filter against what one resource lets a client filter on
 * (schema/graph-query.ts GRAPH_PROPERTIES): known properties, literal types
 * that fit, operators that make sense. Returns the first problem as a message.
 */
import type { FilterExpr, ODataLiteral, PropertyType, ResourceProperties } from '../../../schema/graph-query.ts';

function fits(type: PropertyType, v: ODataLiteral): boolean {
  switch (v.kind) {
    case 'null':
      return true;
    case 'string':
    case 'enum':
      return type === 'string';
    case 'number':
      return type === 'number';
    case 'boolean':
      return type === 'boolean';
    case 'dateTime':
      return type === 'dateTime';
  }
}

function check(e: FilterExpr, props: ResourceProperties, element: Readonly<Record<string, PropertyType>> | undefined): string | undefined {
  switch (e.type) {
    case 'and':
    case 'or':
      return check(e.left, props, element) ?? check(e.right, props, element);
    case 'not':
      return check(e.operand, props, element);
    case 'any': {
      const name = e.collection.join('/');
      const el = props.collections[name];
      if (el === undefined) return `'${name}' is not a collection that supports any()`;
      return check(e.predicate, props, el);
    }
    case 'compare':
    case 'startswith': {
      const name = e.property.path.join('/');
      const scope = e.property.lambda ? element : props.scalars;
      const type = scope?.[name];
      if (type === undefined) return `unknown or unsupported property '${name}'`;
      if (e.type === 'startswith') return type === 'string' ? undefined : `startswith needs a string property, '${name}' is ${type}`;
      if (!fits(type, e.value)) return `'${name}' is ${type} and cannot be compared with ${e.value.kind === 'dateTime' ? 'a DateTimeOffset' : `a ${e.value.kind}`}`;
      if (e.value.kind === 'null' && e.op !== 'eq' && e.op !== 'ne') return `null can only be compared with eq or ne`;
      if (type === 'boolean' && e.op !== 'eq' && e.op !== 'ne') return `'${name}' is boolean: use eq or ne`;
      return undefined;
    }
  }
}

export function checkFilter(e: FilterExpr, props: ResourceProperties): string | undefined {
  return check(e, props, undefined);
}
