import { describe, expect, it } from 'vitest';
import type { Label } from './model.ts';
import { scoreDetections, shortfalls, type ScoredDetection } from './score.ts';

const label = (over: Partial<Label>): Label => ({
  attack: 'x',
  detector: 'D4',
  signInIds: [],
  start: '2026-11-10T10:00:00.000Z',
  end: '2026-11-10T10:20:00.000Z',
  ...over,
});

const world = {
  labels: [
    label({ attack: 'password-spray', detector: 'D4', ipAddress: '203.0.113.9', signInIds: ['s1', 's2', 's3'] }),
    label({ attack: 'password-spray', detector: 'D4', ipAddress: '198.51.100.7', signInIds: ['s4'] }),
    label({ attack: 'leaked-credentials', detector: 'D8', userPrincipalName: 'Ann@Northwind.example', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z' }),
    label({ attack: 'brute-force', detector: 'D2', userPrincipalName: 'bob@northwind.example', signInIds: ['b1', 'b2'] }),
  ],
  confounders: [label({ attack: 'office-nat-shared-ip', detector: 'D4', ipAddress: '192.0.2.1', signInIds: ['n1', 'n2'] })],
};
const at = '2026-11-10T10:05:00.000Z';

describe('scoreDetections', () => {
  it.each<[string, ScoredDetection[], { tp: number; fp: number; conf: number; other: number; found: number }]>([
    ['nothing fired', [], { tp: 0, fp: 0, conf: 0, other: 0, found: 0 }],
    ['one hit by sign-in id', [{ detector: 'D4', detectedDateTime: at, signInId: 's2' }], { tp: 1, fp: 0, conf: 0, other: 0, found: 1 }],
    [
      'two hits on one label count once for recall',
      [
        { detector: 'D4', detectedDateTime: at, signInId: 's1' },
        { detector: 'D4', detectedDateTime: at, signInId: 's3' },
      ],
      { tp: 2, fp: 0, conf: 0, other: 0, found: 1 },
    ],
    ['an IP-keyed hit without sign-in id, inside the window', [{ detector: 'D4', detectedDateTime: at, ipAddress: '198.51.100.7' }], { tp: 1, fp: 0, conf: 0, other: 0, found: 1 }],
    ['the same IP days later is a false positive', [{ detector: 'D4', detectedDateTime: '2026-11-14T10:00:00.000Z', ipAddress: '198.51.100.7' }], { tp: 0, fp: 1, conf: 0, other: 0, found: 0 }],
    ['a confounder hit is a false positive and counted as such', [{ detector: 'D4', detectedDateTime: at, signInId: 'n1' }], { tp: 0, fp: 1, conf: 1, other: 0, found: 0 }],
    ['D4 on a brute-force sign-in is left out of precision', [{ detector: 'D4', detectedDateTime: at, signInId: 'b1' }], { tp: 0, fp: 0, conf: 0, other: 1, found: 0 }],
  ])('D4: %s', (_name, detections, want) => {
    const d4 = scoreDetections(world, detections).find((s) => s.detector === 'D4');
    expect(d4).toMatchObject({ labels: 2, truePositives: want.tp, falsePositives: want.fp, confounderHits: want.conf, onOtherAttacks: want.other, labelsFound: want.found });
    expect(d4?.recall).toBe(want.found / 2);
    expect(d4?.precision).toBe(want.tp + want.fp === 0 ? 1 : want.tp / (want.tp + want.fp));
  });

  it("leaves the victim's own sign-ins right after an attack out of precision, but not days later", () => {
    const s = scoreDetections(world, [
      { detector: 'D3', detectedDateTime: '2026-11-10T18:00:00.000Z', signInId: 'home-1', userPrincipalName: 'Bob@northwind.example' },
      { detector: 'D3', detectedDateTime: '2026-11-13T18:00:00.000Z', signInId: 'home-2', userPrincipalName: 'bob@northwind.example' },
    ]).find((x) => x.detector === 'D3');
    expect(s).toMatchObject({ onOtherAttacks: 1, falsePositives: 1, labels: 0 });
  });

  it('matches D8 by user, case-insensitively, whatever the time', () => {
    const s = scoreDetections(world, [
      { detector: 'D8', detectedDateTime: '2026-11-20T00:00:00.000Z', userPrincipalName: 'ann@northwind.example' },
      { detector: 'D8', detectedDateTime: '2026-11-20T00:00:00.000Z', userPrincipalName: 'carl@northwind.example' },
    ]).find((x) => x.detector === 'D8');
    expect(s).toMatchObject({ truePositives: 1, falsePositives: 1, labelsFound: 1, recall: 1, precision: 0.5 });
  });

  it('reports a detector that fired with no labels at all, with recall 1 and its false positives', () => {
    const s = scoreDetections(world, [{ detector: 'D5', detectedDateTime: at, signInId: 'zzz' }]).find((x) => x.detector === 'D5');
    expect(s).toMatchObject({ labels: 0, falsePositives: 1, precision: 0, recall: 1 });
  });
});

describe('shortfalls', () => {
  const base = { labels: 20, labelsFound: 20, truePositives: 20, onOtherAttacks: 0, confounderHits: 0, falsePositives: 0, precision: 1, recall: 1 };
  it.each([
    [{ ...base, detector: 'D1' as const }, []],
    [{ ...base, detector: 'D2' as const, labelsFound: 18, recall: 0.9 }, ['D2: recall 0.900 (18/20)']],
    [{ ...base, detector: 'D3' as const, falsePositives: 5, confounderHits: 2, precision: 0.8 }, ['D3: precision 0.800 (20 TP, 5 FP, 2 on confounders)']],
  ])('%o', (score, expected) => {
    expect(shortfalls([score])).toEqual(expected);
  });
});
