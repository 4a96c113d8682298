/**
 * API keys: `al_<id>_<secret>`. The id (16 hex chars) is public and names the
 * stored record; the secret (32 random bytes, base64url) is shown once and only
 * its SHA-256 is stored.
 *
 * Why SHA-256 and not scrypt: the secret has 256 bits of entropy, so a stolen
 * hash cannot be brute-forced whatever the hash's cost, while scrypt would
 * cost ~50 ms of CPU on every API request and hand attackers a cheap DoS. Slow
 * hashes are for low-entropy human passwords (see passwords.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, ControlStore } from '../store/ports.ts';
import type { Role, TenantId } from '../schema/tenants.ts';

const KEY_PATTERN = /^al_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** A key's id alone (the OAuth client_id) and its secret alone. */
export const ID_PATTERN = /^[0-9a-f]{16}$/;
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface ParsedApiKey {
  readonly id: string;
  readonly secret: string;
}

/** undefined when the string is not shaped like an authlens key (no store lookup needed). */
export function parseApiKey(raw: string): ParsedApiKey | undefined {
  const m = KEY_PATTERN.exec(raw);
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  return { id: m[1], secret: m[2] };
}

export function hashSecret(id: string, secret: string): string {
  // The id is mixed in so a hash copied onto another record does not verify.
  return 'sha256:' + createHash('sha256').update(`${id}:${secret}`).digest('hex');
}

/** Compared against when no key has the id (never matches: not a hex digest). */
const UNKNOWN_KEY_HASH = 'sha256:' + 'x'.repeat(64);

export function verifySecret(id: string, secret: string, storedHash: string): boolean {
  const expected = Buffer.from(hashSecret(id, secret));
  const actual = Buffer.from(storedHash);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface CreatedApiKey {
  /** The full key; shown once, never stored. */
  readonly key: string;
  readonly id: string;
  readonly role: Role;
  readonly tenant: TenantId;
}

/** Public view of a stored key (no hash). */
export interface ApiKeyInfo {
  readonly id: string;
  readonly tenant: TenantId;
  readonly role: Role;
  readonly name?: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

export function toApiKeyInfo(r: ApiKeyRecord): ApiKeyInfo {
  return {
    id: r.id,
    tenant: r.tenant,
    role: r.role,
    createdAt: r.createdAt,
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(r.revokedAt !== undefined ? { revokedAt: r.revokedAt } : {}),
    ...(r.lastUsedAt !== undefined ? { lastUsedAt: r.lastUsedAt } : {}),
  };
}

export type ApiKeyCheck =
  | { readonly ok: true; readonly record: ApiKeyRecord }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'revoked' | 'mismatch' };

export interface ApiKeyService {
  create(tenant: TenantId, role: Role, name?: string): Promise<CreatedApiKey>;
  list(tenant: TenantId): Promise<ApiKeyInfo[]>;
  /** false when the tenant has no such key. */
  revoke(tenant: TenantId, id: string): Promise<boolean>;
  /** Checks a presented key and records its last use. */
  authenticate(raw: string): Promise<ApiKeyCheck>;
  /**
   * Checks a key presented as OAuth client credentials at a tenant's token endpoint (client_id = the
   * key's id) and records its last use. A key of another tenant answers 'unknown', as a missing one does.
   */
  authenticateClient(tenant: TenantId, id: string, secret: string): Promise<ApiKeyCheck>;
  /**
   * The key behind an access token it was exchanged for: still there, in that tenant, not revoked.
   * Records its last use. Called on every use of a token, so a revocation ends its tokens at once.
   */
  authenticateIssued(tenant: TenantId, id: string): Promise<ApiKeyCheck>;
}

export function createApiKeyService(control: ControlStore, now: () => Date = () => new Date()): ApiKeyService {
  return {
    async create(tenant, role, name) {
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      await control.createApiKey({
        id,
        tenant,
        role,
        secretHash: hashSecret(id, secret),
        createdAt: now().toISOString(),
        ...(name !== undefined ? { name } : {}),
      });
      return { key: `al_${id}_${secret}`, id, role, tenant };
    },
    async list(tenant) {
      return (await control.listApiKeys(tenant)).map(toApiKeyInfo);
    },
    async revoke(tenant, id) {
      const rec = await control.getApiKeyById(id);
      if (rec === undefined || rec.tenant !== tenant) return false;
      if (rec.revokedAt === undefined) await control.revokeApiKey(tenant, id, now().toISOString());
      return true;
    },
    async authenticate(raw) {
      const parsed = parseApiKey(raw);
      if (parsed === undefined) return { ok: false, reason: 'malformed' };
      return check(await control.getApiKeyById(parsed.id), parsed.id, parsed.secret);
    },
    async authenticateClient(tenant, id, secret) {
      if (!ID_PATTERN.test(id) || !SECRET_PATTERN.test(secret)) return { ok: false, reason: 'malformed' };
      const rec = await control.getApiKeyById(id);
      // Another tenant's key is checked like any other (same work, same time) and then reported as unknown.
      const r = await check(rec, id, secret);
      return r.ok && r.record.tenant !== tenant ? { ok: false, reason: 'unknown' } : r;
    },
    async authenticateIssued(tenant, id) {
      const rec = await control.getApiKeyById(id);
      if (rec === undefined || rec.tenant !== tenant) return { ok: false, reason: 'unknown' };
      if (rec.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
      await touch(rec);
      return { ok: true, record: rec };
    },
  };

  async function check(rec: ApiKeyRecord | undefined, id: string, secret: string): Promise<ApiKeyCheck> {
    if (rec === undefined) {
      // The same hash work as for a stored key, so the answer's time does not tell whether the id exists.
      verifySecret(id, secret, UNKNOWN_KEY_HASH);
      return { ok: false, reason: 'unknown' };
    }
    if (!verifySecret(id, secret, rec.secretHash)) return { ok: false, reason: 'mismatch' };
    if (rec.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    await touch(rec);
    return { ok: true, record: rec };
  }

  async function touch(rec: ApiKeyRecord): Promise<void> {
    // Minute resolution is enough to spot stale keys and spares a write per request.
    const at = now();
    if (rec.lastUsedAt === undefined || at.getTime() - Date.parse(rec.lastUsedAt) >= 60_000) {
      await control.touchApiKey(rec.id, at.toISOString());
    }
  }
}
