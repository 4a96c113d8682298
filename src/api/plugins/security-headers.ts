/** Security headers on every response, and the request id echoed back. */
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  // The docs UI styles elements inline and embeds data: images.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
].join('; ');

export function installSecurityHeaders(app: FastifyInstance, tls: boolean): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('request-id', request.id);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    if (tls) void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (request.url.startsWith('/api/v1/') || request.url.startsWith('/v1.0/')) {
      // API answers carry tenant data; no shared cache may keep them.
      void reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
