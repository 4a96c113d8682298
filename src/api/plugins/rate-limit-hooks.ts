/** Applies the token buckets to routes whose config names a rate-limit family. */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { createRateLimiter, DEFAULT_CONNECTOR_ACTION_PER_PRINCIPAL, DEFAULT_TOKEN_PER_IP, type RateLimiter, type RateLimitFamily, type RateLimitSettings } from './rate-limit.ts';

/**
 * 'ip' hooks run before authentication (so unauthenticated floods are slowed);
 * 'principal' hooks run after it (one busy key cannot starve the others' IPs).
 */
export function installRateLimits(app: FastifyInstance, settings: RateLimitSettings, by: 'ip' | 'principal'): void {
  const limiters: Partial<Record<RateLimitFamily, RateLimiter>> =
    by === 'ip'
      ? {
          login: createRateLimiter(settings.loginPerIp),
          ingest: createRateLimiter(settings.ingestPerIp),
          token: createRateLimiter(settings.tokenPerIp ?? DEFAULT_TOKEN_PER_IP),
        }
      : {
          ingest: createRateLimiter(settings.ingestPerPrincipal),
          connectorAction: createRateLimiter(settings.connectorActionPerPrincipal ?? DEFAULT_CONNECTOR_ACTION_PER_PRINCIPAL),
        };
  app.addHook('onRequest', async (request) => {
    const family = request.routeOptions.config.rateLimit;
    if (family === undefined) return;
    const limiter = limiters[family];
    if (limiter === undefined) return;
    const key = by === 'ip' ? request.ip : request.principal?.id;
    if (key === undefined) return;
    const r = limiter.take(key);
    if (!r.ok) {
      throw new ApiError(429, 'tooManyRequests', `rate limit exceeded; retry in ${r.retryAfterSeconds} s`, {
        'retry-after': String(r.retryAfterSeconds),
      });
    }
  });
}
