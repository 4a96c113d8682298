import { describe, it, expect } from 'vitest';
import { parseLabels, score, shortfalls, type QualityLabel } from './score.ts';

const label = (over: Partial<QualityLabel>): QualityLabel => ({ detector: 'D2', signInIds: [], start: '2026-11-02T08:00:00.000Z', end: '2026-11-02T09:00:00.000Z', ...over });

describe('quality scorer', () => {
  it('counts hits by sign-in id, by user within the slack, confounder hits and detections on other attacks', () => {
    const world = {
      labels: [label({ signInIds: ['s1'] }), label({ userPrincipalName: 'A@x', signInIds: [] }), label({ detector: 'D3', signInIds: ['t1'] })],
      confounders: [label({ userPrincipalName: 'typo@x', signInIds: [] })],
    };
    const scores = score(world, [
      { detector: 'D2', detectedDateTime: '2026-11-02T08:10:00.000Z', signInId: 's1' },
      { detector: 'D2', detectedDateTime: '2026-11-02T10:30:00.000Z', userPrincipalName: 'a@x' },
      { detector: 'D2', detectedDateTime: '2026-11-02T08:10:00.000Z', signInId: 't1' },
      { detector: 'D2', detectedDateTime: '2026-11-02T08:10:00.000Z', userPrincipalName: 'typo@x' },
    ]);
    const d2 = scores.find((s) => s.detector === 'D2');
    expect(d2).toMatchObject({ labels: 2, labelsFound: 2, truePositives: 2, onOtherAttacks: 1, falsePositives: 1, confounderHits: 1, recall: 1, precision: 2 / 3 });
    expect(shortfalls(scores)).toEqual(['D2: precision 0.667 (2 TP, 1 FP, 1 on confounders)', 'D3: recall 0.000 (0/1)']);
  });

  it('parses label files, rejecting bad lines with line and reason', () => {
    const r = parseLabels(['{"detector":"D1","signInIds":["x"],"start":"2026-11-02T08:00:00.000Z","end":"2026-11-02T08:00:00.000Z"}', '{"detector":"D99"}', 'nope'].join('\n'));
    expect(r.labels).toHaveLength(1);
    expect(r.rejected).toEqual([{ line: 2, reason: 'detector: unknown' }, { line: 3, reason: 'not valid JSON' }]);
  });
});

describe('quality scorer aftermath', () => {
  it("leaves the victim's own sign-ins within 24 h after an attack out of precision", () => {
    const world = { labels: [label({ detector: 'D3', userPrincipalName: 'v@x', signInIds: ['home', 'away'] })], confounders: [] };
    const s = score(world, [
      { detector: 'D3', detectedDateTime: '2026-11-02T08:30:00.000Z', signInId: 'away', userPrincipalName: 'v@x' },
      { detector: 'D3', detectedDateTime: '2026-11-02T20:00:00.000Z', signInId: 'back-home', userPrincipalName: 'v@x' },
      { detector: 'D3', detectedDateTime: '2026-11-05T20:00:00.000Z', signInId: 'days-later', userPrincipalName: 'v@x' },
    ])[0];
    expect(s).toMatchObject({ truePositives: 1, onOtherAttacks: 1, falsePositives: 1 });
  });
});
