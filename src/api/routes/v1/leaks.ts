/**
 * Leaked-credential feeds over HTTP (the CLI's `authlens leaks import`): CSV
 * with a header row or NDJSON, SPEC 10 columns. Plaintext passwords are
 * hashed while parsing and never stored; bad rows are rejected with line,
 * field and reason while the others are kept. The summary gives counts only:
 * hashes never leave the server.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { parseLeaks } from '../../../detect/leaks/parse-leaks.ts';
import { rematchLeaks } from '../../../detect/leaks/rematch.ts';
import type { TenantId } from '../../../schema/tenants.ts';
import type { ApiDeps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES, TenantParams } from './common.ts';
import { detectDepsOf, SETTINGS_ROLES } from './detection-settings.ts';

const FEED_CONTENT_TYPES = ['text/csv', 'application/x-ndjson', 'application/ndjson'];
/** Rejections returned in one answer; the count says how many there were. */
const MAX_REJECTIONS_SHOWN = 1000;
/**
 * Records per request. The store checks each record for a duplicate (measured
 * ~665 records/s on the shared 2-core machine), so a bigger feed would hold a
 * request for minutes: it is refused whole, to be sent in parts.
 */
export const MAX_FEED_RECORDS = 20_000;

const ImportResponse = Type.Object({
  accepted: Type.Integer(),
  inserted: Type.Integer(),
  duplicates: Type.Integer(),
  matchedUsers: Type.Integer(),
  detections: Type.Integer(),
  rejectedCount: Type.Integer(),
  rejected: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), reason: Type.String() })),
});
const SummaryResponse = Type.Object({
  records: Type.Integer(),
  accounts: Type.Integer(),
  withSha1: Type.Integer(),
  withNtlm: Type.Integer(),
  /** Accounts of the feed that are directory users (UPN or mail). */
  matchedDirectoryUsers: Type.Integer(),
  sources: Type.Array(Type.Object({ source: Type.String(), records: Type.Integer() })),
  lastImportedAt: Type.Union([Type.String(), Type.Null()]),
});

/**
 * D8 for the tenant's whole stored feed against its current directory,
 * stored. Called after a feed import and after a directory import (users
 * added after the feed still match); ids are deterministic, so repeats add
 * nothing. Returns the detections found.
 */
export async function rematchAndStore(deps: ApiDeps, tenant: TenantId): Promise<{ detections: number; matchedUsers: number }> {
  const d = detectDepsOf(deps);
  const found = await rematchLeaks(tenant, { leaks: d.leaks, control: deps.store.control, settings: d.settings });
  if (found.length > 0) await deps.store.detections.appendDetections(tenant, found);
  return { detections: found.length, matchedUsers: new Set(found.map((x) => x.userId ?? x.userPrincipalName)).size };
}

export async function leakRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  const now = deps.now ?? (() => new Date());
  app.addContentTypeParser(FEED_CONTENT_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post(
    '/api/v1/tenants/:tenant/leaks',
    {
      config: { access: { roles: SETTINGS_ROLES } },
      schema: {
        summary: 'Import a leaked-credential feed (CSV with header or NDJSON) and match it against the directory (D8)',
        description:
          'Content-Type text/csv, application/x-ndjson or text/plain. Columns/keys: email|upn|username, sha1|password_sha1, ntlm, password (hashed on read, never stored), source, date. ' +
          'Rows are rejected one by one with line, field and reason; the others are kept. Re-sending a feed changes nothing.',
        tags: ['detections'],
        params: TenantParams,
        body: Type.String({ description: 'the feed' }),
        // The OpenAPI document's request content types (Fastify's default text/plain parser takes the rest).
        consumes: [...FEED_CONTENT_TYPES, 'text/plain'],
        response: { 200: ImportResponse },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const d = detectDepsOf(deps);
      const parsed = parseLeaks(request.body as string, now().toISOString());
      if (parsed.records.length > MAX_FEED_RECORDS) {
        throw new ApiError(413, 'payloadTooLarge', `${parsed.records.length} records in one feed; at most ${MAX_FEED_RECORDS} per request: send it in parts (re-sent records are ignored)`);
      }
      const stored = await d.leaks.importLeaks(tenant, parsed.records);
      const matched = await rematchAndStore(deps, tenant);
      return {
        accepted: parsed.records.length,
        inserted: stored.inserted,
        duplicates: stored.duplicates,
        matchedUsers: matched.matchedUsers,
        detections: matched.detections,
        rejectedCount: parsed.rejected.length,
        rejected: parsed.rejected.slice(0, MAX_REJECTIONS_SHOWN),
      };
    },
  );
  app.get(
    '/api/v1/tenants/:tenant/leaks',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'Summary of the stored leaked-credential feed (counts only, never hashes)',
        tags: ['detections'],
        params: TenantParams,
        response: { 200: SummaryResponse },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const d = detectDepsOf(deps);
      const [leaks, directory] = await Promise.all([d.leaks.listLeaks(tenant), deps.store.control.getDirectory(tenant)]);
      const accounts = new Set(leaks.map((l) => l.account));
      const known = new Set<string>();
      for (const u of directory.users) {
        known.add(u.userPrincipalName.toLowerCase());
        if (u.mail !== undefined) known.add(u.mail.toLowerCase());
      }
      const bySource = new Map<string, number>();
      for (const l of leaks) bySource.set(l.source ?? '', (bySource.get(l.source ?? '') ?? 0) + 1);
      const last = leaks.reduce<string | null>((m, l) => (m === null || l.importedAt > m ? l.importedAt : m), null);
      return {
        records: leaks.length,
        accounts: accounts.size,
        withSha1: leaks.filter((l) => l.sha1 !== undefined).length,
        withNtlm: leaks.filter((l) => l.ntlm !== undefined).length,
        matchedDirectoryUsers: [...accounts].filter((a) => known.has(a)).length,
        sources: [...bySource].sort((a, b) => a[0].localeCompare(b[0])).map(([source, records]) => ({ source, records })),
        lastImportedAt: last,
      };
    },
  );
}
