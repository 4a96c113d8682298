/**
 * Detection quality: per-detector precision and recall of a run against a
 * labelled world (labels.ndjson of attacks, confounders.ndjson of benign
 * look-alikes, as the simulator writes them: docs/simulator.md "Scoring").
 * The matching rules are the simulator's, restated here because detect may
 * not depend on the simulator:
 * - a detection with a signInId matches a label holding that id;
 * - otherwise it matches by user (UPN) or IP within the label's [start, end]
 *   plus 2 h of slack (detectors fire at the end of a window); D7 and D8
 *   labels match by user whenever the detection lands;
 * - a detection on another detector's attack, or on the victim's own
 *   sign-ins within 24 h after an attack (e.g. D3 when the victim signs in at
 *   home after the attacker abroad), counts neither way.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DETECTOR_IDS, type Detection, type DetectorId } from '../../schema/detections.ts';

export interface QualityLabel {
  readonly detector: DetectorId;
  readonly userPrincipalName?: string;
  readonly ipAddress?: string;
  readonly signInIds: readonly string[];
  readonly start: string;
  readonly end: string;
}

export interface LabelledWorld {
  readonly labels: readonly QualityLabel[];
  readonly confounders: readonly QualityLabel[];
}

export type ScoredDetection = Pick<Detection, 'detector' | 'detectedDateTime'> & Partial<Pick<Detection, 'signInId' | 'userPrincipalName' | 'ipAddress'>>;

export interface DetectorScore {
  readonly detector: DetectorId;
  readonly labels: number;
  readonly labelsFound: number;
  readonly truePositives: number;
  readonly onOtherAttacks: number;
  readonly confounderHits: number;
  readonly falsePositives: number;
  /** truePositives / (truePositives + falsePositives); 1 when nothing fired. */
  readonly precision: number;
  /** labelsFound / labels; 1 when there is nothing to find. */
  readonly recall: number;
}

const SLACK_MS = 2 * 3600_000;
const AFTERMATH_MS = 24 * 3600_000;

function inAftermath(label: QualityLabel, d: ScoredDetection): boolean {
  const upn = label.userPrincipalName?.toLowerCase();
  if (upn === undefined || d.userPrincipalName?.toLowerCase() !== upn || label.signInIds.length === 0) return false;
  const t = Date.parse(d.detectedDateTime);
  return t >= Date.parse(label.start) && t <= Date.parse(label.end) + AFTERMATH_MS;
}

function matches(label: QualityLabel, d: ScoredDetection): boolean {
  if (d.signInId !== undefined && label.signInIds.length > 0) return label.signInIds.includes(d.signInId);
  const upn = label.userPrincipalName?.toLowerCase();
  const sameKey = (upn !== undefined && d.userPrincipalName?.toLowerCase() === upn) || (label.ipAddress !== undefined && d.ipAddress === label.ipAddress);
  if (!sameKey) return false;
  if (label.detector === 'D8' || label.detector === 'D7') return true;
  const t = Date.parse(d.detectedDateTime);
  return t >= Date.parse(label.start) - SLACK_MS && t <= Date.parse(label.end) + SLACK_MS;
}

export function score(world: LabelledWorld, detections: readonly ScoredDetection[]): DetectorScore[] {
  const detectors = [...new Set([...world.labels.map((l) => l.detector), ...detections.map((d) => d.detector)])].sort();
  const attackIds = new Set(world.labels.flatMap((l) => l.signInIds));
  return detectors.map((detector) => {
    const labels = world.labels.filter((l) => l.detector === detector);
    const confounders = world.confounders.filter((l) => l.detector === detector);
    const found = new Set<QualityLabel>();
    let tp = 0;
    let other = 0;
    let conf = 0;
    let fp = 0;
    for (const d of detections) {
      if (d.detector !== detector) continue;
      const hit = labels.filter((l) => matches(l, d));
      if (hit.length > 0) {
        tp++;
        for (const l of hit) found.add(l);
      } else if ((d.signInId !== undefined && attackIds.has(d.signInId)) || world.labels.some((l) => inAftermath(l, d))) other++;
      else {
        fp++;
        if (confounders.some((c) => matches(c, d))) conf++;
      }
    }
    return {
      detector,
      labels: labels.length,
      labelsFound: found.size,
      truePositives: tp,
      onOtherAttacks: other,
      confounderHits: conf,
      falsePositives: fp,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: labels.length === 0 ? 1 : found.size / labels.length,
    };
  });
}

const KNOWN = new Set<string>(DETECTOR_IDS);
const isIso = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** One NDJSON label file; bad lines are rejected with line and reason. */
export function parseLabels(text: string): { readonly labels: QualityLabel[]; readonly rejected: { line: number; reason: string }[] } {
  const labels: QualityLabel[] = [];
  const rejected: { line: number; reason: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      rejected.push({ line: i + 1, reason: 'not valid JSON' });
      return;
    }
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const ids = o.signInIds;
    if (typeof o.detector !== 'string' || !KNOWN.has(o.detector)) rejected.push({ line: i + 1, reason: 'detector: unknown' });
    else if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) rejected.push({ line: i + 1, reason: 'signInIds: must be an array of strings' });
    else if (!isIso(o.start) || !isIso(o.end)) rejected.push({ line: i + 1, reason: 'start/end: must be ISO times' });
    else {
      const l: QualityLabel = { detector: o.detector as DetectorId, signInIds: ids as string[], start: o.start, end: o.end };
      labels.push({
        ...l,
        ...(typeof o.userPrincipalName === 'string' ? { userPrincipalName: o.userPrincipalName } : {}),
        ...(typeof o.ipAddress === 'string' ? { ipAddress: o.ipAddress } : {}),
      });
    }
  });
  return { labels, rejected };
}

/** Reads labels.ndjson and (when present) confounders.ndjson of a simulation directory. */
export async function readLabels(dir: string): Promise<LabelledWorld | { readonly errors: readonly string[] }> {
  const read = async (name: string): Promise<{ labels: QualityLabel[]; errors: string[] }> => {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) return { labels: [], errors: name === 'labels.ndjson' ? [`${name}: not found`] : [] };
    const r = parseLabels(text);
    return { labels: r.labels, errors: r.rejected.map((x) => `${name}:${x.line}: ${x.reason}`) };
  };
  const [l, c] = await Promise.all([read('labels.ndjson'), read('confounders.ndjson')]);
  const errors = [...l.errors, ...c.errors];
  return errors.length > 0 ? { errors } : { labels: l.labels, confounders: c.labels };
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
