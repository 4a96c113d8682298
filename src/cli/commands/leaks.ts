/**
 * `authlens leaks import --tenant ID FILE`: loads a leaked-credential feed
 * (CSV with a header row or NDJSON; '-' reads stdin), stores it (passwords
 * hashed on read, never stored) and raises D8 for records matching a
 * directory user. Exit: 0 all rows accepted, 2 some rejected, 1 error.
 */
import type { Command } from 'commander';
import { parseLeaks } from '../../detect/leaks/parse-leaks.ts';
import { rematchLeaks } from '../../detect/leaks/rematch.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { withRuntime } from '../runtime.ts';
import { cliIo } from '../io.ts';
import { readInputText } from '../input-files.ts';

export function register(program: Command): void {
  const leaks = program.command('leaks').description('leaked-credential feeds (D8)');
  leaks
    .command('import')
    .description("import a leaked-credential feed (CSV with header or NDJSON; '-' for stdin) and match it against the directory")
    .requiredOption('--tenant <id>', 'tenant')
    .argument('<file>', 'feed file')
    .action(async (file: string, opts: { tenant: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const text = await readInputText(file);
      const importedAt = new Date().toISOString();
      const parsed = parseLeaks(text, importedAt);
      const summary = await withRuntime(g.dataDir, async (rt) => {
        if ((await rt.store.control.getTenant(opts.tenant)) === undefined) throw new CliError(`tenant '${opts.tenant}' does not exist`);
        const stored = await rt.detect.leaks.importLeaks(opts.tenant, parsed.records);
        // The whole stored feed against the current directory: repeats keep their ids, so only new matches are added.
        const detections = await rematchLeaks(opts.tenant, { leaks: rt.detect.leaks, control: rt.store.control, settings: rt.detect.settings });
        await rt.store.detections.appendDetections(opts.tenant, detections);
        return { accepted: parsed.records.length, inserted: stored.inserted, duplicates: stored.duplicates, matchedUsers: new Set(detections.map((d) => d.userId)).size, detections: detections.length, rejected: parsed.rejected };
      });
      if (g.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        io.stdout.write(`${summary.accepted} records read (${summary.inserted} new, ${summary.duplicates} already known), ${summary.matchedUsers} directory users matched, ${summary.detections} D8 detections\n`);
        for (const r of summary.rejected.slice(0, 50)) io.stderr.write(`line ${r.line}: ${r.field === '' ? '' : `${r.field}: `}${r.reason}\n`);
        if (summary.rejected.length > 50) io.stderr.write(`... ${summary.rejected.length - 50} more rejected rows\n`);
      }
      if (summary.rejected.length > 0) io.exitCode = 2;
    });
}
