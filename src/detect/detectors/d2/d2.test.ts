import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { runDetectors } from '../../engine/run.ts';
import { signIn, T0, MIN, HOUR } from '../../testing/fixtures.ts';
import { d2 } from './index.ts';

const fails = (n: number, start: number, step = MIN, ip = '203.0.113.9') =>
  Array.from({ length: n }, (_, i) => signIn({ id: `f${i}`, at: start + i * step, outcome: 'credentialFailure', ip }));

describe('D2 success after multiple failures', () => {
  it('fires on the success after 5 failures within an hour, with the failures as evidence', () => {
    const out = runDetectors([d2], [...fails(5, T0), signIn({ id: 's', at: T0 + 10 * MIN })]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ detector: 'D2', signInId: 's', severity: 'low' });
    expect(out[0]?.evidence.failures).toBe(5);
    expect(out[0]?.evidence.failureSignInIds).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('stays quiet after 4 failures, after a success resets the streak, and when failures are over an hour old', () => {
    expect(runDetectors([d2], [...fails(4, T0), signIn({ id: 's', at: T0 + 10 * MIN })])).toEqual([]);
    expect(
      runDetectors([d2], [...fails(3, T0), signIn({ id: 'ok', at: T0 + 4 * MIN }), ...fails(3, T0 + 5 * MIN).map((e) => ({ ...e, id: `g${e.id}` })), signIn({ id: 's', at: T0 + 20 * MIN })]),
    ).toEqual([]);
    expect(runDetectors([d2], [...fails(5, T0, MIN), signIn({ id: 's', at: T0 + 2 * HOUR })])).toEqual([]);
  });

  it('grows severity with the count and counts failures from any IP', () => {
    const many = Array.from({ length: 25 }, (_, i) => signIn({ id: `f${i}`, at: T0 + i * MIN, outcome: 'credentialFailure', ip: `203.0.113.${i}` }));
    const out = runDetectors([d2], [...many, signIn({ id: 's', at: T0 + 30 * MIN })]);
    expect(out[0]?.severity).toBe('high');
    expect((out[0]?.evidence.ipAddresses as string[]).length).toBe(20);
    const mid = runDetectors([d2], [...fails(12, T0), signIn({ id: 's', at: T0 + 20 * MIN })]);
    expect(mid[0]?.severity).toBe('medium');
  });

  it('fires exactly when the success has >= minFailures failures in the window before it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (gaps, min) => {
        let t = T0;
        const evs = gaps.map((g, i) => signIn({ id: `f${i}`, at: (t += g * MIN), outcome: 'credentialFailure' }));
        const success = t + MIN;
        const inWindow = evs.filter((e) => Date.parse(e.createdDateTime) >= success - HOUR).length;
        const out = runDetectors([d2], [...evs, signIn({ id: 's', at: success })], { D2: { params: { minFailures: min } } });
        expect(out.length).toBe(inWindow >= min ? 1 : 0);
      }),
    );
  });
});
