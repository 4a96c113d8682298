/** The one interface every IdP connector kind implements (SPEC 5 suspected-breach actions). */
import type { BreachAction, ConnectorKind } from '../../schema/connectors.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { WebhookHosts } from '../../notify/webhook.ts';

/** The directory user an action is for: the UPN, and the directory snapshot's id when the user is in it. */
export interface ConnectorUser {
  readonly userPrincipalName: string;
  readonly directoryId?: string;
}

/**
 * How an action went. `detail` is shown to admins and kept in the history:
 * what the IdP did or why it refused, in words, never a secret.
 */
export type ActionResult = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly detail: string };

export interface IdpConnector {
  readonly kind: ConnectorKind;
  resetPassword(user: ConnectorUser): Promise<ActionResult>;
  requireMfa(user: ConnectorUser): Promise<ActionResult>;
  revokeSessions(user: ConnectorUser): Promise<ActionResult>;
}

/** What every connector is built with besides its own settings. */
export interface ConnectorContext {
  readonly tenant: TenantId;
  /** Who asked (webhook payloads name them). */
  readonly requestedBy: string;
  /** Unique per action: the webhook's CloudEvent id and delivery header. */
  readonly requestId: string;
  /** 'public' (default): no private, loopback or link-local address; 'any': private too (AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1), never link-local. */
  readonly hosts: WebhookHosts;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly now: () => Date;
}

export type ActionName = BreachAction;
