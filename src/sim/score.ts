/**
 * Precision and recall of detections against the simulator's labels
 * (docs/simulator.md, "Scoring"). Pure: feed it the labels of a world and the
 * detections a run produced.
 */
import type { Detection, DetectorId } from '../schema/detections.ts';
import type { Label } from './model.ts';

export type ScoredDetection = Pick<Detection, 'detector' | 'detectedDateTime'> &
  Partial<Pick<Detection, 'signInId' | 'userPrincipalName' | 'ipAddress'>>;

export interface DetectorScore {
  readonly detector: DetectorId;
  /** Labels of this detector, and how many of them at least one detection matched. */
  readonly labels: number;
  readonly labelsFound: number;
  /** Detections matching a label of this detector. */
  readonly truePositives: number;
  /** Detections on a labelled attack of another detector, or on the victim's own sign-ins within 24 h after an attack: left out of precision. */
  readonly onOtherAttacks: number;
  /** Detections matching a confounder of this detector (a subset of falsePositives). */
  readonly confounderHits: number;
  /** Detections matching no label of this detector (confounder hits included). */
  readonly falsePositives: number;
  /** truePositives / (truePositives + falsePositives); 1 when nothing fired. */
  readonly precision: number;
  /** labelsFound / labels; 1 when there is nothing to find. */
  readonly recall: number;
}

/** Slack around a label's [start, end] for user- or IP-keyed matches (detectors fire at the end of a window). */
const SLACK_MS = 2 * 3600_000;
/**
 * After an attack on a user, their next ordinary sign-ins pair with the
 * attacker's (travel from the attacker's city back home, an unfamiliar
 * sequence): detections on them within this time are about the attack.
 */
const AFTERMATH_MS = 24 * 3600_000;

function inAftermath(label: Label, d: ScoredDetection): boolean {
  const upn = label.userPrincipalName?.toLowerCase();
  if (upn === undefined || d.userPrincipalName?.toLowerCase() !== upn || label.signInIds.length === 0) return false;
  const t = Date.parse(d.detectedDateTime);
  return t >= Date.parse(label.start) && t <= Date.parse(label.end) + AFTERMATH_MS;
}

function matches(label: Label, d: ScoredDetection): boolean {
  if (d.signInId !== undefined && label.signInIds.length > 0) return label.signInIds.includes(d.signInId);
  const upn = label.userPrincipalName?.toLowerCase();
  const sameKey =
    (upn !== undefined && d.userPrincipalName?.toLowerCase() === upn) || (label.ipAddress !== undefined && d.ipAddress === label.ipAddress);
  if (!sameKey) return false;
  // Leaked credentials and user risk are about the user, whenever the record or the rollup lands.
  if (label.detector === 'D8' || label.detector === 'D7') return true;
  const t = Date.parse(d.detectedDateTime);
  return t >= Date.parse(label.start) - SLACK_MS && t <= Date.parse(label.end) + SLACK_MS;
}

export function scoreDetections(
  world: { readonly labels: readonly Label[]; readonly confounders: readonly Label[] },
  detections: readonly ScoredDetection[],
): DetectorScore[] {
  const detectors = [...new Set([...world.labels.map((l) => l.detector), ...detections.map((d) => d.detector)])].sort();
  const attackIds = new Set(world.labels.flatMap((l) => l.signInIds));
  return detectors.map((detector) => {
    const labels = world.labels.filter((l) => l.detector === detector);
    const confounders = world.confounders.filter((l) => l.detector === detector);
    const fired = detections.filter((d) => d.detector === detector);
    const found = new Set<Label>();
    let tp = 0;
    let other = 0;
    let conf = 0;
    let fp = 0;
    for (const d of fired) {
      const hit = labels.filter((l) => matches(l, d));
      if (hit.length > 0) {
        tp++;
        for (const l of hit) found.add(l);
      } else if ((d.signInId !== undefined && attackIds.has(d.signInId)) || world.labels.some((l) => inAftermath(l, d))) {
        other++;
      } else {
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

/** The bar of issue 3: recall >= 0.95 and precision >= 0.90 per detector. */
export interface QualityTarget {
  readonly minRecall: number;
  readonly minPrecision: number;
}

/** Scores below the target, as readable lines (empty when every detector meets it). */
export function shortfalls(scores: readonly DetectorScore[], target: QualityTarget = { minRecall: 0.95, minPrecision: 0.9 }): string[] {
  return scores.flatMap((s) => {
    const out: string[] = [];
    if (s.recall < target.minRecall) out.push(`${s.detector}: recall ${s.recall.toFixed(3)} (${s.labelsFound}/${s.labels})`);
    if (s.precision < target.minPrecision) {
      out.push(`${s.detector}: precision ${s.precision.toFixed(3)} (${s.truePositives} TP, ${s.falsePositives} FP, ${s.confounderHits} on confounders)`);
    }
    return out;
  });
}
