/**
 * D4's shared IP reputation end to end (SPEC 1, SPEC 4 D4): several tenants on
 * one real DuckDB data dir, sign-ins through the real ingest pipeline
 * (validation, enrichment, storage, detection, the shared set), reports and
 * backtest over what was stored, and a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { backtest } from '../../src/detect/backtest.ts';
import type { Detection } from '../../src/schema/detections.ts';
import type { EnrichedSignIn } from '../../src/schema/enrichment.ts';

const H = 3_600_000;
const MIN = 60_000;
/** Public addresses (the documentation ranges are 'reserved' scope, which D4 skips). */
const ATTACKER = '185.220.101.7';
const ATTACKER2 = '45.155.205.33';
const CLEAN = '81.2.69.160';
const ON: Config['sharedIpReputation'] = { enabled: true, windowMs: 24 * H, maxIps: 1000 };

let dir: string | undefined;
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  rt = dir = undefined;
});

async function open(shared?: Config['sharedIpReputation']): Promise<Runtime> {
  dir ??= await mkdtemp(path.join(tmpdir(), 'authlens-shared-rep-'));
  // No environment: the test says itself whether the signal is on.
  return openRuntime(loadConfig({ dataDir: dir, demo: false, logLevel: 'silent', ...(shared !== undefined ? { sharedIpReputation: shared } : {}) }, {}));
}

async function tenant(r: Runtime, id: string): Promise<void> {
  await r.store.control.createTenant({ id, name: id, edition: 'premium', rms: false, retentionDays: 30, createdAt: new Date().toISOString() });
  await r.store.control.updateTenant(id, { optedInAt: new Date().toISOString(), optedInBy: `ga@${id}.example` });
}

interface Line {
  readonly id: string;
  readonly at: number;
  readonly upn: string;
  readonly ip: string;
  readonly ok: boolean;
}

function ndjson(lines: readonly Line[]): Buffer {
  return Buffer.from(
    lines
      .map((l) =>
        JSON.stringify({
          kind: 'signIn',
          id: l.id,
          createdDateTime: new Date(l.at).toISOString(),
          userPrincipalName: l.upn,
          isInteractive: true,
          status: l.ok ? { errorCode: 0 } : { errorCode: 50126, failureReason: 'Invalid username or password.' },
          outcome: l.ok ? 'success' : 'credentialFailure',
          ipAddress: l.ip,
        }),
      )
      .join('\n') + '\n',
  );
}

/** A password spray on `domain` from `ip`: 12 users fail a minute apart, then one succeeds. */
function spray(prefix: string, domain: string, ip: string, t0: number): Line[] {
  const lines: Line[] = Array.from({ length: 12 }, (_, i) => ({ id: `${prefix}-f${i}`, at: t0 + i * MIN, upn: `user${i}@${domain}`, ip, ok: false }));
  lines.push({ id: `${prefix}-ok`, at: t0 + 12 * MIN, upn: `user0@${domain}`, ip, ok: true });
  return lines;
}

async function ingest(r: Runtime, t: string, lines: readonly Line[]): Promise<void> {
  const summary = await r.ingest(t, ndjson(lines), { format: 'native' });
  expect(summary.rejected).toEqual([]);
  await r.flushDetections(t);
}

const ALL = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };
const d4Of = async (r: Runtime, t: string): Promise<Detection[]> => (await r.store.detections.listDetections(t, ALL)).filter((d) => d.detector === 'D4');
const brief = (ds: readonly Detection[]): unknown[] =>
  ds.map((d) => ({ signInId: d.signInId, severity: d.severity, reason: d.evidence.reason, otherDirectories: d.evidence.otherDirectories })).sort((a, b) => (a.signInId ?? '').localeCompare(b.signInId ?? ''));

async function storedSignIns(r: Runtime, t: string): Promise<EnrichedSignIn[]> {
  const out: EnrichedSignIn[] = [];
  for await (const e of r.store.events.scanSignIns(t, ALL)) out.push(e);
  return out;
}

const now = Date.now();
const bravoLines: Line[] = [
  { id: 'b-1', at: now - 60 * MIN, upn: 'ceo@bravo.example', ip: ATTACKER, ok: true },
  { id: 'b-2', at: now - 59 * MIN, upn: 'cfo@bravo.example', ip: ATTACKER, ok: false },
  { id: 'b-3', at: now - 58 * MIN, upn: 'ceo@bravo.example', ip: CLEAN, ok: true },
  { id: 'b-4', at: now - 57 * MIN, upn: 'cfo@bravo.example', ip: ATTACKER2, ok: true },
];

describe('shared IP reputation through the ingest pipeline', () => {
  it('is off by default: a spray in one tenant changes nothing in another', async () => {
    rt = await open();
    expect(rt.sharing).toBeUndefined();
    await tenant(rt, 'alpha');
    await tenant(rt, 'bravo');
    await ingest(rt, 'alpha', spray('a', 'alpha.example', ATTACKER, now - 2 * H));
    expect((await d4Of(rt, 'alpha')).length).toBeGreaterThan(0);
    await ingest(rt, 'bravo', bravoLines);
    expect(await d4Of(rt, 'bravo')).toEqual([]);
    expect((await storedSignIns(rt, 'bravo')).map((e) => e.enrichment.sharedReputation)).toEqual([undefined, undefined, undefined, undefined]);
  }, 60_000);

  it('when on, another tenant gets a D4 detection with a count only; an opted-out tenant neither sends nor receives; it survives a restart', async () => {
    rt = await open(ON);
    for (const t of ['alpha', 'bravo', 'charlie']) await tenant(rt, t);
    // charlie opts out of both, in its D4 settings (who and when are in its settings history).
    await rt.detect.settings.putSettings('charlie', { D4: { params: { sharedReputationSend: false, sharedReputationReceive: false } } }, 'ga@charlie.example', new Date().toISOString());
    await rt.reloadDetections('charlie');

    await ingest(rt, 'alpha', spray('a', 'alpha.example', ATTACKER, now - 2 * H));
    await ingest(rt, 'charlie', spray('c', 'charlie.example', ATTACKER2, now - 2 * H));
    expect((await d4Of(rt, 'alpha')).length).toBeGreaterThan(0);
    expect((await d4Of(rt, 'charlie')).length).toBeGreaterThan(0);
    await ingest(rt, 'bravo', bravoLines);

    // bravo: both sign-ins from alpha's attacker, with only the count; nothing from charlie's (it does not send).
    const bravo = await d4Of(rt, 'bravo');
    expect(brief(bravo)).toEqual([
      { signInId: 'b-1', severity: 'high', reason: 'sharedReputation', otherDirectories: 1 },
      { signInId: 'b-2', severity: 'medium', reason: 'sharedReputation', otherDirectories: 1 },
    ]);
    for (const d of bravo) {
      // The sign-in's own network (looked up in bravo's enrichment) and the count: nothing else.
      const { asn, asOrg, ...rest } = d.evidence;
      expect(rest).toEqual({ reason: 'sharedReputation', otherDirectories: 1, outcome: d.signInId === 'b-1' ? 'success' : 'credentialFailure' });
      expect([typeof asn, typeof asOrg].every((t) => t === 'undefined' || t === 'number' || t === 'string')).toBe(true);
    }
    const text = JSON.stringify(bravo);
    for (const secret of ['alpha', 'a-f', 'a-ok', 'charlie', 'c-f']) expect(text).not.toContain(secret);
    expect((await storedSignIns(rt, 'bravo')).map((e) => [e.id, e.enrichment.sharedReputation])).toEqual([
      ['b-1', { otherDirectories: 1 }],
      ['b-2', { otherDirectories: 1 }],
      ['b-3', undefined],
      ['b-4', undefined],
    ]);

    // The report a directory admin reads shows the row.
    const report = await rt.store.reports.page(
      'bravo',
      { report: 'signins-from-suspicious-ips', range: { from: new Date(now - 24 * H).toISOString(), to: new Date(now + H).toISOString() }, filters: {}, noiseClients: [], now: new Date().toISOString() },
      { offset: 0, limit: 100 },
    );
    expect(report.rows.map((r) => [r.signInId, r.userPrincipalName, r.severity])).toEqual([
      ['b-2', 'cfo@bravo.example', 'medium'],
      ['b-1', 'ceo@bravo.example', 'high'],
    ]);
    expect(String(report.rows[0]?.evidence)).toContain('"otherDirectories":1');

    // charlie receives nothing: no detection and nothing written into its sign-ins.
    await ingest(rt, 'charlie', [{ id: 'c-late', at: now - 30 * MIN, upn: 'boss@charlie.example', ip: ATTACKER, ok: true }]);
    expect((await d4Of(rt, 'charlie')).filter((d) => d.evidence.reason === 'sharedReputation')).toEqual([]);
    expect((await storedSignIns(rt, 'charlie')).every((e) => e.enrichment.sharedReputation === undefined)).toBe(true);

    // Backtest replays what was stored: the same detections, and what opting out of receiving would remove.
    const bt = (overrides: string[]) =>
      backtest({
        detector: 'D4',
        stored: {},
        overrides,
        range: { from: new Date(now - 24 * H).toISOString(), to: new Date(now + H).toISOString() },
        latenessMs: 600_000,
        scan: (range) => rt!.store.events.scanSignIns('bravo', range),
        live: (range) => rt!.store.detections.listDetections('bravo', range),
      });
    const same = await bt([]);
    expect('errors' in same ? same.errors : [same.added.length, same.removed.length, same.unchanged.length]).toEqual([0, 0, 2]);
    const optOut = await bt(['sharedReputationReceive=false']);
    expect('errors' in optOut ? optOut.errors : [optOut.added.length, optOut.removed.map((d) => d.signInId).sort()]).toEqual([0, ['b-1', 'b-2']]);

    // A restart rebuilds the set from the stored detections: a new tenant is warned about alpha's attacker
    // (one directory: bravo's detections were received, never sent on), not about charlie's.
    await rt.close();
    rt = await open(ON);
    await tenant(rt, 'delta');
    await ingest(rt, 'delta', [
      { id: 'd-1', at: now - 20 * MIN, upn: 'it@delta.example', ip: ATTACKER, ok: false },
      { id: 'd-2', at: now - 19 * MIN, upn: 'it@delta.example', ip: ATTACKER2, ok: false },
    ]);
    expect(brief(await d4Of(rt, 'delta'))).toEqual([{ signInId: 'd-1', severity: 'medium', reason: 'sharedReputation', otherDirectories: 1 }]);

    // A second sending directory raises the count.
    await ingest(rt, 'delta', spray('d', 'delta.example', ATTACKER, now - 15 * MIN));
    await ingest(rt, 'bravo', [{ id: 'b-5', at: now - 2 * MIN, upn: 'ceo@bravo.example', ip: ATTACKER, ok: true }]);
    expect(brief((await d4Of(rt, 'bravo')).filter((d) => d.signInId === 'b-5'))).toEqual([{ signInId: 'b-5', severity: 'high', reason: 'sharedReputation', otherDirectories: 2 }]);

    // The restart with the signal off again: nothing crosses any more.
    await rt.close();
    rt = await open();
    await ingest(rt, 'bravo', [{ id: 'b-6', at: now - MIN, upn: 'ceo@bravo.example', ip: ATTACKER, ok: true }]);
    expect((await d4Of(rt, 'bravo')).filter((d) => d.signInId === 'b-6')).toEqual([]);
  }, 120_000);
});
