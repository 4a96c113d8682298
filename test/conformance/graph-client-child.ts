/**
 * Runs in a child process of graph-client.test.ts so that NODE_EXTRA_CA_CERTS
 * (read once at start-up) makes Node trust the test's self-signed certificate.
 * Drives authlens with the real Microsoft Graph client and prints what it saw
 * as one JSON line; the parent asserts.
 */
import { Client, GraphError, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';

interface Seen {
  readonly id: string;
  readonly createdDateTime: string;
  readonly userPrincipalName: string;
}

const base = process.env['AUTHLENS_BASE_URL'] ?? '';
const key = process.env['AUTHLENS_KEY'] ?? '';
const filter = process.env['AUTHLENS_FILTER'] ?? '';

const client = Client.init({
  baseUrl: base,
  customHosts: new Set([new URL(base).hostname]),
  defaultVersion: 'v1.0',
  authProvider: (done) => done(null, key),
});

async function all(first: PageCollection): Promise<Seen[]> {
  const items: Seen[] = [];
  const it = new PageIterator(client, first, (item: Seen) => {
    items.push({ id: item.id, createdDateTime: item.createdDateTime, userPrincipalName: item.userPrincipalName });
    return true;
  });
  await it.iterate();
  if (!it.isComplete()) throw new Error('the page iterator stopped before the last page');
  return items;
}

async function errorOf(p: Promise<unknown>): Promise<{ statusCode: number; code: string | null; message: string } | null> {
  try {
    await p;
    return null;
  } catch (err) {
    if (err instanceof GraphError) return { statusCode: err.statusCode, code: err.code, message: err.message };
    return { statusCode: -1, code: null, message: String(err) };
  }
}

const everything = await all((await client.api('/auditLogs/signIns').get()) as PageCollection);
const smallPages = await all((await client.api('/auditLogs/signIns').top(250).count(true).get()) as PageCollection);
const filtered = await all((await client.api('/auditLogs/signIns').filter(filter).top(7).get()) as PageCollection);
const badFilter = await errorOf(client.api('/auditLogs/signIns').filter("userPrincipalName eq 'x' and").get());
const one = (await client.api(`/auditLogs/signIns/${encodeURIComponent(everything[0]?.id ?? '')}`).select(['id', 'status']).get()) as unknown;

process.stdout.write(JSON.stringify({ everything, smallPages, filtered, badFilter, one }) + '\n');
