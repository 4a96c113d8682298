import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha1Hex } from '../../../detect/leaks/password-hashes.ts';
import { createDetectStores, type DetectStores } from '../../../store/duckdb/detect-stores.ts';
import { openDuckDbStore, type DuckDbStore } from '../../../store/duckdb/open.ts';
import { createHarness, DIRECTORY, HARNESS_NOW, type Harness } from './detect-routes-harness.ts';
import { MAX_FEED_RECORDS } from './leaks.ts';

let store: DuckDbStore;
let detect: DetectStores;
let h: Harness;
const URL = '/api/v1/tenants/t1/leaks';
const ALL_TIME = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };
const BOB_SHA1 = sha1Hex('hunter2');

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  detect = createDetectStores(store.db);
  h = await createHarness(store, detect);
});
afterAll(async () => {
  await h.close();
  await store.close();
});

const CSV = [
  'email,password,sha1,source',
  'Alice.Smith@contoso.example,Summer2026!,,combo-2026',
  'bob@contoso.example,,nothex,combo-2026',
  ',x,,combo-2026',
  `bob@contoso.example,,${BOB_SHA1},combo-2026`,
  'carol@contoso.example,,,paste-site',
].join('\n');

describe('leaks routes', () => {
  it('imports a CSV feed: keeps good rows, rejects bad ones with line and reason, raises D8 for directory users', async () => {
    const res = await h.call('POST', URL, h.key('t1', 'security-admin'), CSV, 'text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 3,
      inserted: 3,
      duplicates: 0,
      matchedUsers: 2,
      detections: 2,
      rejectedCount: 2,
      rejected: [
        { line: 3, field: 'sha1', reason: 'must be 40 hex digits' },
        { line: 4, field: 'email', reason: 'no account: one of email, upn, username is required' },
      ],
    });
    const stored = await detect.leaks.listLeaks('t1');
    expect(stored.map((l) => l.account)).toEqual(['alice.smith@contoso.example', 'bob@contoso.example', 'carol@contoso.example']);
    // The password is hashed on read; nothing else of it is kept.
    expect(stored[0]?.sha1).toBe(sha1Hex('Summer2026!'));
    expect(JSON.stringify(stored)).not.toContain('Summer2026!');
    const d8 = (await store.detections.listDetections('t1', ALL_TIME)).filter((d) => d.detector === 'D8');
    expect(d8.map((d) => d.userPrincipalName).sort()).toEqual(['alice@contoso.example', 'bob@contoso.example']);
  });

  it('is idempotent: the same feed again adds nothing', async () => {
    const res = await h.call('POST', URL, h.key('t1', 'global-admin'), CSV, 'text/csv');
    expect(res.json()).toMatchObject({ accepted: 3, inserted: 0, duplicates: 3, rejectedCount: 2 });
    expect((await store.detections.listDetections('t1', ALL_TIME)).filter((d) => d.detector === 'D8')).toHaveLength(2);
  });

  it('summarises the stored feed with counts only', async () => {
    const res = await h.call('GET', URL, h.key('t1', 'reports-reader'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      records: 3,
      accounts: 3,
      withSha1: 2,
      withNtlm: 1,
      matchedDirectoryUsers: 2,
      sources: [
        { source: 'combo-2026', records: 2 },
        { source: 'paste-site', records: 1 },
      ],
      lastImportedAt: HARNESS_NOW,
    });
    expect(res.body).not.toContain(BOB_SHA1);
  });

  it('reads NDJSON with per-line rejections', async () => {
    const ndjson = ['{"upn":"dave@fabrikam.example","ntlm":"8846F7EAEE8FB117AD06BDD830B7586C"}', '{not json', '[1]', '', '{"username":"erin@fabrikam.example","sha1":"abc"}'].join('\n');
    const res = await h.call('POST', '/api/v1/tenants/t2/leaks', h.key('t2', 'global-admin'), ndjson, 'application/x-ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 1,
      inserted: 1,
      duplicates: 0,
      matchedUsers: 0,
      detections: 0,
      rejectedCount: 3,
      rejected: [
        { line: 2, field: '', reason: 'not valid JSON' },
        { line: 3, field: '', reason: 'each line must be a JSON object' },
        { line: 5, field: 'sha1', reason: 'must be 40 hex digits' },
      ],
    });
    // Tenants do not see each other's feeds.
    expect((await h.call('GET', URL, h.key('t1', 'global-admin'))).json<{ records: number }>().records).toBe(3);
  });

  it('matches users imported after the feed once the directory is imported (D8 rematch)', async () => {
    const carol = { id: 'U-CAROL', userPrincipalName: 'carol@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] };
    const res = await h.call('POST', '/api/v1/tenants/t1/directory', h.key('t1', 'global-admin'), { users: [...DIRECTORY.users, carol] });
    expect(res.statusCode).toBe(200);
    const d8 = (await store.detections.listDetections('t1', ALL_TIME)).filter((d) => d.detector === 'D8');
    expect(d8.map((d) => d.userPrincipalName).sort()).toEqual(['alice@contoso.example', 'bob@contoso.example', 'carol@contoso.example']);
  });

  it('refuses a feed over the per-request cap whole, storing nothing', async () => {
    const rows = ['email', ...Array.from({ length: MAX_FEED_RECORDS + 1 }, (_, i) => `u${i}@fabrikam.example`)].join('\n');
    const res = await h.call('POST', '/api/v1/tenants/t2/leaks', h.key('t2', 'global-admin'), rows, 'text/csv');
    expect(res.statusCode).toBe(413);
    expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'payloadTooLarge',
      message: `${MAX_FEED_RECORDS + 1} records in one feed; at most ${MAX_FEED_RECORDS} per request: send it in parts (re-sent records are ignored)`,
    });
    expect(await detect.leaks.listLeaks('t2')).toHaveLength(1);
  });

  it.each([
    ['POST', 'reports-reader', 't1', 403],
    ['GET', 'reports-reader', 't1', 200],
    ['POST', 'global-admin', 't2', 404],
    ['GET', 'security-admin', 't2', 404],
  ] as const)('%s as %s of %s -> %i', async (method, role, tenant, status) => {
    const res = await h.call(method, URL, h.key(tenant, role), method === 'POST' ? 'email\nx@contoso.example\n' : undefined, 'text/csv');
    expect(res.statusCode).toBe(status);
    if (status >= 400) expect(Object.keys(res.json<object>())).toEqual(['error']);
  });
});
