/**
 * Detection quality: per-detector precision and recall of a run against a
 * labelled world (the simulator's labels.ndjson and confounders.ndjson).
 * The matching rules are the simulator's (src/sim/score.ts, docs/simulator.md)
 * so both sides agree on what a hit is; this module adds reading the label
 * files and the pass/fail judgement.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Detection } from '../../schema/detections.ts';
import { parseLabelFile, scoreDetections, type DetectorScore, type Label } from '../../sim/index.ts';

export type { DetectorScore };

export interface LabelledWorld {
  readonly labels: readonly Label[];
  readonly confounders: readonly Label[];
}

/** Reads labels.ndjson and (when present) confounders.ndjson of a simulation directory. */
export async function readLabels(dir: string): Promise<LabelledWorld | { readonly errors: readonly string[] }> {
  const read = async (name: string): Promise<{ labels: Label[]; errors: string[] }> => {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) return { labels: [], errors: name === 'labels.ndjson' ? [`${name}: not found`] : [] };
    const r = parseLabelFile(text);
    return { labels: [...r.labels], errors: r.rejected.map((x) => `${name}:${x.line}: ${x.reason}`) };
  };
  const [l, c] = await Promise.all([read('labels.ndjson'), read('confounders.ndjson')]);
  const errors = [...l.errors, ...c.errors];
  return errors.length > 0 ? { errors } : { labels: l.labels, confounders: c.labels };
}

export function score(world: LabelledWorld, detections: readonly Detection[]): DetectorScore[] {
  return scoreDetections(world, detections);
}

export interface QualityTarget {
  readonly minRecall: number;
  readonly minPrecision: number;
}

/** Scores below the target, as readable lines (empty when every detector meets it). */
export function shortfalls(scores: readonly DetectorScore[], target: QualityTarget = { minRecall: 0.95, minPrecision: 0.9 }): string[] {
  return scores.flatMap((s) => {
    const out: string[] = [];
    if (s.recall < target.minRecall) out.push(`${s.detector}: recall ${s.recall.toFixed(3)} (${s.labelsFound}/${s.labels})`);
    if (s.precision < target.minPrecision) out.push(`${s.detector}: precision ${s.precision.toFixed(3)} (${s.truePositives} TP, ${s.falsePositives} FP, ${s.confounderHits} on confounders)`);
    return out;
  });
}
