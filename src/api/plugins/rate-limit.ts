/**
 * Token buckets keyed by IP or principal, for login and ingest (SPEC 8:
 * rate limits). Memory is bounded: at most maxKeys buckets, least recently
 * used evicted first (a full bucket and an evicted one behave the same).
 */
export interface BucketSpec {
  /** Burst size. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string): TakeResult;
}

export function createRateLimiter(spec: BucketSpec, now: () => number = Date.now, maxKeys = 100_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const prev = buckets.get(key);
      let tokens = spec.capacity;
      if (prev !== undefined) {
        buckets.delete(key);
        tokens = Math.min(spec.capacity, prev.tokens + ((t - prev.at) / 1000) * spec.refillPerSecond);
      } else if (buckets.size >= maxKeys) {
        const oldest = buckets.keys().next();
        if (oldest.done !== true) buckets.delete(oldest.value);
      }
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: t });
        return { ok: true };
      }
      buckets.set(key, { tokens, at: t });
      const wait = spec.refillPerSecond > 0 ? (1 - tokens) / spec.refillPerSecond : 3600;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
    },
  };
}

/** The route families with buckets of their own (a route names one in config.rateLimit). */
export type RateLimitFamily = 'login' | 'ingest' | 'token' | 'connectorAction';

export interface RateLimitSettings {
  readonly loginPerIp: BucketSpec;
  /** Sign-in attempts per (tenant, UPN), whatever the IP (default 10, then 1 a minute). */
  readonly loginPerAccount?: BucketSpec;
  readonly ingestPerIp: BucketSpec;
  readonly ingestPerPrincipal: BucketSpec;
  /** The OAuth token endpoint, per IP (default: 30 at once, then 1 every 2 s). */
  readonly tokenPerIp?: BucketSpec;
  /** Suspected-breach actions through an IdP connector, per principal (default: 20 at once, then 1 every 6 s). */
  readonly connectorActionPerPrincipal?: BucketSpec;
}

/** An admin works through a handful of users in an incident; hundreds a minute is a script gone wrong, hammering the IdP. */
export const DEFAULT_CONNECTOR_ACTION_PER_PRINCIPAL: BucketSpec = { capacity: 20, refillPerSecond: 1 / 6 };

/** Clients keep a token for its hour, so a few requests a minute is plenty; more is a loop or a guesser. */
export const DEFAULT_TOKEN_PER_IP: BucketSpec = { capacity: 30, refillPerSecond: 0.5 };

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  // 10 attempts at once, then one every 6 s: slows password guessing, not people.
  loginPerIp: { capacity: 10, refillPerSecond: 1 / 6 },
  ingestPerIp: { capacity: 120, refillPerSecond: 20 },
  ingestPerPrincipal: { capacity: 60, refillPerSecond: 10 },
};
