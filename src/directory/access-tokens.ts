/**
 * OAuth 2.0 access tokens for API keys (client credentials, RFC 6749 §4.4).
 *
 * A token is a JWT (RFC 9068 profile: `typ: at+jwt`) signed with HMAC-SHA256
 * under a server secret kept in the data dir, so tokens outlive a restart and
 * nothing about them is stored. The algorithm is pinned on both sides: a
 * token whose header names any other (`none`, RS256, ...) is refused before
 * its signature is looked at.
 *
 * A token stands for its key, not beside it: every use looks the key up
 * (ApiKeyService.authenticateIssued) and takes tenant and role from the stored
 * key, so a revoked key's tokens stop at their next request, as the key does.
 * That is the cost of one key authentication (one read by primary key), and it
 * needs no token state: nothing to keep in step across restarts or nodes.
 */
import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { ApiKeyRecord } from '../store/ports.ts';
import type { TenantId } from '../schema/tenants.ts';
import { ID_PATTERN, parseApiKey, type ApiKeyService } from './api-keys.ts';

/** One hour, as Entra's default for client-credential tokens (60-90 min); clients ask again when it runs out. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
export const TOKEN_ALGORITHM = 'HS256';
export const TOKEN_TYPE = 'at+jwt';
/** iss and aud of every token: authlens issues for itself only (the discovery document's issuer is per tenant and host). */
export const TOKEN_ISSUER = 'authlens';
export const TOKEN_AUDIENCE = 'authlens-api';

export interface AccessTokenOptions {
  /** HMAC key, at least 32 bytes (secrets.ts keeps it in the data dir). */
  readonly signingKey: Uint8Array;
  readonly lifetimeSeconds?: number;
  readonly now?: () => Date;
}

export interface IssuedAccessToken {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly record: ApiKeyRecord;
}

export type IssueResult = { readonly ok: true; readonly token: IssuedAccessToken } | { readonly ok: false };

export type AccessTokenCheck =
  | { readonly ok: true; readonly record: ApiKeyRecord }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' | 'unknown' | 'revoked' | 'malformed' | 'mismatch' };

export interface AccessTokenService {
  /**
   * Client credentials: client_id is the key's id, client_secret the whole key (`al_<id>_<secret>`, as
   * `keys create` prints it) or its secret part. Fails alike for an unknown id, a wrong secret, a
   * revoked key and a key of another tenant.
   */
  issue(tenant: TenantId, clientId: string, clientSecret: string): Promise<IssueResult>;
  /** Checks a presented token and the key behind it (records the key's last use). */
  authenticate(token: string): Promise<AccessTokenCheck>;
}

/** Compact JWS: three base64url parts. API keys (`al_...`) never look like this. */
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeAccessToken(raw: string): boolean {
  return raw.length <= 4096 && JWS_COMPACT.test(raw);
}

export function createAccessTokenService(apiKeys: ApiKeyService, opts: AccessTokenOptions): AccessTokenService {
  if (opts.signingKey.length < 32) throw new Error('the access-token signing key needs at least 32 bytes');
  const key = opts.signingKey;
  const lifetime = opts.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const now = opts.now ?? (() => new Date());
  return {
    async issue(tenant, clientId, clientSecret) {
      let secret = clientSecret;
      const whole = parseApiKey(clientSecret);
      if (whole !== undefined) {
        if (whole.id !== clientId) return { ok: false };
        secret = whole.secret;
      }
      const check = await apiKeys.authenticateClient(tenant, clientId, secret);
      if (!check.ok) return { ok: false };
      const iat = Math.floor(now().getTime() / 1000);
      const accessToken = await new SignJWT({ tid: check.record.tenant, azp: check.record.id, roles: [check.record.role] })
        .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: TOKEN_TYPE })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject(check.record.id)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + lifetime)
        .setJti(randomBytes(16).toString('base64url'))
        .sign(key);
      return { ok: true, token: { accessToken, expiresIn: lifetime, record: check.record } };
    },
    async authenticate(token) {
      if (!looksLikeAccessToken(token)) return { ok: false, reason: 'malformed' };
      let claims: { sub?: unknown; tid?: unknown };
      try {
        ({ payload: claims } = await jwtVerify(token, key, {
          algorithms: [TOKEN_ALGORITHM],
          typ: TOKEN_TYPE,
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          currentDate: now(),
          maxTokenAge: lifetime,
          clockTolerance: 0,
          requiredClaims: ['sub', 'tid', 'exp', 'iat'],
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
        // Bad signature, other algorithm, wrong typ/iss/aud, not yet valid, unreadable: one answer.
        if (err instanceof errors.JOSEError) return { ok: false, reason: 'invalid' };
        throw err;
      }
      const { sub, tid } = claims;
      if (typeof sub !== 'string' || !ID_PATTERN.test(sub) || typeof tid !== 'string') return { ok: false, reason: 'invalid' };
      return apiKeys.authenticateIssued(tid, sub);
    },
  };
}
