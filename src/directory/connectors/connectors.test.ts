/**
 * Each connector against a real local HTTP server: the exact requests the
 * vendor documents (method, path, headers, body), the outcome on success,
 * refusal and silence, and that no secret reaches a reason. No live IdP is
 * reachable from here; these servers only stand in for one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../notify/cloud-events.ts';
import { startHook, type LocalHook } from '../../notify/testing/local-servers.ts';
import { scrub } from './http.ts';
import { createConnector } from './index.ts';
import { startFakeIdp, type FakeIdp } from './testing/fake-idp.ts';
import type { ConnectorContext } from './types.ts';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const ctx = (over: Partial<ConnectorContext> = {}): ConnectorContext => ({
  tenant: 't1',
  requestedBy: 'alice@contoso.example',
  requestId: 'req-1',
  hosts: 'any',
  now: () => NOW,
  ...over,
});
const BOB = { userPrincipalName: 'bob@contoso.example', directoryId: 'U-BOB' };
const SECRET = 'whsec-0123456789abcdef';

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function hook(statuses: number[] = []): Promise<LocalHook> {
  const h = await startHook(statuses);
  servers.push(h);
  return h;
}
async function idp(routes: Parameters<typeof startFakeIdp>[0]): Promise<FakeIdp> {
  const f = await startFakeIdp(routes);
  servers.push(f);
  return f;
}

describe('webhook connector', () => {
  it.each([
    ['resetPassword', (c: ReturnType<typeof createConnector>) => c.resetPassword(BOB)],
    ['requireMfa', (c: ReturnType<typeof createConnector>) => c.requireMfa(BOB)],
    ['revokeSessions', (c: ReturnType<typeof createConnector>) => c.revokeSessions(BOB)],
  ] as const)('POSTs a signed CloudEvent for %s and takes 2xx as accepted', async (action, run) => {
    const h = await hook();
    const out = await run(createConnector({ kind: 'webhook', url: h.url, secret: SECRET }, ctx()));
    expect(out).toEqual({ ok: true, detail: `request accepted by the automation at ${new URL(h.url).host}` });
    expect(h.received).toHaveLength(1);
    const got = h.received[0]!;
    expect(got.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(got.headers['x-authlens-delivery']).toBe('req-1');
    expect(verifySignature(got.body, SECRET, got.headers['x-authlens-signature'] as string)).toBe(true);
    expect(JSON.parse(got.body)).toEqual({
      specversion: '1.0',
      id: 'req-1',
      source: '/authlens/tenants/t1',
      type: 'com.authlens.breachAction',
      subject: 'bob@contoso.example',
      time: '2026-11-20T12:00:00.000Z',
      datacontenttype: 'application/json',
      data: { action, user: { userPrincipalName: 'bob@contoso.example', id: 'U-BOB' }, tenant: 't1', requestedBy: 'alice@contoso.example' },
    });
  });

  it('reports a refusal and a silent receiver, and never posts to loopback unless the operator allows private hosts', async () => {
    const refusing = await hook([500]);
    const c = createConnector({ kind: 'webhook', url: refusing.url, secret: SECRET }, ctx());
    const out = await c.revokeSessions(BOB);
    expect(out.ok).toBe(false);
    // The status, never the raw body: it goes to the history and the audit log that reports readers see.
    expect(out.detail).toMatch(/did not accept it: HTTP 500$/);
    expect(out.detail).not.toContain('receiver trouble');

    const silent = await hook([0]);
    const slow = await createConnector({ kind: 'webhook', url: silent.url, secret: SECRET }, ctx({ timeoutMs: 200 })).revokeSessions(BOB);
    expect(slow).toEqual({ ok: false, detail: expect.stringContaining('no answer within 200 ms') });

    const h = await hook();
    const pub = await createConnector({ kind: 'webhook', url: h.url, secret: SECRET }, ctx({ hosts: 'public' })).revokeSessions(BOB);
    expect(pub.ok).toBe(false);
    expect(pub.detail).toContain('is not a public address');
    const meta = await createConnector({ kind: 'webhook', url: 'http://169.254.169.254/latest/meta-data', secret: SECRET }, ctx()).revokeSessions(BOB);
    expect(meta.detail).toContain('link-local');
    expect(h.received).toHaveLength(0);
  });
});

it('words a webhook refusal by the error words of a JSON answer, not by the body, and without the secret', async () => {
  const answer = { error: { code: 'Forbidden', message: `no playbook for this; you sent ${SECRET}` }, debug: 'internal stack trace, hosts and tokens' };
  const fakeFetch: typeof fetch = () => Promise.resolve(new Response(JSON.stringify(answer), { status: 403, headers: { 'content-type': 'application/json' } }));
  const out = await createConnector({ kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: SECRET }, ctx({ fetch: fakeFetch })).requireMfa(BOB);
  expect(out).toEqual({ ok: false, detail: 'the automation at 127.0.0.1:9 did not accept it: HTTP 403 (Forbidden: no playbook for this; you sent [redacted])' });
});

it('scrubs a secret in the forms an IdP may echo it: as sent in the token form, URL-encoded, JSON-escaped', () => {
  // Entra client secrets hold '~' and '.', which a form body encodes (%7E); a '/' or '"' is escaped in JSON.
  const secret = 'Ab8Q~x.y+z/"w';
  const echoed = `got client_secret=${new URLSearchParams({ s: secret }).toString().slice(2)} url ${encodeURIComponent(secret)} json ${JSON.stringify(secret)} raw ${secret}`;
  const out = scrub(echoed, [secret]);
  expect(out).toBe('got client_secret=[redacted] url [redacted] json "[redacted]" raw [redacted]');
});

describe('keycloak connector', () => {
  const TOKEN = 'kc-access-token';
  const routes = {
    'POST /realms/acme/protocol/openid-connect/token': { status: 200, json: { access_token: TOKEN, expires_in: 60, token_type: 'Bearer' } },
    'GET /admin/realms/acme/users?username=bob%40contoso.example&exact=true': {
      status: 200,
      json: [{ id: 'kc-1', username: 'bob@contoso.example', requiredActions: ['VERIFY_EMAIL'] }],
    },
    'PUT /admin/realms/acme/users/kc-1': { status: 204 },
    'POST /admin/realms/acme/users/kc-1/logout': { status: 204 },
  };
  const cfg = (url: string) => ({ kind: 'keycloak' as const, baseUrl: `${url}`, realm: 'acme', clientId: 'authlens', clientSecret: 'kc-client-secret' });

  it('gets a client-credentials token, finds the user by username, and sets required actions keeping those set', async () => {
    const f = await idp(routes);
    const c = createConnector(cfg(f.url), ctx());
    expect(await c.resetPassword(BOB)).toEqual({ ok: true, detail: 'Keycloak user kc-1: must choose a new password at the next sign-in (required action UPDATE_PASSWORD)' });
    const [token, find, put] = f.requests;
    expect(token).toMatchObject({ method: 'POST', path: '/realms/acme/protocol/openid-connect/token' });
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({ grant_type: 'client_credentials', client_id: 'authlens', client_secret: 'kc-client-secret' });
    expect(find).toMatchObject({ method: 'GET', path: '/admin/realms/acme/users?username=bob%40contoso.example&exact=true' });
    expect(find!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(put).toMatchObject({ method: 'PUT', path: '/admin/realms/acme/users/kc-1' });
    expect(put!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(put!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(put!.body)).toEqual({ requiredActions: ['VERIFY_EMAIL', 'UPDATE_PASSWORD'] });

    f.requests.length = 0;
    expect((await c.requireMfa(BOB)).ok).toBe(true);
    expect(JSON.parse(f.requests[2]!.body)).toEqual({ requiredActions: ['VERIFY_EMAIL', 'CONFIGURE_TOTP'] });

    f.requests.length = 0;
    expect(await c.revokeSessions(BOB)).toEqual({ ok: true, detail: 'Keycloak user kc-1: every session signed out' });
    expect(f.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /realms/acme/protocol/openid-connect/token',
      'GET /admin/realms/acme/users?username=bob%40contoso.example&exact=true',
      'POST /admin/realms/acme/users/kc-1/logout',
    ]);
    expect(f.requests[2]!.body).toBe('');
  });

  it('says why when the client is refused or the user is not in the realm, without the secret', async () => {
    const f = await idp({
      'POST /realms/acme/protocol/openid-connect/token': { status: 401, json: { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials (kc-client-secret)' } },
    });
    const out = await createConnector(cfg(f.url), ctx()).revokeSessions(BOB);
    expect(out).toEqual({ ok: false, detail: 'Keycloak token request failed: HTTP 401 (unauthorized_client: Invalid client or Invalid client credentials ([redacted]))' });

    const g = await idp({ ...routes, 'GET /admin/realms/acme/users?username=bob%40contoso.example&exact=true': { status: 200, json: [] } });
    expect(await createConnector(cfg(g.url), ctx()).revokeSessions(BOB)).toEqual({ ok: false, detail: 'Keycloak realm acme has no user with username bob@contoso.example' });
  });
});

describe('okta connector', () => {
  const routes = {
    'GET /api/v1/users/bob%40contoso.example': { status: 200, json: { id: '00ub0b', status: 'ACTIVE', profile: { login: 'bob@contoso.example' } } },
    'DELETE /api/v1/users/00ub0b/sessions?oauthTokens=true': { status: 204 },
    'POST /api/v1/users/00ub0b/lifecycle/reset_password?sendEmail=true': { status: 200, json: {} },
    'POST /api/v1/users/00ub0b/lifecycle/reset_factors': { status: 200, json: {} },
  };
  const cfg = (url: string) => ({ kind: 'okta' as const, orgUrl: url, apiToken: '00okta-api-token' });

  it.each([
    ['revokeSessions', 'DELETE /api/v1/users/00ub0b/sessions?oauthTokens=true', 'Okta user 00ub0b: every session and OAuth token revoked'],
    ['resetPassword', 'POST /api/v1/users/00ub0b/lifecycle/reset_password?sendEmail=true', 'Okta user 00ub0b: password reset; Okta e-mailed the user a reset link'],
    ['requireMfa', 'POST /api/v1/users/00ub0b/lifecycle/reset_factors', 'Okta user 00ub0b: every MFA factor removed; the user enrols again at the next sign-in'],
  ] as const)('%s: looks the login up, then %s with the SSWS token', async (action, call, detail) => {
    const f = await idp(routes);
    expect(await createConnector(cfg(f.url), ctx())[action](BOB)).toEqual({ ok: true, detail });
    expect(f.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/users/bob%40contoso.example', call]);
    for (const r of f.requests) {
      expect(r.headers.authorization).toBe('SSWS 00okta-api-token');
      expect(r.headers.accept).toBe('application/json');
      expect(r.body).toBe('');
    }
  });

  it('passes on the reason Okta gives, without the token', async () => {
    const f = await idp({
      ...routes,
      'DELETE /api/v1/users/00ub0b/sessions?oauthTokens=true': { status: 403, json: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' } },
    });
    expect(await createConnector(cfg(f.url), ctx()).revokeSessions(BOB)).toEqual({
      ok: false,
      detail: 'Okta refused: HTTP 403 (E0000006: You do not have permission to perform the requested action)',
    });
  });
});

describe('entra connector', () => {
  const TOKEN = 'graph-app-token';
  const cfg = (url: string) => ({
    kind: 'entra' as const,
    directoryId: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-3333-4444-555555555555',
    clientSecret: 'entra~client~secret',
    authorityUrl: `${url}/login`,
    graphUrl: `${url}/graph`,
  });
  const routes = (url: string) => ({
    'POST /login/contoso.onmicrosoft.com/oauth2/v2.0/token': { status: 200, json: { token_type: 'Bearer', expires_in: 3599, access_token: TOKEN, scope: `${url}/graph/.default` } },
    'POST /graph/v1.0/users/U-BOB/revokeSignInSessions': { status: 200, json: { '@odata.context': 'x', value: true } },
    'PATCH /graph/v1.0/users/U-BOB': { status: 204 },
    'PATCH /graph/beta/users/U-BOB/authentication/requirements': { status: 204 },
    'POST /graph/v1.0/users/carol%40contoso.example/revokeSignInSessions': { status: 200, json: { value: true } },
  });

  it.each([
    ['revokeSessions', 'POST /graph/v1.0/users/U-BOB/revokeSignInSessions', undefined],
    ['resetPassword', 'PATCH /graph/v1.0/users/U-BOB', { passwordProfile: { forceChangePasswordNextSignIn: true } }],
    ['requireMfa', 'PATCH /graph/beta/users/U-BOB/authentication/requirements', { perUserMfaState: 'enforced' }],
  ] as const)('%s: an app-only token, then %s', async (action, call, body) => {
    const f = await startFakeIdp();
    servers.push(f);
    for (const [k, v] of Object.entries(routes(f.url))) f.routes.set(k, v);
    expect((await createConnector(cfg(f.url), ctx())[action](BOB)).ok).toBe(true);
    const [token, req] = f.requests;
    expect(`${token!.method} ${token!.path}`).toBe('POST /login/contoso.onmicrosoft.com/oauth2/v2.0/token');
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: '11111111-2222-3333-4444-555555555555',
      client_secret: 'entra~client~secret',
      scope: `${f.url}/graph/.default`,
    });
    expect(`${req!.method} ${req!.path}`).toBe(call);
    expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    if (body === undefined) expect(req!.body).toBe('');
    else {
      expect(req!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req!.body)).toEqual(body);
    }
  });

  it('addresses a user without a directory id by UPN, and words a Graph refusal', async () => {
    const f = await startFakeIdp();
    servers.push(f);
    for (const [k, v] of Object.entries(routes(f.url))) f.routes.set(k, v);
    expect((await createConnector(cfg(f.url), ctx()).revokeSessions({ userPrincipalName: 'carol@contoso.example' })).ok).toBe(true);
    f.routes.set('PATCH /graph/v1.0/users/U-BOB', { status: 403, json: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    expect(await createConnector(cfg(f.url), ctx()).resetPassword(BOB)).toEqual({
      ok: false,
      detail: 'Microsoft Graph refused: HTTP 403 (Authorization_RequestDenied: Insufficient privileges to complete the operation.)',
    });
  });

  it('does not follow a redirect (it could carry the token elsewhere)', async () => {
    const f = await startFakeIdp();
    servers.push(f);
    f.routes.set('POST /login/contoso.onmicrosoft.com/oauth2/v2.0/token', { status: 302 });
    const out = await createConnector(cfg(f.url), ctx()).revokeSessions(BOB);
    expect(out).toEqual({ ok: false, detail: 'Microsoft Entra token request failed: HTTP 302' });
    expect(f.requests).toHaveLength(1);
  });
});
