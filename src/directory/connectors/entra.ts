/**
 * The `entra` connector, over Microsoft Graph with an app-only token
 * (client credentials of an app registration). Checked against the Graph
 * reference on learn.microsoft.com:
 *  - token: POST {authority}/{directoryId}/oauth2/v2.0/token, scope {graph}/.default
 *  - revoke sessions: POST /v1.0/users/{id}/revokeSignInSessions
 *    (graph/api/user-revokesigninsessions; permission User.RevokeSessions.All)
 *  - reset password: PATCH /v1.0/users/{id} {passwordProfile:{forceChangePasswordNextSignIn:true}}
 *    (graph/api/resources/passwordprofile, graph/api/user-update; User-PasswordProfile.ReadWrite.All)
 *  - require MFA: PATCH /beta/users/{id}/authentication/requirements {perUserMfaState:"enforced"}
 *    (graph/api/authentication-update and graph/api/resources/strongauthenticationrequirements:
 *    per-user MFA; a beta API, and Conditional Access is the better tool where the tenant has it)
 * The user is addressed by the directory snapshot's id (the Entra object id when the
 * directory was imported from Graph), else by UPN, which Graph accepts in the same place.
 * Not run against a live Entra tenant: test/ checks the exact requests against a local server.
 */
import { clientCredentialsToken, idpRequest, type HttpOptions } from './http.ts';
import type { ActionResult, ConnectorContext, ConnectorUser, IdpConnector } from './types.ts';

export function createEntraConnector(
  cfg: { directoryId: string; clientId: string; clientSecret: string; authorityUrl: string; graphUrl: string },
  ctx: ConnectorContext,
): IdpConnector {
  const http = (token?: string): HttpOptions => ({
    hosts: ctx.hosts,
    secrets: token !== undefined ? [cfg.clientSecret, token] : [cfg.clientSecret],
    ...(ctx.fetch !== undefined ? { fetch: ctx.fetch } : {}),
    ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  });

  async function call(user: ConnectorUser, method: 'POST' | 'PATCH', path: (id: string) => string, body: unknown, done: string): Promise<ActionResult> {
    const t = await clientCredentialsToken(
      `${cfg.authorityUrl}/${encodeURIComponent(cfg.directoryId)}/oauth2/v2.0/token`,
      { client_id: cfg.clientId, client_secret: cfg.clientSecret, scope: `${cfg.graphUrl}/.default` },
      http(),
    );
    if (!t.ok) return { ok: false, detail: `Microsoft Entra ${t.reason}` };
    const id = encodeURIComponent(user.directoryId ?? user.userPrincipalName);
    const r = await idpRequest(
      {
        method,
        url: `${cfg.graphUrl}${path(id)}`,
        headers: { authorization: `Bearer ${t.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      http(t.token),
    );
    const who = user.directoryId ?? user.userPrincipalName;
    return r.ok ? { ok: true, detail: `Entra user ${who}: ${done}` } : { ok: false, detail: `Microsoft Graph refused: ${r.reason}` };
  }

  return {
    kind: 'entra',
    resetPassword: (u) => call(u, 'PATCH', (id) => `/v1.0/users/${id}`, { passwordProfile: { forceChangePasswordNextSignIn: true } }, 'must change the password at the next sign-in'),
    requireMfa: (u) => call(u, 'PATCH', (id) => `/beta/users/${id}/authentication/requirements`, { perUserMfaState: 'enforced' }, 'per-user MFA enforced'),
    revokeSessions: (u) => call(u, 'POST', (id) => `/v1.0/users/${id}/revokeSignInSessions`, undefined, 'every refresh token and session cookie revoked'),
  };
}
