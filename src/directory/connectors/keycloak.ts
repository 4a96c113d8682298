/**
 * The `keycloak` connector, over the Admin REST API with a confidential
 * client's service account (client credentials; the account needs the
 * realm-management role manage-users, and view-users to find users).
 * Checked against the Keycloak Admin REST API reference
 * (https://www.keycloak.org/docs-api/latest/rest-api/, "Users"):
 *  - token: POST {base}/realms/{realm}/protocol/openid-connect/token, grant_type=client_credentials
 *  - find the user: GET /admin/realms/{realm}/users?username={upn}&exact=true
 *    (the directory's UPN is the Keycloak username; Keycloak ids are its own UUIDs)
 *  - revoke sessions: POST /admin/realms/{realm}/users/{id}/logout
 *  - reset password: PUT /admin/realms/{realm}/users/{id} with requiredActions + UPDATE_PASSWORD
 *  - require MFA: PUT /admin/realms/{realm}/users/{id} with requiredActions + CONFIGURE_TOTP
 * Required actions already set are kept (the PUT carries their union).
 * Not run against a live Keycloak: test/ checks the exact requests against a local server.
 */
import { clientCredentialsToken, idpRequest, type HttpOptions } from './http.ts';
import type { ActionResult, ConnectorContext, ConnectorUser, IdpConnector } from './types.ts';

interface KeycloakUser {
  readonly id: string;
  readonly username: string;
  readonly requiredActions: readonly string[];
}

function asUsers(json: unknown): KeycloakUser[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((u: unknown) => {
    if (typeof u !== 'object' || u === null) return [];
    const r = u as Record<string, unknown>;
    if (typeof r.id !== 'string' || typeof r.username !== 'string') return [];
    const actions = Array.isArray(r.requiredActions) ? r.requiredActions.filter((a): a is string => typeof a === 'string') : [];
    return [{ id: r.id, username: r.username, requiredActions: actions }];
  });
}

export function createKeycloakConnector(cfg: { baseUrl: string; realm: string; clientId: string; clientSecret: string }, ctx: ConnectorContext): IdpConnector {
  const realm = encodeURIComponent(cfg.realm);
  const admin = `${cfg.baseUrl}/admin/realms/${realm}`;
  const http = (token?: string): HttpOptions => ({
    hosts: ctx.hosts,
    secrets: token !== undefined ? [cfg.clientSecret, token] : [cfg.clientSecret],
    ...(ctx.fetch !== undefined ? { fetch: ctx.fetch } : {}),
    ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  });

  /** A token and the user, or why not. */
  async function prepare(user: ConnectorUser): Promise<{ ok: true; token: string; user: KeycloakUser } | { ok: false; detail: string }> {
    const t = await clientCredentialsToken(`${cfg.baseUrl}/realms/${realm}/protocol/openid-connect/token`, { client_id: cfg.clientId, client_secret: cfg.clientSecret }, http());
    if (!t.ok) return { ok: false, detail: `Keycloak ${t.reason}` };
    const q = new URLSearchParams({ username: user.userPrincipalName, exact: 'true' });
    const found = await idpRequest({ method: 'GET', url: `${admin}/users?${q}`, headers: { authorization: `Bearer ${t.token}` } }, http(t.token));
    if (!found.ok) return { ok: false, detail: `Keycloak refused the user look-up: ${found.reason}` };
    const match = asUsers(found.json).filter((u) => u.username.toLowerCase() === user.userPrincipalName.toLowerCase());
    if (match.length !== 1 || match[0] === undefined) return { ok: false, detail: `Keycloak realm ${cfg.realm} has ${match.length === 0 ? 'no' : 'more than one'} user with username ${user.userPrincipalName}` };
    return { ok: true, token: t.token, user: match[0] };
  }

  async function requireAction(user: ConnectorUser, action: 'UPDATE_PASSWORD' | 'CONFIGURE_TOTP', done: string): Promise<ActionResult> {
    const p = await prepare(user);
    if (!p.ok) return p;
    const requiredActions = [...new Set([...p.user.requiredActions, action])];
    const r = await idpRequest(
      { method: 'PUT', url: `${admin}/users/${encodeURIComponent(p.user.id)}`, headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ requiredActions }) },
      http(p.token),
    );
    return r.ok ? { ok: true, detail: `Keycloak user ${p.user.id}: ${done}` } : { ok: false, detail: `Keycloak refused: ${r.reason}` };
  }

  return {
    kind: 'keycloak',
    resetPassword: (u) => requireAction(u, 'UPDATE_PASSWORD', 'must choose a new password at the next sign-in (required action UPDATE_PASSWORD)'),
    requireMfa: (u) => requireAction(u, 'CONFIGURE_TOTP', 'must set up an authenticator app at the next sign-in (required action CONFIGURE_TOTP)'),
    async revokeSessions(u) {
      const p = await prepare(u);
      if (!p.ok) return p;
      const r = await idpRequest({ method: 'POST', url: `${admin}/users/${encodeURIComponent(p.user.id)}/logout`, headers: { authorization: `Bearer ${p.token}` } }, http(p.token));
      return r.ok ? { ok: true, detail: `Keycloak user ${p.user.id}: every session signed out` } : { ok: false, detail: `Keycloak refused: ${r.reason}` };
    },
  };
}
