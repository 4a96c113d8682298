import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, PLACES, T0, HOUR, DAY } from '../../testing/fixtures.ts';
import type { EnrichedSignIn } from '../../../schema/enrichment.ts';
import { d6 } from './index.ts';

/** Two sign-ins a working day from Berlin on Windows/Edge around 08:00 and 14:00 UTC. */
function habit(days: number): EnrichedSignIn[] {
  const out: EnrichedSignIn[] = [];
  for (let d = 0; d < days; d++) {
    out.push(signIn({ id: `m${d}`, at: T0 + d * DAY }));
    out.push(signIn({ id: `a${d}`, at: T0 + d * DAY + 6 * HOUR }));
  }
  return out;
}

describe('D6 irregular sign-in', () => {
  it('flags a sign-in from a new country, network, OS and browser at 03:00 after learning, with the unfamiliar properties', () => {
    const odd = signIn({ id: 'odd', at: T0 + 20 * DAY - 5 * HOUR, geo: PLACES.lagos, asn: 37148, os: 'Linux', browser: 'Firefox' });
    const out = runDetectors([d6], [...habit(20), odd]);
    expect(out.map((d) => d.signInId)).toEqual(['odd']);
    const props = (out[0]?.evidence.unfamiliar as { property: string; probability: number }[]).map((u) => u.property);
    expect(props).toEqual(expect.arrayContaining(['country', 'city', 'asn', 'os', 'browser']));
    expect(out[0]?.evidence.score).toBeGreaterThanOrEqual(0.6);
  });

  it('no alert while learning (under 14 days of history)', () => {
    const odd = signIn({ id: 'odd', at: T0 + 10 * DAY + 2 * HOUR, geo: PLACES.lagos, asn: 37148, os: 'Linux', browser: 'Firefox' });
    expect(runDetectors([d6], [...habit(10), odd])).toEqual([]);
  });

  it('a business trip on the usual laptop is not irregular', () => {
    const trip = [0, 1, 2].map((k) => signIn({ id: `trip${k}`, at: T0 + 21 * DAY + k * 3 * HOUR, geo: PLACES.newYork, asn: 7922 }));
    expect(runDetectors([d6], [...habit(20), ...trip])).toEqual([]);
  });
});
