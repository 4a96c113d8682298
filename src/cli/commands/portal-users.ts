/**
 * `authlens portal-users set|list`: who can sign in to the portal. `set` gives
 * a user a one-time password, creating the user (a tenant made without
 * `tenant create --admin`, a colleague) or resetting a forgotten password;
 * they choose their own at first sign-in. An operator's act, like tenants.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ROLES } from '../../schema/tenants.ts';
import { createFilePortalUserStore } from '../../directory/portal-users-file.ts';
import { createSessionService } from '../../directory/sessions.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { withRuntime } from '../runtime.ts';
import { cliIo } from '../io.ts';
import { parseRole } from './keys.ts';

export function register(program: Command): void {
  const portalUsers = program.command('portal-users').description('portal sign-in: give a user a one-time password (new user or forgotten password), list users');

  portalUsers
    .command('set')
    .description("create a portal user or reset their password; prints a one-time password once and ends the user's sessions")
    .requiredOption('--tenant <id>', 'tenant')
    .requiredOption('--upn <upn>', "the user's sign-in name (their UPN in the directory)")
    .option('--role <role>', `role: ${ROLES.join('|')} (default: the user's current role, global-admin for a new user)`)
    .action(async (opts: { tenant: string; upn: string; role?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const role = opts.role !== undefined ? parseRole(opts.role) : undefined;
      const upn = opts.upn.trim();
      if (upn === '' || upn.length > 320) throw new CliError('--upn must be a user principal name (1 to 320 characters)');
      await withRuntime(g.dataDir, async (rt) => {
        if ((await rt.store.control.getTenant(opts.tenant)) === undefined) throw new CliError(`tenant '${opts.tenant}' does not exist`);
        const sessions = createSessionService(createFilePortalUserStore(path.resolve(rt.config.dataDir)));
        const issued = await sessions.issueOneTimePassword(opts.tenant, upn, role);
        if (g.json) {
          io.stdout.write(`${JSON.stringify({ tenant: opts.tenant, upn: issued.user.upn, role: issued.user.role, created: issued.created, oneTimePassword: issued.password })}\n`);
        } else {
          const what = issued.created ? 'created' : 'password reset';
          io.stdout.write(`portal user ${issued.user.upn} (${issued.user.role}) in ${opts.tenant}, ${what}: one-time password ${issued.password}\n`);
          io.stderr.write('shown once; they choose their own at first sign-in, and their open sessions have ended\n');
        }
      });
    });

  portalUsers
    .command('list')
    .description("list a tenant's portal users (never their passwords)")
    .requiredOption('--tenant <id>', 'tenant')
    .action(async (opts: { tenant: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      await withRuntime(g.dataDir, async (rt) => {
        if ((await rt.store.control.getTenant(opts.tenant)) === undefined) throw new CliError(`tenant '${opts.tenant}' does not exist`);
        const users = await createFilePortalUserStore(path.resolve(rt.config.dataDir)).list(opts.tenant);
        const shown = users.map((u) => ({ upn: u.upn, role: u.role, createdAt: u.createdAt, mustChangePassword: u.mustChangePassword }));
        if (g.json) io.stdout.write(`${JSON.stringify(shown)}\n`);
        else if (shown.length === 0) io.stdout.write(`no portal users in ${opts.tenant}; add one with authlens portal-users set --tenant ${opts.tenant} --upn UPN\n`);
        else for (const u of shown) io.stdout.write(`${u.upn}\t${u.role}\tcreated ${u.createdAt}${u.mustChangePassword ? '\tone-time password not yet replaced' : ''}\n`);
      });
    });
}
