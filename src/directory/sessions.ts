/**
 * Portal users and their sessions. Sessions live in process memory: a restart
 * signs everyone out, which is acceptable for a single-process deployment and
 * keeps session secrets off disk. Portal users go through PortalUserStore.
 */
import { randomBytes } from 'node:crypto';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type Role, type TenantId } from '../schema/tenants.ts';
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
  list(tenant: TenantId): Promise<readonly PortalUser[]>;
}

export function createMemoryPortalUserStore(): PortalUserStore {
  const users = new Map<string, PortalUser>();
  const k = (t: string, u: string): string => `${t}\u0000${u.toLowerCase()}`;
  const forTenant = (tenant: string): PortalUser[] => [...users.values()].filter((u) => u.tenant === tenant);
  return {
    async get(tenant, upn) {
      return users.get(k(tenant, upn));
    },
    async put(user) {
      users.set(k(user.tenant, user.upn), user);
    },
    async countForTenant(tenant) {
      return forTenant(tenant).length;
    },
    async list(tenant) {
      return forTenant(tenant);
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
  /** Signed in with a one-time password: nothing but choosing a new one is allowed until then. */
  readonly mustChangePassword: boolean;
}


export interface IssuedPassword {
  readonly user: PortalUser;
  readonly password: string;
  readonly created: boolean;
}

export type PasswordChange = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface LoginResult {
  readonly sessionId: string;
  readonly session: Session;
  readonly mustChangePassword: boolean;
}

export interface SessionService {
  login(tenant: TenantId, upn: string, password: string): Promise<LoginResult | undefined>;
  get(sessionId: string): Session | undefined;
  /**
   * The session when it is still good: not expired, and its user still has
   * the password and role they signed in with. A password change or reset,
   * here or by another process sharing the user store (the CLI), or a role
   * change ends every session that began before it.
   */
  validate(sessionId: string): Promise<Session | undefined>;
  logout(sessionId: string): void;
  /**
   * Creates the tenant's first global admin when it has no portal user yet.
   * Returns the one-time password (generated unless given) or undefined when
   * the tenant already has users.
   */
  bootstrapGlobalAdmin(tenant: TenantId, upn: string, password?: string): Promise<string | undefined>;
  /**
   * The signed-in user replaces their password (the one-time one, or any):
   * the current one must be right, the new one long enough and different.
   * The user's other sessions end (validate); this one goes on, no longer restricted.
   */
  changePassword(sessionId: string, current: string, next: string): Promise<PasswordChange>;
  /**
   * An operator gives a portal user a one-time password: a new user (role
   * default global-admin), or an existing one who forgot theirs (role kept
   * unless given). The user's sessions end (validate).
   */
  issueOneTimePassword(tenant: TenantId, upn: string, role?: Role): Promise<IssuedPassword>;
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
  // The password hash each session signed in with (kept out of Session, which handlers see).
  const signedInWith = new Map<string, string>();
  const service: SessionService = {
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
        mustChangePassword: user.mustChangePassword,
      };
      while (sessions.size >= maxSessions) {
        const oldest = sessions.keys().next();
        if (oldest.done === true) break;
        sessions.delete(oldest.value);
        signedInWith.delete(oldest.value);
      }
      sessions.set(sessionId, session);
      signedInWith.set(sessionId, user.passwordHash);
      return { sessionId, session, mustChangePassword: user.mustChangePassword };
    },
    get(sessionId) {
      const s = sessions.get(sessionId);
      if (s === undefined) return undefined;
      if (s.expiresAt <= now()) {
        service.logout(sessionId);
        return undefined;
      }
      return s;
    },
    async validate(sessionId) {
      const s = service.get(sessionId);
      if (s === undefined) return undefined;
      const user = await users.get(s.principal.tenant, s.principal.id);
      if (user === undefined || user.passwordHash !== signedInWith.get(sessionId) || user.role !== s.principal.role) {
        service.logout(sessionId);
        return undefined;
      }
      return s;
    },
    logout(sessionId) {
      sessions.delete(sessionId);
      signedInWith.delete(sessionId);
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
    async changePassword(sessionId, current, next) {
      const s = service.get(sessionId);
      if (s === undefined) return { ok: false, reason: 'not signed in' };
      const { tenant, id: upn } = s.principal;
      const user = await users.get(tenant, upn);
      if (user === undefined || !(await verifyPassword(current, user.passwordHash))) return { ok: false, reason: 'the current password is wrong' };
      if (next.length < MIN_PASSWORD_LENGTH) return { ok: false, reason: `the new password needs at least ${MIN_PASSWORD_LENGTH} characters` };
      if (next.length > MAX_PASSWORD_LENGTH) return { ok: false, reason: `the new password may have at most ${MAX_PASSWORD_LENGTH} characters` };
      if (next === current) return { ok: false, reason: 'the new password must differ from the current one' };
      const passwordHash = await hashPassword(next);
      await users.put({ ...user, passwordHash, mustChangePassword: false });
      sessions.set(sessionId, { ...s, mustChangePassword: false });
      signedInWith.set(sessionId, passwordHash);
      return { ok: true };
    },
    async issueOneTimePassword(tenant, upn, role) {
      const existing = await users.get(tenant, upn);
      const password = generatePassword();
      const user: PortalUser = {
        tenant,
        upn: existing?.upn ?? upn,
        role: role ?? existing?.role ?? 'global-admin',
        passwordHash: await hashPassword(password),
        createdAt: existing?.createdAt ?? new Date(now()).toISOString(),
        mustChangePassword: true,
      };
      await users.put(user);
      return { user, password, created: existing === undefined };
    },
  };
  return service;
}
