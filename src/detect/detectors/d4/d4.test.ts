import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, T0, MIN } from '../../testing/fixtures.ts';
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
