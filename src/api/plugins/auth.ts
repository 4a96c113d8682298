/**
 * Authentication and role enforcement for every route.
 *
 * - Every route must declare config.access; the app refuses to start otherwise.
 * - `Authorization: Bearer al_<id>_<secret>` (API key), `Authorization: Bearer
 *   <access token>` (exchanged for a key at /{tenant}/oauth2/v2.0/token; it acts
 *   as its key: same tenant, same role, principal kind 'apiKey'), the portal
 *   session cookie (plus X-CSRF-Token on state-changing requests) or, on
 *   operator routes only, the local operator token from loopback.
 * - No/invalid credentials -> 401; role not allowed -> 403; a `:tenant` param
 *   other than the principal's tenant -> 404 (another tenant's data does not exist).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { looksLikeAccessToken, type AccessTokenService } from '../../directory/access-tokens.ts';
import type { ApiKeyService } from '../../directory/api-keys.ts';
import type { SessionService } from '../../directory/sessions.ts';
import { ApiError } from '../errors.ts';
import type { Principal, RouteAccess } from '../principal.ts';

export const SESSION_COOKIE = 'authlens_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthOptions {
  readonly apiKeys: ApiKeyService;
  /** Absent: only API keys are taken as bearer credentials. */
  readonly accessTokens?: AccessTokenService;
  readonly sessions?: SessionService;
  readonly operatorToken?: string;
  /** Routes under these prefixes that come from third-party plugins (docs UI) are public. */
  readonly publicPrefixes?: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.');
}

/**
 * Whether a Host (as the browser addressed the server, port stripped) is this
 * machine: localhost, 127.0.0.0/8 or ::1. Browsers keep Secure cookies over
 * plain HTTP only there.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

function unauthenticated(): ApiError {
  return new ApiError(401, 'unauthenticated', 'missing or invalid credentials', {
    'www-authenticate': 'Bearer realm="authlens"',
  });
}

/** RFC 6750 §3.1: a bearer token that was presented and refused says invalid_token, so a client knows to get a new one. */
function invalidToken(message: string): ApiError {
  return new ApiError(401, 'unauthenticated', message, {
    'www-authenticate': `Bearer realm="authlens", error="invalid_token", error_description="${message}"`,
  });
}

function routeAccess(options: RouteOptions, publicPrefixes: readonly string[]): RouteAccess | undefined {
  const access = options.config?.access;
  if (access !== undefined) return access;
  if (publicPrefixes.some((p) => options.url.startsWith(p))) return 'public';
  return undefined;
}

function tenantParam(request: FastifyRequest): string | undefined {
  const params = request.params;
  if (typeof params !== 'object' || params === null || !('tenant' in params)) return undefined;
  const t = (params as { tenant: unknown }).tenant;
  return typeof t === 'string' ? t : undefined;
}

async function authenticate(
  request: FastifyRequest,
  access: Exclude<RouteAccess, 'public'>,
  opts: AuthOptions,
): Promise<Principal> {
  const token = bearer(request);
  if (access === 'operator') {
    if (token === undefined || opts.operatorToken === undefined) throw unauthenticated();
    if (!isLoopback(request.ip)) throw new ApiError(403, 'forbidden', 'the operator channel is loopback only');
    if (!sameSecret(token, opts.operatorToken)) throw unauthenticated();
    return { tenant: '*', role: 'global-admin', kind: 'operator', id: 'operator' };
  }
  if (token !== undefined) {
    if (opts.accessTokens !== undefined && looksLikeAccessToken(token)) {
      const check = await opts.accessTokens.authenticate(token);
      if (!check.ok) {
        throw invalidToken(
          check.reason === 'expired'
            ? 'the access token has expired; get a new one from the token endpoint'
            : 'the access token is invalid, or its API key was revoked',
        );
      }
      return { tenant: check.record.tenant, role: check.record.role, kind: 'apiKey', id: check.record.id };
    }
    const check = await opts.apiKeys.authenticate(token);
    if (!check.ok) throw unauthenticated();
    return { tenant: check.record.tenant, role: check.record.role, kind: 'apiKey', id: check.record.id };
  }
  const sid = request.cookies?.[SESSION_COOKIE];
  if (sid !== undefined && opts.sessions !== undefined) {
    const session = await opts.sessions.validate(sid);
    if (session === undefined) throw unauthenticated();
    if (!SAFE_METHODS.has(request.method)) {
      const csrf = request.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || !sameSecret(csrf, session.csrfToken)) {
        throw new ApiError(403, 'csrfTokenMissing', `state-changing requests need the ${CSRF_HEADER} header of the session`);
      }
    }
    if (session.mustChangePassword && request.routeOptions.config.oneTimePasswordOk !== true) {
      throw new ApiError(403, 'passwordChangeRequired', 'signed in with a one-time password: choose a new password first (POST /api/v1/session/password)');
    }
    return session.principal;
  }
  throw unauthenticated();
}

/** Installs the hooks on the root instance (not encapsulated: it must see every route). */
export function installAuth(app: FastifyInstance, opts: AuthOptions): void {
  const publicPrefixes = opts.publicPrefixes ?? [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const access = routeAccess(route, publicPrefixes);
    if (access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no config.access`);
    }
    route.config = { ...route.config, access };
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const principal = await authenticate(request, access, opts);
    request.principal = principal;
    if (access === 'operator') return;
    const t = tenantParam(request);
    if (t !== undefined && t !== principal.tenant) {
      throw new ApiError(404, 'notFound', `tenant '${t}' not found`);
    }
    if (!access.roles.includes(principal.role)) {
      throw new ApiError(403, 'forbidden', `this action needs one of the roles: ${access.roles.join(', ')}`);
    }
  });
}
