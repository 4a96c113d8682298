/**
 * `authlens lists add|list|remove` (SPEC 10). It only writes files under
 * `<dataDir>/lists/`, so it works with or without a running server. Run
 * through a running server (the CLI forwards to it, ADR 0002) it goes through
 * the server's own catalog, so the change is in force for the next events at
 * once, as through the API; a server that did not run the command picks the
 * change up at its next poll (docs/ip-lists.md).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { IP_CATEGORIES, type IpCategory } from '../../schema/enrichment.ts';
import { TenantId } from '../../schema/tenants.ts';
import { Compile } from 'typebox/compile';
import { IP_LIST_FORMATS, type IpListFormat } from '../../enrich/ip-lists/formats.ts';
import { CatalogError, FETCH_TIMEOUT_MS, isUrl, openIpListCatalog, type IndexEntry, type IpListCatalog } from '../../enrich/ip-lists/catalog.ts';
import type { ListScope } from '../../enrich/ip-lists/registry.ts';
import { CliError, describeFetchError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { cliIo } from '../io.ts';
import { readableFileSize, userPath } from '../input-files.ts';
import { serverRuntime } from '../runtime.ts';

interface ScopeOptions {
  readonly tenant?: string;
  readonly global?: boolean;
}
interface AddOptions extends ScopeOptions {
  readonly category: string;
  readonly name: string;
  readonly format?: string;
  readonly minCount?: string;
}

const checkTenant = Compile(TenantId);
/** Rejected lines printed in the human summary; --json carries all that were kept. */
const SHOWN_REJECTS = 20;

function scopeOf(opts: ScopeOptions): ListScope {
  if ((opts.tenant !== undefined) === (opts.global === true)) throw new CliError('give exactly one of --tenant ID or --global');
  if (opts.tenant === undefined) return 'global';
  if (!checkTenant.Check(opts.tenant)) throw new CliError(`invalid tenant id '${opts.tenant}'`);
  return { tenant: opts.tenant };
}

function category(raw: string): IpCategory {
  const c = IP_CATEGORIES.find((x) => x === raw);
  if (c === undefined) throw new CliError(`--category must be one of ${IP_CATEGORIES.join(', ')}`);
  return c;
}

function format(raw: string | undefined): IpListFormat | undefined {
  if (raw === undefined || raw === 'auto') return undefined;
  const f = IP_LIST_FORMATS.find((x) => x === raw);
  if (f === undefined) throw new CliError(`--format must be auto or one of ${IP_LIST_FORMATS.join(', ')}`);
  return f;
}

function minCount(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CliError('--min-count must be a whole number of at least 1');
  return n;
}

function scopeText(s: IndexEntry['scope']): string {
  return s === 'global' ? 'global' : `tenant ${s.tenant}`;
}

/**
 * Inside the server, its catalog: the registry enrichment reads is updated
 * by the add or remove itself, not 30 s later by the poll (a sign-in ingested
 * right after `lists add` would otherwise go unflagged). Else the data dir's.
 */
function catalogOf(dataDir: string): IpListCatalog {
  const server = serverRuntime()?.enrichment.lists;
  if (server !== undefined && path.resolve(server.dir) === path.resolve(dataDir, 'lists')) return server;
  return openIpListCatalog({ dataDir });
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CatalogError) throw new CliError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
      throw new CliError((e as Error).message);
    if (e instanceof TypeError && /fetch/i.test(e.message)) throw new CliError(`download failed: ${describeFetchError(e)}`);
    if (e instanceof Error && e.name === 'TimeoutError') throw new CliError(`download failed: no answer within ${FETCH_TIMEOUT_MS / 1000} s`);
    throw e;
  }
}

export function register(program: Command): void {
  const lists = program.command('lists').description('IP lists (anonymizer, botnet, malicious, trusted) used by enrichment');

  lists
    .command('add')
    .description('load a list from a file or http(s) URL into the data dir (replaces a list of the same name)')
    .argument('<source>', 'file path or http(s) URL')
    .option('--tenant <id>', 'the list applies to this tenant only')
    .option('--global', 'the list applies to every tenant')
    .requiredOption('--category <category>', IP_CATEGORIES.join('|'))
    .requiredOption('--name <name>', 'list name: letters, digits, . _ -')
    .option('--format <format>', `auto, ${IP_LIST_FORMATS.join(', ')}`, 'auto')
    .option('--min-count <n>', 'ipsum: keep IPs listed on at least n blacklists')
    .action(async (source: string, opts: AddOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const req = {
        scope: scopeOf(opts),
        name: opts.name,
        category: category(opts.category),
        source: isUrl(source) ? source : userPath(source),
        ...(format(opts.format) !== undefined ? { format: format(opts.format) } : {}),
        ...(minCount(opts.minCount) !== undefined ? { minCount: minCount(opts.minCount) } : {}),
      };
      if (!isUrl(source)) await readableFileSize(source);
      const { entry, parsed } = await guarded(() => catalogOf(g.dataDir).add(req));
      if (g.json) {
        io.stdout.write(
          `${JSON.stringify({
            name: entry.name,
            scope: entry.scope,
            category: entry.category,
            format: entry.format,
            source: entry.source,
            entries: entry.counts.entries,
            v4: entry.counts.v4,
            v6: entry.counts.v6,
            skipped: parsed.skipped,
            rejectedCount: parsed.rejectedCount,
            rejected: parsed.rejected,
          })}\n`,
        );
      } else {
        io.stdout.write(
          `loaded ${entry.name} (${scopeText(entry.scope)}, ${entry.category}, format ${entry.format}): ` +
            `${entry.counts.entries} entries (${entry.counts.v4} IPv4, ${entry.counts.v6} IPv6)` +
            `${parsed.skipped > 0 ? `, ${parsed.skipped} skipped` : ''}, ${parsed.rejectedCount} rejected\n`,
        );
        for (const r of parsed.rejected.slice(0, SHOWN_REJECTS)) io.stdout.write(`  line ${r.line}: ${r.reason}\n`);
        if (parsed.rejectedCount > SHOWN_REJECTS)
          io.stdout.write(`  … ${parsed.rejectedCount - SHOWN_REJECTS} more (see --json)\n`);
      }
      // Same convention as ingest: 2 when some lines were rejected but the rest was kept.
      if (parsed.rejectedCount > 0) io.exitCode = 2;
    });

  lists
    .command('list')
    .description('show the lists in the data dir')
    .option('--tenant <id>', 'only global lists and this tenant\'s')
    .action(async (opts: { tenant?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const all = await guarded(() => catalogOf(g.dataDir).entries());
      const shown = opts.tenant === undefined ? all : all.filter((e) => e.scope === 'global' || e.scope.tenant === opts.tenant);
      if (g.json) {
        io.stdout.write(`${JSON.stringify(shown)}\n`);
        return;
      }
      if (shown.length === 0) io.stdout.write('no lists\n');
      for (const e of shown)
        io.stdout.write(
          `${e.name}\t${scopeText(e.scope)}\t${e.category}\t${e.format}\t${e.counts.entries} entries\t${e.loadedAt}\t${e.source}\n`,
        );
    });

  lists
    .command('remove')
    .description('remove a list from the data dir')
    .option('--tenant <id>', 'a tenant list')
    .option('--global', 'a global list')
    .requiredOption('--name <name>', 'list name')
    .action(async (opts: ScopeOptions & { name: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const scope = scopeOf(opts);
      const removed = await guarded(() => catalogOf(g.dataDir).remove(scope, opts.name));
      if (!removed) throw new CliError(`no list '${opts.name}' in ${scope === 'global' ? 'global' : `tenant ${scope.tenant}`}`);
      io.stdout.write(g.json ? `${JSON.stringify({ removed: opts.name })}\n` : `removed ${opts.name}\n`);
    });
}
