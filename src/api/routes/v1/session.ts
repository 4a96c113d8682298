/**
 * Portal sign-in with a password. The session id travels only in an HttpOnly,
 * Secure, SameSite=Strict cookie; the CSRF token comes back in the body and
 * must accompany every state-changing request as X-CSRF-Token.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, Role, TenantId } from '../../../schema/tenants.ts';
import { ApiError } from '../../errors.ts';
import { isLoopbackHost, SESSION_COOKIE } from '../../plugins/auth.ts';
import { principalOf } from '../../principal.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES } from './common.ts';
import { createRateLimiter } from '../../plugins/rate-limit.ts';

const LoginBody = Type.Object(
  {
    tenant: TenantId,
    upn: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
    newPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH, description: `at least ${MIN_PASSWORD_LENGTH} characters` }),
  },
  { additionalProperties: false },
);
export const SessionInfo = Type.Object({
  tenant: TenantId,
  upn: Type.String(),
  role: Role,
  csrfToken: Type.String(),
  mustChangePassword: Type.Boolean(),
});

export async function sessionRoutes(app: FastifyInstance, { services, deps }: RouteOptionsOf): Promise<void> {
  // Per account as well as per IP: guessing one admin's password from many addresses stays slow.
  const perAccount = createRateLimiter(deps.rateLimits?.loginPerAccount ?? { capacity: 10, refillPerSecond: 1 / 60 });
  app.post(
    '/api/v1/session',
    {
      config: { access: 'public', rateLimit: 'login' },
      schema: { summary: 'Sign in to the portal', tags: ['session'], body: LoginBody, response: { 200: SessionInfo } },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof LoginBody>;
      // The session cookie is Secure: over plain HTTP a browser keeps it only for this machine's own names, so
      // from elsewhere sign-in "worked" and every next request answered 401. Say so, before any password is checked.
      if (request.protocol !== 'https' && !isLoopbackHost(request.hostname)) {
        throw new ApiError(
          403,
          'forbidden',
          `the portal is served over plain HTTP, so a browser at ${request.host} would drop the session cookie: start authlens with --tls-cert FILE --tls-key FILE to use the portal from other machines, or open it on the server's own machine (http://127.0.0.1 or localhost)`,
        );
      }
      const slot = perAccount.take(`${body.tenant}\u0000${body.upn.toLowerCase()}`);
      if (!slot.ok) {
        throw new ApiError(429, 'tooManyRequests', `too many sign-in attempts for this account; retry in ${slot.retryAfterSeconds} s`, {
          'retry-after': String(slot.retryAfterSeconds),
        });
      }
      const r = await services.sessions.login(body.tenant, body.upn, body.password);
      // One message for unknown user and wrong password: the answer must not reveal which UPNs exist.
      if (r === undefined) throw new ApiError(401, 'unauthenticated', 'wrong tenant, user or password');
      void reply.setCookie(SESSION_COOKIE, r.sessionId, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/',
        maxAge: Math.floor((r.session.expiresAt - Date.now()) / 1000),
      });
      return {
        tenant: r.session.principal.tenant,
        upn: r.session.principal.id,
        role: r.session.principal.role,
        csrfToken: r.session.csrfToken,
        mustChangePassword: r.mustChangePassword,
      };
    },
  );
  app.delete(
    '/api/v1/session',
    {
      config: { access: { roles: ALL_ROLES }, oneTimePasswordOk: true },
      schema: { summary: 'Sign out', tags: ['session'], response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const sid = request.cookies[SESSION_COOKIE];
      if (sid !== undefined) services.sessions.logout(sid);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );
  app.get(
    '/api/v1/session',
    {
      config: { access: { roles: ALL_ROLES }, oneTimePasswordOk: true },
      schema: { summary: 'Who am I (and the CSRF token of a portal session)', tags: ['session'], response: { 200: Type.Object({
        tenant: TenantId,
        id: Type.String(),
        role: Role,
        kind: Type.Union([Type.Literal('apiKey'), Type.Literal('session'), Type.Literal('operator')]),
        csrfToken: Type.Optional(Type.String()),
        mustChangePassword: Type.Optional(Type.Boolean()),
      }) } },
    },
    async (request) => {
      const p = principalOf(request);
      const sid = request.cookies[SESSION_COOKIE];
      const session = p.kind === 'session' && sid !== undefined ? services.sessions.get(sid) : undefined;
      return { ...p, ...(session !== undefined ? { csrfToken: session.csrfToken, mustChangePassword: session.mustChangePassword } : {}) };
    },
  );
  app.post(
    '/api/v1/session/password',
    {
      // Limited like sign-in: the current password is checked here too.
      config: { access: { roles: ALL_ROLES }, oneTimePasswordOk: true, rateLimit: 'login' },
      schema: {
        summary: 'Choose a new portal password (required after signing in with a one-time password)',
        tags: ['session'],
        body: PasswordChangeBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const sid = request.cookies[SESSION_COOKIE];
      if (p.kind !== 'session' || sid === undefined) throw new ApiError(400, 'invalidRequest', 'only portal users have passwords; API keys are revoked and created instead');
      const body = request.body as Static<typeof PasswordChangeBody>;
      const r = await services.sessions.changePassword(sid, body.currentPassword, body.newPassword);
      if (!r.ok) throw new ApiError(400, 'invalidRequest', r.reason);
      return reply.code(204).send();
    },
  );
}
