/**
 * Runs in a child process of oauth-client.test.ts so that NODE_EXTRA_CA_CERTS
 * (read once at start-up) makes Node, and so MSAL, trust the test's
 * self-signed certificate. Microsoft's own libraries, unchanged: @azure/identity's
 * ClientSecretCredential (MSAL underneath) gets a token from authlens's token
 * endpoint by its authority host, and the Graph client pages sign-ins with it.
 * Prints what it saw as one JSON line; the parent asserts.
 */
import { ClientSecretCredential } from '@azure/identity';
import { Client, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';

const authorityHost = process.env['AUTHLENS_AUTHORITY'] ?? '';
const tenant = process.env['AUTHLENS_TENANT'] ?? '';
const clientId = process.env['AUTHLENS_CLIENT_ID'] ?? '';
const clientSecret = process.env['AUTHLENS_CLIENT_SECRET'] ?? '';
const scopes = ['https://graph.microsoft.com/.default'];

const credential = new ClientSecretCredential(tenant, clientId, clientSecret, { authorityHost, disableInstanceDiscovery: true });

async function run(): Promise<Record<string, unknown>> {
  const token = await credential.getToken(scopes);
  const client = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes }),
    baseUrl: `${authorityHost}/`,
    customHosts: new Set([new URL(authorityHost).hostname]),
    defaultVersion: 'v1.0',
  });
  const ids: string[] = [];
  const first = (await client.api('/auditLogs/signIns').top(100).get()) as PageCollection;
  const it = new PageIterator(client, first, (item: { id: string }) => {
    ids.push(item.id);
    return true;
  });
  await it.iterate();
  if (!it.isComplete()) throw new Error('the page iterator stopped before the last page');
  return { ok: true, ids, firstPage: first.value.length, token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
}

try {
  process.stdout.write(JSON.stringify(await run()) + '\n');
} catch (err) {
  const e = err as Error;
  process.stdout.write(JSON.stringify({ ok: false, name: e.name, message: e.message }) + '\n');
}
