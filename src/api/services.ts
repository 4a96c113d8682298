/** The directory services the routes use, built once per app from ApiDeps. */
import { randomBytes } from 'node:crypto';
import { createAccessTokenService, type AccessTokenService } from '../directory/access-tokens.ts';
import { createApiKeyService, type ApiKeyService } from '../directory/api-keys.ts';
import { createMemoryPortalUserStore, createSessionService, type SessionService } from '../directory/sessions.ts';
import { createTenantService, type TenantService } from '../directory/tenants.ts';
import type { ApiDeps } from './deps.ts';

export interface ApiServices {
  readonly apiKeys: ApiKeyService;
  /** Access tokens exchanged for API keys (OAuth client credentials). */
  readonly accessTokens: AccessTokenService;
  readonly sessions: SessionService;
  readonly tenants: TenantService;
}

export function createServices(deps: ApiDeps): ApiServices {
  const now = deps.now ?? (() => new Date());
  const apiKeys = createApiKeyService(deps.store.control, now);
  return {
    apiKeys,
    accessTokens: createAccessTokenService(apiKeys, {
      signingKey: deps.oauth?.signingKey ?? randomBytes(32),
      ...(deps.oauth?.tokenLifetimeSeconds !== undefined ? { lifetimeSeconds: deps.oauth.tokenLifetimeSeconds } : {}),
      now,
    }),
    sessions: createSessionService(deps.portalUsers ?? createMemoryPortalUserStore(), { now: () => now().getTime() }),
    tenants: createTenantService(deps.store.control, now),
  };
}

/** What every route plugin of this API receives. */
export interface RouteOptionsOf {
  readonly deps: ApiDeps;
  readonly services: ApiServices;
}
