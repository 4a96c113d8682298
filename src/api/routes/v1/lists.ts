/**
 * IP lists over HTTP (the CLI's `authlens lists`), scoped to the caller's
 * tenant: it sees its own lists and the global ones, and may add or remove
 * only its own. Global lists are the operator's (CLI). A list comes from an
 * http(s) URL or from the request body (text/plain), never from a server
 * path. Downloads go only to public addresses, redirects included, so a
 * tenant cannot make the server read its internal network.
 */
import { lookup } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { IpCategory } from '../../../schema/enrichment.ts';
import { TenantId } from '../../../schema/tenants.ts';
import { CatalogError, isUrl, LIST_NAME_PATTERN, openIpListCatalog, type IndexEntry, type IpListCatalog } from '../../../enrich/ip-lists/catalog.ts';
import { IP_LIST_FORMATS } from '../../../enrich/ip-lists/formats.ts';
import { classifyIp } from '../../../enrich/ip-scope.ts';
import type { ApiDeps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES, TenantParams } from './common.ts';
import { SETTINGS_ROLES } from './detection-settings.ts';

/** A download larger than this is refused (the biggest public feeds are a few MB). */
export const MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const SHOWN_REJECTS = 100;

const ListName = Type.String({ pattern: LIST_NAME_PATTERN });
const Format = Type.Enum(['auto', ...IP_LIST_FORMATS]);
const ListView = Type.Object({
  name: Type.String(),
  scope: Type.Enum(['tenant', 'global']),
  category: IpCategory,
  format: Type.String(),
  /** The URL it was downloaded from, or "upload" / "file" (server paths are not shown). */
  source: Type.String(),
  loadedAt: Type.String(),
  entries: Type.Integer(),
  v4: Type.Integer(),
  v6: Type.Integer(),
  rejected: Type.Integer(),
  /** Global lists belong to the operator: a tenant cannot change them. */
  readOnly: Type.Boolean(),
});
const AddJson = Type.Object(
  {
    name: ListName,
    category: IpCategory,
    source: Type.String({ pattern: '^https?://', maxLength: 2048, description: 'http(s) URL; the list is downloaded now and refreshed by the server' }),
    format: Type.Optional(Format),
    minCount: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
const AddQuery = Type.Object(
  { name: Type.Optional(ListName), category: Type.Optional(IpCategory), format: Type.Optional(Format), minCount: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
const AddResponse = Type.Object({
  list: ListView,
  skipped: Type.Integer(),
  rejectedCount: Type.Integer(),
  /** Rejected lines of an uploaded list (line and reason); a downloaded list's are counted only. */
  rejected: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
});
const NameParams = Type.Object({ tenant: TenantId, name: ListName });

function listView(e: IndexEntry): Static<typeof ListView> {
  const global = e.scope === 'global';
  return {
    name: e.name,
    scope: global ? 'global' : 'tenant',
    category: e.category,
    format: e.format,
    source: isUrl(e.source) ? e.source : global ? 'file' : 'upload',
    loadedAt: e.loadedAt,
    entries: e.counts.entries,
    v4: e.counts.v4,
    v6: e.counts.v6,
    rejected: e.counts.rejected,
    readOnly: global,
  };
}

/** Refuses hosts that are, or resolve to, anything but public unicast addresses. */
async function assertPublicHost(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true, verbatim: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new CatalogError(`cannot resolve ${url.hostname}`);
  if (addresses.some((a) => classifyIp(a) !== 'public')) throw new CatalogError(`${url.hostname} is not a public address; lists are downloaded from the internet only`);
}

/** fetch for tenant-given URLs: public hosts only at every redirect, a size cap, nothing else. */
export function createPublicFetch(base: typeof fetch = fetch, check: (url: URL) => Promise<void> = assertPublicHost): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let url = new URL(input instanceof Request ? input.url : input.toString());
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CatalogError(`${url.protocol} URLs are not allowed`);
      await check(url);
      const res = await base(url, { ...init, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        if (hop >= MAX_REDIRECTS) throw new CatalogError(`more than ${MAX_REDIRECTS} redirects`);
        url = new URL(location, url);
        continue;
      }
      if (!res.ok || res.body === null) return res;
      const reader = res.body.getReader();
      const parts: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_DOWNLOAD_BYTES) {
          await reader.cancel();
          throw new CatalogError(`the list is larger than ${MAX_DOWNLOAD_BYTES} bytes`);
        }
        parts.push(value);
      }
      return new Response(Buffer.concat(parts), { status: res.status, headers: res.headers });
    }
  }) as typeof fetch;
}

function catalogOf(deps: ApiDeps): IpListCatalog {
  if (deps.ipLists === undefined) throw new ApiError(503, 'serviceUnavailable', 'IP lists are not available on this server');
  return deps.ipLists;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CatalogError) throw new ApiError(400, 'invalidRequest', e.message);
    if (e instanceof TypeError || (e instanceof Error && e.name === 'TimeoutError')) throw new ApiError(400, 'invalidRequest', 'the list could not be downloaded');
    throw e;
  }
}

export async function listRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  // Writes go through a catalog over the same files and registry whose downloads are limited to public hosts.
  let writer: IpListCatalog | undefined;
  const writerOf = (): IpListCatalog => {
    const c = catalogOf(deps);
    writer ??= openIpListCatalog({ dataDir: path.dirname(c.dir), registry: c.registry, fetch: deps.ipListFetch ?? createPublicFetch(), ...(deps.now !== undefined ? { now: deps.now } : {}) });
    return writer;
  };
  app.addHook('onClose', async () => writer?.close());

  app.get(
    '/api/v1/tenants/:tenant/lists',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { summary: "The tenant's IP lists and the global ones (read-only)", tags: ['ip-lists'], params: TenantParams, response: { 200: Type.Array(ListView) } },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const all = await guarded(() => catalogOf(deps).entries());
      return all.filter((e) => e.scope === 'global' || e.scope.tenant === tenant).map(listView);
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/lists',
    {
      config: { access: { roles: SETTINGS_ROLES } },
      schema: {
        summary: 'Add or replace a tenant IP list from an http(s) URL (JSON body) or from the body itself (text/plain with ?name=&category=)',
        description: `Categories: anonymizer, botnet, malicious, trusted (trusted = named locations). Formats: auto, ${IP_LIST_FORMATS.join(', ')}.`,
        tags: ['ip-lists'],
        params: TenantParams,
        querystring: AddQuery,
        body: Type.Union([AddJson, Type.String({ description: 'the list itself (text/plain)' })]),
        consumes: ['application/json', 'text/plain'],
        response: { 201: AddResponse },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const q = request.query as Static<typeof AddQuery>;
      const body = request.body as Static<typeof AddJson> | string;
      const writer = writerOf();
      const scope = { tenant };
      let r: Awaited<ReturnType<IpListCatalog['add']>>;
      if (typeof body === 'string') {
        if (q.name === undefined || q.category === undefined) throw new ApiError(400, 'invalidRequest', 'an uploaded list needs ?name= and ?category=');
        const { name, category } = q;
        const format = q.format === 'auto' ? undefined : q.format;
        // The catalog reads files or URLs: the upload passes through a private temporary file, removed at once.
        const dir = await mkdtemp(path.join(tmpdir(), 'authlens-list-'));
        try {
          const file = path.join(dir, `${name}.txt`);
          await writeFile(file, body, { mode: 0o600 });
          r = await guarded(() => writer.add({ scope, name, category, source: file, ...(format !== undefined ? { format } : {}), ...(q.minCount !== undefined ? { minCount: q.minCount } : {}) }));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      } else {
        const format = body.format === 'auto' ? undefined : body.format;
        r = await guarded(() =>
          writer.add({ scope, name: body.name, category: body.category, source: body.source, ...(format !== undefined ? { format } : {}), ...(body.minCount !== undefined ? { minCount: body.minCount } : {}) }),
        );
      }
      const uploaded = typeof body === 'string';
      return reply.code(201).send({
        list: listView(r.entry),
        skipped: r.parsed.skipped,
        rejectedCount: r.parsed.rejectedCount,
        // A downloaded page's lines are not echoed back: counts only.
        rejected: uploaded ? r.parsed.rejected.slice(0, SHOWN_REJECTS).map((x) => ({ line: x.line, reason: x.reason })) : [],
      });
    },
  );

  app.delete(
    '/api/v1/tenants/:tenant/lists/:name',
    {
      config: { access: { roles: SETTINGS_ROLES } },
      schema: { summary: 'Remove a tenant IP list (global lists are the operator\'s)', tags: ['ip-lists'], params: NameParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { tenant, name } = request.params as Static<typeof NameParams>;
      const removed = await guarded(() => writerOf().remove({ tenant }, name));
      if (!removed) {
        const global = (await catalogOf(deps).entries()).some((e) => e.scope === 'global' && e.name === name);
        if (global) throw new ApiError(403, 'forbidden', `'${name}' is a global list; the operator manages it (authlens lists remove --global)`);
        throw new ApiError(404, 'notFound', `no list '${name}' in this tenant`);
      }
      return reply.code(204).send();
    },
  );
}
