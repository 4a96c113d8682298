/**
 * Recursive-descent parser for $filter: tokens -> FilterExpr (schema/graph-query.ts).
 *
 *   or      := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' or ')'
 *            | 'startswith' '(' path ',' string ')'
 *            | path '/' 'any' '(' ident ':' or ')'
 *            | path op literal | literal op path
 *
 * Returns the AST or a syntax issue (position and reason); never throws.
 */
import type { CompareOp, FilterExpr, ODataLiteral, PropertyRef } from '../../../schema/graph-query.ts';
import { tokenize, type SyntaxIssue, type Token } from './lexer.ts';

export type ParseResult = { readonly ok: true; readonly expr: FilterExpr } | { readonly ok: false; readonly error: SyntaxIssue };

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
/** Deep enough for any real filter, shallow enough that recursion cannot exhaust the stack. */
const MAX_DEPTH = 64;

class ParseFailure {
  constructor(readonly issue: SyntaxIssue) {}
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'end':
      return 'end of expression';
    case 'ident':
      return `'${tok.v}'`;
    case 'string':
      return 'a string literal';
    case 'number':
      return `the number ${tok.v}`;
    case 'dateTime':
      return `the DateTimeOffset ${tok.v}`;
    case 'enum':
      return `the enum literal ${tok.type}'${tok.v}'`;
    default:
      return `'${tok.t}'`;
  }
}

const FLIP: Readonly<Record<CompareOp, CompareOp>> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

class Parser {
  private i = 0;
  private depth = 0;
  /** The any() lambda variable in scope, if any. */
  private lambdaVar: string | undefined;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] ?? { t: 'end', pos: 0 };
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.t !== 'end') this.i++;
    return tok;
  }

  private fail(tok: Token, reason: string): never {
    throw new ParseFailure({ position: tok.pos, reason });
  }

  private expect<T extends Token['t']>(t: T, what: string): Extract<Token, { t: T }> {
    const tok = this.next();
    if (tok.t !== t) this.fail(tok, `expected ${what} but found ${describe(tok)}`);
    return tok as Extract<Token, { t: T }>;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.t === 'ident' && tok.v === word;
  }

  parseAll(): FilterExpr {
    const expr = this.parseOr();
    const tok = this.peek();
    if (tok.t !== 'end') this.fail(tok, `unexpected ${describe(tok)}`);
    return expr;
  }

  private enter(tok: Token): void {
    if (++this.depth > MAX_DEPTH) this.fail(tok, `the expression nests deeper than ${MAX_DEPTH} levels`);
  }

  private parseOr(): FilterExpr {
    this.enter(this.peek());
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      this.next();
      left = { type: 'or', left, right: this.parseAnd() };
    }
    this.depth--;
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parseUnary();
    while (this.isKeyword('and')) {
      this.next();
      left = { type: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterExpr {
    if (this.isKeyword('not')) {
      const tok = this.next();
      this.enter(tok);
      const operand = this.parseUnary();
      this.depth--;
      return { type: 'not', operand };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterExpr {
    const tok = this.peek();
    if (tok.t === '(') {
      this.next();
      const inner = this.parseOr();
      this.expect(')', "')'");
      return inner;
    }
    if (tok.t === 'ident' && tok.v === 'startswith' && this.peek(1).t === '(') {
      this.next();
      this.next();
      const property = this.parsePath();
      this.expect(',', "','");
      const value = this.expect('string', 'a string literal');
      this.expect(')', "')'");
      return { type: 'startswith', property, value: value.v };
    }
    if (tok.t === 'ident') {
      const start = this.peek();
      const segments = this.parseSegments();
      if (this.isKeyword('any') && this.peek(-1).t === '/') return this.parseAny(start, segments);
      const property = this.toRef(start, segments);
      const opTok = this.next();
      if (opTok.t !== 'ident' || !COMPARE_OPS.has(opTok.v)) {
        this.fail(opTok, `expected a comparison operator (eq, ne, gt, ge, lt, le) but found ${describe(opTok)}`);
      }
      const value = this.parseLiteral();
      return { type: 'compare', op: opTok.v as CompareOp, property, value };
    }
    if (tok.t === 'string' || tok.t === 'number' || tok.t === 'dateTime' || tok.t === 'enum') {
      // `'x' eq prop`: normalised to property-first so the compiler sees one form.
      const value = this.parseLiteral();
      const opTok = this.next();
      if (opTok.t !== 'ident' || !COMPARE_OPS.has(opTok.v)) {
        this.fail(opTok, `expected a comparison operator (eq, ne, gt, ge, lt, le) but found ${describe(opTok)}`);
      }
      const property = this.parsePath();
      return { type: 'compare', op: FLIP[opTok.v as CompareOp], property, value };
    }
    return this.fail(tok, `expected a property, '(' , 'not' or startswith( but found ${describe(tok)}`);
  }

  /** ident ('/' ident)*, stopping before '/any'. */
  private parseSegments(): string[] {
    const segments = [this.expect('ident', 'a property name').v];
    while (this.peek().t === '/') {
      this.next();
      if (this.isKeyword('any') && this.peek(1).t === '(') return segments;
      segments.push(this.expect('ident', 'a property name').v);
    }
    return segments;
  }

  private parsePath(): PropertyRef {
    const start = this.peek();
    return this.toRef(start, this.parseSegments());
  }

  private toRef(start: Token, segments: readonly string[]): PropertyRef {
    if (this.lambdaVar !== undefined && segments[0] === this.lambdaVar) {
      if (segments.length === 1) this.fail(start, `'${this.lambdaVar}' needs a property (e.g. ${this.lambdaVar}/displayName)`);
      return { path: segments.slice(1), lambda: true };
    }
    if (this.isReserved(segments[0] ?? '')) this.fail(start, `'${segments[0] ?? ''}' is a keyword, not a property`);
    return { path: segments, lambda: false };
  }

  private isReserved(word: string): boolean {
    return word === 'and' || word === 'or' || word === 'not' || word === 'any' || word === 'true' || word === 'false' || word === 'null' || COMPARE_OPS.has(word);
  }

  private parseAny(start: Token, collection: readonly string[]): FilterExpr {
    const anyTok = this.next();
    if (this.lambdaVar !== undefined) this.fail(anyTok, 'any() inside any() is not supported');
    if (collection.length > 0 && this.lambdaVar !== undefined && collection[0] === this.lambdaVar) {
      this.fail(start, 'any() inside any() is not supported');
    }
    this.expect('(', "'('");
    const variable = this.expect('ident', 'a lambda variable name');
    if (this.isReserved(variable.v)) this.fail(variable, `'${variable.v}' is a keyword, not a variable name`);
    this.expect(':', "':'");
    this.lambdaVar = variable.v;
    const predicate = this.parseOr();
    this.lambdaVar = undefined;
    this.expect(')', "')'");
    return { type: 'any', collection, variable: variable.v, predicate };
  }

  private parseLiteral(): ODataLiteral {
    const tok = this.next();
    switch (tok.t) {
      case 'string':
        return { kind: 'string', value: tok.v };
      case 'number':
        return { kind: 'number', value: tok.v };
      case 'dateTime':
        return { kind: 'dateTime', value: tok.v };
      case 'enum':
        return { kind: 'enum', type: tok.type, value: tok.v };
      case 'ident':
        if (tok.v === 'true' || tok.v === 'false') return { kind: 'boolean', value: tok.v === 'true' };
        if (tok.v === 'null') return { kind: 'null' };
        break;
      default:
        break;
    }
    return this.fail(tok, `expected a literal (string, number, true, false, null, DateTimeOffset) but found ${describe(tok)}`);
  }
}

export function parseFilter(text: string): ParseResult {
  const lexed = tokenize(text);
  if (!lexed.ok) return lexed;
  if (lexed.tokens.length === 1) return { ok: false, error: { position: 0, reason: 'the filter is empty' } };
  try {
    return { ok: true, expr: new Parser(lexed.tokens).parseAll() };
  } catch (err) {
    if (err instanceof ParseFailure) return { ok: false, error: err.issue };
    throw err;
  }
}
