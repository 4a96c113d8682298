import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RecordCounter, countRecords } from './record-counter.ts';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('countRecords', () => {
  it.each([
    ['empty', '', 0],
    ['empty array', ' [ ] ', 0],
    ['array of objects', '[{"a":[1,2,{"b":"]"}]},{"c":"x,y"}]', 2],
    ['array of scalars', '[1, "two", null]', 3],
    ['ndjson', '{"a":1}\n{"b":[1,2,3]}\n\n{"c":"}\\"{"}\n', 3],
    ['pretty ndjson-like concatenation', '{\n "a": 1\n}\n{\n "b": 2\n}', 2],
    ['graph wrapper', '{"@odata.context":"x","value":[{"id":"1"},{"id":"2"},{"id":"3"}]}', 4],
    ['a value key inside records is not a wrapper', '{"x":{"value":[1,2,3]}}', 1],
    ['garbage lines', 'not json\nalso not', 4],
  ])('%s', (_name, input, expected) => {
    expect(countRecords(b(input))).toBe(expected);
  });

  it('gives the same count however the body is split into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 5 }),
        (records, asArray, cuts) => {
          const text = asArray ? JSON.stringify(records) : records.map((r) => JSON.stringify(r)).join('\n');
          const buf = b(text);
          const whole = countRecords(buf);
          const counter = new RecordCounter();
          let at = 0;
          for (const cut of [...cuts.map((c) => c % (buf.length + 1))].sort((x, y) => x - y)) {
            counter.feed(buf.subarray(at, Math.max(at, cut)));
            at = Math.max(at, cut);
          }
          counter.feed(buf.subarray(at));
          expect(counter.count).toBe(whole);
          if (asArray) expect(whole).toBe(records.length);
        },
      ),
    );
  });

  it('counts every NDJSON object record exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 30 }), (records) => {
        const text = records.map((r) => JSON.stringify(r)).join('\n');
        expect(countRecords(b(text))).toBe(records.length);
      }),
    );
  });
});
