import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvLine, neutralise, parseCsvLine } from './csv.ts';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.example")', `'=HYPERLINK("http://evil.example")`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
  ])('neutralises %j', (input, expected) => {
    expect(neutralise(input)).toBe(expected);
  });

  it('keeps numbers, booleans and nulls as values', () => {
    expect([neutralise(-33.5), neutralise(true), neutralise(null)]).toEqual(['-33.5', 'true', '']);
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 7])).toBe('"a,b","say ""hi""","two\nlines",7\r\n');
  });

  it('no text cell ever starts a formula, and every cell survives the round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 8 }), (cells) => {
        const line = csvLine(cells);
        const back = parseCsvLine(line.slice(0, -2));
        expect(back).toHaveLength(cells.length);
        back.forEach((cell, i) => {
          expect(cell).not.toMatch(/^[=+\-@\t\r]/);
          const original = cells[i] ?? '';
          expect(cell === original || cell === `'${original}`).toBe(true);
        });
      }),
    );
  });
});
