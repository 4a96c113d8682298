import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseLabelFile } from './labels.ts';
import { simulate } from './simulate.ts';
import { writeSimulation } from './write.ts';

describe('parseLabelFile', () => {
  it('reads back exactly what writeSimulation wrote', () => {
    const world = simulate({ users: 60, days: 7, seed: 17, end: new Date('2026-11-27T00:00:00.000Z') });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'authlens-labels-'));
    onTestFinished(() => fs.rmSync(out, { recursive: true, force: true }));
    writeSimulation(world, out);
    const labels = parseLabelFile(fs.readFileSync(path.join(out, 'labels.ndjson'), 'utf8'));
    const confounders = parseLabelFile(fs.readFileSync(path.join(out, 'confounders.ndjson'), 'utf8'));
    expect(labels.rejected).toEqual([]);
    expect(confounders.rejected).toEqual([]);
    expect(labels.labels).toEqual(world.labels);
    expect(confounders.labels).toEqual(world.confounders);
  });

  it.each([
    ['{"attack":"x"', 1, ''],
    ['{"attack":"x","detector":"D9","signInIds":[],"start":"2026-01-01T00:00:00.000Z","end":"2026-01-01T00:00:00.000Z"}', 1, '/detector'],
    ['\n{"attack":"x","detector":"D1","signInIds":[],"start":"2026-01-01","end":"2026-01-01T00:00:00.000Z"}', 2, '/start'],
  ])('rejects %j at line %i, field %j', (text, line, field) => {
    const r = parseLabelFile(text);
    expect(r.labels).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ line, field });
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = parseLabelFile(text);
        expect(r.labels.length + r.rejected.length).toBeLessThanOrEqual(text.split('\n').length);
      }),
    );
  });
});
