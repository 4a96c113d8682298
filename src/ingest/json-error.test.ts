import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findJsonError, lineAndColumn } from './json-error.ts';

describe('findJsonError', () => {
  it.each([
    ['{"a":1,}', 7, 'trailing comma'],
    ['[1,2,]', 5, 'trailing comma'],
    ['{"a" 1}', 5, "expected ':'"],
    ['{"a":tru}', 5, 'where a value was expected'],
    ['{"a":"x', 7, 'unterminated string'],
    ['{"a":1} x', 8, 'after the end'],
    ['{"a":[1}', 7, "expected ',' or ']'"],
    ['{a:1}', 1, 'double-quoted property name'],
    ['"\\x"', 1, 'invalid escape'],
    ['', 0, 'unexpected end'],
  ])('%s -> offset %i', (text, offset, reason) => {
    const e = findJsonError(text);
    expect(e?.offset).toBe(offset);
    expect(e?.reason).toContain(reason);
  });

  it('agrees with JSON.parse about validity', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonError(text) === undefined).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });
});

describe('lineAndColumn', () => {
  it('counts lines from the record start and columns from its first column', () => {
    expect(lineAndColumn('{\n  "a": ,\n}', 9, 5, 9)).toEqual({ line: 6, column: 8 });
    expect(lineAndColumn('{"a": ,}', 6, 5, 9)).toEqual({ line: 5, column: 15 });
  });
});
