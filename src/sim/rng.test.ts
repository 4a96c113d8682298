import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdFactory, Rng, deriveSeed } from './rng.ts';
import { DAY, localHour, localToUtc, tzOffsetMinutes } from './time.ts';

describe('Rng', () => {
  it('int stays inside its bounds and is reproducible from the seed', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, lo, span) => {
        const a = new Rng(seed, 'x');
        const b = new Rng(seed, 'x');
        for (let i = 0; i < 50; i++) {
          const v = a.int(lo, lo + span);
          expect(v).toBe(b.int(lo, lo + span));
          expect(v >= lo && v <= lo + span && Number.isInteger(v)).toBe(true);
        }
      }),
    );
  });

  it('sample returns distinct items of the input', () => {
    fc.assert(
      fc.property(fc.nat(), fc.uniqueArray(fc.integer(), { maxLength: 40 }), fc.nat(50), (seed, items, k) => {
        const got = new Rng(seed).sample(items, k);
        expect(got.length).toBe(Math.min(k, items.length));
        expect(new Set(got).size).toBe(got.length);
        for (const g of got) expect(items).toContain(g);
      }),
    );
  });

  it('derives different streams for different paths', () => {
    expect(deriveSeed(1, 'day', 1)).not.toBe(deriveSeed(1, 'day', 2));
    expect(deriveSeed(1, 'day', 1)).not.toBe(deriveSeed(2, 'day', 1));
    expect(new Rng(1, 'a').nextU32()).not.toBe(new Rng(1, 'b').nextU32());
  });
});

describe('IdFactory', () => {
  it('never repeats an id within or across streams, and ids look like GUIDs', () => {
    const seen = new Set<string>();
    for (const stream of [1, 2, 0xffe]) {
      const f = new IdFactory(new Rng(3), stream);
      for (let i = 0; i < 2000; i++) {
        const id = f.next();
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        seen.add(id);
      }
    }
    expect(seen.size).toBe(6000);
  });
});

describe('local time', () => {
  it('localToUtc and localHour agree in every zone the simulator uses, across DST changes', () => {
    const zones = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Sydney', 'America/Sao_Paulo', 'Asia/Tokyo'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 400 }), fc.double({ min: 4, max: 22, noNaN: true }), (tz, d, h) => {
        const day = Date.UTC(2026, 0, 1) + d * DAY;
        const t = localToUtc(tz, day, h);
        expect(Math.abs(localHour(tz, t) - h)).toBeLessThan(1e-6);
      }),
    );
    expect(tzOffsetMinutes('Asia/Kolkata', Date.UTC(2026, 5, 1))).toBe(330);
    expect(tzOffsetMinutes('America/New_York', Date.UTC(2026, 0, 15))).toBe(-300);
    expect(tzOffsetMinutes('America/New_York', Date.UTC(2026, 6, 15))).toBe(-240);
  });
});
