/** `authlens keys create|list|revoke` (SPEC 10): API keys, shown once, stored hashed. */
import type { Command } from 'commander';
import { ROLES, type Role } from '../../schema/tenants.ts';
import { createApiKeyService } from '../../directory/api-keys.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { withRuntime } from '../runtime.ts';
import { cliIo } from '../io.ts';

export function parseRole(raw: string): Role {
  const r = ROLES.find((x) => x === raw);
  if (r === undefined) throw new CliError(`--role must be one of ${ROLES.join(', ')}`);
  return r;
}

export function register(program: Command): void {
  const keys = program.command('keys').description('API keys: create (printed once), list, revoke');

  keys
    .command('create')
    .description('create an API key; it is printed once and stored only hashed')
    .requiredOption('--tenant <id>', 'tenant the key belongs to')
    .requiredOption('--role <role>', `role: ${ROLES.join('|')}`)
    .option('--name <name>', 'a label to recognise the key by')
    .action(async (opts: { tenant: string; role: string; name?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const role = parseRole(opts.role);
      await withRuntime(g.dataDir, async (rt) => {
        if ((await rt.store.control.getTenant(opts.tenant)) === undefined) throw new CliError(`tenant '${opts.tenant}' does not exist`);
        const k = await createApiKeyService(rt.store.control).create(opts.tenant, role, opts.name);
        // SPEC 10: exactly these four keys with --json.
        if (g.json) io.stdout.write(`${JSON.stringify({ key: k.key, id: k.id, role: k.role, tenant: k.tenant })}\n`);
        else {
          io.stdout.write(`${k.key}\n`);
          io.stderr.write(`key ${k.id} (${k.role}) for ${k.tenant}: copy it now, it is not shown again\n`);
        }
      });
    });

  keys
    .command('list')
    .description("list a tenant's keys (never their secrets)")
    .requiredOption('--tenant <id>', 'tenant')
    .action(async (opts: { tenant: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      await withRuntime(g.dataDir, async (rt) => {
        const list = await createApiKeyService(rt.store.control).list(opts.tenant);
        if (g.json) io.stdout.write(`${JSON.stringify(list)}\n`);
        else if (list.length === 0) io.stdout.write(`no keys for ${opts.tenant}\n`);
        else {
          for (const k of list) {
            const state = k.revokedAt !== undefined ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`;
            io.stdout.write(`${k.id}\t${k.role}\t${k.name ?? ''}\tcreated ${k.createdAt}\t${state}\n`);
          }
        }
      });
    });

  keys
    .command('revoke')
    .description('revoke a key at once')
    .requiredOption('--tenant <id>', 'tenant')
    .argument('<id>', 'key id (the part after al_)')
    .action(async (id: string, opts: { tenant: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      await withRuntime(g.dataDir, async (rt) => {
        const done = await createApiKeyService(rt.store.control).revoke(opts.tenant, id);
        if (!done) throw new CliError(`no key '${id}' in tenant '${opts.tenant}'`);
        if (g.json) io.stdout.write(`${JSON.stringify({ id, tenant: opts.tenant, revoked: true })}\n`);
        else io.stdout.write(`revoked ${id}\n`);
      });
    });
}
