/**
 * `authlens tenant create|set|opt-in|list` (SPEC 10; `set` is ours: licence and retention change after creation). Creating tenants is a
 * deployment operator's act: whoever can run the CLI on the data dir (or
 * holds the server's operator token) is that operator.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EDITIONS, type Edition, type Tenant } from '../../schema/tenants.ts';
import { createTenantService } from '../../directory/tenants.ts';
import { createSessionService } from '../../directory/sessions.ts';
import { createFilePortalUserStore } from '../../directory/portal-users-file.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { withRuntime } from '../runtime.ts';
import { cliIo } from '../io.ts';

interface CreateOptions {
  readonly name?: string;
  readonly edition: string;
  readonly rms?: boolean;
  readonly retentionDays?: string;
  readonly admin?: string;
}

function parseEdition(raw: string): Edition {
  const e = EDITIONS.find((x) => x === raw);
  if (e === undefined) throw new CliError(`--edition must be one of ${EDITIONS.join(', ')}`);
  return e;
}

function parseRetention(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new CliError('--retention-days must be a whole number of days between 1 and 3650');
  return n;
}

function describe(t: Tenant): string {
  const opted = t.optedInAt !== undefined ? `opted in ${t.optedInAt} by ${t.optedInBy ?? '?'}` : 'not opted in';
  return `${t.id}\t${t.name}\t${t.edition}${t.rms ? '+rms' : ''}\tretention ${t.retentionDays}d\t${opted}`;
}

interface SetOptions {
  readonly name?: string;
  readonly edition?: string;
  readonly rms?: boolean;
  readonly retentionDays?: string;
}

export function register(program: Command): void {
  const tenant = program.command('tenant').description('create tenants, change them, opt them in to reporting, list them');

  tenant
    .command('create')
    .description('create a tenant (directory)')
    .argument('<id>', 'tenant id: lower-case letters, digits and dashes')
    .option('--name <name>', 'display name (default: the id)')
    .option('--edition <edition>', `edition: ${EDITIONS.join('|')}`, 'free')
    .option('--rms', 'the Rights Management add-on (RMS reports)')
    .option('--retention-days <days>', 'how long events are kept (default 30)')
    .option('--admin <upn>', "bootstrap the tenant's first portal global admin; prints a one-time password")
    .action(async (id: string, opts: CreateOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const edition = parseEdition(opts.edition);
      const retentionDays = parseRetention(opts.retentionDays);
      await withRuntime(g.dataDir, async (rt) => {
        const r = await createTenantService(rt.store.control).create({
          id,
          edition,
          rms: opts.rms === true,
          ...(opts.name !== undefined ? { name: opts.name } : {}),
          ...(retentionDays !== undefined ? { retentionDays } : {}),
        });
        if (!r.ok) {
          throw new CliError(r.reason === 'exists' ? `tenant '${id}' already exists` : `invalid tenant id '${id}': use a-z, 0-9 and '-', at most 63`);
        }
        let password: string | undefined;
        if (opts.admin !== undefined) {
          const sessions = createSessionService(createFilePortalUserStore(path.resolve(rt.config.dataDir)));
          password = await sessions.bootstrapGlobalAdmin(id, opts.admin);
        }
        if (g.json) {
          io.stdout.write(`${JSON.stringify(password !== undefined ? { ...r.tenant, admin: { upn: opts.admin, oneTimePassword: password } } : r.tenant)}\n`);
        } else {
          io.stdout.write(`created ${describe(r.tenant)}\n`);
          if (password !== undefined) {
            io.stdout.write(`portal admin ${opts.admin ?? ''}: one-time password ${password} (shown once; change it at first sign-in)\n`);
          }
          io.stdout.write(`next: authlens directory import --tenant ${id} FILE, then authlens tenant opt-in ${id} --by UPN\n`);
          if (password === undefined) io.stdout.write(`portal sign-in: authlens portal-users set --tenant ${id} --upn UPN (prints a one-time password)\n`);
        }
      }, { create: true });
    });

  tenant
    .command('set')
    .description("change a tenant's name, edition, RMS add-on or retention")
    .argument('<id>', 'tenant id')
    .option('--name <name>', 'display name')
    .option('--edition <edition>', `edition: ${EDITIONS.join('|')}`)
    .option('--rms', 'add the Rights Management add-on (RMS reports)')
    .option('--no-rms', 'remove the Rights Management add-on')
    .option('--retention-days <days>', 'how long events are kept; a shorter retention purges older events within the hour')
    .action(async (id: string, opts: SetOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const changes = {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.edition !== undefined ? { edition: parseEdition(opts.edition) } : {}),
        ...(opts.rms !== undefined ? { rms: opts.rms } : {}),
        ...(opts.retentionDays !== undefined ? { retentionDays: parseRetention(opts.retentionDays) } : {}),
      };
      if (Object.keys(changes).length === 0) throw new CliError('nothing to change: give --name, --edition, --rms/--no-rms or --retention-days');
      await withRuntime(g.dataDir, async (rt) => {
        const service = createTenantService(rt.store.control);
        const before = await service.get(id);
        const r = await service.update(id, changes);
        if (!r.ok || before === undefined) throw new CliError(`tenant '${id}' does not exist`);
        if (g.json) {
          io.stdout.write(`${JSON.stringify(r.tenant)}\n`);
          return;
        }
        io.stdout.write(`updated ${describe(r.tenant)}\n`);
        if (r.tenant.retentionDays < before.retentionDays) {
          io.stdout.write(`events and detections older than ${r.tenant.retentionDays} days are deleted at the next purge (within the hour, and at server start)\n`);
        }
      });
    });

  tenant
    .command('opt-in')
    .description('start reporting for a tenant; UPN must be a licensed global admin in its directory')
    .argument('<id>', 'tenant id')
    .requiredOption('--by <upn>', 'the licensed global admin opting in (recorded with the time)')
    .action(async (id: string, opts: { by: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      await withRuntime(g.dataDir, async (rt) => {
        const r = await createTenantService(rt.store.control).optIn(id, opts.by);
        if (!r.ok) {
          throw new CliError(
            r.reason === 'notFound'
              ? `tenant '${id}' does not exist`
              : `${opts.by} is not a licensed global admin in tenant '${id}' (import the directory with its roles and licences first)`,
          );
        }
        if (g.json) io.stdout.write(`${JSON.stringify(r.tenant)}\n`);
        else io.stdout.write(`reporting enabled for ${id}: opted in ${r.tenant.optedInAt ?? ''} by ${r.tenant.optedInBy ?? ''}\n`);
      });
    });

  tenant
    .command('list')
    .description('list tenants')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      await withRuntime(g.dataDir, async (rt) => {
        const tenants = await createTenantService(rt.store.control).list();
        if (g.json) io.stdout.write(`${JSON.stringify(tenants)}\n`);
        else if (tenants.length === 0) io.stdout.write('no tenants (authlens tenant create ID)\n');
        else for (const t of tenants) io.stdout.write(`${describe(t)}\n`);
      });
    });
}
