/**
 * A tenant's connector settings: the admin's input checked once into a typed
 * config (URLs that the SSRF rules allow, base URLs without query or
 * fragment), and the split of a config into what may be shown and the one
 * secret that is stored sealed.
 */
import type { ConnectorInput, ConnectorKind, ConnectorView } from '../../schema/connectors.ts';
import { webhookUrlProblem, type WebhookHosts } from '../../notify/webhook.ts';

export const DEFAULT_ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

export type ConnectorConfig =
  | { readonly kind: 'webhook'; readonly url: string; readonly secret: string }
  | { readonly kind: 'keycloak'; readonly baseUrl: string; readonly realm: string; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'okta'; readonly orgUrl: string; readonly apiToken: string }
  | {
      readonly kind: 'entra';
      readonly directoryId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly authorityUrl: string;
      readonly graphUrl: string;
    };

export type ConfigProblem = { readonly ok: false; readonly field: string; readonly reason: string };
export type ConfigResult = { readonly ok: true; readonly config: ConnectorConfig } | ConfigProblem;

/** The settings that may be shown (everything but the secret), as stored beside the sealed secret. */
export type PublicSettings = Readonly<Record<string, string>>;

const problem = (field: string, reason: string): ConfigProblem => ({ ok: false, field, reason });

/**
 * A URL the connector may call: the webhooks' rules (http(s), no credentials,
 * never link-local, no private or loopback host unless the operator allows
 * them) and, for an IdP's base URL (`base`), https unless private hosts are
 * allowed (a lab IdP on the LAN), no query or fragment, no trailing slash.
 */
export function checkUrl(raw: string, hosts: WebhookHosts, base: boolean): { ok: true; url: string } | { ok: false; reason: string } {
  const trimmed = raw.trim();
  const p = webhookUrlProblem(trimmed, hosts);
  if (p !== undefined) return { ok: false, reason: p };
  const u = new URL(trimmed);
  if (!base) return { ok: true, url: u.toString() };
  if (u.protocol !== 'https:' && hosts !== 'any') return { ok: false, reason: 'an identity provider is called over https only (the bearer token would cross the network in clear)' };
  if (u.search !== '' || u.hash !== '') return { ok: false, reason: 'a base URL has no query or fragment' };
  return { ok: true, url: `${u.origin}${u.pathname.replace(/\/+$/, '')}` };
}

function secretOf(given: string | undefined, previous: ConnectorConfig | undefined, kind: ConnectorKind, field: string): string | ConfigProblem {
  if (given !== undefined) {
    if (given.trim() !== given || given === '') return problem(field, 'has spaces at its start or end');
    return given;
  }
  if (previous !== undefined && previous.kind === kind) return storedSecret(previous);
  if (previous !== undefined) return problem(field, `is required when the kind changes (the stored secret belongs to the ${previous.kind} connector, not to ${kind})`);
  return problem(field, `is required to set up the ${kind} connector`);
}

/** The one secret of a config: the webhook's signing key, the client secret or the API token. */
export function storedSecret(c: ConnectorConfig): string {
  switch (c.kind) {
    case 'webhook':
      return c.secret;
    case 'keycloak':
    case 'entra':
      return c.clientSecret;
    case 'okta':
      return c.apiToken;
  }
}

/**
 * Checks the admin's input (already shaped by the API schema) into a config.
 * A secret left out keeps the previous one when the kind is unchanged.
 */
export function parseConnectorInput(input: ConnectorInput, previous: ConnectorConfig | undefined, hosts: WebhookHosts): ConfigResult {
  switch (input.kind) {
    case 'webhook': {
      const url = checkUrl(input.url, hosts, false);
      if (!url.ok) return problem('/url', url.reason);
      const secret = secretOf(input.secret, previous, 'webhook', '/secret');
      if (typeof secret !== 'string') return secret;
      return { ok: true, config: { kind: 'webhook', url: url.url, secret } };
    }
    case 'keycloak': {
      const base = checkUrl(input.baseUrl, hosts, true);
      if (!base.ok) return problem('/baseUrl', base.reason);
      const clientSecret = secretOf(input.clientSecret, previous, 'keycloak', '/clientSecret');
      if (typeof clientSecret !== 'string') return clientSecret;
      return { ok: true, config: { kind: 'keycloak', baseUrl: base.url, realm: input.realm, clientId: input.clientId.trim(), clientSecret } };
    }
    case 'okta': {
      const org = checkUrl(input.orgUrl, hosts, true);
      if (!org.ok) return problem('/orgUrl', org.reason);
      const apiToken = secretOf(input.apiToken, previous, 'okta', '/apiToken');
      if (typeof apiToken !== 'string') return apiToken;
      return { ok: true, config: { kind: 'okta', orgUrl: org.url, apiToken } };
    }
    case 'entra': {
      const authority = checkUrl(input.authorityUrl ?? DEFAULT_ENTRA_AUTHORITY, hosts, true);
      if (!authority.ok) return problem('/authorityUrl', authority.reason);
      const graph = checkUrl(input.graphUrl ?? DEFAULT_GRAPH_URL, hosts, true);
      if (!graph.ok) return problem('/graphUrl', graph.reason);
      const clientSecret = secretOf(input.clientSecret, previous, 'entra', '/clientSecret');
      if (typeof clientSecret !== 'string') return clientSecret;
      return {
        ok: true,
        config: { kind: 'entra', directoryId: input.directoryId, clientId: input.clientId.trim(), clientSecret, authorityUrl: authority.url, graphUrl: graph.url },
      };
    }
  }
}

/** Everything of a config but its secret. */
export function publicSettings(c: ConnectorConfig): PublicSettings {
  switch (c.kind) {
    case 'webhook':
      return { url: c.url };
    case 'keycloak':
      return { baseUrl: c.baseUrl, realm: c.realm, clientId: c.clientId };
    case 'okta':
      return { orgUrl: c.orgUrl };
    case 'entra':
      return { directoryId: c.directoryId, clientId: c.clientId, authorityUrl: c.authorityUrl, graphUrl: c.graphUrl };
  }
}

/** A config back from what was stored (settings and the opened secret); undefined when the row does not make one. */
export function configFromStored(kind: string, settings: PublicSettings, secret: string): ConnectorConfig | undefined {
  const s = (k: string): string | undefined => (typeof settings[k] === 'string' ? settings[k] : undefined);
  switch (kind) {
    case 'webhook': {
      const url = s('url');
      return url === undefined ? undefined : { kind, url, secret };
    }
    case 'keycloak': {
      const [baseUrl, realm, clientId] = [s('baseUrl'), s('realm'), s('clientId')];
      return baseUrl === undefined || realm === undefined || clientId === undefined ? undefined : { kind, baseUrl, realm, clientId, clientSecret: secret };
    }
    case 'okta': {
      const orgUrl = s('orgUrl');
      return orgUrl === undefined ? undefined : { kind, orgUrl, apiToken: secret };
    }
    case 'entra': {
      const [directoryId, clientId, authorityUrl, graphUrl] = [s('directoryId'), s('clientId'), s('authorityUrl'), s('graphUrl')];
      if (directoryId === undefined || clientId === undefined || authorityUrl === undefined || graphUrl === undefined) return undefined;
      return { kind, directoryId, clientId, clientSecret: secret, authorityUrl, graphUrl };
    }
    default:
      return undefined;
  }
}

/** What the API answers about a connector. */
export function connectorView(kind: ConnectorKind, settings: PublicSettings, meta: { updatedBy: string; updatedAt: string }): ConnectorView {
  const keep = ['url', 'baseUrl', 'realm', 'clientId', 'orgUrl', 'directoryId', 'authorityUrl', 'graphUrl'] as const;
  const out: Record<string, string> = {};
  for (const k of keep) {
    const v = settings[k];
    if (typeof v === 'string') out[k] = v;
  }
  return { kind, ...out, secretSet: true, updatedBy: meta.updatedBy, updatedAt: meta.updatedAt };
}
