import { describe, it, expect } from 'vitest';
import { runDetectors } from '../../engine/run.ts';
import { signIn, PLACES, T0, MIN, HOUR } from '../../testing/fixtures.ts';
import { d3 } from './index.ts';

describe('D3 impossible travel', () => {
  it('fires on Berlin then New York 1 h later, with both places, distance, time and speed', () => {
    const out = runDetectors([d3], [signIn({ id: 'home', at: T0 }), signIn({ id: 'away', at: T0 + HOUR, geo: PLACES.newYork, asn: 7922, ip: '192.0.2.5' })]);
    expect(out).toHaveLength(1);
    const ev = out[0]?.evidence ?? {};
    expect(out[0]?.signInId).toBe('away');
    expect(ev.distanceKm).toBeGreaterThan(6300);
    expect(ev.distanceKm).toBeLessThan(6450);
    expect(ev.speedKmh).toBeGreaterThan(6000);
    expect(ev.elapsedMinutes).toBe(60);
    expect(ev.from).toMatchObject({ signInId: 'home', city: 'Berlin' });
    expect(ev.to).toMatchObject({ signInId: 'away', city: 'New York' });
  });

  it('a flight at airliner speed is travel, not an alert', () => {
    expect(runDetectors([d3], [signIn({ id: 'a', at: T0 }), signIn({ id: 'b', at: T0 + 9 * HOUR, geo: PLACES.newYork })])).toEqual([]);
  });

  it('subtracts accuracy radii: Berlin to Munich (500 km) within 20 min does not pass 500 km beyond accuracy', () => {
    expect(runDetectors([d3], [signIn({ id: 'a', at: T0 }), signIn({ id: 'b', at: T0 + 20 * MIN, geo: PLACES.munich })])).toEqual([]);
  });

  it('country-only locations never prove travel within their country', () => {
    const countryOnly = { city: undefined, latitude: 51.2, longitude: 10.4, precision: 'country' as const, accuracyRadiusKm: 500 };
    expect(runDetectors([d3], [signIn({ id: 'a', at: T0, geo: PLACES.munich }), signIn({ id: 'b', at: T0 + 5 * MIN, geo: { ...countryOnly, accuracyRadiusKm: 100 } })])).toEqual([]);
  });

  it('skips trusted and anonymizer IPs and pairs sharing a cloud/VPN egress ASN', () => {
    const trusted = [{ list: 'corp-vpn', category: 'trusted' as const }];
    expect(runDetectors([d3], [signIn({ id: 'a', at: T0 }), signIn({ id: 'b', at: T0 + 10 * MIN, geo: PLACES.newYork, tags: trusted })])).toEqual([]);
    expect(runDetectors([d3], [signIn({ id: 'a', at: T0, asn: 22616 }), signIn({ id: 'b', at: T0 + 10 * MIN, geo: PLACES.newYork, asn: 22616 })])).toEqual([]);
    expect(runDetectors([d3], [signIn({ id: 'a', at: T0, asn: 3320 }), signIn({ id: 'b', at: T0 + 10 * MIN, geo: PLACES.newYork, asn: 3320 })])).toHaveLength(1);
  });

  it('alerts once for an attacker who stays abroad, and the victim at home is no new alert', () => {
    const out = runDetectors([d3], [
      signIn({ id: 'home1', at: T0 }),
      signIn({ id: 'atk1', at: T0 + 30 * MIN, geo: PLACES.lagos }),
      signIn({ id: 'home2', at: T0 + 40 * MIN }),
      signIn({ id: 'atk2', at: T0 + 50 * MIN, geo: PLACES.lagos }),
    ]);
    expect(out.map((d) => d.signInId)).toEqual(['atk1', 'atk2']);
  });

  it('failed sign-ins are not locations of the user', () => {
    expect(runDetectors([d3], [signIn({ id: 'a', at: T0 }), signIn({ id: 'b', at: T0 + MIN, geo: PLACES.sydney, outcome: 'credentialFailure' })])).toEqual([]);
  });
});
