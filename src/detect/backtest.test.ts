import { describe, it, expect } from 'vitest';
import { backtest } from './backtest.ts';
import { runDetectors } from './engine/run.ts';
import { d2 } from './detectors/d2/index.ts';
import { d4 } from './detectors/d4/index.ts';
import { signIn, T0, MIN, DAY } from './testing/fixtures.ts';
import type { EnrichedSignIn } from '../schema/enrichment.ts';
import type { TimeRange } from '../store/ports.ts';

/** Two users: one fails 6 times then succeeds, one fails 3 times then succeeds. */
const history: EnrichedSignIn[] = [
  ...Array.from({ length: 6 }, (_, i) => signIn({ id: `a${i}`, at: T0 + i * MIN, user: 'a@x.example', outcome: 'credentialFailure' })),
  signIn({ id: 'a-ok', at: T0 + 10 * MIN, user: 'a@x.example' }),
  ...Array.from({ length: 3 }, (_, i) => signIn({ id: `b${i}`, at: T0 + i * MIN, user: 'b@x.example', outcome: 'credentialFailure' })),
  signIn({ id: 'b-ok', at: T0 + 10 * MIN, user: 'b@x.example' }),
].sort((x, y) => x.createdDateTime.localeCompare(y.createdDateTime));

const range: TimeRange = { from: new Date(T0 - DAY).toISOString(), to: new Date(T0 + DAY).toISOString() };
async function* scan(r: TimeRange): AsyncIterable<EnrichedSignIn> {
  for (const e of history) if (e.createdDateTime >= r.from && e.createdDateTime < r.to) yield e;
}

describe('backtest', () => {
  it('lowering D2 minFailures to 3 adds the 3-failure user and keeps the live one unchanged', async () => {
    const live = runDetectors([d2], history);
    const r = await backtest({ detector: 'D2', stored: {}, overrides: ['minFailures=3'], range, latenessMs: 600_000, scan, live: async () => live });
    if ('errors' in r) throw new Error('unexpected errors');
    expect(r.added.map((d) => d.signInId)).toEqual(['b-ok']);
    expect(r.unchanged.map((d) => d.signInId)).toEqual(['a-ok']);
    expect(r.removed).toEqual([]);
    expect(r.signInsScanned).toBe(history.length);
  });

  it('raising the threshold removes the live detection', async () => {
    const live = runDetectors([d2], history);
    const r = await backtest({ detector: 'D2', stored: {}, overrides: ['minFailures=10'], range, latenessMs: 600_000, scan, live: async () => live });
    if ('errors' in r) throw new Error('unexpected errors');
    expect(r.removed.map((d) => d.signInId)).toEqual(['a-ok']);
    expect(r.added).toEqual([]);
  });

  it('rejects bad overrides and non-streaming detectors with field and reason', async () => {
    const bad = await backtest({ detector: 'D2', stored: {}, overrides: ['minFailures=0'], range, latenessMs: 0, scan, live: async () => [] });
    expect('errors' in bad && bad.errors[0]?.field).toBe('/D2/params/minFailures');
    const d8 = await backtest({ detector: 'D8', stored: {}, overrides: [], range, latenessMs: 0, scan, live: async () => [] });
    expect('errors' in d8 && d8.errors[0]?.field).toBe('DETECTOR');
    const noEq = await backtest({ detector: 'D2', stored: {}, overrides: ['minFailures'], range, latenessMs: 0, scan, live: async () => [] });
    expect('errors' in noEq && noEq.errors[0]?.reason).toBe('expected key=value');
  });

  describe('D4 and the shared IP reputation: the count stored on each sign-in at ingest is replayed, other tenants are never asked', () => {
    const IP = '185.220.101.7';
    const stamped = (id: string, at: number, n: number): EnrichedSignIn => {
      const e = signIn({ id, at, ip: IP });
      e.enrichment.sharedReputation = { otherDirectories: n };
      return e;
    };
    const shared = [stamped('s1', T0, 1), stamped('s2', T0 + MIN, 2), signIn({ id: 's3', at: T0 + 2 * MIN, ip: IP })];
    async function* scanShared(r: TimeRange): AsyncIterable<EnrichedSignIn> {
      for (const e of shared) if (e.createdDateTime >= r.from && e.createdDateTime < r.to) yield e;
    }
    const live = runDetectors([d4], shared);

    it.each<[string, string[], { added: string[]; removed: string[]; unchanged: string[] }]>([
      ['the same settings find the same detections', [], { added: [], removed: [], unchanged: ['s1', 's2'] }],
      ['two other directories at least', ['sharedMinDirectories=2'], { added: [], removed: ['s1'], unchanged: ['s2'] }],
      ['opting out of receiving', ['sharedReputationReceive=false'], { added: [], removed: ['s1', 's2'], unchanged: [] }],
      ['opting out of sending changes nothing here', ['sharedReputationSend=false'], { added: [], removed: [], unchanged: ['s1', 's2'] }],
    ])('%s', async (_name, overrides, expected) => {
      expect(live.map((d) => d.signInId)).toEqual(['s1', 's2']);
      const r = await backtest({ detector: 'D4', stored: {}, overrides, range, latenessMs: 600_000, scan: scanShared, live: async () => live });
      if ('errors' in r) throw new Error(JSON.stringify(r.errors));
      const ids = (ds: readonly { signInId?: string }[]): string[] => ds.map((d) => d.signInId ?? '');
      expect({ added: ids(r.added), removed: ids(r.removed), unchanged: ids(r.unchanged) }).toEqual(expected);
    });
  });
});
