/**
 * OAuth 2.0 client credentials for API keys, in the shape of the Microsoft
 * identity platform, so Graph tooling reaches authlens by changing its
 * authority host (docs/api.md, "OAuth 2.0 client credentials"):
 *
 * - POST /{tenant}/oauth2/v2.0/token: RFC 6749 §4.4 (client_id = the key's id,
 *   client_secret = the key), client_secret_post or client_secret_basic;
 *   answers RFC 6749 §5.1, errors RFC 6749 §5.2 (not Graph's error shape: OAuth
 *   clients read `error`).
 * - GET /{tenant}/v2.0/.well-known/openid-configuration: what MSAL reads
 *   before it asks for a token.
 * - GET /{tenant}/discovery/v2.0/keys: an empty key set (tokens are HMAC-signed:
 *   only authlens can check them, no key is published).
 *
 * A key of another tenant, an unknown id, a wrong secret and a revoked key all
 * get the same invalid_client. The discovery document is served for any
 * well-formed tenant id, existing or not, so neither route says which exist.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { TenantId } from '../../../schema/tenants.ts';
import { ApiError } from '../../errors.ts';
import { describeValidation } from '../../plugins/error-handler.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { formDecode, parseForm } from './form.ts';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
/** A token request is a few hundred bytes; 16 KiB leaves room for clients' extra parameters and nothing more. */
const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

/** Scopes that mean "what the key may do" (`.default`, as Entra reads it): Graph's, by URL and by app id, and authlens's own. */
export const ACCEPTED_SCOPES: readonly string[] = [
  'https://graph.microsoft.com/.default',
  '00000003-0000-0000-c000-000000000000/.default',
  'api://authlens/.default',
];
/** OpenID Connect scopes some clients add to every request; they grant nothing here and are passed over. */
const IGNORED_SCOPES = new Set(['openid', 'profile', 'offline_access']);

const OAuthParams = Type.Object({ tenant: TenantId });

const TokenRequest = Type.Object(
  {
    grant_type: Type.String({ maxLength: 200, description: 'client_credentials (the only grant)' }),
    client_id: Type.Optional(Type.String({ maxLength: 200, description: "the API key's id (16 hex characters); or in HTTP Basic" })),
    client_secret: Type.Optional(
      Type.String({ maxLength: 200, description: 'the API key as `keys create` prints it (al_<id>_<secret>), or its secret part; or in HTTP Basic' }),
    ),
    scope: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: `optional; space-separated, each one of ${ACCEPTED_SCOPES.join(', ')}, <this server's origin>/.default, or openid/profile/offline_access (ignored). The token always carries the key's role.`,
      }),
    ),
  },
  { additionalProperties: true, description: 'RFC 6749 §4.4.2, form-urlencoded; parameters other than these are ignored (RFC 6749 §3.2)' },
);
/** The declared parameters, and whatever else the client sent (the form parser yields strings only). */
type TokenRequest = Static<typeof TokenRequest> & { readonly [other: string]: string | undefined };

export const TokenResponse = Type.Object(
  {
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'seconds the token is valid (3600)' }),
    access_token: Type.String({ description: 'use as Authorization: Bearer <access_token> on /api/v1 and /v1.0' }),
  },
  { description: 'RFC 6749 §5.1' },
);

export const OAuthErrorBody = Type.Object(
  {
    error: Type.String({ description: 'invalid_request, invalid_client, unsupported_grant_type, invalid_scope, temporarily_unavailable (429) or server_error' }),
    error_description: Type.String(),
  },
  { description: 'RFC 6749 §5.2' },
);
type OAuthErrorBody = Static<typeof OAuthErrorBody>;

const OpenIdConfiguration = Type.Object({
  issuer: Type.String(),
  token_endpoint: Type.String(),
  authorization_endpoint: Type.String({ description: 'listed because MSAL requires the field; authlens has no interactive sign-in (404)' }),
  jwks_uri: Type.String(),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  grant_types_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String()),
  scopes_supported: Type.Array(Type.String()),
});

const KeySet = Type.Object({ keys: Type.Array(Type.Unknown(), { maxItems: 0 }) }, { description: 'always empty: tokens are HMAC-signed and checked by authlens only' });

/** An RFC 6749 §5.2 refusal; the route group's error handler renders it. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="authlens", charset="UTF-8"' };
const CLIENT_AUTH_FAILED =
  'client authentication failed: check client_id (the key id), client_secret (the key) and the tenant in the URL; the key may also be revoked';

function invalidClient(description = CLIENT_AUTH_FAILED): OAuthError {
  // 401 with a challenge whichever way the client sent its credentials (RFC 6749 §5.2 requires it for Basic; HTTP for any 401).
  return new OAuthError(401, 'invalid_client', description, BASIC_CHALLENGE);
}

function invalidRequest(description: string): OAuthError {
  return new OAuthError(400, 'invalid_request', description);
}

/** Values echoed back are cut, so a hostile request cannot fill the answer. */
function shown(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}...` : v;
}

type BasicCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly id: string; readonly secret: string }
  | { readonly kind: 'refused'; readonly why: string };

/** RFC 6749 §2.3.1: `Basic base64(formEncode(client_id) ":" formEncode(client_secret))`. */
export function basicCredentials(header: string | undefined): BasicCredentials {
  if (header === undefined) return { kind: 'none' };
  const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (m === null || m[1] === undefined) {
    return /^Basic\b/i.test(header)
      ? { kind: 'refused', why: 'the Authorization header is not valid HTTP Basic' }
      : { kind: 'refused', why: 'the token endpoint takes the client credentials as HTTP Basic or in the body (client_id, client_secret)' };
  }
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'refused', why: 'HTTP Basic credentials need client_id:client_secret' };
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (id === undefined || secret === undefined) return { kind: 'refused', why: 'HTTP Basic credentials are not form-urlencoded correctly' };
  return { kind: 'basic', id, secret };
}

/** Which client is asking, from HTTP Basic or the body (one method only, RFC 6749 §2.3). */
function clientOf(body: TokenRequest, header: string | undefined): { id: string; secret: string } {
  const basic = basicCredentials(header);
  if (basic.kind === 'refused') throw invalidClient(`${basic.why}; ${CLIENT_AUTH_FAILED}`);
  if (typeof body['client_assertion'] === 'string') {
    throw invalidClient('authlens keys authenticate with client_secret (in the body or HTTP Basic), not with client_assertion');
  }
  if (basic.kind === 'basic') {
    if (body.client_secret !== undefined) throw invalidRequest('the client authenticated twice (HTTP Basic and client_secret): use one method');
    if (body.client_id !== undefined && body.client_id !== basic.id) throw invalidRequest('client_id in the body differs from the one in HTTP Basic');
    return basic;
  }
  if (body.client_id === undefined || body.client_secret === undefined) {
    throw invalidClient('no client authentication: send client_id and client_secret in the body, or HTTP Basic');
  }
  return { id: body.client_id, secret: body.client_secret };
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function checkScope(scope: string | undefined, request: FastifyRequest): void {
  if (scope === undefined) return;
  const own = `${origin(request)}/.default`.toLowerCase();
  for (const item of scope.split(' ').filter((s) => s !== '')) {
    const s = item.toLowerCase();
    if (IGNORED_SCOPES.has(s) || s === own || ACCEPTED_SCOPES.includes(s)) continue;
    throw new OAuthError(
      400,
      'invalid_scope',
      `scope '${shown(item)}' is not offered: a token carries its key's role, not single permissions; ask for ${ACCEPTED_SCOPES[0] ?? ''} (or ${ACCEPTED_SCOPES.slice(1).join(', ')}, ${origin(request)}/.default)`,
    );
  }
}

/** Any error of this route group as RFC 6749 §5.2. */
function toOAuthError(err: FastifyError | Error, request: FastifyRequest): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof ApiError) {
    // The IP rate limit (rate-limit-hooks.ts) runs before the route and throws the API's own error.
    if (err.status === 429) return new OAuthError(429, 'temporarily_unavailable', err.message, err.headers);
    return new OAuthError(err.status >= 500 ? 500 : 400, err.status >= 500 ? 'server_error' : 'invalid_request', err.message, err.headers);
  }
  const fe = err as FastifyError;
  if (fe.validation !== undefined) {
    const where = fe.validationContext ?? 'request';
    if (where === 'body' && (request.body === undefined || request.body === null)) {
      const inUrl = request.url.includes('?') ? '; parameters in the URL are not read (RFC 6749 §2.3.1: never put the client secret there)' : '';
      return invalidRequest(`no request body: send grant_type=client_credentials and the client credentials as ${FORM_CONTENT_TYPE} (RFC 6749 §4.4.2)${inUrl}`);
    }
    const known = where === 'body' ? Object.keys(TokenRequest.properties) : [];
    return invalidRequest(describeValidation(fe.validation, where, known));
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413) return new OAuthError(413, 'invalid_request', `the request is over ${MAX_TOKEN_REQUEST_BYTES} bytes`);
  if (status === 415) return invalidRequest(`send the request as ${FORM_CONTENT_TYPE}`);
  if (status >= 400 && status < 500) return invalidRequest(fe.message);
  request.log.error({ err }, 'unhandled error');
  return new OAuthError(500, 'server_error', 'internal server error');
}

export async function oauthRoutes(app: FastifyInstance, { services }: RouteOptionsOf): Promise<void> {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    const e = toOAuthError(err, request);
    const body: OAuthErrorBody = { error: e.error, error_description: e.description };
    return reply.headers(e.headers).code(e.status).send(body);
  });
  // RFC 6749 §5.1: token answers (and their refusals) are never cached.
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return payload;
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string', bodyLimit: MAX_TOKEN_REQUEST_BYTES }, (_request, body, done) => {
    const r = parseForm(typeof body === 'string' ? body : body.toString('utf8'));
    if (r.ok) done(null, r.params);
    else done(invalidRequest(r.reason));
  });
  app.addContentTypeParser('*', (request, _payload, done) =>
    done(invalidRequest(`Content-Type '${shown(request.headers['content-type'] ?? '')}' is not taken here; send ${FORM_CONTENT_TYPE} (RFC 6749 §4.4.2)`)),
  );

  app.post(
    '/:tenant/oauth2/v2.0/token',
    {
      config: { access: 'public', rateLimit: 'token' },
      bodyLimit: MAX_TOKEN_REQUEST_BYTES,
      schema: {
        summary: 'Exchange an API key for an access token (OAuth 2.0 client credentials)',
        description:
          "Microsoft identity platform's token endpoint shape: point Graph tooling's authority host at authlens. client_id = the key's id, client_secret = the key (client_secret_post or client_secret_basic). The token (1 hour) works wherever the key does, as the key (same tenant and role), and stops when the key is revoked.",
        tags: ['oauth'],
        params: OAuthParams,
        consumes: [FORM_CONTENT_TYPE],
        body: TokenRequest,
        response: { 200: TokenResponse, '4xx': OAuthErrorBody, '5xx': OAuthErrorBody },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params as Static<typeof OAuthParams>;
      const body = request.body as TokenRequest;
      if (body.grant_type !== 'client_credentials') {
        throw new OAuthError(400, 'unsupported_grant_type', `grant_type '${shown(body.grant_type)}' is not supported; authlens issues tokens for client_credentials only`);
      }
      const client = clientOf(body, request.headers.authorization);
      const issued = await services.accessTokens.issue(tenant, client.id, client.secret);
      if (!issued.ok) throw invalidClient();
      // Once the client is known, as Entra does: a caller without a valid key learns nothing but invalid_client.
      checkScope(body.scope, request);
      const answer: Static<typeof TokenResponse> = { token_type: 'Bearer', expires_in: issued.token.expiresIn, access_token: issued.token.accessToken };
      return reply.send(answer);
    },
  );

  app.get(
    '/:tenant/v2.0/.well-known/openid-configuration',
    {
      config: { access: 'public' },
      schema: {
        summary: "The token endpoint's metadata, as MSAL reads it (OpenID Connect discovery / RFC 8414 subset)",
        tags: ['oauth'],
        params: OAuthParams,
        response: { 200: OpenIdConfiguration, '4xx': OAuthErrorBody, '5xx': OAuthErrorBody },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof OAuthParams>;
      const base = `${origin(request)}/${tenant}`;
      const doc: Static<typeof OpenIdConfiguration> = {
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        grant_types_supported: ['client_credentials'],
        response_types_supported: [],
        scopes_supported: [...ACCEPTED_SCOPES, `${origin(request)}/.default`],
      };
      return doc;
    },
  );

  app.get(
    '/:tenant/discovery/v2.0/keys',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Published token signing keys: none (tokens are HMAC-signed and checked by authlens only)',
        tags: ['oauth'],
        params: OAuthParams,
        response: { 200: KeySet, '4xx': OAuthErrorBody, '5xx': OAuthErrorBody },
      },
    },
    async () => ({ keys: [] }),
  );
}
