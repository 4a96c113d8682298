/** The directory services the routes use, built once per app from ApiDeps. */
import { createApiKeyService, type ApiKeyService } from '../directory/api-keys.ts';
import { createMemoryPortalUserStore, createSessionService, type SessionService } from '../directory/sessions.ts';
import { createTenantService, type TenantService } from '../directory/tenants.ts';
import type { ApiDeps } from './deps.ts';

export interface ApiServices {
  readonly apiKeys: ApiKeyService;
  readonly sessions: SessionService;
  readonly tenants: TenantService;
}

export function createServices(deps: ApiDeps): ApiServices {
  const now = deps.now ?? (() => new Date());
  return {
    apiKeys: createApiKeyService(deps.store.control, now),
    sessions: createSessionService(deps.portalUsers ?? createMemoryPortalUserStore(), { now: () => now().getTime() }),
    tenants: createTenantService(deps.store.control, now),
  };
}

/** What every route plugin of this API receives. */
export interface RouteOptionsOf {
  readonly deps: ApiDeps;
  readonly services: ApiServices;
}
