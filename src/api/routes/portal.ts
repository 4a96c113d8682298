/**
 * Serves the portal's static files (src/web) at / and /portal/*. Public: the
 * files hold no data; everything the portal shows comes from /api/v1 with the
 * user's session.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
/**
 * Data files the pages read, each from a pinned package (never a name from the
 * request): the user page's map draws Natural Earth country outlines from
 * world-atlas (ISC, see the README), offline, with no tile server.
 */
const DATA_FILES: Readonly<Record<string, string>> = {
  'countries-110m.json': 'world-atlas/countries-110m.json',
};
const requireFrom = createRequire(import.meta.url);
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
  const dataCache = new Map<string, string>();
  app.get(
    '/portal/data/:file',
    {
      config: { access: 'public' },
      schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 64 }) }), response: { 200: Type.String() } },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      if (!Object.hasOwn(DATA_FILES, file)) throw new ApiError(404, 'notFound', 'no such portal file');
      let body = dataCache.get(file);
      if (body === undefined) {
        body = await readFile(requireFrom.resolve(DATA_FILES[file] as string), 'utf8');
        dataCache.set(file, body);
      }
      return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=86400').send(body);
    },
  );
}
