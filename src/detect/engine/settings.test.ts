import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { resolveSettings, withOverrides } from './settings.ts';
import { STREAMING_DETECTORS } from '../detectors/registry.ts';

describe('detector settings', () => {
  it('defaults resolve for every detector, enabled and not log-only', () => {
    const r = resolveSettings(STREAMING_DETECTORS, {});
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect([...r.settings.keys()].sort()).toEqual(STREAMING_DETECTORS.map((d) => d.id).sort());
      expect([...r.settings.values()].every((s) => s.enabled && !s.logOnly)).toBe(true);
      expect((r.settings.get('D2')?.params as { minFailures: number }).minFailures).toBe(5);
    }
  });

  it('--set overrides parse JSON values, address logOnly, and reject malformed pairs', () => {
    const s = withOverrides({}, 'D3', ['minSpeedKmh=1200', 'egressAsns=[1,2]', 'logOnly=true']);
    expect(s).toEqual({ D3: { logOnly: true, params: { minSpeedKmh: 1200, egressAsns: [1, 2] } } });
    expect(withOverrides({}, 'D3', ['logOnly=maybe'])).toEqual({ field: 'logOnly', reason: 'must be true or false' });
  });

  it('never throws on arbitrary user input; bad input comes back as field + reason (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.string(), { maxLength: 5 }), (raw, pairs) => {
        const r = resolveSettings(STREAMING_DETECTORS, raw);
        if (!r.ok) for (const e of r.errors) expect(typeof e.reason).toBe('string');
        const o = withOverrides({}, 'D4', pairs);
        if ('reason' in o) expect(typeof o.field).toBe('string');
        else expect(() => resolveSettings(STREAMING_DETECTORS, o)).not.toThrow();
      }),
    );
  });
});
