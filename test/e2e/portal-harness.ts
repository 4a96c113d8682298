/**
 * What every portal test in a real browser needs: a server with a small demo
 * tenant in a fresh data dir, Debian's Chromium driven by playwright-core,
 * and signed-in pages (a one-time password is replaced on the way, once per
 * user).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/config.ts';
import { createFilePortalUserStore } from '../../src/directory/portal-users-file.ts';
import { createSessionService } from '../../src/directory/sessions.ts';
import type { Role } from '../../src/schema/tenants.ts';
import { startServer, type RunningServer } from '../../src/main.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What a test's users choose when the portal asks them to replace a one-time password. */
export const CHOSEN_PASSWORD = 'a password of my own choosing';

export interface SignInOptions {
  /** Where to go once signed in: a hash of the portal such as `#/page/lists` (default: the start page). */
  readonly hash?: string;
  readonly context?: BrowserContextOptions;
  /** Browser permissions for the portal's origin, e.g. clipboard access. */
  readonly permissions?: readonly string[];
}

export interface PortalHarness {
  readonly server: RunningServer;
  readonly browser: Browser;
  readonly dataDir: string;
  /** Every line the server logged (the bootstrap admin's one-time password among them). */
  readonly lines: readonly string[];
  /** The demo's first global admin, with the one-time password the server printed. */
  readonly admin: { readonly upn: string; readonly password: string };
  /** The user's password now: the one-time one until a sign-in replaced it. */
  passwordOf(upn: string): string;
  /** A portal user of the demo tenant with a one-time password. */
  addUser(upn: string, role: Role): Promise<void>;
  /** A new page, in a context of its own, signed in as `upn`. */
  signIn(upn: string, opts?: SignInOptions): Promise<Page>;
  close(): Promise<void>;
}

/** `env`: the server's environment variables (default none), e.g. AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1 for a loopback receiver. */
export async function startPortal(name: string, demo: { users: number; days: number; seed: number }, env: NodeJS.ProcessEnv = {}): Promise<PortalHarness> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (see .ci/run)`);
  const dataDir = await mkdtemp(path.join(tmpdir(), `authlens-${name}-`));
  const lines: string[] = [];
  const server = await startServer(loadConfig({ dataDir, port: 0, demo: true, logLevel: 'warn' }, env), { log: (l) => lines.push(l), demo });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const m = /user (\S+), one-time password (\S+)/.exec(lines.find((l) => l.includes('one-time password')) ?? '');
  if (m === null || m[1] === undefined || m[2] === undefined) throw new Error(`no bootstrap line in: ${lines.join(' | ')}`);
  const admin = { upn: m[1], password: m[2] };
  const passwords = new Map<string, string>([[admin.upn, admin.password]]);

  return {
    server,
    browser,
    dataDir,
    lines,
    admin,
    passwordOf: (upn) => passwords.get(upn) ?? '',
    async addUser(upn, role) {
      const issued = await createSessionService(createFilePortalUserStore(dataDir)).issueOneTimePassword('demo', upn, role);
      passwords.set(upn, issued.password);
    },
    async signIn(upn, opts = {}) {
      const context = await browser.newContext(opts.context);
      if (opts.permissions !== undefined) await context.grantPermissions([...opts.permissions], { origin: server.url });
      const page = await context.newPage();
      const password = passwords.get(upn) ?? '';
      await page.goto(server.url);
      await page.getByRole('textbox', { name: 'User principal name' }).fill(upn);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const nav = page.getByRole('navigation', { name: 'Reports' });
      const asked = page.getByRole('heading', { name: 'Choose a new password' });
      await nav.or(asked).waitFor();
      if (await asked.isVisible()) {
        await page.getByLabel('Current password').fill(password);
        await page.getByLabel('New password', { exact: true }).fill(CHOSEN_PASSWORD);
        await page.getByLabel('New password again').fill(CHOSEN_PASSWORD);
        await page.getByRole('button', { name: 'Set password' }).click();
        passwords.set(upn, CHOSEN_PASSWORD);
      }
      await nav.waitFor();
      if (opts.hash !== undefined && opts.hash !== '') await page.goto(`${server.url}/${opts.hash}`);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
