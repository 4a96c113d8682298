/**
 * Builds the HTTP app (no listen): plugins, then every route group. Route
 * groups are encapsulated plugins under routes/; owners of other groups add
 * theirs to ROUTE_GROUPS below.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import Fastify, { type FastifyHttpOptions, type FastifyInstance, type FastifyRequest, type FastifySchema } from 'fastify';
import type { RouteAccess } from './principal.ts';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiDeps } from './deps.ts';
import { ErrorResponse } from './errors.ts';
import { createServices, type RouteOptionsOf } from './services.ts';
import { installAuth } from './plugins/auth.ts';
import { installErrorHandler } from './plugins/error-handler.ts';
import { installSecurityHeaders } from './plugins/security-headers.ts';
import { installRateLimits } from './plugins/rate-limit-hooks.ts';
import { DEFAULT_RATE_LIMITS } from './plugins/rate-limit.ts';
import { tenantRoutes } from './routes/v1/tenants.ts';
import { keyRoutes } from './routes/v1/keys.ts';
import { directoryRoutes } from './routes/v1/directory.ts';
import { eventRoutes } from './routes/v1/events.ts';
import { operatorRoutes } from './routes/v1/operator.ts';
import { reportRoutes } from './routes/v1/reports.ts';
import { sessionRoutes } from './routes/v1/session.ts';
import { metaRoutes } from './routes/v1/meta.ts';
import { portalRoutes } from './routes/portal.ts';
import { graphRoutes } from './routes/graph/graph-routes.ts';
import { listRoutes } from './routes/v1/lists.ts';
import { leakRoutes } from './routes/v1/leaks.ts';
import { detectionSettingsRoutes } from './routes/v1/detection-settings.ts';
import { backtestRoutes } from './routes/v1/backtest.ts';
import { riskyUserRoutes } from './routes/v1/risky-users.ts';
import { incidentRoutes } from './routes/v1/incidents.ts';
import { notificationRoutes } from './routes/v1/notifications.ts';
import { connectorRoutes } from './routes/v1/connector.ts';
import { oauthRoutes } from './routes/oauth/token-routes.ts';

export type ApiApp = FastifyInstance;
export type RouteGroup = (app: FastifyInstance, opts: RouteOptionsOf) => Promise<void>;

/** Every route group of the API. Add yours here (one line, one import). */
const ROUTE_GROUPS: readonly RouteGroup[] = [
  metaRoutes,
  sessionRoutes,
  tenantRoutes,
  keyRoutes,
  directoryRoutes,
  eventRoutes,
  operatorRoutes,
  reportRoutes,
  listRoutes,
  leakRoutes,
  detectionSettingsRoutes,
  backtestRoutes,
  riskyUserRoutes,
  incidentRoutes,
  notificationRoutes,
  connectorRoutes,
  graphRoutes,
  oauthRoutes,
  portalRoutes,
];

export const DOCS_PREFIX = '/api/docs';

/** What the route walker test (and docs tooling) needs to know about a registered route. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess | undefined;
  readonly schema: FastifySchema | undefined;
}
const registered = new WeakMap<object, RegisteredRoute[]>();

/** Every route of an app built by buildApp, as registered (HEAD twins and the docs UI included). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registered.get(app) ?? [];
}
export const OPENAPI_PATH = '/api/v1/openapi.json';

const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.key',
  '*.secret',
  '*.operatorToken',
  '*.client_secret',
  '*.clientSecret',
  '*.apiToken',
  '*.sealedSecret',
  'req.body',
  '*.access_token',
];

/**
 * Query parameters whose values are credentials. No route takes them, but a client may still send
 * them (a token request with client_secret in the URL, against RFC 6749 §2.3.1): the log's request
 * URL shows their names only.
 */
const SECRET_QUERY_PARAMS = new Set(['client_secret', 'client_assertion', 'access_token', 'refresh_token', 'id_token', 'code', 'password', 'secret', 'key', 'api_key', 'apikey', 'token']);

/** The URL as logged: the values of SECRET_QUERY_PARAMS replaced, everything else as sent. */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      const raw = eq < 0 ? p : p.slice(0, eq);
      let name = raw;
      try {
        name = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: compare the name as sent
      }
      return SECRET_QUERY_PARAMS.has(name.trim().toLowerCase()) ? `${raw}=[redacted]` : p;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** extraRoutes: route groups registered after the built-in ones (tests, optional features). */
export async function buildApp(deps: ApiDeps, extraRoutes: readonly RouteGroup[] = []): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const options: FastifyHttpOptions<Server> = {
    logger: {
      level: deps.config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      // Fastify's request serializer, with the URL's credential parameters redacted (loggedUrl).
      serializers: {
        req: (req: FastifyRequest) => ({ method: req.method, url: loggedUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket.remotePort }),
      },
      ...(deps.logStream !== undefined ? { stream: deps.logStream } : {}),
    },
    // Ids are ours: a client-chosen id could forge log lines or collide.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: deps.config.limits.maxBodyBytes,
    trustProxy: false,
  };
  // With TLS material Fastify serves HTTPS itself. Typed as the HTTP variant on purpose: routes and
  // plugins never touch the raw server, and one instance type keeps every route group's signature plain.
  if (deps.https !== undefined) Object.assign(options, { https: { cert: deps.https.cert, key: deps.https.key } });
  const app = Fastify(options).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  const services = createServices(deps);
  // Cookies are parsed by an onRequest hook that must run before authentication's.
  await app.register(cookie);

  installErrorHandler(app, now);
  installSecurityHeaders(app, deps.tls === true);
  installRateLimits(app, deps.rateLimits ?? DEFAULT_RATE_LIMITS, 'ip');
  installAuth(app, {
    apiKeys: services.apiKeys,
    accessTokens: services.accessTokens,
    sessions: services.sessions,
    operatorToken: deps.operatorToken,
    publicPrefixes: [DOCS_PREFIX],
  });
  installRateLimits(app, deps.rateLimits ?? DEFAULT_RATE_LIMITS, 'principal');
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, access: route.config?.access, schema: route.schema });
  });
  app.addHook('onRoute', (route) => {
    // Every route documents its error answers in the one shape the error handler renders.
    if (route.url.startsWith(DOCS_PREFIX)) return;
    const schema = route.schema ?? {};
    const response = (schema.response ?? {}) as Record<string, unknown>;
    route.schema = {
      ...schema,
      response: { ...response, '4xx': response['4xx'] ?? ErrorResponse, '5xx': response['5xx'] ?? ErrorResponse },
      ...(route.config?.access !== 'public' && schema.security === undefined
        ? { security: [{ apiKey: [] }, { session: [] }] }
        : {}),
    };
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'authlens API',
        version: '1',
        description: 'Sign-in logs, access and usage reports and attack detections for a directory. See docs/api.md.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'API key al_<id>_<secret>, or an access token for it from POST /{tenant}/oauth2/v2.0/token (OAuth 2.0 client credentials)',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'authlens_session' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });

  for (const group of [...ROUTE_GROUPS, ...extraRoutes]) {
    await app.register(group, { deps, services });
  }
  return app as unknown as FastifyInstance;
}
