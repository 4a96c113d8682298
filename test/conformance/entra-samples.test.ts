/**
 * Every real Entra sample in ../shared/samples/entra goes through the ingest
 * pipeline with --format auto and an in-memory sink; each file's outcome is
 * asserted exactly. A new sample file without an expectation fails the suite.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIngestPipeline } from '../../src/ingest/pipeline.ts';
import type { EnrichedEvent } from '../../src/schema/enrichment.ts';
import type { IngestSummary } from '../../src/schema/ingest.ts';
import { memorySink } from '../fixtures/ingest/memory-sink.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLES = path.resolve(ROOT, '../shared/samples/entra');
const limits = { maxBodyBytes: 64 * 1024 * 1024, maxRecordBytes: 256 * 1024, maxBatchRecords: 100_000 };

interface Expectation {
  readonly summary: IngestSummary;
  readonly check?: (stored: EnrichedEvent[]) => void;
}

type Kinded<K extends EnrichedEvent['kind']> = Extract<EnrichedEvent, { kind: K }>;
function only<K extends EnrichedEvent['kind']>(events: EnrichedEvent[], kind: K): Kinded<K>[] {
  expect(events.every((e) => e.kind === kind)).toBe(true);
  return events.filter((e): e is Kinded<K> => e.kind === kind);
}
const countBy = (xs: string[]): Record<string, number> => xs.reduce<Record<string, number>>((a, x) => ({ ...a, [x]: (a[x] ?? 0) + 1 }), {});

const EXPECTED: Record<string, Expectation> = {
  // Log Analytics AuditLogs hunting output: the export kept no time column
  // (no ActivityDateTime, no TimeGenerated), and an event without a time cannot be stored.
  'AuditLogs_Hunting.csv': {
    summary: {
      accepted: 0,
      duplicates: 0,
      rejected: [2, 3, 4, 5, 6].map((line) => ({ line, field: '/activityDateTime', reason: 'required field is missing (no time in the record)' })),
    },
  },
  'directoryAudits_list_v1.0_example1.json': {
    summary: { accepted: 1, duplicates: 0, rejected: [] },
    check: (s) => {
      const [a] = only(s, 'directoryAudit');
      expect(a).toMatchObject({
        id: 'id',
        activityDateTime: '2018-01-09T21:20:02.721Z',
        category: 'UserManagement',
        result: 'success',
        initiatedBy: { user: { userPrincipalName: 'bob@wingtiptoysonline.com', ipAddress: '127.0.0.1' } },
      });
      expect(a?.targetResources.map((t) => t.type)).toEqual(['Group', 'User']);
      expect(a?.additionalDetails).toEqual([{ key: 'Additional Detail Name', value: 'Additional Detail Value' }]);
    },
  },
  'directoryAudits_list_v1.0_example2_filter_initiatedBy.json': {
    summary: { accepted: 1, duplicates: 0, rejected: [] },
    check: (s) => {
      expect(only(s, 'directoryAudit')[0]).toMatchObject({
        id: 'SSGM_b662f17a-4e4d-4e1c-9248-cdec180024b2_MCDC4_88453290',
        operationType: 'Update',
        loggedByService: 'Self-service Group Management',
        initiatedBy: { user: { id: '00000000-0000-0000-0000-000000000000', ipAddress: '10.0.0.0' } },
      });
    },
  },
  // Four sign-ins to a disabled account; the export has no time column, so the
  // first authentication step's time is used (it matches signinLogs.csv's StartTime).
  'disable_accounts.csv': {
    summary: { accepted: 4, duplicates: 0, rejected: [] },
    check: (s) => {
      const si = only(s, 'signIn');
      expect(si.map((e) => e.id)).toEqual([
        '698711b3-cf4e-45f4-ae04-d4e340f06b00',
        'c31b2f10-59ed-4459-9d24-7e1c6efc5b00',
        '88627a19-54f9-4dba-97de-2caeb4896c00',
        '6d6b5c90-85c5-4e7d-ac80-50a7eb0e6900',
      ]);
      expect(si[0]?.createdDateTime).toBe('2021-04-19T12:13:19.483Z');
      for (const e of si) {
        expect(e).toMatchObject({ outcome: 'disabled', status: { errorCode: 50057 }, ipAddress: '175.45.176.99', userPrincipalName: 'johns@m365x816222.onmicrosoft.com' });
        // The export swaps latitude and longitude (latitude 125): coordinates dropped, place kept.
        expect(e.location).toEqual({ city: 'Pyongyang', state: 'North Korea', countryOrRegion: 'KP' });
      }
    },
  },
  'riskDetections_list_v1.0_example.json': {
    summary: { accepted: 0, duplicates: 0, rejected: [{ line: 3, field: '/ipAddress', reason: 'not an IP address: "123.456.7.89"' }] },
  },
  'sign-in_adelete.csv': {
    summary: { accepted: 56, duplicates: 0, rejected: [] },
    check: (s) => {
      const si = only(s, 'signIn');
      expect(new Set(si.map((e) => e.userPrincipalName))).toEqual(new Set(['adelev@m365x816222.onmicrosoft.com']));
      expect(new Set(si.map((e) => e.ipAddress))).toEqual(new Set(['175.45.176.99']));
      expect(new Set(si.map((e) => e.appDisplayName)).size).toBe(14);
      expect(countBy(si.map((e) => `${e.status.errorCode}:${e.outcome}`))).toEqual({ '0:success': 53, '16000:interrupted': 2, '50058:interrupted': 1 });
      expect(si[0]).toMatchObject({
        id: 'cfb68155-70f5-4e28-b046-0a3a7086c401',
        createdDateTime: '2021-04-28T14:08:45.221Z',
        userType: 'member',
        isInteractive: true,
        deviceDetail: { operatingSystem: 'Windows 10', browser: 'Edge 90.0.818' },
        location: { city: 'Azor', countryOrRegion: 'IL', geoCoordinates: { latitude: 32.02956008911133, longitude: 34.79964828491211 } },
      });
    },
  },
  // Verbatim Graph docs example with a trailing comma: its only record is not JSON.
  'signIns_list_v1.0_example1.verbatim.json': {
    summary: {
      accepted: 0,
      duplicates: 0,
      rejected: [{ line: 5, field: '', reason: "invalid JSON at line 64, column 15: trailing comma: expected a value before ']'" }],
    },
  },
  // The expected alert of a Sentinel hunting query, not events: no Id, not a SigninLogs/AuditLogs row.
  'signinLogs.csv': {
    summary: {
      accepted: 0,
      duplicates: 0,
      rejected: [
        {
          line: 2,
          field: '',
          reason: 'cannot tell the format of this CSV row: graph reads Log Analytics SigninLogs and AuditLogs exports (with an Id column); no other CSV is known',
        },
      ],
    },
  },
  // Three diagnostic records of the same audit id: stored once.
  'test-auditlogs-raw.log': {
    summary: { accepted: 1, duplicates: 2, rejected: [] },
    check: (s) => {
      expect(only(s, 'directoryAudit')[0]).toMatchObject({
        id: 'Directory_ESQ',
        activityDateTime: '2019-10-18T15:30:51.027Z',
        category: 'Device',
        initiatedBy: { app: { displayName: 'Device Registration Service' } },
      });
    },
  },
  'test-rickyusers-raw.log': {
    summary: { accepted: 2, duplicates: 0, rejected: [] },
    check: (s) => {
      const ru = only(s, 'riskyUser');
      expect(ru.map((u) => [u.userPrincipalName, u.riskLevel, u.riskState, u.isDeleted, u.riskLastUpdatedDateTime])).toEqual([
        ['joe.danger@mauriziobrancaoutlook.onmicrosoft.com', 'medium', 'atRisk', false, '2022-08-22T18:11:52.702Z'],
        ['joel.miller@mauriziobrancaoutlook.onmicrosoft.com', 'high', 'atRisk', true, '2022-09-09T09:59:27.958Z'],
      ]);
    },
  },
  // Five categories (interactive, non-interactive, service principal, ...) of one sign-in id: stored once.
  'test-signinlogs-raw.log': {
    summary: { accepted: 1, duplicates: 4, rejected: [] },
    check: (s) => {
      expect(only(s, 'signIn')[0]).toMatchObject({
        id: '8a4de8b5-095c-47d0-a96f-a75130c61d53',
        createdDateTime: '2019-10-18T09:45:48.072Z',
        status: { errorCode: 50140 },
        outcome: 'interrupted',
        isInteractive: false,
        ipAddress: '81.2.69.144',
        source: 'entra',
      });
    },
  },
  'test-signinlogs-sample.log': {
    summary: { accepted: 2, duplicates: 0, rejected: [] },
    check: (s) => {
      const si = only(s, 'signIn');
      expect(si.map((e) => [e.id, e.createdDateTime, e.outcome, e.userType, e.isInteractive])).toEqual([
        ['933f20c0-efdf-477f-9586-e5cc566d2e00', '2022-01-24T05:10:08.681Z', 'success', 'member', true],
        ['933f20c0-efdf-477f-9586-e5cc676f2e00', '2022-01-24T05:10:12.244Z', 'success', 'member', true],
      ]);
      expect(si[0]?.authenticationRequirement).toBe('singleFactorAuthentication');
    },
  },
  'test-userriskevents-raw.log': {
    summary: { accepted: 2, duplicates: 0, rejected: [] },
    check: (s) => {
      const rd = only(s, 'riskDetection');
      expect(rd.map((d) => [d.riskEventType, d.detectedDateTime, d.ipAddress, d.location?.city])).toEqual([
        ['anonymizedIPAddress', '2022-08-22T18:05:06.133Z', '67.43.156.42', 'Dresden'],
        ['passwordSpray', '2022-09-09T08:48:50.361Z', '67.43.156.42', 'Staten Island'],
      ]);
    },
  },
};

describe('Entra samples through --format auto', () => {
  const files = readdirSync(SAMPLES).sort();

  it('has an expectation for every sample file, and a file for every expectation', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', async (file) => {
    const expected = EXPECTED[file];
    expect(expected).toBeDefined();
    const sink = memorySink();
    const summary = await createIngestPipeline({ limits }).ingest(readFileSync(path.join(SAMPLES, file)), sink, { format: 'auto' });
    expect(summary).toEqual(expected?.summary);
    expected?.check?.(sink.stored);
  });

  it('gives the same result streamed in small chunks as read whole', async () => {
    for (const file of files) {
      const buf = readFileSync(path.join(SAMPLES, file));
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let i = 0; i < buf.length; i += 97) yield buf.subarray(i, i + 97);
      }
      const summary = await createIngestPipeline({ limits }).ingest(chunks(), memorySink(), { format: 'auto' });
      expect(summary, file).toEqual(EXPECTED[file]?.summary);
    }
  });
});
