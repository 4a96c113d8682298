/**
 * Backtest: runs one detector with candidate settings over stored history and
 * compares with the live detections of the same interval by id (ids are
 * deterministic, so an unchanged finding has the same id). Writes nothing.
 * The scan starts a warm-up before the interval (the detector's memory, at
 * most 30 days) so windows and learnt models are primed as they were live.
 */
import type { Detection, DetectorId } from '../schema/detections.ts';
import type { EnrichedSignIn } from '../schema/enrichment.ts';
import type { TimeRange } from '../store/ports.ts';
import { STREAMING_DETECTORS } from './detectors/registry.ts';
import { DetectionEngine } from './engine/engine.ts';
import { resolveSettings, withOverrides, type SettingsError, type TenantDetectorSettings } from './engine/settings.ts';

export interface BacktestInput {
  readonly detector: DetectorId;
  readonly stored: TenantDetectorSettings;
  readonly overrides: readonly string[];
  readonly range: TimeRange;
  readonly latenessMs: number;
  /** Sign-ins of a range in event-time order (EventStore.scanSignIns bound to the tenant). */
  scan(range: TimeRange): AsyncIterable<EnrichedSignIn>;
  /** Live detections of the interval (DetectionStore.listDetections bound to the tenant). */
  live(range: TimeRange): Promise<Detection[]>;
}

export interface BacktestResult {
  readonly detector: DetectorId;
  readonly range: TimeRange;
  readonly signInsScanned: number;
  readonly added: Detection[];
  readonly removed: Detection[];
  readonly unchanged: Detection[];
}

const MAX_WARMUP_MS = 30 * 86_400_000;

export async function backtest(input: BacktestInput): Promise<BacktestResult | { readonly errors: readonly SettingsError[] }> {
  const detector = STREAMING_DETECTORS.find((d) => d.id === input.detector);
  if (detector === undefined) {
    return { errors: [{ field: 'DETECTOR', reason: `${input.detector} is not a streaming detector; backtest runs ${STREAMING_DETECTORS.map((d) => d.id).join(', ')}` }] };
  }
  const candidate = withOverrides(input.stored, input.detector, input.overrides);
  if ('reason' in candidate) return { errors: [candidate] };
  const resolved = resolveSettings([detector], { [input.detector]: { ...candidate[input.detector], enabled: true } });
  if (!resolved.ok) return { errors: resolved.errors };
  const setting = resolved.settings.get(input.detector);
  const warmup = Math.min(MAX_WARMUP_MS, detector.idleMs(setting?.params));
  const from = Date.parse(input.range.from);
  const engine = new DetectionEngine({ tenant: 'backtest', detectors: [detector], settings: resolved.settings, latenessMs: input.latenessMs });
  const found: Detection[] = [];
  let scanned = 0;
  let batch: EnrichedSignIn[] = [];
  for await (const e of input.scan({ from: new Date(from - warmup).toISOString(), to: input.range.to })) {
    batch.push(e);
    scanned++;
    if (batch.length >= 5000) {
      found.push(...engine.push(batch).detections);
      batch = [];
    }
  }
  found.push(...engine.push(batch).detections, ...engine.flush());
  const inRange = found.filter((d) => d.detectedDateTime >= input.range.from && d.detectedDateTime < input.range.to);
  const live = (await input.live(input.range)).filter((d) => d.detector === input.detector);
  const liveIds = new Set(live.map((d) => d.id));
  const newIds = new Set(inRange.map((d) => d.id));
  return {
    detector: input.detector,
    range: input.range,
    signInsScanned: scanned,
    added: inRange.filter((d) => !liveIds.has(d.id)),
    removed: live.filter((d) => !newIds.has(d.id)),
    unchanged: inRange.filter((d) => liveIds.has(d.id)),
  };
}
