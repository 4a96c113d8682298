/**
 * The detection engine's ports over DuckDB: state checkpoints, detector
 * settings, leaked credentials and risky users (migration 010). Built on the
 * store's DuckDb helper: `createDetectStores(store.db)`.
 */
import type { TenantId } from '../../schema/tenants.ts';
import type { LeakedCredential, RiskState, RiskStateChange, RiskyUserRecord } from '../../schema/risk.ts';
import type { IncidentStatus, IncidentStatusChange } from '../../schema/incidents.ts';
import type { DetectorSettingsStore, DetectorStateRow, IncidentStore, LeakStore, RiskyUserStore, StateStore } from '../ports.ts';
import type { DuckDb } from './database.ts';
import { insertAudit } from './event-rows.ts';
import { timestampFromIso } from './values.ts';

export interface DetectStores {
  readonly state: StateStore;
  readonly settings: DetectorSettingsStore;
  readonly leaks: LeakStore;
  readonly riskyUsers: RiskyUserStore;
  readonly incidents: IncidentStore;
}

const opt = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function createDetectStores(db: DuckDb, now: () => Date = () => new Date()): DetectStores {
  let staged = false;
  const state: StateStore = {
    async load(tenant) {
      const rows = await db.all<{ detector: string; key: string; state: string; last_ms: number | bigint }>(
        'SELECT detector, key, state, last_ms FROM detect_state WHERE tenant = $1 ORDER BY last_ms',
        [tenant],
      );
      const meta = await db.one<{ meta: string }>('SELECT meta FROM detect_meta WHERE tenant = $1', [tenant]);
      const keys: DetectorStateRow[] = rows.map((r) => ({ detector: r.detector, key: r.key, state: JSON.parse(r.state) as unknown, last: Number(r.last_ms) }));
      return { meta: meta === undefined ? undefined : (JSON.parse(meta.meta) as unknown), keys };
    },
    async save(tenant, delta) {
      await db.transaction(async (conn) => {
        if (!staged) {
          await conn.run('CREATE TEMP TABLE IF NOT EXISTS stage_detect_state (detector VARCHAR, key VARCHAR, state VARCHAR, last_ms BIGINT)');
          staged = true;
        }
        await conn.run('DELETE FROM temp.main.stage_detect_state');
        const a = await conn.createAppender('stage_detect_state', 'main', 'temp');
        try {
          for (const u of delta.upserts) {
            a.appendVarchar(u.detector);
            a.appendVarchar(u.key);
            a.appendVarchar(JSON.stringify(u.state));
            a.appendBigInt(BigInt(Math.trunc(u.last)));
            a.endRow();
          }
          for (const d of delta.deletes) {
            a.appendVarchar(d.detector);
            a.appendVarchar(d.key);
            a.appendNull();
            a.appendNull();
            a.endRow();
          }
          a.flushSync();
        } finally {
          a.closeSync();
        }
        await conn.run(
          'DELETE FROM detect_state WHERE tenant = $1 AND (detector, key) IN (SELECT detector, key FROM temp.main.stage_detect_state)',
          [tenant],
        );
        await conn.run(
          'INSERT INTO detect_state SELECT $1, detector, key, state, last_ms FROM temp.main.stage_detect_state WHERE state IS NOT NULL',
          [tenant],
        );
        await conn.run('DELETE FROM detect_meta WHERE tenant = $1', [tenant]);
        await conn.run('INSERT INTO detect_meta VALUES ($1, $2, $3)', [tenant, JSON.stringify(delta.meta ?? null), timestampFromIso(now().toISOString())]);
      });
    },
  };

  const settings: DetectorSettingsStore = {
    async getSettings(tenant) {
      const row = await db.one<{ settings: string }>(
        'SELECT settings FROM detector_settings WHERE tenant = $1 ORDER BY changed_at DESC, rowid DESC LIMIT 1',
        [tenant],
      );
      return row === undefined ? {} : (JSON.parse(row.settings) as Record<string, unknown>);
    },
    async putSettings(tenant, value, by, at) {
      await db.run('INSERT INTO detector_settings VALUES ($1, $2, $3, $4)', [tenant, JSON.stringify(value), by, timestampFromIso(at)]);
    },
    async settingsHistory(tenant, limit) {
      const rows = await db.all<{ settings: string; changed_by: string; changed_at: unknown }>(
        'SELECT settings, changed_by, changed_at FROM detector_settings WHERE tenant = $1 ORDER BY changed_at DESC, rowid DESC LIMIT $2',
        [tenant, limit],
      );
      return rows.map((r) => ({ settings: JSON.parse(r.settings) as Record<string, unknown>, by: r.changed_by, at: String(r.changed_at) }));
    },
  };

  const leaks: LeakStore = {
    async importLeaks(tenant, records) {
      let inserted = 0;
      await db.transaction(async (conn) => {
        for (const r of records) {
          const reader = await conn.runAndReadAll(
            `SELECT count(*) AS n FROM leaked_credentials WHERE tenant = $1 AND account = $2
               AND sha1 IS NOT DISTINCT FROM $3 AND ntlm IS NOT DISTINCT FROM $4 AND source IS NOT DISTINCT FROM $5`,
            [tenant, r.account, r.sha1 ?? null, r.ntlm ?? null, r.source ?? null],
          );
          if (Number(reader.getRows()[0]?.[0] ?? 0) > 0) continue;
          await conn.run('INSERT INTO leaked_credentials VALUES ($1, $2, $3, $4, $5, $6, $7)', [
            tenant,
            r.account,
            r.sha1 ?? null,
            r.ntlm ?? null,
            r.source ?? null,
            r.date ?? null,
            timestampFromIso(r.importedAt),
          ]);
          inserted++;
        }
      });
      return { inserted, duplicates: records.length - inserted };
    },
    async listLeaks(tenant) {
      const rows = await db.all('SELECT account, sha1, ntlm, source, leak_date, imported_at FROM leaked_credentials WHERE tenant = $1 ORDER BY account', [tenant]);
      return rows.map((r) => {
        const l: LeakedCredential = { account: String(r.account), importedAt: String(r.imported_at) };
        const sha1 = opt(r.sha1);
        const ntlm = opt(r.ntlm);
        const source = opt(r.source);
        const date = opt(r.leak_date);
        if (sha1 !== undefined) l.sha1 = sha1;
        if (ntlm !== undefined) l.ntlm = ntlm;
        if (source !== undefined) l.source = source;
        if (date !== undefined) l.date = date;
        return l;
      });
    },
  };

  const changeFromRow = (r: Record<string, unknown>): RiskStateChange => {
    const c: RiskStateChange = {
      userKey: String(r.user_key),
      userPrincipalName: String(r.upn),
      to: r.to_state as RiskState,
      by: String(r.changed_by),
      at: String(r.changed_at),
    };
    const from = opt(r.from_state);
    const reason = opt(r.reason);
    if (from !== undefined) c.from = from as RiskState;
    if (reason !== undefined) c.reason = reason;
    return c;
  };
  const latest = `SELECT * FROM risky_user_changes WHERE tenant = $1 QUALIFY row_number() OVER (PARTITION BY user_key ORDER BY changed_at DESC, rowid DESC) = 1`;
  const record = (c: RiskStateChange): RiskyUserRecord => ({ userKey: c.userKey, userPrincipalName: c.userPrincipalName, state: c.to, stateAt: c.at, updatedBy: c.by });

  const riskyUsers: RiskyUserStore = {
    async getRiskyUser(tenant: TenantId, userKey: string) {
      const row = await db.one(`${latest.replace('WHERE tenant = $1', 'WHERE tenant = $1 AND user_key = $2')}`, [tenant, userKey]);
      return row === undefined ? undefined : record(changeFromRow(row));
    },
    async listRiskyUsers(tenant) {
      const rows = await db.all(`${latest} ORDER BY user_key`, [tenant]);
      return rows.map((r) => record(changeFromRow(r)));
    },
    async changeRiskState(tenant, c, audit) {
      await db.transaction(async (conn) => {
        await conn.run('INSERT INTO risky_user_changes VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
          tenant,
          c.userKey,
          c.userPrincipalName,
          c.from ?? null,
          c.to,
          c.by,
          timestampFromIso(c.at),
          c.reason ?? null,
        ]);
        if (audit !== undefined) await insertAudit(conn, tenant, audit, c.at);
      });
    },
    async riskHistory(tenant, userKey) {
      const rows = await db.all('SELECT * FROM risky_user_changes WHERE tenant = $1 AND user_key = $2 ORDER BY changed_at, rowid', [tenant, userKey]);
      return rows.map(changeFromRow);
    },
  };

  const incidentChange = (r: Record<string, unknown>): IncidentStatusChange => {
    const c: IncidentStatusChange = { incidentId: String(r.incident_id), to: r.to_status as IncidentStatus, by: String(r.changed_by), at: String(r.changed_at) };
    const from = opt(r.from_status);
    const reason = opt(r.reason);
    if (from !== undefined) c.from = from as IncidentStatus;
    if (reason !== undefined) c.reason = reason;
    return c;
  };
  const incidents: IncidentStore = {
    async listIncidentStatuses(tenant) {
      const rows = await db.all(
        'SELECT * FROM incident_changes WHERE tenant = $1 QUALIFY row_number() OVER (PARTITION BY incident_id ORDER BY changed_at DESC, rowid DESC) = 1 ORDER BY incident_id',
        [tenant],
      );
      return rows.map(incidentChange);
    },
    async changeIncidentStatus(tenant, c, audit) {
      await db.transaction(async (conn) => {
        await conn.run('INSERT INTO incident_changes VALUES ($1, $2, $3, $4, $5, $6, $7)', [tenant, c.incidentId, c.from ?? null, c.to, c.by, timestampFromIso(c.at), c.reason ?? null]);
        if (audit !== undefined) await insertAudit(conn, tenant, audit, c.at);
      });
    },
    async incidentHistory(tenant, incidentId) {
      const rows = await db.all('SELECT * FROM incident_changes WHERE tenant = $1 AND incident_id = $2 ORDER BY changed_at, rowid', [tenant, incidentId]);
      return rows.map(incidentChange);
    },
  };

  return { state, settings, leaks, riskyUsers, incidents };
}
