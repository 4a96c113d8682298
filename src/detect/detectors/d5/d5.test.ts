import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, T0 } from '../../testing/fixtures.ts';
import { d5 } from './index.ts';

describe('D5 infected devices', () => {
  it('flags botnet-listed IPs only', () => {
    const out = runDetectors([d5], [
      signIn({ id: 'a', at: T0, tags: [{ list: 'abuse-botnet', category: 'botnet' }] }),
      signIn({ id: 'b', at: T0, outcome: 'credentialFailure', tags: [{ list: 'abuse-botnet', category: 'botnet' }] }),
      signIn({ id: 'c', at: T0, tags: [{ list: 'tor', category: 'anonymizer' }] }),
    ]);
    expect(out.map((d) => [d.detector, d.signInId, d.severity])).toEqual([['D5', 'a', 'high'], ['D5', 'b', 'medium']]);
    expect(out[0]?.evidence.lists).toEqual([{ list: 'abuse-botnet', category: 'botnet' }]);
  });
});
