import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Compile } from 'typebox/compile';
import { Enrichment } from '../schema/enrichment.ts';
import { SignIn } from '../schema/events.ts';
import { openIpListCatalog } from './ip-lists/catalog.ts';
import { loadEnrichmentData, type EnrichmentRuntime } from './load.ts';

let dir: string;
let rt: EnrichmentRuntime;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-enrich-'));
  const src = path.join(dir, 'tor.txt');
  await writeFile(src, '185.220.101.1\n');
  await openIpListCatalog({ dataDir: dir }).add({ scope: 'global', name: 'tor', category: 'anonymizer', source: src });
  rt = await loadEnrichmentData({ dataDir: dir }, { listPollSeconds: 0, urlRefreshSeconds: 0 });
});
afterAll(async () => {
  await rt.close();
  await rm(dir, { recursive: true, force: true });
});

// Checked in two parts: the schema's EnrichedSignIn intersects a closed SignIn object, so as
// written it refuses any `enrichment` property (reported to the schema owner).
const checkEnrichment = Compile(Enrichment);
const checkSignIn = Compile(SignIn);

describe('loadEnrichmentData with the bundled databases', () => {
  it('enriches a sign-in end to end: the event unchanged plus a valid Enrichment', () => {
    const s: SignIn = {
      kind: 'signIn',
      id: 'x',
      createdDateTime: '2026-11-26T08:00:00.000Z',
      userPrincipalName: 'a@b.test',
      isInteractive: true,
      status: { errorCode: 0 },
      outcome: 'success',
      ipAddress: '185.220.101.1',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    };
    const e = rt.enrich('demo', s);
    if (e.kind !== 'signIn') throw new Error('expected a sign-in');
    const { enrichment, ...rest } = e;
    expect(checkEnrichment.Check(enrichment)).toBe(true);
    expect(checkSignIn.Check(rest)).toBe(true);
    expect(rest).toEqual(s);
    expect(rt.initialLists.loaded).toEqual(['global/tor']);
    expect(e.enrichment.ipTags).toEqual([{ list: 'tor', category: 'anonymizer' }]);
    expect(e.enrichment.network.scope).toBe('public');
    expect(typeof e.enrichment.network.asn).toBe('number');
    expect(e.enrichment.geo).toMatchObject({ source: 'geoip', countryCode: 'DE' });
    expect(e.enrichment.ua).toMatchObject({ os: 'Windows', browser: 'Chrome', deviceType: 'desktop' });
  });

  it('1.1.1.1 has an ASN but the GeoLite2 data gives no location', () => {
    const e = rt.enrich('demo', {
      kind: 'signIn',
      id: 'y',
      createdDateTime: '2026-11-26T08:00:00.000Z',
      userPrincipalName: 'a@b.test',
      isInteractive: true,
      status: { errorCode: 0 },
      outcome: 'success',
      ipAddress: '1.1.1.1',
    });
    expect(e.kind === 'signIn' && [e.enrichment.network, e.enrichment.geo.precision]).toEqual([
      { scope: 'public', asn: 13335, asOrg: 'Cloudflare, Inc.' },
      'none',
    ]);
  });
});
