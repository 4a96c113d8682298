import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { epochMillisTime, normalizeIsoTime, parseEntraTime } from './time.ts';

describe('normalizeIsoTime', () => {
  it.each([
    ['2026-11-02T09:15:00+01:00', '2026-11-02T08:15:00.000Z'],
    ['2026-11-02T08:16:00.123456Z', '2026-11-02T08:16:00.123Z'],
    ['2026-11-02T08:16:00.9999999Z', '2026-11-02T08:16:00.999Z'],
    ['2019-10-18T04:45:48.0729893-05:00', '2019-10-18T09:45:48.072Z'],
    ['2026-12-31T23:30:00-0100', '2027-01-01T00:30:00.000Z'],
    ['2026-03-01T00:00Z', '2026-03-01T00:00:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
  ])('%s -> %s', (raw, want) => {
    expect(normalizeIsoTime(raw)).toEqual({ ok: true, value: want });
  });

  it.each([
    ['2026-11-02T08:20:00', 'no UTC offset'],
    ['2026-11-02', 'not an ISO-8601 time'],
    ['2026-13-01T00:00:00Z', 'not a valid time'],
    ['2026-02-29T00:00:00Z', 'not a valid date'],
    ['2026-04-31T00:00:00Z', 'not a valid date'],
    ['2026-01-01T24:00:00Z', 'not a valid time'],
    ['yesterday', 'not an ISO-8601 time'],
  ])('refuses %s', (raw, reason) => {
    const r = normalizeIsoTime(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('keeps the instant of any valid Date it is given in ISO form', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(normalizeIsoTime(d.toISOString())).toEqual({ ok: true, value: d.toISOString() });
      }),
    );
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = normalizeIsoTime(s);
        if (r.ok) expect(r.value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }),
    );
  });
});

describe('parseEntraTime', () => {
  it.each([
    ['4/28/2021, 2:08:45.221 PM', '2021-04-28T14:08:45.221Z'],
    ['8/22/2022 6:11:52 PM', '2022-08-22T18:11:52.000Z'],
    ['11/3/2026, 12:00:00.000 AM', '2026-11-03T00:00:00.000Z'],
    ['11/3/2026, 12:30:00 PM', '2026-11-03T12:30:00.000Z'],
    ['2022-09-09T9:59:27.958Z', '2022-09-09T09:59:27.958Z'],
    ['2026-11-04T18:20:00', '2026-11-04T18:20:00.000Z'],
  ])('%s -> %s', (raw, want) => {
    expect(parseEntraTime(raw)).toEqual({ ok: true, value: want });
  });

  it.each(['13/1/2026 1:00:00 PM', '4/28/2021, 13:08:45 PM', '2/30/2026 1:00 AM'])('refuses %s', (raw) => {
    expect(parseEntraTime(raw).ok).toBe(false);
  });
});

describe('epochMillisTime', () => {
  it.each<[unknown, string]>([
    [1763715600123, '2025-11-21T09:00:00.123Z'],
    ['1763715600123', '2025-11-21T09:00:00.123Z'],
    [0, '1970-01-01T00:00:00.000Z'],
    ['2025-11-21T10:00:00+01:00', '2025-11-21T09:00:00.000Z'],
  ])('%j -> %s', (raw, want) => {
    expect(epochMillisTime(raw)).toEqual({ ok: true, value: want });
  });

  it.each<[unknown, string]>([
    [1.5, 'not a whole number'],
    [1e17, 'not a whole number'],
    [8.64e15 + 1, 'time out of range'],
    [253402300800000, 'time out of range'],
    [null, 'not a time in epoch milliseconds'],
    [{ a: 1 }, 'not a time in epoch milliseconds'],
    ['2025-11-21 10:00:00', 'no UTC offset'],
  ])('refuses %j', (raw, reason) => {
    const r = epochMillisTime(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = epochMillisTime(v);
        if (r.ok) expect(r.value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        else expect(r.reason.length).toBeGreaterThan(0);
      }),
    );
  });
});
