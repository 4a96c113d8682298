import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveRange } from './interval.ts';

const NOW = new Date('2026-11-20T12:00:00.000Z');

describe('resolveRange', () => {
  it.each([
    [{ interval: '24h' }, { from: '2026-11-19T12:00:00.000Z', to: '2026-11-20T12:00:00.000Z' }],
    [{ interval: '7d' }, { from: '2026-11-13T12:00:00.000Z', to: '2026-11-20T12:00:00.000Z' }],
    [{ interval: '30d' }, { from: '2026-10-21T12:00:00.000Z', to: '2026-11-20T12:00:00.000Z' }],
    [{}, { from: '2026-11-13T12:00:00.000Z', to: '2026-11-20T12:00:00.000Z' }],
    [{ from: '2026-11-01', to: '2026-11-02T06:00' }, { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T06:00:00.000Z' }],
    [{ from: '2026-11-01T01:00:00+01:00' }, { from: '2026-11-01T00:00:00.000Z', to: '2026-11-20T12:00:00.000Z' }],
  ])('%j', (req, range) => {
    expect(resolveRange(req, NOW, 30)).toEqual({ ok: true, range });
  });

  it('a 30-day interval on a 7-day retention shows what is kept', () => {
    expect(resolveRange({ interval: '30d' }, NOW, 7)).toEqual({ ok: true, range: { from: '2026-11-13T12:00:00.000Z', to: '2026-11-20T12:00:00.000Z' } });
  });

  it.each([
    [{ interval: '90d' }, 'interval'],
    // Names every object has through its prototype are not intervals.
    [{ interval: 'toString' }, 'interval'],
    [{ interval: '__proto__' }, 'interval'],
    [{ interval: '7d', from: '2026-11-01' }, 'interval'],
    [{ to: '2026-11-02' }, 'from'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2026-11-02', to: '2026-11-01' }, 'to'],
    [{ from: '2026-10-01' }, 'from'],
  ])('refuses %j (field %s)', (req, field) => {
    const r = resolveRange(req, NOW, 30);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.field).toBe(field);
  });

  it('never throws and every accepted range is ordered and inside retention', () => {
    fc.assert(
      fc.property(fc.record({ interval: fc.option(fc.string(), { nil: undefined }), from: fc.option(fc.string(), { nil: undefined }), to: fc.option(fc.string(), { nil: undefined }) }), (req) => {
        const r = resolveRange(req, NOW, 30);
        if (r.ok) {
          expect(r.range.from < r.range.to).toBe(true);
          expect(r.range.from >= '2026-10-21T12:00:00.000Z').toBe(true);
        }
      }),
    );
  });
});
