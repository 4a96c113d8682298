import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, T0, MIN } from '../../testing/fixtures.ts';
import { d1 } from './index.ts';

const tor = [{ list: 'tor-exits', category: 'anonymizer' as const }];

describe('D1 unknown sources', () => {
  it('flags anonymizer sign-ins, high when they succeed, with the list as evidence', () => {
    const out = runDetectors([d1], [
      signIn({ id: 'a', at: T0, outcome: 'credentialFailure', tags: tor }),
      signIn({ id: 'b', at: T0 + MIN, outcome: 'success', tags: tor }),
      signIn({ id: 'c', at: T0 + 2 * MIN, outcome: 'success' }),
    ]);
    expect(out.map((d) => [d.signInId, d.severity])).toEqual([['a', 'medium'], ['b', 'high']]);
    expect(out[1]?.evidence.lists).toEqual([{ list: 'tor-exits', category: 'anonymizer' }]);
  });

  it('ignores trusted IPs, other categories and ignored lists', () => {
    const out = runDetectors([d1], [
      signIn({ id: 'a', at: T0, tags: [...tor, { list: 'corp', category: 'trusted' }] }),
      signIn({ id: 'b', at: T0, tags: [{ list: 'bots', category: 'botnet' }] }),
      signIn({ id: 'c', at: T0, tags: [{ list: 'vpn-feed', category: 'anonymizer' }] }),
    ], { D1: { params: { ignoreLists: ['vpn-feed'] } } });
    expect(out).toEqual([]);
  });

  it('marks detections of a log-only detector', () => {
    const out = runDetectors([d1], [signIn({ id: 'a', at: T0, tags: tor })], { D1: { logOnly: true } });
    expect(out[0]?.logOnly).toBe(true);
  });
});
