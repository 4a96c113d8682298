import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, T0, MIN } from '../../testing/fixtures.ts';
import { mfaFatigue } from './index.ts';

const prompts = (n: number, step = 30_000) => Array.from({ length: n }, (_, i) => signIn({ id: `p${i}`, at: T0 + i * step, outcome: 'mfaDenied' }));

describe('mfa-fatigue', () => {
  it('fires once on the 11th denied prompt within 10 minutes, and high on the approval after it', () => {
    const out = runDetectors([mfaFatigue], [...prompts(15), signIn({ id: 'ok', at: T0 + 8 * MIN })]);
    expect(out.map((d) => [d.signInId, d.severity])).toEqual([['p10', 'medium'], ['ok', 'high']]);
    expect(out[0]?.evidence.deniedPrompts).toBe(11);
  });

  it('stays quiet at 10 prompts, and when prompts are spread over more than 10 minutes', () => {
    expect(runDetectors([mfaFatigue], prompts(10))).toEqual([]);
    expect(runDetectors([mfaFatigue], prompts(20, 2 * MIN))).toEqual([]);
  });

  it('a success long after the episode is not flagged', () => {
    const out = runDetectors([mfaFatigue], [...prompts(12), signIn({ id: 'ok', at: T0 + 60 * MIN })]);
    expect(out.map((d) => d.signInId)).toEqual(['p10']);
  });
});
