import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { CompareOp, FilterExpr, ODataLiteral, PropertyRef } from '../../../schema/graph-query.ts';
import { parseFilter } from './parser.ts';
import { printFilter } from './print.ts';

const prop = (...path: string[]): PropertyRef => ({ path, lambda: false });

describe('parseFilter', () => {
  it.each<[string, FilterExpr]>([
    ["userPrincipalName eq 'a@b.example'", { type: 'compare', op: 'eq', property: prop('userPrincipalName'), value: { kind: 'string', value: 'a@b.example' } }],
    ["userDisplayName eq 'O''Brien'", { type: 'compare', op: 'eq', property: prop('userDisplayName'), value: { kind: 'string', value: "O'Brien" } }],
    ['status/errorCode ne 0', { type: 'compare', op: 'ne', property: prop('status', 'errorCode'), value: { kind: 'number', value: 0 } }],
    ['createdDateTime ge 2026-11-01T00:00:00Z', { type: 'compare', op: 'ge', property: prop('createdDateTime'), value: { kind: 'dateTime', value: '2026-11-01T00:00:00.000Z' } }],
    ['createdDateTime lt 2026-11-01T02:00:00+02:00', { type: 'compare', op: 'lt', property: prop('createdDateTime'), value: { kind: 'dateTime', value: '2026-11-01T00:00:00.000Z' } }],
    ['isInteractive eq true', { type: 'compare', op: 'eq', property: prop('isInteractive'), value: { kind: 'boolean', value: true } }],
    ['userId eq null', { type: 'compare', op: 'eq', property: prop('userId'), value: { kind: 'null' } }],
    ["riskLevel eq microsoft.graph.riskLevel'high'", { type: 'compare', op: 'eq', property: prop('riskLevel'), value: { kind: 'enum', type: 'microsoft.graph.riskLevel', value: 'high' } }],
    ['5 lt status/errorCode', { type: 'compare', op: 'gt', property: prop('status', 'errorCode'), value: { kind: 'number', value: 5 } }],
    ["startswith(location/city, 'Par')", { type: 'startswith', property: prop('location', 'city'), value: 'Par' }],
  ])('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual({ ok: true, expr: expected });
  });

  it('binds and tighter than or, and not tighter than and', () => {
    const r = parseFilter("not a eq 1 and b eq 2 or c eq 3");
    expect(r.ok && printFilter(r.expr)).toBe('((not (a eq 1) and b eq 2) or c eq 3)');
  });

  it('honours parentheses', () => {
    const r = parseFilter('a eq 1 and (b eq 2 or c eq 3)');
    expect(r.ok && printFilter(r.expr)).toBe('(a eq 1 and (b eq 2 or c eq 3))');
  });

  it('parses any() with the lambda variable stripped from inner paths', () => {
    expect(parseFilter("targetResources/any(t: t/displayName eq 'x' or startswith(t/type, 'Gr'))")).toEqual({
      ok: true,
      expr: {
        type: 'any',
        collection: ['targetResources'],
        variable: 't',
        predicate: {
          type: 'or',
          left: { type: 'compare', op: 'eq', property: { path: ['displayName'], lambda: true }, value: { kind: 'string', value: 'x' } },
          right: { type: 'startswith', property: { path: ['type'], lambda: true }, value: 'Gr' },
        },
      },
    });
  });

  it.each([
    ['', 'the filter is empty', 0],
    ["a eq 'open", 'unterminated string literal', 5],
    ['a eq', 'expected a literal (string, number, true, false, null, DateTimeOffset) but found end of expression', 4],
    ['a foo 1', "expected a comparison operator (eq, ne, gt, ge, lt, le) but found 'foo'", 2],
    ['(a eq 1', "expected ')' but found end of expression", 7],
    ['a eq 1 b', "unexpected 'b'", 7],
    ['a eq 2026-02-30T00:00:00Z', "invalid DateTimeOffset '2026-02-30T00:00:00Z'", 5],
    ['a eq #', "unexpected character '#'", 5],
    ["r/any(t: t/any(u: u/x eq 'y'))", 'any() inside any() is not supported', 11],
    ["r/any(t: t eq 'y')", "'t' needs a property (e.g. t/displayName)", 9],
    ["startswith(a, 1)", 'expected a string literal but found the number 1', 14],
  ])('rejects %j: %s', (text, reason, position) => {
    expect(parseFilter(text)).toEqual({ ok: false, error: { reason, position } });
  });

  it('refuses pathological nesting instead of exhausting the stack', () => {
    const r = parseFilter('('.repeat(1000) + 'a eq 1' + ')'.repeat(1000));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.reason).toMatch(/nests deeper than/);
  });
});

const ident = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,6}$/).filter((s) => !['and', 'or', 'not', 'any', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'true', 'false', 'null', 'startswith'].includes(s));
const literal: fc.Arbitrary<ODataLiteral> = fc.oneof(
  fc.string({ maxLength: 12 }).map((value) => ({ kind: 'string' as const, value })),
  fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((d) => Math.round(d * 1000) / 1000)).map((value) => ({ kind: 'number' as const, value: Object.is(value, -0) ? 0 : value })),
  fc.boolean().map((value) => ({ kind: 'boolean' as const, value })),
  fc.constant({ kind: 'null' as const }),
  fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => ({ kind: 'dateTime' as const, value: d.toISOString() })),
  fc.tuple(fc.constantFrom('microsoft.graph.riskLevel', 'ns.t'), fc.string({ maxLength: 6 })).map(([type, value]) => ({ kind: 'enum' as const, type, value })),
);
const op = fc.constantFrom<CompareOp>('eq', 'ne', 'gt', 'ge', 'lt', 'le');
const ref = (lambda: boolean): fc.Arbitrary<PropertyRef> => fc.array(ident, { minLength: 1, maxLength: 3 }).map((path) => ({ path, lambda }));

const exprOf = (lambda: boolean, allowAny: boolean): fc.Arbitrary<FilterExpr> =>
  fc.letrec<{ e: FilterExpr }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ type: fc.constant('compare' as const), op, property: ref(lambda), value: literal }),
      fc.record({ type: fc.constant('startswith' as const), property: ref(lambda), value: fc.string({ maxLength: 8 }) }),
      fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('e'), right: tie('e') }),
      fc.record({ type: fc.constant('not' as const), operand: tie('e') }),
      ...(allowAny
        ? [
            fc
              .tuple(fc.array(ident, { minLength: 1, maxLength: 2 }), fc.constantFrom('t', 'x'), exprOf(true, false))
              .map(([collection, variable, predicate]): FilterExpr => ({ type: 'any', collection, variable, predicate })),
          ]
        : []),
    ),
  })).e;

describe('parseFilter properties', () => {
  it('round-trips every printed AST', () => {
    fc.assert(
      fc.property(exprOf(false, true), (expr) => {
        expect(parseFilter(printFilter(expr))).toEqual({ ok: true, expr });
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary input, only returns a syntax issue inside the text', () => {
    const alphabet = fc.constantFrom(...["a", 'eq', ' ', '(', ')', "'", ',', '/', ':', 'and', 'or', 'not', 'any', '1', '-', 'T', 'Z', '2026-01-01T00:00:00Z', 'startswith', '.', 'null', 'é', '\u0000']);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.array(alphabet, { maxLength: 30 }).map((a) => a.join(''))), (text) => {
        const r = parseFilter(text);
        if (!r.ok) {
          expect(r.error.position).toBeGreaterThanOrEqual(0);
          expect(r.error.position).toBeLessThanOrEqual(text.length);
          expect(r.error.reason.length).toBeGreaterThan(0);
        } else {
          expect(parseFilter(printFilter(r.expr))).toEqual(r);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
