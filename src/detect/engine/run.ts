/** Runs detectors over a finite list of events (tests, backtest, backfill): push all, flush. */
import type { Detection } from '../../schema/detections.ts';
import type { EnrichedSignIn } from '../../schema/enrichment.ts';
import { DetectionEngine } from './engine.ts';
import { resolveSettings, type TenantDetectorSettings } from './settings.ts';
import type { AnyDetector } from './types.ts';

export function runDetectors(
  detectors: readonly AnyDetector[],
  events: readonly EnrichedSignIn[],
  settings: TenantDetectorSettings = {},
  latenessMs = 600_000,
): Detection[] {
  const resolved = resolveSettings(detectors, settings);
  if (!resolved.ok) throw new Error(`invalid detector settings: ${resolved.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`);
  const engine = new DetectionEngine({ tenant: 't', detectors, settings: resolved.settings, latenessMs });
  const out = engine.push(events).detections;
  out.push(...engine.flush());
  return out;
}
