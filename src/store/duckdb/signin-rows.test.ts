import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrichedSignIn } from '../../schema/enrichment.ts';
import { DEVICE_TYPES, IP_CATEGORIES } from '../../schema/enrichment.ts';
import { SIGN_IN_OUTCOMES } from '../../schema/events.ts';
import { openDuckDbStore, type DuckDbStore } from './open.ts';

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const iso = fc
  .integer({ min: Date.parse('1990-01-01T00:00:00.000Z'), max: Date.parse('2100-01-01T00:00:00.000Z') })
  .map((ms) => new Date(ms).toISOString());
const double = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });

/** Drops keys whose value is undefined: the store gives back absent keys, not undefined ones. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const signIn: fc.Arbitrary<EnrichedSignIn> = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 60 }),
    createdDateTime: iso,
    userId: opt(text),
    userPrincipalName: text,
    userDisplayName: opt(text),
    userType: opt(fc.constantFrom('member' as const, 'guest' as const, 'consumer' as const)),
    appId: opt(text),
    appDisplayName: opt(text),
    ipAddress: opt(fc.oneof(fc.ipV4(), fc.ipV6())),
    isInteractive: fc.boolean(),
    errorCode: fc.integer({ min: -2147483648, max: 2147483647 }),
    failureReason: opt(text),
    outcome: fc.constantFrom(...SIGN_IN_OUTCOMES),
    deviceDetail: opt(
      fc.record(
        { deviceId: text, operatingSystem: text, isManaged: fc.boolean(), isCompliant: fc.boolean(), trustType: text },
        { requiredKeys: [] },
      ),
    ),
    location: opt(
      fc.record(
        {
          city: text,
          countryOrRegion: text,
          geoCoordinates: fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) }),
        },
        { requiredKeys: [] },
      ),
    ),
    mfaDetail: opt(fc.record({ authMethod: text, authDetail: text }, { requiredKeys: [] })),
    geo: fc.record(
      { city: text, countryCode: text, latitude: double, longitude: double },
      { requiredKeys: [] },
    ),
    accuracy: double,
    asn: opt(fc.integer({ min: 0, max: 4294967295 })),
    ipTags: fc.array(fc.record({ list: text, category: fc.constantFrom(...IP_CATEGORIES) }), { maxLength: 3 }),
    deviceType: fc.constantFrom(...DEVICE_TYPES),
    browser: opt(text),
  })
  .map((r) =>
    clean<EnrichedSignIn>({
      kind: 'signIn',
      id: r.id,
      createdDateTime: r.createdDateTime,
      userId: r.userId,
      userPrincipalName: r.userPrincipalName,
      userDisplayName: r.userDisplayName,
      userType: r.userType,
      appId: r.appId,
      appDisplayName: r.appDisplayName,
      ipAddress: r.ipAddress,
      isInteractive: r.isInteractive,
      status: clean({ errorCode: r.errorCode, failureReason: r.failureReason }),
      outcome: r.outcome,
      deviceDetail: r.deviceDetail,
      location: r.location,
      mfaDetail: r.mfaDetail,
      enrichment: {
        geo: { ...r.geo, precision: 'city', source: 'geoip', accuracyRadiusKm: r.accuracy },
        network: clean({ scope: 'public' as const, asn: r.asn }),
        ipTags: r.ipTags,
        ua: clean({ deviceType: r.deviceType, browser: r.browser }),
      },
    }),
  );

describe('sign-in rows', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('round-trips any valid sign-in exactly (property)', async () => {
    let tenantNo = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(signIn, { minLength: 1, maxLength: 8 }), async (batch) => {
        // A fresh tenant per run keeps ids generated twice by fast-check from colliding across runs.
        const tenant = `p${tenantNo++}`;
        const { inserted } = await store.events.appendEvents(tenant, batch);
        const seen = new Set<string>();
        expect(inserted).toEqual(batch.map((e) => !seen.has(e.id) && (seen.add(e.id), true)));
        for (let i = 0; i < batch.length; i++) {
          const e = batch[i]!;
          if (!inserted[i]) continue;
          expect(await store.events.getEvent(tenant, 'signIn', e.id)).toEqual(e);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps control characters, quotes and astral characters; a lone surrogate becomes U+FFFD (storage is UTF-8)', async () => {
    const base = fc.sample(signIn, { numRuns: 1, seed: 3 })[0]!;
    const odd = { ...base, id: 'odd', userDisplayName: 'a\u0000b"c\\d\n\u001f😀é', userAgent: 'x\ud800y' };
    await store.events.appendEvents('unicode', [odd]);
    expect(await store.events.getEvent('unicode', 'signIn', 'odd')).toEqual({ ...odd, userAgent: 'x\ufffdy' });
  });

  it('refuses an error code that does not fit the column, naming the event, and keeps nothing of the batch', async () => {
    const good = fc.sample(signIn, { numRuns: 1, seed: 7 })[0]!;
    const bad = { ...good, id: 'too-big', status: { errorCode: 2 ** 31 } };
    await expect(store.events.appendEvents('range', [good, bad])).rejects.toThrow('signIn too-big: status.errorCode');
    expect(await store.events.countEvents('range')).toBe(0);
  });
});
