import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BoundedCache } from './bounded-cache.ts';

describe('BoundedCache', () => {
  it('keeps recently used keys and drops the oldest generation', () => {
    const c = new BoundedCache<string, number>(4); // generations of 2
    c.set('a', 1);
    c.set('b', 2); // young full -> becomes old {a,b}
    c.set('c', 3);
    expect(c.get('a')).toBe(1); // promoted: young {c,a} full -> old {c,a}, {a,b} dropped
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c')]).toEqual([1, 3]);
  });

  it('never holds more than its capacity and always returns what was last set (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 30 }), fc.integer()), { maxLength: 200 }),
        (capacity, ops) => {
          const c = new BoundedCache<number, number>(capacity);
          const truth = new Map<number, number>();
          for (const [isSet, k, v] of ops) {
            if (isSet) {
              c.set(k, v);
              truth.set(k, v);
            } else {
              const got = c.get(k);
              // A miss is allowed (evicted); a hit must be the latest value.
              if (got !== undefined) expect(got).toBe(truth.get(k));
            }
            expect(c.size).toBeLessThanOrEqual(capacity);
          }
        },
      ),
    );
  });

  it('the key just set is always there', () => {
    const c = new BoundedCache<number, number>(2);
    for (let i = 0; i < 10; i++) {
      c.set(i, i);
      expect(c.get(i)).toBe(i);
    }
  });

  it('refuses a capacity below 2', () => {
    expect(() => new BoundedCache(1)).toThrow(RangeError);
  });
});
