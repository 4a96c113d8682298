/**
 * The `okta` connector, over the Okta Management API with an API token
 * (Authorization: SSWS <token>; the token's admin must be allowed to manage
 * users). Checked against Okta's API reference
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/,
 * .../tag/UserLifecycle/ and .../tag/UserSessions/):
 *  - find the user: GET /api/v1/users/{login} (the directory's UPN is the Okta login;
 *    Okta ids such as 00u... are its own)
 *  - revoke sessions: DELETE /api/v1/users/{id}/sessions?oauthTokens=true (OAuth tokens too)
 *  - reset password: POST /api/v1/users/{id}/lifecycle/reset_password?sendEmail=true
 *    (the current password stops working; Okta e-mails a reset link)
 *  - require MFA: POST /api/v1/users/{id}/lifecycle/reset_factors (every enrolled factor,
 *    an attacker's included, is removed; the sign-on policy then makes the user enrol again)
 * Not run against a live Okta org: test/ checks the exact requests against a local server.
 */
import { idpRequest, type HttpOptions } from './http.ts';
import type { ActionResult, ConnectorContext, ConnectorUser, IdpConnector } from './types.ts';

export function createOktaConnector(cfg: { orgUrl: string; apiToken: string }, ctx: ConnectorContext): IdpConnector {
  const http: HttpOptions = {
    hosts: ctx.hosts,
    secrets: [cfg.apiToken],
    ...(ctx.fetch !== undefined ? { fetch: ctx.fetch } : {}),
    ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  };
  const headers = { authorization: `SSWS ${cfg.apiToken}` };

  async function userId(user: ConnectorUser): Promise<{ ok: true; id: string } | { ok: false; detail: string }> {
    const r = await idpRequest({ method: 'GET', url: `${cfg.orgUrl}/api/v1/users/${encodeURIComponent(user.userPrincipalName)}`, headers }, http);
    if (!r.ok) return { ok: false, detail: `Okta refused the user look-up of ${user.userPrincipalName}: ${r.reason}` };
    const id = typeof r.json === 'object' && r.json !== null ? (r.json as Record<string, unknown>).id : undefined;
    return typeof id === 'string' && id !== '' ? { ok: true, id } : { ok: false, detail: 'Okta answered the user look-up without an id' };
  }

  async function act(user: ConnectorUser, method: 'POST' | 'DELETE', suffix: string, done: string): Promise<ActionResult> {
    const u = await userId(user);
    if (!u.ok) return u;
    const r = await idpRequest({ method, url: `${cfg.orgUrl}/api/v1/users/${encodeURIComponent(u.id)}${suffix}`, headers }, http);
    return r.ok ? { ok: true, detail: `Okta user ${u.id}: ${done}` } : { ok: false, detail: `Okta refused: ${r.reason}` };
  }

  return {
    kind: 'okta',
    resetPassword: (u) => act(u, 'POST', '/lifecycle/reset_password?sendEmail=true', 'password reset; Okta e-mailed the user a reset link'),
    requireMfa: (u) => act(u, 'POST', '/lifecycle/reset_factors', 'every MFA factor removed; the user enrols again at the next sign-in'),
    revokeSessions: (u) => act(u, 'DELETE', '/sessions?oauthTokens=true', 'every session and OAuth token revoked'),
  };
}
