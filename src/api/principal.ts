/** Who is calling, as the auth plugin established it. */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../reports/admin-actions.ts';
import type { Role, TenantId } from '../schema/tenants.ts';
import { ApiError } from './errors.ts';
import type { RateLimitFamily } from './plugins/rate-limit.ts';

export interface Principal {
  /** The tenant the credential belongs to; '*' for the deployment operator. */
  readonly tenant: TenantId;
  readonly role: Role;
  readonly kind: 'apiKey' | 'session' | 'operator';
  /** Key id, portal user UPN, or 'operator'. */
  readonly id: string;
}

/**
 * Declared on every route (config.access). 'operator' routes take only the
 * local operator token (deployment-level actions such as creating tenants).
 */
export type RouteAccess = 'public' | 'operator' | { readonly roles: readonly Role[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Rate-limit bucket family for this route (see plugins/rate-limit.ts). */
    rateLimit?: RateLimitFamily;
    /** Reachable by a session still on its one-time password (who am I, sign out, choose a password). */
    oneTimePasswordOk?: true;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The authenticated principal of a non-public route (the auth hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new ApiError(401, 'unauthenticated', 'authentication required');
  return request.principal;
}

/**
 * Who acts, for histories and the audit log: a portal user by UPN; a key (or
 * the operator) as `kind:id`, or as the UPN its caller names where a route
 * takes one (Ignore and suppressions: `by`). `via` says through what.
 */
export function actorOf(request: FastifyRequest, named?: string): Actor {
  const p = principalOf(request);
  if (p.kind === 'session') return { upn: p.id, via: 'portal session' };
  return { upn: named ?? `${p.kind}:${p.id}`, via: `${p.kind} ${p.id}` };
}
