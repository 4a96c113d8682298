/** Retry schedule of deliveries: exponential backoff, capped, with a last attempt after which a delivery fails. */

/** Attempts before a delivery is marked failed (1 + 7 retries: about 4 hours with the default base). */
export const MAX_ATTEMPTS = 8;
export const DEFAULT_RETRY_BASE_MS = 60_000;
const MAX_DELAY_MS = 6 * 3_600_000;

/** Delay before the next try after `attempts` failed ones (1 -> base, 2 -> 2*base, ...). */
export function retryDelayMs(attempts: number, baseMs: number = DEFAULT_RETRY_BASE_MS): number {
  const n = Math.max(1, Math.floor(attempts));
  return Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.min(n - 1, 30));
}
