/**
 * The behaviour every Store adapter must have. An adapter's test file calls
 * `storeContract('duckdb in memory', () => openItsStore())`; each test gets a
 * fresh, empty store from the factory and closes it.
 */
import { describe, it, expect } from 'vitest';
import type { Detection } from '../../schema/detections.ts';
import type { EnrichedEvent, EnrichedSignIn } from '../../schema/enrichment.ts';
import type { Store, TimeRange } from '../ports.ts';
import { at, detection, directory, fullSignIn, minimalSignIn, otherEvents, tenant } from './fixtures.ts';

export type StoreFactory = () => Promise<Store>;

const ALL_TIME: TimeRange = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function withStore(factory: StoreFactory, fn: (s: Store) => Promise<void>): Promise<void> {
  const store = await factory();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    describe('events', () => {
      it('gives back exactly what was appended, for every kind and for sparse sign-ins', async () => {
        await withStore(factory, async (s) => {
          const events: EnrichedEvent[] = [fullSignIn(1), minimalSignIn(2), ...otherEvents(3)];
          const { inserted } = await s.events.appendEvents('t1', events);
          expect(inserted).toEqual(events.map(() => true));
          for (const e of events) {
            expect(await s.events.getEvent('t1', e.kind, e.id)).toEqual(e);
          }
        });
      });

      it('keeps empty optional objects distinct from absent ones', async () => {
        await withStore(factory, async (s) => {
          const empty = minimalSignIn(1, { deviceDetail: {}, location: {}, mfaDetail: {}, userPrincipalName: 'MiXeD@Case.Example' });
          const coordsOnly = minimalSignIn(2, { location: { geoCoordinates: { latitude: -0.5, longitude: 179.25 } } });
          await s.events.appendEvents('t1', [empty, coordsOnly]);
          expect(await s.events.getEvent('t1', 'signIn', empty.id)).toEqual(empty);
          expect(await s.events.getEvent('t1', 'signIn', coordsOnly.id)).toEqual(coordsOnly);
        });
      });

      it('keeps the shared IP reputation a sign-in was enriched with, and its absence', async () => {
        await withStore(factory, async (s) => {
          const base = minimalSignIn(1);
          const stamped = minimalSignIn(2, { enrichment: { ...base.enrichment, sharedReputation: { otherDirectories: 3 } } });
          await s.events.appendEvents('t1', [base, stamped]);
          expect(await s.events.getEvent('t1', 'signIn', base.id)).toEqual(base);
          expect(await s.events.getEvent('t1', 'signIn', stamped.id)).toEqual(stamped);
          expect((await collect(s.events.scanSignIns('t1', ALL_TIME))).map((e) => e.enrichment.sharedReputation)).toEqual([undefined, { otherDirectories: 3 }]);
        });
      });

      it('is idempotent by (tenant, kind, id): re-sending changes nothing, in-batch copies lose to the first', async () => {
        await withStore(factory, async (s) => {
          const a = fullSignIn(1);
          const aChanged = { ...a, userDisplayName: 'changed' };
          const first = await s.events.appendEvents('t1', [a, minimalSignIn(2), aChanged]);
          expect(first.inserted).toEqual([true, true, false]);
          const again = await s.events.appendEvents('t1', [minimalSignIn(3), aChanged, minimalSignIn(2)]);
          expect(again.inserted).toEqual([true, false, false]);
          expect(await s.events.countEvents('t1', 'signIn')).toBe(3);
          expect(await s.events.getEvent('t1', 'signIn', a.id)).toEqual(a);

          const others = otherEvents(5);
          expect((await s.events.appendEvents('t1', [...others, ...others])).inserted).toEqual([
            ...others.map(() => true),
            ...others.map(() => false),
          ]);
          expect((await s.events.appendEvents('t1', others)).inserted).toEqual(others.map(() => false));
          expect(await s.events.countEvents('t1')).toBe(3 + others.length);
          expect(await s.events.countEvents('t1', 'directoryAudit')).toBe(1);
        });
      });

      it('treats the same id under another kind as another event', async () => {
        await withStore(factory, async (s) => {
          const audit = otherEvents(1)[0];
          if (audit?.kind !== 'directoryAudit') throw new Error('fixture order changed');
          const access: EnrichedEvent = { ...(otherEvents(1)[1] as EnrichedEvent), id: audit.id };
          const signIn = minimalSignIn(1, { id: audit.id });
          expect((await s.events.appendEvents('t1', [audit, access, signIn])).inserted).toEqual([true, true, true]);
          expect(await s.events.countEvents('t1')).toBe(3);
        });
      });

      it('accepts an empty batch', async () => {
        await withStore(factory, async (s) => {
          expect((await s.events.appendEvents('t1', [])).inserted).toEqual([]);
          expect(await s.events.countEvents('t1')).toBe(0);
        });
      });

      it('scans sign-ins of a half-open range in event-time order', async () => {
        await withStore(factory, async (s) => {
          const minutes = [50, 10, 30, 20, 40, 30];
          const batch = minutes.map((m, i) => minimalSignIn(m, { id: `s-${i}` }));
          await s.events.appendEvents('t1', batch.slice(0, 3));
          await s.events.appendEvents('t1', batch.slice(3));
          const got = await collect(s.events.scanSignIns('t1', { from: at(20), to: at(50) }));
          expect(got.map((e) => [e.createdDateTime, e.id])).toEqual([
            [at(20), 's-3'],
            [at(30), 's-2'],
            [at(30), 's-5'],
            [at(40), 's-4'],
          ]);
        });
      });

      it('streams a scan larger than one chunk without losing or reordering rows', async () => {
        await withStore(factory, async (s) => {
          const n = 5000;
          const batch: EnrichedSignIn[] = [];
          for (let i = n - 1; i >= 0; i--) batch.push(minimalSignIn(i, { id: `bulk-${i}` }));
          await s.events.appendEvents('t1', batch);
          let count = 0;
          let last = '';
          for await (const e of s.events.scanSignIns('t1', ALL_TIME)) {
            expect(e.createdDateTime >= last).toBe(true);
            last = e.createdDateTime;
            count++;
          }
          expect(count).toBe(n);
        });
      });

      it('lists the audits a range holds that given users initiated, in any case, in time order', async () => {
        await withStore(factory, async (s) => {
          const audit = (n: number, upn: string | undefined, kind: 'directoryAudit' | 'passwordRollover' = 'directoryAudit'): EnrichedEvent => {
            const base = otherEvents(n).find((e) => e.kind === kind);
            if (base === undefined) throw new Error(`fixture has no ${kind}`);
            if (base.kind !== 'directoryAudit') return { ...base, id: `${kind}-${n}` };
            return { ...base, id: `a-${n}`, initiatedBy: upn === undefined ? { app: { displayName: 'Sync' } } : { user: { userPrincipalName: upn } } };
          };
          await s.events.appendEvents('t1', [audit(30, 'Mallory@Contoso.com'), audit(10, 'mallory@contoso.com'), audit(20, 'eve@contoso.com'), audit(40, undefined), audit(50, 'MALLORY@contoso.com'), audit(15, undefined, 'passwordRollover')]);
          const got = await s.events.listAuditsInitiatedBy('t1', { from: at(10), to: at(50) }, ['mallory@CONTOSO.com', 'nobody@contoso.com']);
          expect(got.map((a) => [a.kind, a.id])).toEqual([['directoryAudit', 'a-10'], ['directoryAudit', 'a-30']]);
          expect(await s.events.listAuditsInitiatedBy('t1', ALL_TIME, [])).toEqual([]);
          expect((await s.events.listAuditsInitiatedBy('t1', ALL_TIME, ['eve@contoso.com']))[0]).toEqual(audit(20, 'eve@contoso.com'));
        });
      });

      it('returns undefined for an unknown event', async () => {
        await withStore(factory, async (s) => {
          await s.events.appendEvents('t1', [minimalSignIn(1)]);
          expect(await s.events.getEvent('t1', 'signIn', 'nope')).toBeUndefined();
          expect(await s.events.getEvent('t1', 'directoryAudit', minimalSignIn(1).id)).toBeUndefined();
        });
      });
    });

    describe('detections', () => {
      it('round-trips, lists by detection time in [from, to) and is idempotent by id', async () => {
        await withStore(factory, async (s) => {
          const d1 = detection(10);
          const d2 = detection(5, { id: 'D1:5', detector: 'D1', severity: 'low', logOnly: true });
          const sparse = detection(7, { id: 'bf:7', detector: 'brute-force' });
          delete sparse.signInId;
          delete sparse.userId;
          delete sparse.userPrincipalName;
          delete sparse.ipAddress;
          await s.detections.appendDetections('t1', [d1, d2, sparse, { ...d1, severity: 'low' }]);
          await s.detections.appendDetections('t1', [{ ...d2, severity: 'high' }]);
          expect(await s.detections.listDetections('t1', ALL_TIME)).toEqual([d2, sparse, d1]);
          expect(await s.detections.listDetections('t1', { from: at(5), to: at(10) })).toEqual([d2, sparse]);
          await s.detections.appendDetections('t1', []);
        });
      });

      it('gives the shared IP reputation per tenant and IP only the span of qualifying detections', async () => {
        await withStore(factory, async (s) => {
          const d4 = (n: number, tenantIp: string, reason: string, overrides: Partial<Detection> = {}): Detection =>
            detection(n, { id: `D4:${n}:${tenantIp}:${reason}`, detector: 'D4', ipAddress: tenantIp, evidence: { reason }, ...overrides });
          await s.detections.appendDetections('a', [
            d4(1, '198.51.100.1', 'passwordSpray'), // before `since`
            d4(5, '198.51.100.1', 'passwordSpray'),
            d4(9, '198.51.100.1', 'hostileIp'),
            d4(6, '198.51.100.2', 'sharedReputation'), // received, never re-shared
            d4(7, '198.51.100.3', 'passwordSpray', { logOnly: true }),
            d4(8, '198.51.100.4', 'passwordSpray', { detector: 'D1' }),
          ]);
          await s.detections.appendDetections('b', [d4(6, '198.51.100.1', 'hostileIp'), d4(7, '198.51.100.5', 'hostileIp')]);
          const spans = await s.detections.ipSpansAllTenants('D4', ['passwordSpray', 'hostileIp'], at(2), 10);
          expect(spans).toEqual([
            { tenant: 'a', ip: '198.51.100.1', first: at(5), last: at(9) },
            { tenant: 'b', ip: '198.51.100.5', first: at(7), last: at(7) },
            { tenant: 'b', ip: '198.51.100.1', first: at(6), last: at(6) },
          ]);
          expect(await s.detections.ipSpansAllTenants('D4', ['passwordSpray', 'hostileIp'], at(2), 1)).toEqual(spans.slice(0, 1));
          expect(await s.detections.ipSpansAllTenants('D4', [], at(0), 10)).toEqual([]);
        });
      });
    });

    describe('control', () => {
      it('creates, reads, lists and patches tenants', async () => {
        await withStore(factory, async (s) => {
          await s.control.createTenant(tenant('beta'));
          await s.control.createTenant(tenant('alpha', { rms: true, edition: 'free' }));
          expect(await s.control.getTenant('alpha')).toEqual(tenant('alpha', { rms: true, edition: 'free' }));
          expect(await s.control.getTenant('gamma')).toBeUndefined();
          expect((await s.control.listTenants()).map((t) => t.id)).toEqual(['alpha', 'beta']);
          await s.control.updateTenant('beta', {
            optedInAt: '2026-11-02T10:00:00.000Z',
            optedInBy: 'admin@beta.example',
            retentionDays: 90,
          });
          expect(await s.control.getTenant('beta')).toEqual(
            tenant('beta', { optedInAt: '2026-11-02T10:00:00.000Z', optedInBy: 'admin@beta.example', retentionDays: 90 }),
          );
          expect(await s.control.getTenant('alpha')).toEqual(tenant('alpha', { rms: true, edition: 'free' }));
        });
      });

      it('refuses a second tenant with the same id', async () => {
        await withStore(factory, async (s) => {
          await s.control.createTenant(tenant('alpha'));
          await expect(s.control.createTenant(tenant('alpha', { name: 'again' }))).rejects.toThrow();
          expect((await s.control.getTenant('alpha'))?.name).toBe('Tenant alpha');
        });
      });

      it('imports a directory, replaces only the parts given, and finds users by UPN in any case', async () => {
        await withStore(factory, async (s) => {
          const snap = directory('acme');
          await s.control.importDirectory('t1', snap);
          expect(await s.control.getDirectory('t1')).toEqual(snap);
          const newUsers = [{ ...snap.users[0]!, displayName: 'Adele V.' }];
          await s.control.importDirectory('t1', { users: newUsers });
          expect(await s.control.getDirectory('t1')).toEqual({ ...snap, users: newUsers });
          expect(await s.control.findUserByUpn('t1', 'ADELE.VANCE@ACME.EXAMPLE')).toEqual(newUsers[0]);
          expect(await s.control.findUserByUpn('t1', 'guest_x@acme.example')).toBeUndefined();
          expect(await s.control.findUsersByUpns('t1', ['ADELE.VANCE@ACME.EXAMPLE', 'guest_x@acme.example', "o'brien@acme.example"])).toEqual(newUsers);
          expect(await s.control.findUsersByUpns('t1', [])).toEqual([]);
          await s.control.importDirectory('t1', { groups: [] });
          expect((await s.control.getDirectory('t1')).groups).toEqual([]);
        });
      });

      it('stores API keys by hash, revokes once, records last use', async () => {
        await withStore(factory, async (s) => {
          const key = { id: 'k1', tenant: 't1', role: 'reports-reader' as const, secretHash: 'sha256:abc', createdAt: at(0), name: 'ci' };
          await s.control.createApiKey(key);
          expect(await s.control.getApiKeyById('k1')).toEqual(key);
          await s.control.touchApiKey('k1', at(5));
          await s.control.revokeApiKey('t1', 'k1', at(6));
          await s.control.revokeApiKey('t1', 'k1', at(9));
          expect(await s.control.getApiKeyById('k1')).toEqual({ ...key, lastUsedAt: at(5), revokedAt: at(6) });
          expect(await s.control.listApiKeys('t1')).toEqual([{ ...key, lastUsedAt: at(5), revokedAt: at(6) }]);
          expect(await s.control.getApiKeyById('k2')).toBeUndefined();
        });
      });
    });

    describe('tenant isolation', () => {
      it("never shows tenant A's data in tenant B's queries, whatever the method", async () => {
        await withStore(factory, async (s) => {
          const events: EnrichedEvent[] = [fullSignIn(1), minimalSignIn(2), ...otherEvents(3)];
          await s.control.createTenant(tenant('a'));
          await s.control.createTenant(tenant('b'));
          await s.events.appendEvents('a', events);
          await s.detections.appendDetections('a', [detection(1)]);
          await s.control.importDirectory('a', directory('acme'));
          await s.control.createApiKey({ id: 'ka', tenant: 'a', role: 'global-admin', secretHash: 'h', createdAt: at(0) });

          expect(await s.events.countEvents('b')).toBe(0);
          expect(await s.events.listAuditsInitiatedBy('b', ALL_TIME, ['admin@contoso.com'])).toEqual([]);
          expect(await s.events.listAuditsInitiatedBy('a', ALL_TIME, ['admin@contoso.com'])).not.toEqual([]);
          for (const e of events) {
            expect(await s.events.getEvent('b', e.kind, e.id)).toBeUndefined();
            expect(await s.events.countEvents('b', e.kind)).toBe(0);
          }
          expect(await collect(s.events.scanSignIns('b', ALL_TIME))).toEqual([]);
          expect(await s.detections.listDetections('b', ALL_TIME)).toEqual([]);
          expect(await s.control.getDirectory('b')).toEqual({ users: [], groups: [], applications: [], roles: [] });
          expect(await s.control.findUserByUpn('b', 'adele.vance@acme.example')).toBeUndefined();
          expect(await s.control.findUsersByUpns('b', ['adele.vance@acme.example'])).toEqual([]);
          expect(await s.control.listApiKeys('b')).toEqual([]);

          // Same identities in B are new events for B, and B's writes leave A untouched.
          expect((await s.events.appendEvents('b', events)).inserted).toEqual(events.map(() => true));
          await s.detections.appendDetections('b', [detection(1, { severity: 'low' })]);
          await s.control.importDirectory('b', { users: [] });
          await s.control.revokeApiKey('b', 'ka', at(1));
          await s.control.updateTenant('b', { name: 'renamed' });
          expect((await s.detections.listDetections('a', ALL_TIME))[0]?.severity).toBe('high');
          expect((await s.control.getDirectory('a')).users).toHaveLength(2);
          expect((await s.control.getApiKeyById('ka'))?.revokedAt).toBeUndefined();
          expect((await s.control.getTenant('a'))?.name).toBe('Tenant a');
          expect(await s.events.countEvents('a')).toBe(events.length);
        });
      });
    });
  });
}
