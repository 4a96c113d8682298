import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formDecode, parseForm } from './form.ts';

const name = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' });
const value = fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' });
const uniqueParams = fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 8 });

/** RFC 3986 style (%20), as many HTTP clients write forms, beside URLSearchParams' own (+). */
const percentEncoded = (pairs: ReadonlyArray<readonly [string, string]>): string =>
  pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');

describe('parseForm', () => {
  it.each([
    ['grant_type=client_credentials&client_id=abc', { grant_type: 'client_credentials', client_id: 'abc' }],
    ['scope=https%3A%2F%2Fgraph.microsoft.com%2F.default', { scope: 'https://graph.microsoft.com/.default' }],
    ['scope=a+b%20c', { scope: 'a b c' }],
    ['a=&b=1', { b: '1' }],
    ['&&=x&b', {}],
    ['bad=%zz', { bad: '%zz' }],
    ['', {}],
  ])('%s', (body, params) => {
    expect(parseForm(body)).toEqual({ ok: true, params });
  });

  it.each(['a=1&a=2', 'a=&a=x', 'client_secret=x&client_secret=x'])('refuses a repeated parameter: %s', (body) => {
    expect(parseForm(body)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than once/) });
  });

  it('reads back any set of distinct parameters, however encoded', () => {
    fc.assert(
      fc.property(uniqueParams, (pairs) => {
        const expected = Object.fromEntries(pairs);
        expect(parseForm(new URLSearchParams(pairs).toString())).toEqual({ ok: true, params: expected });
        expect(parseForm(percentEncoded(pairs))).toEqual({ ok: true, params: expected });
      }),
    );
  });

  it('refuses any body that repeats a parameter, wherever the repeat is', () => {
    fc.assert(
      fc.property(uniqueParams, name, value, fc.nat(), (pairs, n, v, at) => {
        const rest = pairs.filter(([k]) => k !== n);
        const withTwo = [...rest];
        withTwo.splice(at % (rest.length + 1), 0, [n, v]);
        withTwo.push([n, v]);
        expect(parseForm(percentEncoded(withTwo)).ok).toBe(false);
      }),
    );
  });

  it('never throws, and every parameter it returns is non-empty', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (body) => {
        const r = parseForm(body);
        if (r.ok) for (const [k, v] of Object.entries(r.params)) expect(k !== '' && v !== '').toBe(true);
      }),
    );
  });

  it('keeps names such as __proto__ as plain own data', () => {
    const r = parseForm('__proto__=x&constructor=y');
    expect(r).toEqual({ ok: true, params: { ['__proto__']: 'x', constructor: 'y' } });
    expect(r.ok && Object.getPrototypeOf(r.params)).toBe(Object.prototype);
  });
});

describe('formDecode', () => {
  it.each([
    ['a%3Ab', 'a:b'],
    ['a+b', 'a b'],
    ['%E2%82%AC', '€'],
    ['%zz', undefined],
  ])('%s', (s, out) => expect(formDecode(s)).toBe(out));
});
