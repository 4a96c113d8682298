/**
 * Serves the portal's static files (src/web) at / and /portal/*. Public: the
 * files hold no data; everything the portal shows comes from /api/v1 with the
 * user's session.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../errors.ts';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const FILES: Readonly<Record<string, string>> = {
  'portal.js': 'text/javascript; charset=utf-8',
  'portal.css': 'text/css; charset=utf-8',
};

export async function portalRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/',
    {
      config: { access: 'public' },
      schema: { hide: true, response: { 200: Type.String() } },
    },
    async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(await readFile(path.join(WEB_DIR, 'index.html'), 'utf8')),
  );
  app.get(
    '/portal/:file',
    {
      config: { access: 'public' },
      schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 64 }) }), response: { 200: Type.String() } },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      const type = FILES[file];
      // Only the listed files: the name never reaches the file system otherwise.
      if (type === undefined) throw new ApiError(404, 'notFound', 'no such portal file');
      return reply.type(type).send(await readFile(path.join(WEB_DIR, file), 'utf8'));
    },
  );
}
