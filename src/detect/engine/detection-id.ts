/**
 * Detection ids are a hash of (detector, flagged sign-in, discriminator), so
 * re-evaluating the same events (restart, re-send, backfill) yields the same
 * ids and the DetectionStore's idempotent append drops the repeats.
 */
import { createHash } from 'node:crypto';

export function detectionId(detector: string, signInId: string, discriminator = ''): string {
  const h = createHash('sha256').update(`${detector}\u0000${signInId}\u0000${discriminator}`).digest('base64url');
  return `${detector}-${h.slice(0, 22)}`;
}
