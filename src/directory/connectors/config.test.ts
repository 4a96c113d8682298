/** The parser of admin-given connector settings: exact cases, and properties over arbitrary input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectorInput } from '../../schema/connectors.ts';
import { isLinkLocal } from '../../notify/webhook.ts';
import { classifyIp } from '../../enrich/ip-scope.ts';
import { configFromStored, connectorView, parseConnectorInput, publicSettings, storedSecret, type ConnectorConfig } from './config.ts';

const WEBHOOK_SECRET = 'a-signing-secret-of-32-characters';

describe('parseConnectorInput', () => {
  it.each([
    ['public', { kind: 'webhook', url: 'https://soar.example.com/hooks/authlens', secret: WEBHOOK_SECRET }, { kind: 'webhook', url: 'https://soar.example.com/hooks/authlens', secret: WEBHOOK_SECRET }],
    ['public', { kind: 'okta', orgUrl: ' https://contoso.okta.com/ ', apiToken: 'tok' }, { kind: 'okta', orgUrl: 'https://contoso.okta.com', apiToken: 'tok' }],
    ['any', { kind: 'keycloak', baseUrl: 'http://10.0.0.5:8080/auth/', realm: 'acme', clientId: ' authlens ', clientSecret: 's' }, { kind: 'keycloak', baseUrl: 'http://10.0.0.5:8080/auth', realm: 'acme', clientId: 'authlens', clientSecret: 's' }],
    [
      'public',
      { kind: 'entra', directoryId: 'contoso.onmicrosoft.com', clientId: 'app', clientSecret: 's' },
      { kind: 'entra', directoryId: 'contoso.onmicrosoft.com', clientId: 'app', clientSecret: 's', authorityUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' },
    ],
  ] as const)('accepts (%s hosts) %j', (hosts, input, config) => {
    expect(parseConnectorInput(input as ConnectorInput, undefined, hosts)).toEqual({ ok: true, config });
  });

  it.each([
    ['public', { kind: 'webhook', url: 'http://127.0.0.1:9000/hook', secret: WEBHOOK_SECRET }, '/url', 'public addresses only'],
    ['public', { kind: 'webhook', url: 'https://10.1.2.3/hook', secret: WEBHOOK_SECRET }, '/url', 'public addresses only'],
    ['any', { kind: 'webhook', url: 'http://169.254.169.254/latest/meta-data', secret: WEBHOOK_SECRET }, '/url', 'link-local'],
    ['any', { kind: 'webhook', url: 'http://[fe80::1]/x', secret: WEBHOOK_SECRET }, '/url', 'link-local'],
    ['public', { kind: 'webhook', url: 'https://user:pw@soar.example.com/', secret: WEBHOOK_SECRET }, '/url', 'credentials in the URL'],
    ['public', { kind: 'webhook', url: 'ftp://soar.example.com/', secret: WEBHOOK_SECRET }, '/url', 'only http and https'],
    ['public', { kind: 'webhook', url: 'https://soar.example.com/' }, '/secret', 'is required to set up the webhook connector'],
    ['public', { kind: 'okta', orgUrl: 'http://contoso.okta.com', apiToken: 't' }, '/orgUrl', 'https only'],
    ['public', { kind: 'okta', orgUrl: 'https://contoso.okta.com/?x=1', apiToken: 't' }, '/orgUrl', 'no query or fragment'],
    ['public', { kind: 'okta', orgUrl: 'https://localhost', apiToken: 't' }, '/orgUrl', 'public addresses only'],
    ['public', { kind: 'entra', directoryId: 'c', clientId: 'a', clientSecret: 's', graphUrl: 'https://169.254.169.254' }, '/graphUrl', 'link-local'],
    ['public', { kind: 'keycloak', baseUrl: 'https://kc.example.com', realm: 'r', clientId: 'a', clientSecret: ' s' }, '/clientSecret', 'spaces'],
  ] as const)('refuses (%s hosts) %j at %s', (hosts, input, field, reason) => {
    const r = parseConnectorInput(input as ConnectorInput, undefined, hosts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.reason).toContain(reason);
    }
  });

  it('keeps the stored secret when a change of the same kind leaves it out, and asks for one on a change of kind', () => {
    const prev: ConnectorConfig = { kind: 'okta', orgUrl: 'https://old.okta.com', apiToken: 'old-token' };
    expect(parseConnectorInput({ kind: 'okta', orgUrl: 'https://new.okta.com' }, prev, 'public')).toEqual({ ok: true, config: { kind: 'okta', orgUrl: 'https://new.okta.com', apiToken: 'old-token' } });
    expect(parseConnectorInput({ kind: 'entra', directoryId: 'd', clientId: 'c' }, prev, 'public')).toMatchObject({ ok: false, field: '/clientSecret' });
  });

  const anyInput: fc.Arbitrary<ConnectorInput> = fc.oneof(
    fc.record({ kind: fc.constant('webhook' as const), url: fc.oneof(fc.webUrl(), fc.string()), secret: fc.string({ minLength: 16, maxLength: 40 }) }),
    fc.record({ kind: fc.constant('okta' as const), orgUrl: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()), apiToken: fc.string({ minLength: 1 }) }),
    fc.record({
      kind: fc.constant('keycloak' as const),
      baseUrl: fc.oneof(fc.webUrl(), fc.constantFrom('http://127.0.0.1:8080', 'https://[::1]/', 'https://169.254.1.1', 'http://192.168.1.10/kc/')),
      realm: fc.string({ minLength: 1, maxLength: 20 }),
      clientId: fc.string({ minLength: 1, maxLength: 20 }),
      clientSecret: fc.string({ minLength: 1, maxLength: 20 }),
    }),
    fc.record({
      kind: fc.constant('entra' as const),
      directoryId: fc.constantFrom('contoso.onmicrosoft.com', '72f988bf-86f1-41af-91ab-2d7cd011db47'),
      clientId: fc.string({ minLength: 1, maxLength: 20 }),
      clientSecret: fc.string({ minLength: 1, maxLength: 20 }),
      graphUrl: fc.oneof(fc.webUrl(), fc.constantFrom('https://graph.microsoft.us', 'https://10.0.0.1', 'http://[fe80::2]')),
    }),
  );

  it('never throws; what it accepts calls only http(s) URLs without credentials, never link-local, public ones unless allowed, and survives a store round trip', () => {
    fc.assert(
      fc.property(anyInput, fc.constantFrom('public' as const, 'any' as const), (input, hosts) => {
        const r = parseConnectorInput(input, undefined, hosts);
        if (!r.ok) {
          expect(r.field.startsWith('/')).toBe(true);
          return;
        }
        const c = r.config;
        const urls = Object.entries(publicSettings(c)).filter(([k]) => k.endsWith('Url') || k === 'url').map(([, v]) => new URL(v));
        for (const u of urls) {
          expect(['http:', 'https:']).toContain(u.protocol);
          expect(u.username + u.password).toBe('');
          const host = u.hostname.replace(/^\[|\]$/g, '');
          expect(isLinkLocal(host)).toBe(false);
          if (hosts === 'public') {
            expect(host === 'localhost' || host.endsWith('.localhost')).toBe(false);
            if (/^[\d.]+$|:/.test(host)) expect(classifyIp(host)).toBe('public');
          }
        }
        // Stored as shown settings + sealed secret, it comes back the same; the view never holds the secret.
        expect(configFromStored(c.kind, publicSettings(c), storedSecret(c))).toEqual(c);
        const view = connectorView(c.kind, publicSettings(c), { updatedBy: 'a', updatedAt: '2026-11-20T12:00:00.000Z' });
        for (const k of ['secret', 'clientSecret', 'apiToken']) expect(view).not.toHaveProperty(k);
        // Parsing again what it produced gives the same config.
        const again = parseConnectorInput({ ...(publicSettings(c) as object), kind: c.kind } as ConnectorInput, c, hosts);
        expect(again).toEqual({ ok: true, config: c });
      }),
      { numRuns: 400 },
    );
  });
});
