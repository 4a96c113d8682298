import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, T0, MIN, type SignInSpec } from '../../testing/fixtures.ts';
import type { TenantDetectorSettings } from '../../engine/settings.ts';
import type { EnrichedSignIn } from '../../../schema/enrichment.ts';
import { d4 } from './index.ts';

const IP = '203.0.113.50';

describe('D4 suspicious IPs', () => {
  it('password spray: 10 distinct users failing from one IP in 30 min flags from the 10th on, the success high', () => {
    const evs = Array.from({ length: 12 }, (_, i) => signIn({ id: `f${i}`, at: T0 + i * MIN, ip: IP, user: `u${i}@contoso.example`, outcome: 'credentialFailure' }));
    evs.push(signIn({ id: 's', at: T0 + 15 * MIN, ip: IP, user: 'victim@contoso.example' }));
    const out = runDetectors([d4], evs);
    expect(out.map((d) => d.signInId)).toEqual(['f9', 'f10', 'f11', 's']);
    expect(out.at(-1)).toMatchObject({ severity: 'high', ipAddress: IP });
    expect(out.at(-1)?.evidence).toMatchObject({ reason: 'passwordSpray', distinctUsersFailed: 12 });
  });

  it('office NAT: hundreds of successes and ten typos are not a spray', () => {
    const evs = [];
    for (let i = 0; i < 300; i++) evs.push(signIn({ id: `ok${i}`, at: T0 + i * 5000, ip: IP, user: `u${i}@contoso.example` }));
    for (let i = 0; i < 12; i++) evs.push(signIn({ id: `typo${i}`, at: T0 + i * 60_000, ip: IP, user: `u${i}@contoso.example`, outcome: 'credentialFailure' }));
    expect(runDetectors([d4], evs)).toEqual([]);
  });

  it('hostile IP: 50 attempts over 90% failing against one user is hostile', () => {
    const evs = Array.from({ length: 55 }, (_, i) => signIn({ id: `f${i}`, at: T0 + i * 10 * MIN, ip: IP, outcome: 'credentialFailure' }));
    const out = runDetectors([d4], evs);
    expect(out[0]?.signInId).toBe('f49');
    expect(out[0]?.evidence).toMatchObject({ reason: 'hostileIp', attemptsInHostileWindow: 50, failuresInHostileWindow: 50 });
  });

  it('9 distinct users is not a spray; trusted IPs are never suspicious', () => {
    const nine = Array.from({ length: 9 }, (_, i) => signIn({ id: `f${i}`, at: T0 + i * MIN, ip: IP, user: `u${i}@x.example`, outcome: 'credentialFailure' }));
    expect(runDetectors([d4], nine)).toEqual([]);
    const trusted = Array.from({ length: 30 }, (_, i) =>
      signIn({ id: `t${i}`, at: T0 + i * MIN, ip: IP, user: `u${i}@x.example`, outcome: 'credentialFailure', tags: [{ list: 'office', category: 'trusted' }] }),
    );
    expect(runDetectors([d4], trusted)).toEqual([]);
  });
});

/** A sign-in whose IP the deployment's shared reputation held at ingest: `n` other directories. */
function stamped(spec: SignInSpec, n: number | undefined): EnrichedSignIn {
  const e = signIn(spec);
  if (n !== undefined) e.enrichment.sharedReputation = { otherDirectories: n };
  return e;
}

describe('D4 shared reputation', () => {
  const SHARED_EVIDENCE = { reason: 'sharedReputation', otherDirectories: 2, asn: 3320, asOrg: 'Example Telecom' };

  it.each<[string, SignInSpec, number | undefined, TenantDetectorSettings, { severity: string; evidence: Record<string, unknown> }[]]>([
    ['a failure from an IP two other directories reported: medium, with only the count', { id: 's', at: T0, ip: IP, outcome: 'credentialFailure' }, 2, {}, [
      { severity: 'medium', evidence: { ...SHARED_EVIDENCE, outcome: 'credentialFailure' } },
    ]],
    ['a success from it: high', { id: 's', at: T0, ip: IP }, 2, {}, [{ severity: 'high', evidence: { ...SHARED_EVIDENCE, outcome: 'success' } }]],
    ['fewer other directories than sharedMinDirectories: nothing', { id: 's', at: T0, ip: IP }, 2, { D4: { params: { sharedMinDirectories: 3 } } }, []],
    ['as many as sharedMinDirectories: flagged', { id: 's', at: T0, ip: IP }, 3, { D4: { params: { sharedMinDirectories: 3 } } }, [
      { severity: 'high', evidence: { ...SHARED_EVIDENCE, otherDirectories: 3, outcome: 'success' } },
    ]],
    ['the tenant opted out of receiving: nothing', { id: 's', at: T0, ip: IP }, 2, { D4: { params: { sharedReputationReceive: false } } }, []],
    ['no shared signal on the sign-in: nothing', { id: 's', at: T0, ip: IP }, undefined, {}, []],
    ['a trusted IP (own named location) is never flagged', { id: 's', at: T0, ip: IP, tags: [{ list: 'office', category: 'trusted' }] }, 2, {}, []],
  ])('%s', (_name, spec, n, settings, expected) => {
    const out = runDetectors([d4], [stamped(spec, n)], settings);
    expect(out.map((d) => ({ severity: d.severity, evidence: d.evidence }))).toEqual(expected);
  });

  it('a private IP is never flagged, whatever the signal says', () => {
    const e = stamped({ id: 's', at: T0, ip: '10.0.0.7' }, 2);
    e.enrichment.network = { scope: 'private' };
    expect(runDetectors([d4], [e])).toEqual([]);
  });

  it("the directory's own finding wins: one detection per sign-in, own evidence with the count beside it", () => {
    const evs = Array.from({ length: 11 }, (_, i) => stamped({ id: `f${i}`, at: T0 + i * MIN, ip: IP, user: `u${i}@contoso.example`, outcome: 'credentialFailure' }, 2));
    const out = runDetectors([d4], evs);
    expect(out.map((d) => [d.signInId, d.evidence.reason, d.evidence.otherDirectories])).toEqual([
      ...Array.from({ length: 9 }, (_, i) => [`f${i}`, 'sharedReputation', 2]),
      ['f9', 'passwordSpray', 2],
      ['f10', 'passwordSpray', 2],
    ]);
    expect(new Set(out.map((d) => d.id)).size).toBe(out.length);
  });

  it('log-only D4 records shared-signal detections as log-only', () => {
    const out = runDetectors([d4], [stamped({ id: 's', at: T0, ip: IP }, 1)], { D4: { logOnly: true } });
    expect(out.map((d) => [d.signInId, d.logOnly, d.evidence.reason])).toEqual([['s', true, 'sharedReputation']]);
  });
});
