/**
 * `authlens directory import --tenant ID FILE...`: authlens directory JSON or
 * Microsoft Graph list responses ({"value":[...]}) of users, groups,
 * applications/servicePrincipals and directoryRoles with members; one or
 * several files ('-' reads stdin). Nothing is imported when any file is bad.
 */
import type { Command } from 'commander';
import { findJsonError, lineAndColumn } from '../../ingest/json-error.ts';
import { countsOf, mergeImports, readDirectoryImport } from '../../directory/directory-import.ts';
import type { DirectorySnapshot } from '../../schema/directory.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { withRuntime } from '../runtime.ts';
import { rematchLeaks } from '../../detect/leaks/rematch.ts';
import { cliIo } from '../io.ts';
import { readInputText } from '../input-files.ts';

export function register(program: Command): void {
  const directory = program.command('directory').description('the directory snapshot: users, groups, applications, roles, licences');
  directory
    .command('import')
    .description('import users, groups, applications and roles (authlens JSON or Graph list responses)')
    .requiredOption('--tenant <id>', 'tenant to import into')
    .argument('<files...>', "JSON files; '-' reads standard input")
    .action(async (files: string[], opts: { tenant: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const parts: Array<Partial<DirectorySnapshot>> = [];
      const detected: string[] = [];
      for (const file of files) {
        const text = await readInputText(file);
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch (err) {
          const found = findJsonError(text);
          if (found === undefined) throw new CliError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
          const at = lineAndColumn(text, found.offset, 1);
          throw new CliError(`${file}: not valid JSON at line ${at.line}, column ${at.column}: ${found.reason}`);
        }
        const r = readDirectoryImport(doc);
        if (!r.ok) {
          const lines = r.problems.slice(0, 10).map((p) => `  ${file}:${p.field === '' ? '(document)' : p.field}: ${p.reason}`);
          throw new CliError(`nothing imported; ${file} has problems:\n${lines.join('\n')}`);
        }
        parts.push(r.snapshot);
        detected.push(...r.detected);
      }
      const snapshot = mergeImports(parts);
      await withRuntime(g.dataDir, async (rt) => {
        if ((await rt.store.control.getTenant(opts.tenant)) === undefined) throw new CliError(`tenant '${opts.tenant}' does not exist`);
        await rt.store.control.importDirectory(opts.tenant, snapshot);
        // D8: users added by this import are matched against the leak feed stored earlier (repeats keep their ids).
        const found = await rematchLeaks(opts.tenant, { leaks: rt.detect.leaks, control: rt.store.control, settings: rt.detect.settings });
        if (found.length > 0) await rt.store.detections.appendDetections(opts.tenant, found);
      });
      const counts = countsOf(snapshot);
      if (g.json) io.stdout.write(`${JSON.stringify({ tenant: opts.tenant, detected, ...counts })}\n`);
      else {
        io.stdout.write(
          `imported into ${opts.tenant} (${detected.join(', ')}): ${counts.users} users, ${counts.groups} groups, ${counts.applications} applications, ${counts.roles} roles\n`,
        );
      }
    });
}
