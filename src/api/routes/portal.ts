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
const JS = 'text/javascript; charset=utf-8';
const FILES: Readonly<Record<string, string>> = {
  'portal.js': JS,
  'lib.js': JS,
  'portal.css': 'text/css; charset=utf-8',
};
/** A page module's name (src/web/pages): lower-case words and .js, so it can only name a file in that folder. */
const PAGE_FILE = /^[a-z0-9-]{1,60}\.js$/;

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
      // Only the listed files: the name never reaches the file system otherwise ("constructor" is not one of them).
      if (!Object.hasOwn(FILES, file)) throw new ApiError(404, 'notFound', 'no such portal file');
      return reply.type(FILES[file] ?? JS).send(await readFile(path.join(WEB_DIR, file), 'utf8'));
    },
  );
  app.get(
    '/portal/pages/:file',
    {
      config: { access: 'public' },
      schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 64 }) }), response: { 200: Type.String() } },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      if (!PAGE_FILE.test(file)) throw new ApiError(404, 'notFound', 'no such portal file');
      const text = await readFile(path.join(WEB_DIR, 'pages', file), 'utf8').catch(() => undefined);
      if (text === undefined) throw new ApiError(404, 'notFound', 'no such portal file');
      return reply.type(JS).send(text);
    },
  );
}
