import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, T0, MIN } from '../../testing/fixtures.ts';
import { bruteForce } from './index.ts';

const fails = (n: number, ip = '203.0.113.9', user = 'bob@contoso.example') =>
  Array.from({ length: n }, (_, i) => signIn({ id: `${ip}-${i}`, at: T0 + i * MIN, outcome: 'credentialFailure', ip, user }));

describe('brute-force', () => {
  it('fires on the 10th consecutive failure from one IP and again, high, on the success that follows', () => {
    const out = runDetectors([bruteForce], [...fails(12), signIn({ id: 's', at: T0 + 20 * MIN, ip: '203.0.113.9', user: 'bob@contoso.example' })]);
    expect(out.map((d) => [d.signInId, d.severity])).toEqual([['203.0.113.9-9', 'medium'], ['s', 'high']]);
    expect(out[1]?.evidence.consecutiveFailures).toBe(12);
  });

  it('does not add up failures of one user from different IPs, or 9 failures', () => {
    const out = runDetectors([bruteForce], [...fails(9, '203.0.113.1'), ...fails(9, '203.0.113.2')]);
    expect(out).toEqual([]);
  });

  it('resets on success (a user who mistypes twice, many times a day)', () => {
    const evs = [];
    for (let k = 0; k < 6; k++) {
      evs.push(signIn({ id: `a${k}`, at: T0 + k * 10 * MIN, outcome: 'credentialFailure' }));
      evs.push(signIn({ id: `b${k}`, at: T0 + k * 10 * MIN + 1000, outcome: 'credentialFailure' }));
      evs.push(signIn({ id: `c${k}`, at: T0 + k * 10 * MIN + 2000 }));
    }
    expect(runDetectors([bruteForce], evs)).toEqual([]);
  });
});
