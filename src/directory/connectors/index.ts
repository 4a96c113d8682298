/** Builds the connector of a config: one module per kind, one interface. */
import type { ConnectorConfig } from './config.ts';
import { createEntraConnector } from './entra.ts';
import { createKeycloakConnector } from './keycloak.ts';
import { createOktaConnector } from './okta.ts';
import type { ConnectorContext, IdpConnector } from './types.ts';
import { createWebhookConnector } from './webhook.ts';

export function createConnector(config: ConnectorConfig, ctx: ConnectorContext): IdpConnector {
  switch (config.kind) {
    case 'webhook':
      return createWebhookConnector(config, ctx);
    case 'keycloak':
      return createKeycloakConnector(config, ctx);
    case 'okta':
      return createOktaConnector(config, ctx);
    case 'entra':
      return createEntraConnector(config, ctx);
  }
}
