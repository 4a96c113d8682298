/**
 * Suspected-breach actions (SPEC 5): a tenant's IdP connector (set by a
 * global admin, its secret sealed at rest and never shown), and the actions
 * done through it on a risky user. Every change of the connector and every
 * action, accepted or failed, is recorded with who, when, what, through which
 * connector kind and how it went: in the user's risk history and in the
 * tenant's own audit log as an authlens admin action (as Ignore is).
 */
import { randomUUID } from 'node:crypto';
import type { BreachAction, BreachActionRecord, ConnectorInput, ConnectorKind, ConnectorView } from '../schema/connectors.ts';
import { CONNECTOR_KINDS } from '../schema/connectors.ts';
import type { DirectoryAudit } from '../schema/events.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { ConnectorStore } from '../store/ports.ts';
import { openSecret, sealSecret } from '../secrets.ts';
import type { WebhookHosts } from '../notify/webhook.ts';
import { configFromStored, connectorView, parseConnectorInput, publicSettings, storedSecret, type ConnectorConfig } from '../directory/connectors/config.ts';
import { createConnector } from '../directory/connectors/index.ts';
import { adminAudit, type Actor } from './admin-actions.ts';

export interface BreachActionDeps {
  readonly store: ConnectorStore;
  /** 32 bytes from the data dir (loadOrCreateSecret(dataDir, 'connector.key')). */
  readonly key: Uint8Array;
  /** As webhooks: 'public' unless the operator allows private hosts (AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1). */
  readonly hosts: WebhookHosts;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

/** The user an action is for, as D7 keys them. */
export interface ActionTarget {
  readonly userKey: string;
  readonly userPrincipalName: string;
  /** The directory snapshot's id, when the user is in it. */
  readonly directoryId?: string;
}

export const ACTION_WORDS: Readonly<Record<BreachAction, string>> = {
  resetPassword: 'Reset password',
  requireMfa: 'Require MFA',
  revokeSessions: 'Revoke sessions',
};

const UNREADABLE =
  'the stored connector secret cannot be opened with this server\u2019s connector.key (the key file was replaced or the data moved); a global admin must enter the secret again';

export type PerformResult = { readonly configured: false } | { readonly configured: true; readonly record: BreachActionRecord };

const isKind = (k: string): k is ConnectorKind => (CONNECTOR_KINDS as readonly string[]).includes(k);

export function createBreachActions(deps: BreachActionDeps) {
  const now = deps.now ?? (() => new Date());

  /** The stored connector, its secret opened; `undefined` when none; `unreadable` when the secret does not open. */
  async function load(tenant: TenantId): Promise<{ config: ConnectorConfig } | { unreadable: ConnectorKind } | undefined> {
    const rec = await deps.store.getConnector(tenant);
    if (rec === undefined || !isKind(rec.kind)) return undefined;
    const secret = openSecret(deps.key, rec.sealedSecret, tenant);
    const config = secret === undefined ? undefined : configFromStored(rec.kind, rec.settings, secret);
    return config === undefined ? { unreadable: rec.kind } : { config };
  }

  return {
    /** What the API shows: settings and who set them, never the secret. */
    async getConnector(tenant: TenantId): Promise<ConnectorView | undefined> {
      const rec = await deps.store.getConnector(tenant);
      if (rec === undefined || !isKind(rec.kind)) return undefined;
      return connectorView(rec.kind, rec.settings, rec);
    },

    /** Checks and stores the connector (a secret left out keeps the stored one of the same kind); audited. */
    async putConnector(
      tenant: TenantId,
      input: ConnectorInput,
      actor: Actor,
    ): Promise<{ ok: true; view: ConnectorView } | { ok: false; field: string; reason: string }> {
      const previous = await load(tenant);
      const parsed = parseConnectorInput(input, previous !== undefined && 'config' in previous ? previous.config : undefined, deps.hosts);
      if (!parsed.ok) return parsed;
      const c = parsed.config;
      const at = now().toISOString();
      const settings = publicSettings(c);
      const audit = adminAudit({
        at,
        actor,
        activity: 'Set IdP connector',
        operationType: previous === undefined ? 'Add' : 'Update',
        targets: [{ id: tenant, displayName: `${c.kind} connector`, type: 'IdpConnector' }],
        details: { kind: c.kind, ...settings, secretChanged: String(storedSecret(c) !== (previous !== undefined && 'config' in previous ? storedSecret(previous.config) : undefined)) },
      });
      await deps.store.putConnector(tenant, { kind: c.kind, settings, sealedSecret: sealSecret(deps.key, storedSecret(c), tenant), updatedBy: actor.upn, updatedAt: at }, audit);
      return { ok: true, view: connectorView(c.kind, settings, { updatedBy: actor.upn, updatedAt: at }) };
    },

    /** Removes the connector (the actions' history stays); false when there was none. */
    async deleteConnector(tenant: TenantId, actor: Actor): Promise<boolean> {
      const rec = await deps.store.getConnector(tenant);
      if (rec === undefined) return false;
      const audit = adminAudit({
        at: now().toISOString(),
        actor,
        activity: 'Remove IdP connector',
        operationType: 'Delete',
        targets: [{ id: tenant, displayName: `${rec.kind} connector`, type: 'IdpConnector' }],
        details: { kind: rec.kind },
      });
      return deps.store.deleteConnector(tenant, audit);
    },

    /** Does the action through the connector and records it, whatever the outcome. */
    async perform(tenant: TenantId, action: BreachAction, target: ActionTarget, actor: Actor): Promise<PerformResult> {
      const loaded = await load(tenant);
      if (loaded === undefined) return { configured: false };
      const id = randomUUID();
      let kind: ConnectorKind;
      let result: { ok: boolean; detail: string };
      if ('unreadable' in loaded) {
        kind = loaded.unreadable;
        result = { ok: false, detail: UNREADABLE };
      } else {
        kind = loaded.config.kind;
        const connector = createConnector(loaded.config, {
          tenant,
          requestedBy: actor.upn,
          requestId: id,
          hosts: deps.hosts,
          now,
          ...(deps.fetch !== undefined ? { fetch: deps.fetch } : {}),
          ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
        });
        const user = { userPrincipalName: target.userPrincipalName, ...(target.directoryId !== undefined ? { directoryId: target.directoryId } : {}) };
        result = await connector[action](user);
      }
      const at = now().toISOString();
      const record: BreachActionRecord = {
        id,
        userKey: target.userKey,
        userPrincipalName: target.userPrincipalName,
        action,
        connector: kind,
        outcome: result.ok ? 'accepted' : 'failed',
        detail: result.detail,
        by: actor.upn,
        at,
      };
      const audit: DirectoryAudit = {
        ...adminAudit({
          at,
          actor,
          activity: `${ACTION_WORDS[action]} through IdP connector`,
          operationType: 'Update',
          targets: [{ id: target.directoryId ?? target.userKey, displayName: target.userPrincipalName, userPrincipalName: target.userPrincipalName, type: 'User' }],
          details: { action, connector: kind, outcome: record.outcome, detail: record.detail, actionId: id },
        }),
        result: result.ok ? 'success' : 'failure',
        ...(result.ok ? {} : { resultReason: record.detail }),
      };
      await deps.store.recordAction(tenant, record, audit);
      return { configured: true, record };
    },

    listActions: (tenant: TenantId, userKeys: readonly string[]) => deps.store.listActions(tenant, userKeys),
  };
}

export type BreachActions = ReturnType<typeof createBreachActions>;
