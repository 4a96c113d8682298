/**
 * Portal users and their sessions. Sessions live in process memory: a restart
 * signs everyone out, which is acceptable for a single-process deployment and
 * keeps session secrets off disk. Portal users go through PortalUserStore.
 */
import { randomBytes } from 'node:crypto';
import type { Role, TenantId } from '../schema/tenants.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';

export interface PortalUser {
  readonly tenant: TenantId;
  /** Sign-in name: the user's UPN in the tenant's directory. */
  readonly upn: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: string;
  /** Set for bootstrapped one-time passwords; the portal asks for a new one. */
  readonly mustChangePassword: boolean;
}

/** Storage of portal users; the integrator may back it with the control store. */
export interface PortalUserStore {
  get(tenant: TenantId, upn: string): Promise<PortalUser | undefined>;
  put(user: PortalUser): Promise<void>;
  countForTenant(tenant: TenantId): Promise<number>;
}

export function createMemoryPortalUserStore(): PortalUserStore {
  const users = new Map<string, PortalUser>();
  const k = (t: string, u: string): string => `${t}\u0000${u.toLowerCase()}`;
  return {
    async get(tenant, upn) {
      return users.get(k(tenant, upn));
    },
    async put(user) {
      users.set(k(user.tenant, user.upn), user);
    },
    async countForTenant(tenant) {
      let n = 0;
      for (const u of users.values()) if (u.tenant === tenant) n++;
      return n;
    },
  };
}

export interface SessionPrincipal {
  readonly tenant: TenantId;
  readonly role: Role;
  readonly kind: 'session';
  readonly id: string;
}

export interface Session {
  readonly principal: SessionPrincipal;
  /** Synchronizer token the portal sends back in X-CSRF-Token. */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export interface LoginResult {
  readonly sessionId: string;
  readonly session: Session;
  readonly mustChangePassword: boolean;
}

export interface SessionService {
  login(tenant: TenantId, upn: string, password: string): Promise<LoginResult | undefined>;
  get(sessionId: string): Session | undefined;
  logout(sessionId: string): void;
  /**
   * Creates the tenant's first global admin when it has no portal user yet.
   * Returns the one-time password (generated unless given) or undefined when
   * the tenant already has users.
   */
  bootstrapGlobalAdmin(tenant: TenantId, upn: string, password?: string): Promise<string | undefined>;
}

export interface SessionOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
  /** Most live sessions kept; the oldest go first. */
  readonly maxSessions?: number;
}

// A fixed hash to verify against when the user does not exist, so the response time does not reveal which UPNs exist.
let dummyHash: Promise<string> | undefined;

export function createSessionService(users: PortalUserStore, opts: SessionOptions = {}): SessionService {
  const ttl = opts.ttlMs ?? 8 * 60 * 60 * 1000;
  const now = opts.now ?? Date.now;
  const maxSessions = opts.maxSessions ?? 10_000;
  const sessions = new Map<string, Session>();
  return {
    async login(tenant, upn, password) {
      const user = await users.get(tenant, upn);
      if (user === undefined) {
        dummyHash ??= hashPassword(generatePassword());
        await verifyPassword(password, await dummyHash);
        return undefined;
      }
      if (!(await verifyPassword(password, user.passwordHash))) return undefined;
      const sessionId = randomBytes(32).toString('base64url');
      const session: Session = {
        principal: { tenant, role: user.role, kind: 'session', id: user.upn },
        csrfToken: randomBytes(32).toString('base64url'),
        expiresAt: now() + ttl,
      };
      while (sessions.size >= maxSessions) {
        const oldest = sessions.keys().next();
        if (oldest.done === true) break;
        sessions.delete(oldest.value);
      }
      sessions.set(sessionId, session);
      return { sessionId, session, mustChangePassword: user.mustChangePassword };
    },
    get(sessionId) {
      const s = sessions.get(sessionId);
      if (s === undefined) return undefined;
      if (s.expiresAt <= now()) {
        sessions.delete(sessionId);
        return undefined;
      }
      return s;
    },
    logout(sessionId) {
      sessions.delete(sessionId);
    },
    async bootstrapGlobalAdmin(tenant, upn, password) {
      if ((await users.countForTenant(tenant)) > 0) return undefined;
      const pw = password ?? generatePassword();
      await users.put({
        tenant,
        upn,
        role: 'global-admin',
        passwordHash: await hashPassword(pw),
        createdAt: new Date(now()).toISOString(),
        mustChangePassword: password === undefined,
      });
      return pw;
    },
  };
}
