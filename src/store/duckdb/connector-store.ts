/**
 * IdP connectors and suspected-breach actions over DuckDB (migration 060).
 * `createConnectorStore(store.db)`. Secrets arrive sealed; this module never
 * sees one in clear.
 */
import type { BreachActionRecord } from '../../schema/connectors.ts';
import { BREACH_ACTIONS, BREACH_OUTCOMES, CONNECTOR_KINDS } from '../../schema/connectors.ts';
import type { ConnectorStore } from '../ports.ts';
import type { DuckDb } from './database.ts';
import { insertAudit } from './event-rows.ts';
import { timestampFromIso } from './values.ts';

interface ActionRow {
  id: string;
  user_key: string;
  upn: string;
  action: string;
  connector: string;
  outcome: string;
  detail: string;
  acted_by: string;
  acted_at: string;
}

const pick = <T extends string>(all: readonly T[], v: string, fallback: T): T => (all as readonly string[]).includes(v) ? (v as T) : fallback;

function actionOf(r: ActionRow): BreachActionRecord {
  return {
    id: r.id,
    userKey: r.user_key,
    userPrincipalName: r.upn,
    action: pick(BREACH_ACTIONS, r.action, 'revokeSessions'),
    connector: pick(CONNECTOR_KINDS, r.connector, 'webhook'),
    outcome: pick(BREACH_OUTCOMES, r.outcome, 'failed'),
    detail: r.detail,
    by: r.acted_by,
    at: r.acted_at,
  };
}

function settingsOf(json: string): Record<string, string> {
  try {
    const v = JSON.parse(json) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

export function createConnectorStore(db: DuckDb): ConnectorStore {
  return {
    async getConnector(tenant) {
      const r = await db.one<{ kind: string; settings: string; sealed_secret: string; updated_by: string; updated_at: string }>(
        'SELECT kind, settings, sealed_secret, updated_by, updated_at FROM connector_settings WHERE tenant = $1 ORDER BY updated_at DESC LIMIT 1',
        [tenant],
      );
      if (r === undefined) return undefined;
      return { kind: r.kind, settings: settingsOf(r.settings), sealedSecret: r.sealed_secret, updatedBy: r.updated_by, updatedAt: r.updated_at };
    },
    async putConnector(tenant, c, audit) {
      await db.transaction(async (conn) => {
        await conn.run('DELETE FROM connector_settings WHERE tenant = $1', [tenant]);
        await conn.run('INSERT INTO connector_settings VALUES ($1, $2, $3, $4, $5, $6)', [tenant, c.kind, JSON.stringify(c.settings), c.sealedSecret, c.updatedBy, timestampFromIso(c.updatedAt)]);
        await insertAudit(conn, tenant, audit, c.updatedAt);
      });
    },
    async deleteConnector(tenant, audit) {
      return db.transaction(async (conn) => {
        const res = await conn.run('DELETE FROM connector_settings WHERE tenant = $1', [tenant]);
        if (res.rowsChanged === 0) return false;
        await insertAudit(conn, tenant, audit, audit.activityDateTime);
        return true;
      });
    },
    async recordAction(tenant, a, audit) {
      await db.transaction(async (conn) => {
        await conn.run('INSERT INTO breach_actions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
          tenant,
          a.id,
          a.userKey,
          a.userPrincipalName,
          a.action,
          a.connector,
          a.outcome,
          a.detail,
          a.by,
          timestampFromIso(a.at),
        ]);
        await insertAudit(conn, tenant, audit, a.at);
      });
    },
    async listActions(tenant, userKeys) {
      const keys = [...new Set(userKeys.map((k) => k.toLowerCase()))];
      if (keys.length === 0) return [];
      const marks = keys.map((_, i) => `$${i + 2}`).join(', ');
      const rows = await db.all<ActionRow>(
        `SELECT id, user_key, upn, action, connector, outcome, detail, acted_by, acted_at FROM breach_actions
         WHERE tenant = $1 AND user_key IN (${marks}) ORDER BY acted_at, rowid`,
        [tenant, ...keys],
      );
      return rows.map(actionOf);
    },
  };
}
