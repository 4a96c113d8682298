/**
 * The real Keycloak server log in ../shared/samples/keycloak (WildFly's console
 * layout: a time of day, no date) through the ingest pipeline with --format
 * auto and --format keycloak. Its 17 server lines are skipped; its 15
 * LOGIN_ERROR lines are each rejected for the missing date. The same lines
 * with a date put in front (in memory; the sample is never copied) show what
 * the mapping makes of each real event.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIngestPipeline } from '../../src/ingest/pipeline.ts';
import type { EnrichedEvent } from '../../src/schema/enrichment.ts';
import { memorySink } from '../fixtures/ingest/memory-sink.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLES = path.resolve(ROOT, '../shared/samples/keycloak');
const LOG = readFileSync(path.join(SAMPLES, 'test-log.log'));
const limits = { maxBodyBytes: 64 * 1024 * 1024, maxRecordBytes: 256 * 1024, maxBatchRecords: 100_000 };

/** The 1-based lines of the sample that are [org.keycloak.events] lines. */
const EVENT_LINES = LOG.toString('utf8')
  .split('\n')
  .flatMap((l, i) => (l.includes('[org.keycloak.events]') ? [i + 1] : []));

async function ingest(input: Buffer, format: 'auto' | 'keycloak'): Promise<{ summary: Awaited<ReturnType<ReturnType<typeof createIngestPipeline>['ingest']>>; stored: EnrichedEvent[] }> {
  const sink = memorySink();
  const summary = await createIngestPipeline({ limits }).ingest(input, sink, { format });
  return { summary, stored: sink.stored };
}

describe('Keycloak sample test-log.log', () => {
  it('is the only sample file, and has the 15 event lines INDEX.md describes', () => {
    expect(readdirSync(SAMPLES)).toEqual(['test-log.log']);
    expect(EVENT_LINES).toHaveLength(15);
  });

  it.each(['auto', 'keycloak'] as const)('--format %s: rejects each of the 15 events for its missing date, and skips the server lines', async (format) => {
    const { summary } = await ingest(LOG, format);
    expect(summary.accepted).toBe(0);
    expect(summary.duplicates).toBe(0);
    expect(summary.rejected.map((r) => r.line)).toEqual(EVENT_LINES);
    for (const r of summary.rejected) {
      expect(r.field).toBe('/time');
      expect(r.reason).toMatch(/^the log line has a time of day \(\d\d:\d\d:\d\d,\d{3}\) but no date, so the event cannot be placed in time/);
    }
  });

  it('with a date in front of each line: 4 failed sign-ins kept, 11 events that name no user rejected', async () => {
    const dated = Buffer.from(
      LOG.toString('utf8')
        .split('\n')
        .map((l) => `2021-10-05 ${l}`)
        .join('\n'),
    );
    for (const format of ['auto', 'keycloak'] as const) {
      const { summary, stored } = await ingest(dated, format);
      expect(summary.accepted).toBe(4);
      const noUser = summary.rejected.filter((r) => r.field === '/username' && r.reason.startsWith('no user: the event names neither a username nor a userId'));
      expect(noUser).toHaveLength(11);
      expect(summary.rejected).toHaveLength(11);
      // 10 probes with a wrong redirect URI before any login form, and 1 user_not_found before a username was sent.
      expect(noUser.filter((r) => r.reason.includes('(error invalid_redirect_uri)'))).toHaveLength(10);
      expect(noUser.filter((r) => r.reason.includes('(error user_not_found)'))).toHaveLength(1);
      const signIns = stored.flatMap((e) => (e.kind === 'signIn' ? [e] : []));
      expect(signIns.map((e) => [e.createdDateTime, e.userPrincipalName, e.outcome, e.status.errorCode, e.status.failureReason, e.appId, e.ipAddress])).toEqual([
        ['2021-10-05T21:20:42.120Z', 'admin', 'credentialFailure', 1001, 'invalid_user_credentials', 'test', '172.18.0.1'],
        ['2021-10-05T21:24:42.565Z', 'asdf', 'credentialFailure', 1002, 'user_not_found', 'security-admin-console', '172.18.0.1'],
        ['2021-10-05T21:25:46.013Z', 'asdf', 'credentialFailure', 1002, 'user_not_found', 'security-admin-console', '172.18.0.1'],
        ['2021-10-05T21:29:09.867Z', 'asdf', 'credentialFailure', 1002, 'user_not_found', 'security-admin-console', '172.18.0.1'],
      ]);
      expect(signIns[0]).toMatchObject({ userId: 'cc74404c-de7e-482a-98f7-b271ff3c49be', correlationId: '3a76b735-e324-42b1-aa15-7c1f69f22eb8', source: 'keycloak' });
      expect(new Set(signIns.map((e) => e.id)).size).toBe(4);
    }
  });

  it('gives the same result streamed in small chunks as read whole', async () => {
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < LOG.length; i += 97) yield LOG.subarray(i, i + 97);
    }
    const sink = memorySink();
    const streamed = await createIngestPipeline({ limits }).ingest(chunks(), sink, { format: 'auto' });
    expect(streamed).toEqual((await ingest(LOG, 'auto')).summary);
  });
});
