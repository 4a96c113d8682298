/**
 * POST /api/v1/tenants/{tenant}/events: a JSON array or NDJSON of events,
 * optionally gzip-compressed. The body is read whole (bounded by
 * limits.maxBodyBytes after decompression) and its records counted
 * (limits.maxBatchRecords) before the pipeline sees any of it, so a refused
 * batch stores nothing. Per-record outcomes come back as SPEC 10's summary.
 */
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { IngestSummary, InputFormat } from '../../../schema/ingest.ts';
import { isReportingEnabled } from '../../../directory/tenants.ts';
import { ApiError, reportingNotEnabled } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { INGEST_ROLES, TenantParams } from './common.ts';
import { RecordCounter } from './record-counter.ts';

const EventsQuery = Type.Object({ format: Type.Optional(InputFormat) });
export const INGEST_CONTENT_TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'text/plain',
];

/** Reads the (decompressed) body into chunks, enforcing both limits as bytes arrive. */
export async function readLimited(
  stream: AsyncIterable<Buffer | string>,
  maxBytes: number,
  maxRecords: number,
): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  const counter = new RecordCounter();
  let bytes = 0;
  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    bytes += chunk.length;
    if (bytes > maxBytes) {
      throw new ApiError(413, 'payloadTooLarge', `the body exceeds limits.maxBodyBytes (${maxBytes} bytes after decompression)`);
    }
    if (counter.feed(chunk) > maxRecords) {
      throw new ApiError(413, 'payloadTooLarge', `the batch exceeds limits.maxBatchRecords (${maxRecords} records)`);
    }
    chunks.push(chunk);
  }
  return chunks;
}

function decoded(body: Readable, encoding: string | undefined): AsyncIterable<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc === 'gzip' || enc === 'x-gzip') {
    const gunzip = createGunzip();
    body.on('error', (err) => gunzip.destroy(err));
    return body.pipe(gunzip);
  }
  throw new ApiError(415, 'unsupportedMediaType', `Content-Encoding '${enc}' is not supported; use gzip or none`);
}

async function* once(chunks: readonly Buffer[]): AsyncIterable<Buffer> {
  yield* chunks;
}

export async function eventRoutes(app: FastifyInstance, { deps, services }: RouteOptionsOf): Promise<void> {
  // The body is handed over unread: limits apply after decompression, which Fastify's own parser cannot see.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(INGEST_CONTENT_TYPES, (_request, payload, done) => done(null, payload));
  // curl's default (form encoding) and anything else: say what is taken.
  app.addContentTypeParser('*', (request, _payload, done) =>
    done(
      new ApiError(
        415,
        'unsupportedMediaType',
        `Content-Type '${request.headers['content-type'] ?? ''}' is not taken here; send the events as ${INGEST_CONTENT_TYPES.join(', ')} (gzip with Content-Encoding: gzip)`,
      ),
    ),
  );
  const { maxBodyBytes, maxBatchRecords } = deps.config.limits;

  app.post(
    '/api/v1/tenants/:tenant/events',
    {
      config: { access: { roles: INGEST_ROLES }, rateLimit: 'ingest' },
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        summary: 'Ingest events (JSON array or NDJSON; Content-Encoding: gzip accepted)',
        description: `Records per batch at most limits.maxBatchRecords (default 100000), body at most limits.maxBodyBytes after decompression (default 64 MiB); above either: 413. Refused with reportingNotEnabled until a global admin opts in.`,
        tags: ['events'],
        params: TenantParams,
        querystring: EventsQuery,
        body: Type.Unknown({ description: 'JSON array or NDJSON of events in any supported format' }),
        consumes: INGEST_CONTENT_TYPES,
        response: { 200: IngestSummary },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const { format } = request.query as Static<typeof EventsQuery>;
      const t = await services.tenants.get(tenant);
      if (t === undefined) throw new ApiError(404, 'notFound', `tenant '${tenant}' not found`);
      if (!isReportingEnabled(t)) throw reportingNotEnabled();
      const body = request.body as Readable | undefined;
      if (body === undefined || body === null) throw new ApiError(400, 'badRequest', 'the request has no body');
      const chunks = await readLimited(decoded(body, request.headers['content-encoding']), maxBodyBytes, maxBatchRecords).catch(
        (err: unknown) => {
          if (err instanceof ApiError) throw err;
          // zlib errors: the client sent something that is not gzip.
          throw new ApiError(400, 'badRequest', 'the body could not be decompressed');
        },
      );
      return deps.ingest(tenant, once(chunks), format ?? 'auto');
    },
  );
}
