import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSharedIpReputation } from '../enrich/shared-reputation.ts';
import type { Detection } from '../schema/detections.ts';
import type { EnrichedSignIn } from '../schema/enrichment.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { IpSpanRow } from '../store/ports.ts';
import { STREAMING_DETECTORS } from './detectors/registry.ts';
import { d4 } from './detectors/d4/index.ts';
import { runDetectors } from './engine/run.ts';
import { resolveSettings, type ResolvedSettings, type TenantDetectorSettings } from './engine/settings.ts';
import { createReputationSharing, rebuildSharedReputation, sharedSignalsOf, sharingPolicy } from './shared-reputation.ts';
import { signIn, HOUR, MIN, T0 } from './testing/fixtures.ts';

const IP = '185.220.101.7';

function resolved(raw: TenantDetectorSettings = {}): ResolvedSettings {
  const r = resolveSettings(STREAMING_DETECTORS, raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.settings;
}

function det(n: number, overrides: Partial<Detection> = {}): Detection {
  return {
    id: `D4-${n}`,
    detector: 'D4',
    severity: 'medium',
    detectedDateTime: new Date(T0 + n * MIN).toISOString(),
    signInId: `s${n}`,
    userPrincipalName: `u${n}@alpha.example`,
    ipAddress: IP,
    evidence: { reason: 'passwordSpray' },
    logOnly: false,
    ...overrides,
  };
}

describe('what a tenant shares', () => {
  it.each<[string, TenantDetectorSettings, { send: boolean; receive: boolean }]>([
    ['defaults: both', {}, { send: true, receive: true }],
    ['opted out of sending', { D4: { params: { sharedReputationSend: false } } }, { send: false, receive: true }],
    ['opted out of receiving', { D4: { params: { sharedReputationReceive: false } } }, { send: true, receive: false }],
    ['D4 off: neither', { D4: { enabled: false } }, { send: false, receive: false }],
    ['D4 log-only: takes part (its detections are log-only, so none are sent)', { D4: { logOnly: true } }, { send: true, receive: true }],
  ])('%s', (_name, settings, expected) => {
    expect(sharingPolicy(resolved(settings))).toEqual(expected);
  });

  it('shares only the IP and the first and last time of D4 own, non-log-only findings', () => {
    expect(
      sharedSignalsOf([
        det(3),
        det(1, { evidence: { reason: 'hostileIp' } }),
        det(7),
        det(2, { ipAddress: '198.51.100.9' }),
        det(4, { evidence: { reason: 'sharedReputation', otherDirectories: 2 } }), // never echoed back
        det(5, { logOnly: true }),
        det(6, { detector: 'D1' }),
        det(8, { ipAddress: undefined }),
      ]),
    ).toEqual([
      { ip: IP, first: T0 + 1 * MIN, last: T0 + 7 * MIN },
      { ip: '198.51.100.9', first: T0 + 2 * MIN, last: T0 + 2 * MIN },
    ]);
  });

  it('publishes only for a sending tenant, and forgets a tenant that stops sending', async () => {
    const reputation = createSharedIpReputation({ windowMs: 24 * HOUR, maxIps: 100, now: () => T0 });
    const settings = new Map<TenantId, ResolvedSettings>([
      ['a', resolved()],
      ['quiet', resolved({ D4: { params: { sharedReputationSend: false } } })],
    ]);
    const sharing = createReputationSharing({ reputation, settingsOf: async (t) => settings.get(t) ?? resolved() });
    expect(await sharing.publish('a', [det(1), det(2)])).toBe(1);
    expect(await sharing.publish('quiet', [det(1, { ipAddress: '198.51.100.9' })])).toBe(0);
    expect(reputation.otherDirectories('b', IP, T0 + 3 * MIN)).toBe(1);
    expect(reputation.otherDirectories('b', '198.51.100.9', T0 + 3 * MIN)).toBe(0);
    settings.set('a', resolved({ D4: { params: { sharedReputationSend: false } } }));
    await sharing.settingsChanged('a');
    expect(reputation.size).toBe(0);
    expect(await sharing.receives('a')).toBe(true);
    expect(await sharing.receives('quiet')).toBe(true);
  });

  it('rebuilds from the stored spans of the last window, oldest first, for tenants that send now', async () => {
    const now = T0 + 2 * HOUR;
    const asked: unknown[] = [];
    const rows: IpSpanRow[] = [
      { tenant: 'a', ip: '185.220.101.1', first: new Date(T0 + HOUR).toISOString(), last: new Date(T0 + HOUR).toISOString() },
      { tenant: 'c', ip: '185.220.101.2', first: new Date(T0).toISOString(), last: new Date(T0 + 30 * MIN).toISOString() },
      { tenant: 'quiet', ip: '185.220.101.3', first: new Date(T0).toISOString(), last: new Date(T0).toISOString() },
      { tenant: 'a', ip: '185.220.101.4', first: new Date(T0 - HOUR).toISOString(), last: new Date(T0 - HOUR).toISOString() },
    ];
    const reputation = createSharedIpReputation({ windowMs: 24 * HOUR, maxIps: 2, now: () => now });
    const n = await rebuildSharedReputation(reputation, {
      detections: {
        async ipSpansAllTenants(...args) {
          asked.push(args);
          return rows;
        },
      },
      settingsOf: async (t) => resolved(t === 'quiet' ? { D4: { params: { sharedReputationSend: false } } } : {}),
      windowMs: 24 * HOUR,
      maxIps: 2,
      now: () => now,
    });
    expect(asked).toEqual([['D4', ['passwordSpray', 'hostileIp'], new Date(now - 24 * HOUR).toISOString(), 2]]);
    expect(n).toBe(3);
    // The cap of 2 kept the two most recent; the span of c runs from its first to its last plus the window.
    expect(['185.220.101.1', '185.220.101.2', '185.220.101.3', '185.220.101.4'].map((ip) => reputation.otherDirectories('b', ip, T0 + 20 * MIN))).toEqual([0, 1, 0, 0]);
    expect(reputation.otherDirectories('b', '185.220.101.1', T0 + HOUR)).toBe(1);
    expect(reputation.otherDirectories('b', '185.220.101.2', T0 - 1)).toBe(0);
  });
});

describe('tenant isolation of the shared signal (property)', () => {
  const POOL = ['185.220.101.7', '45.155.205.33', '2a0b:f4c2::17', '91.240.118.9'] as const;
  const word = fc.stringMatching(/^[a-z0-9]{6,12}$/);

  it("no tenant id, UPN or sign-in id of tenant A ever appears in tenant B's detections", () => {
    return fc.assert(
      fc.asyncProperty(
        word,
        word,
        fc.uniqueArray(word, { minLength: 10, maxLength: 25 }),
        fc.integer({ min: 0, max: POOL.length - 1 }),
        fc.array(fc.record({ ip: fc.integer({ min: 0, max: POOL.length - 1 }), dt: fc.integer({ min: 0, max: 30 * HOUR }), ok: fc.boolean(), user: fc.integer({ min: 0, max: 5 }) }), {
          maxLength: 30,
        }),
        async (aSuffix, aDomain, aUsers, attacker, bEvents) => {
          const tenantA = `ta-${aSuffix}`;
          const upnsA = aUsers.map((u) => `${u}.x@${aDomain}.alpha-secret.example`);
          const attackerIp = POOL[attacker] ?? POOL[0];
          // Tenant A: a spray from one IP (one failure per user a minute apart), then a success.
          const spray: EnrichedSignIn[] = upnsA.map((upn, i) =>
            signIn({ id: `${tenantA}-si-${i}`, at: T0 + i * MIN, ip: attackerIp, user: upn, outcome: 'credentialFailure' }),
          );
          spray.push(signIn({ id: `${tenantA}-si-ok`, at: T0 + aUsers.length * MIN, ip: attackerIp, user: upnsA[0] ?? 'x@alpha-secret.example' }));
          const foundA = runDetectors([d4], spray);
          const reputation = createSharedIpReputation({ windowMs: 24 * HOUR, maxIps: 1000, now: () => T0 });
          const sharing = createReputationSharing({ reputation, settingsOf: async () => resolved() });
          expect(await sharing.publish(tenantA, foundA)).toBe(1);
          // Tenant B: its own users; the first sign-in comes from the attacking IP right after the spray.
          const end = T0 + (aUsers.length + 1) * MIN;
          const signInsB = [{ ip: attacker, dt: MIN, ok: true, user: 0 }, ...bEvents].map((b, i) =>
            reputation.stamp(
              'tb',
              signIn({ id: `tb-si-${i}`, at: end + b.dt, ip: POOL[b.ip] ?? POOL[0], user: `user${b.user}@bravo.example`, outcome: b.ok ? 'success' : 'credentialFailure' }),
            ),
          );
          const foundB = runDetectors([d4], signInsB);
          expect(foundB.length).toBeGreaterThan(0);
          const text = JSON.stringify(foundB);
          // Bare random words could be English ("success"): look for what only A has, its prefixed ids, UPNs and domain.
          for (const secret of [tenantA, `${aDomain}.alpha-secret`, 'alpha-secret', ...upnsA, ...spray.map((e) => e.id)]) expect(text).not.toContain(secret);
          for (const d of foundB) {
            expect(d.evidence).toEqual({
              reason: 'sharedReputation',
              otherDirectories: 1,
              outcome: d.evidence.outcome,
              asn: 3320,
              asOrg: 'Example Telecom',
            });
            expect(d.ipAddress).toBe(attackerIp);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
