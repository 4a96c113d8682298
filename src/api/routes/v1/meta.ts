/** The OpenAPI document and a liveness probe. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { RouteOptionsOf } from '../../services.ts';

export const OpenApiDocument = Type.Object(
  { openapi: Type.String(), info: Type.Object({}, { additionalProperties: true }), paths: Type.Object({}, { additionalProperties: true }) },
  { additionalProperties: true },
);

export async function metaRoutes(app: FastifyInstance, _opts: RouteOptionsOf): Promise<void> {
  app.get(
    '/api/v1/openapi.json',
    {
      config: { access: 'public' },
      schema: { hide: true, response: { 200: OpenApiDocument } },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
  app.get(
    '/api/v1/health',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness probe',
        tags: ['meta'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
}
