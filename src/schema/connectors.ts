/**
 * IdP connectors (SPEC 5 suspected-breach actions): what a global admin sets
 * per tenant, what the API shows back (never a secret), and the record every
 * action leaves in the user's risk history.
 */
import { Type, type Static } from 'typebox';
import { IsoTime } from './events.ts';

export const CONNECTOR_KINDS = ['webhook', 'keycloak', 'okta', 'entra'] as const;
export const ConnectorKind = Type.Enum(CONNECTOR_KINDS);
export type ConnectorKind = Static<typeof ConnectorKind>;

export const BREACH_ACTIONS = ['resetPassword', 'requireMfa', 'revokeSessions'] as const;
export const BreachAction = Type.Enum(BREACH_ACTIONS);
export type BreachAction = Static<typeof BreachAction>;

const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'https (http only where the operator allows private hosts)' });
const Name = Type.String({ minLength: 1, maxLength: 255 });
/** Write-only: accepted here, stored sealed, never in any answer. Left out on a change of the same kind: the stored one stays. */
const Secret = (description: string, minLength = 1) => Type.Optional(Type.String({ minLength, maxLength: 8192, description: `${description} (write-only)` }));

export const WebhookConnectorInput = Type.Object(
  {
    kind: Type.Literal('webhook'),
    url: Url,
    secret: Secret('HMAC-SHA256 key that signs each request (X-Authlens-Signature); 16 characters or more', 16),
  },
  { additionalProperties: false },
);
export const KeycloakConnectorInput = Type.Object(
  {
    kind: Type.Literal('keycloak'),
    baseUrl: Url,
    realm: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/?#\\s]+$' }),
    clientId: Name,
    clientSecret: Secret("the confidential client's secret (service account with realm-management manage-users)"),
  },
  { additionalProperties: false },
);
export const OktaConnectorInput = Type.Object(
  {
    kind: Type.Literal('okta'),
    orgUrl: Url,
    apiToken: Secret('an Okta API token (SSWS) of an admin allowed to manage users'),
  },
  { additionalProperties: false },
);
export const EntraConnectorInput = Type.Object(
  {
    kind: Type.Literal('entra'),
    directoryId: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9.-]+$', description: 'Entra tenant id (GUID) or a verified domain' }),
    clientId: Name,
    clientSecret: Secret("the app registration's client secret"),
    authorityUrl: Type.Optional(Type.String({ maxLength: 2048, description: 'default https://login.microsoftonline.com (national clouds differ)' })),
    graphUrl: Type.Optional(Type.String({ maxLength: 2048, description: 'default https://graph.microsoft.com' })),
  },
  { additionalProperties: false },
);
export const ConnectorInput = Type.Union([WebhookConnectorInput, KeycloakConnectorInput, OktaConnectorInput, EntraConnectorInput]);
export type ConnectorInput = Static<typeof ConnectorInput>;

/** What the API shows of a connector: its settings, that a secret is set, who set it. Never the secret. */
export const ConnectorView = Type.Object(
  {
    kind: ConnectorKind,
    url: Type.Optional(Type.String()),
    baseUrl: Type.Optional(Type.String()),
    realm: Type.Optional(Type.String()),
    clientId: Type.Optional(Type.String()),
    orgUrl: Type.Optional(Type.String()),
    directoryId: Type.Optional(Type.String()),
    authorityUrl: Type.Optional(Type.String()),
    graphUrl: Type.Optional(Type.String()),
    secretSet: Type.Boolean({ description: 'a secret is stored (it is never shown)' }),
    updatedBy: Type.String(),
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type ConnectorView = Static<typeof ConnectorView>;

export const BREACH_OUTCOMES = ['accepted', 'failed'] as const;

/** One suspected-breach action on a user through the connector: who, when, what, through which kind, and how it went. */
export const BreachActionRecord = Type.Object({
  id: Type.String(),
  userKey: Type.String(),
  userPrincipalName: Type.String(),
  action: BreachAction,
  connector: ConnectorKind,
  outcome: Type.Enum(BREACH_OUTCOMES),
  /** What the IdP (or the automation) answered, in words: shown to admins, never a secret. */
  detail: Type.String(),
  by: Type.String(),
  at: IsoTime,
});
export type BreachActionRecord = Static<typeof BreachActionRecord>;
