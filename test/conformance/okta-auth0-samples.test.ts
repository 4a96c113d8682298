/**
 * Every real Okta and Auth0 record in ../shared/samples (the Elastic
 * integration samples, and the `log` of every Okta / Auth0 rule test in
 * Panther's detection cases) goes through the ingest pipeline with
 * --format auto and with the explicit format; each record's outcome is
 * asserted (exact counts per kind / outcome / rejection reason). The samples
 * are read in place, never copied.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../src/detect/engine/run.ts';
import { bruteForce } from '../../src/detect/detectors/brute-force/index.ts';
import { adaptAuto } from '../../src/ingest/formats/auto.ts';
import { adaptAuth0 } from '../../src/ingest/formats/auth0.ts';
import { adaptOkta } from '../../src/ingest/formats/okta.ts';
import type { AdaptResult } from '../../src/ingest/formats/adapt-result.ts';
import { createIngestPipeline } from '../../src/ingest/pipeline.ts';
import type { EnrichedEvent, EnrichedSignIn } from '../../src/schema/enrichment.ts';
import { memorySink } from '../fixtures/ingest/memory-sink.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLES = path.resolve(ROOT, '../shared/samples');
const limits = { maxBodyBytes: 64 * 1024 * 1024, maxRecordBytes: 256 * 1024, maxBatchRecords: 100_000 };

type Obj = Record<string, unknown>;
const isSignIn = (e: EnrichedEvent): e is EnrichedSignIn => e.kind === 'signIn';

async function ingest(input: Buffer, format: 'auto' | 'okta' | 'auth0') {
  const sink = memorySink();
  const summary = await createIngestPipeline({ limits }).ingest(input, sink, { format });
  return { summary, stored: sink.stored };
}

/** One line per outcome, so a whole sample's result reads as a small table. */
function describeResult(r: AdaptResult): string {
  if (!r.ok) return `rejected ${r.field}: ${r.reason}`;
  const e = r.event;
  if (e.kind === 'signIn') return `signIn ${e.outcome}`;
  if (e.kind === 'directoryAudit') return `directoryAudit ${e.category} ${e.result}`;
  return e.kind;
}
function tally(results: readonly AdaptResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[describeResult(r)] = (out[describeResult(r)] ?? 0) + 1;
  return out;
}

describe('okta/okta-system-events-unique.ndjson (Elastic)', () => {
  const file = readFileSync(path.join(SAMPLES, 'okta/okta-system-events-unique.ndjson'));

  it.each(['auto', 'okta'] as const)('--format %s: a logout and a policy ALLOW are audit events, the login a sign-in', async (format) => {
    const { summary, stored } = await ingest(file, format);
    expect(summary).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect(stored.map((e) => [e.kind, e.id])).toEqual([
      ['directoryAudit', 'faf7398a-4f77-11ea-97fb-5925e98228bd'],
      ['signIn', '3aeede38-4f67-11ea-abd3-1f5d113f2546'],
      ['directoryAudit', '3af594f9-4f67-11ea-abd3-1f5d113f2546'],
    ]);
    expect(stored[0]).toMatchObject({ category: 'UserSession', activityDisplayName: 'User logout from Okta', result: 'success' });
    expect(stored[1]).toMatchObject({
      createdDateTime: '2020-02-14T20:18:57.718Z',
      userPrincipalName: 'xxxxxx@elastic.co',
      ipAddress: '175.16.199.1',
      outcome: 'success',
      status: { errorCode: 0 },
      location: { city: 'Dublin', state: 'California', countryOrRegion: 'US', geoCoordinates: { latitude: 37.7201, longitude: -121.919 } },
      deviceDetail: { operatingSystem: 'Mac OS X', browser: 'Firefox' },
      source: 'okta',
    });
    expect(stored[2]).toMatchObject({ category: 'Policy', result: 'success', resultReason: 'Sign-on policy evaluation resulted in ALLOW' });
  });
});

describe('auth0/test-login-failure.json (Elastic)', () => {
  const raw = readFileSync(path.join(SAMPLES, 'auth0/test-login-failure.json'));
  // The file is Elastic's pipeline-test harness, {"events":[{"json":{...}}]}: not a shape Auth0 or any
  // exporter produces, so the reader does not unwrap it. Its elements are fed as a JSON array, the shape
  // of a Management API page or a log-stream batch.
  const events = (JSON.parse(raw.toString('utf8')) as { events: Obj[] }).events;
  const array = Buffer.from(`[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`);
  const noUser = (line: number, said: string) => ({
    line,
    field: '/json/data/user_name',
    reason: `required field is missing: a Failed Login event names no user, and a sign-in needs one; Auth0 says: ${said}`,
  });

  it('the harness file as a whole is one record auto cannot place', async () => {
    const { summary } = await ingest(raw, 'auto');
    expect(summary.accepted).toBe(0);
    expect(summary.rejected).toEqual([{ line: 1, field: '', reason: expect.stringContaining('cannot tell the format of this record') }]);
  });

  it.each(['auto', 'auth0'] as const)('--format %s: the two wrong-credential failures are kept, the three that name no user rejected', async (format) => {
    const { summary, stored } = await ingest(array, format);
    expect(summary).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        noUser(2, 'Callback URL mismatch. http://localhost:3000/callback is not in the list of allowed callback URLs'),
        noUser(3, 'Callback URL mismatch. http://localhost:3000/callback is not in the list of allowed callback URLs'),
        noUser(4, 'the connection is not enabled'),
      ],
    });
    expect(stored.filter(isSignIn).map((e) => [e.userPrincipalName, e.outcome, e.status.errorCode, e.createdDateTime, e.ipAddress])).toEqual([
      ['neo@gmail.com', 'credentialFailure', 2, '2021-11-03T03:07:24.384Z', '81.2.69.143'],
      ['new@test.com', 'credentialFailure', 1, '2021-11-03T08:25:14.466Z', '81.2.69.143'],
    ]);
  });
});

interface PantherCase {
  readonly rule_id: string;
  readonly test_name: string;
  readonly log_types?: readonly string[] | null;
  readonly log: unknown;
}
const panther = readFileSync(path.join(SAMPLES, 'detection-cases/panther_test_cases.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as PantherCase);
const logOf = (c: PantherCase): Obj => (typeof c.log === 'object' && c.log !== null && !Array.isArray(c.log) ? (c.log as Obj) : {});
const json = (value: Obj) => ({ ok: true, line: 1, shape: 'json', value }) as const;
/**
 * The logs of a product: tests of rules over its log type whose log is of that type (multi-source rules
 * test other products' logs too; scheduled and correlation rules test query results, not logs).
 */
const ofProduct = (logType: 'Okta.SystemLog' | 'Auth0.Events') =>
  panther.filter((c) => {
    const own = logOf(c).p_log_type;
    return (c.log_types ?? []).includes(logType) && (own === undefined || own === logType);
  });

describe('Panther detection-case logs (panther-labs/panther-analysis rule tests)', () => {
  it('Okta: 83 records; the hand-written ones without uuid or time are rejected, the rest map', () => {
    const cases = ofProduct('Okta.SystemLog');
    expect(cases).toHaveLength(83);
    const results = cases.map((c) => adaptOkta(json(logOf(c))));
    expect(tally(results)).toEqual({
      'directoryAudit ApplicationManagement failure': 2,
      'directoryAudit ApplicationManagement success': 10,
      'directoryAudit ApplicationManagement unknownFutureValue': 2,
      'directoryAudit DirectoryManagement failure': 2,
      'directoryAudit DirectoryManagement success': 7,
      'directoryAudit GroupManagement failure': 3,
      'directoryAudit PasswordReset success': 1,
      'directoryAudit PasswordResetRegistration success': 4,
      'directoryAudit Policy unknownFutureValue': 5,
      'directoryAudit Security failure': 1,
      'directoryAudit Security success': 1,
      'directoryAudit UserManagement failure': 1,
      'directoryAudit UserManagement success': 3,
      'signIn blocked': 4,
      'signIn credentialFailure': 2,
      'signIn mfaDenied': 2,
      'signIn success': 15,
      // Hand-trimmed test logs that keep only the fields a rule reads: no identity or no time to store.
      'rejected /published: not an ISO-8601 time: "redacted"': 4,
      'rejected /published: required field is missing': 4,
      'rejected /uuid: required field is missing': 10,
    });
    // auto reaches the same result for every record it recognises as Okta (eventType, actor, published or uuid).
    for (const c of cases) {
      const auto = adaptAuto(json(logOf(c)));
      if (auto.ok || !auto.reason.startsWith('cannot tell')) expect(auto, `${c.rule_id} ${c.test_name}`).toEqual(adaptOkta(json(logOf(c))));
    }
    // Every record the okta format accepts, auto accepts too (lower-cased keys included).
    expect(cases.filter((c) => adaptAuto(json(logOf(c))).ok)).toHaveLength(65);
  });

  it.each<[string, string, string]>([
    ['Okta.Login.Success', 'Successful Login', 'signIn success'],
    ['Okta.Login.Success', 'Failed Login', 'signIn credentialFailure'],
    ['Okta.Phishing.Attempt.Blocked.FastPass', 'FastPass Phishing Block Event', 'signIn blocked'],
    ['Okta.App.Unauthorized.Access.Attempt', 'Unauthorized Access Event', 'signIn blocked'],
    ['Okta.User.Account.Locked', 'Account Lock Event', 'directoryAudit UserManagement failure'],
    ['Okta.ThreatInsight.Security.Threat.Detected', 'Threat Detected Event - Deny', 'directoryAudit Security failure'],
    ['Okta.User.MFA.Factor.Suspend', 'Suspend Event', 'directoryAudit PasswordResetRegistration success'],
  ])('Okta: %s / %s is %s', (rule, test, expected) => {
    const c = panther.find((x) => x.rule_id === rule && x.test_name === test);
    expect(c).toBeDefined();
    expect(describeResult(adaptOkta(json(logOf(c ?? { rule_id: '', test_name: '', log: {} }))))).toBe(expected);
  });

  it('Auth0: 57 records; Management API calls are audit events, logins sign-ins, one without a user and one without an id rejected', () => {
    const cases = ofProduct('Auth0.Events');
    expect(cases).toHaveLength(57);
    const results = cases.map((c) => adaptAuth0(json(logOf(c))));
    expect(tally(results)).toEqual({
      'directoryAudit DirectoryManagement success': 44,
      'directoryAudit MfaChallenge success': 1,
      'directoryAudit PasswordResetRegistration success': 2,
      'directoryAudit UserManagement failure': 5,
      'signIn blocked': 2,
      'signIn other': 1,
      'rejected /data/log_id: required field is missing': 1,
      'rejected /data/user_name: required field is missing: a Failed cross-origin authentication event names no user, and a sign-in needs one; Auth0 says: Unable to configure verification page.': 1,
    });
    // auto places a record as Auth0 by its log_id; the one without is rejected as unplaceable instead.
    for (const c of cases) {
      const auto = adaptAuto(json(logOf(c)));
      if (auto.ok || !auto.reason.startsWith('cannot tell')) expect(auto, `${c.rule_id} ${c.test_name}`).toEqual(adaptAuth0(json(logOf(c))));
    }
    expect(cases.filter((c) => adaptAuto(json(logOf(c))).ok)).toHaveLength(55);
  });
});

describe('detections over Okta and Auth0 sign-ins', () => {
  /** A real failed record repeated with new ids a minute apart, as a brute-force run would log it. */
  function repeated(record: Obj, n: number, reid: (r: Obj, i: number) => Obj): Buffer {
    return Buffer.from(Array.from({ length: n }, (_, i) => JSON.stringify(reid(record, i))).join('\n') + '\n');
  }

  it('brute-force fires on 10 Okta failures (PANTHER-17) and on 10 Auth0 wrong passwords (Elastic fp) from one IP', async () => {
    const okta = logOf(panther.find((c) => c.rule_id === 'Standard.BruteForceByUser' && logOf(c).p_log_type === 'Okta.SystemLog' && c.test_name === 'Okta - Failed Login') ?? { rule_id: '', test_name: '', log: {} });
    const oktaInput = repeated(okta, 10, (r, i) => ({ ...r, uuid: `bf-${i}`, published: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString() }));
    const o = await ingest(oktaInput, 'auto');
    expect(o.summary).toEqual({ accepted: 10, duplicates: 0, rejected: [] });
    const oktaFindings = runDetectors([bruteForce], o.stored.filter(isSignIn));
    expect(oktaFindings.map((d) => d.detector)).toEqual(['brute-force']);

    const events = (JSON.parse(readFileSync(path.join(SAMPLES, 'auth0/test-login-failure.json'), 'utf8')) as { events: { json: Obj }[] }).events;
    const fp = events.map((e) => e.json).find((e) => (e.data as Obj).type === 'fp') ?? {};
    const auth0Input = repeated(fp, 10, (r, i) => ({ log_id: `bf-${i}`, data: { ...(r.data as Obj), date: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString() } }));
    const a = await ingest(auth0Input, 'auto');
    expect(a.summary).toEqual({ accepted: 10, duplicates: 0, rejected: [] });
    expect(runDetectors([bruteForce], a.stored.filter(isSignIn)).map((d) => d.detector)).toEqual(['brute-force']);
  });
});
