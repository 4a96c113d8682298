/** `authlens reports` (SPEC 10): every report id with its section, title and the least edition that includes it. */
import type { Command } from 'commander';
import { catalogSummary } from '../../reports/catalog.ts';
import { globalOptions } from '../global-options.ts';
import { cliIo } from '../io.ts';

export function register(program: Command): void {
  program
    .command('reports')
    .description('list the reports: ids, sections, titles and the edition each needs')
    .action((_opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const list = catalogSummary();
      // SPEC 10: with --json exactly [{"id","section","title","edition"}].
      if (g.json) {
        io.stdout.write(`${JSON.stringify(list)}\n`);
        return;
      }
      const width = Math.max(...list.map((r) => r.id.length));
      let section = '';
      for (const r of list) {
        if (r.section !== section) {
          section = r.section;
          io.stdout.write(`${section === list[0]?.section ? '' : '\n'}${section}\n`);
        }
        io.stdout.write(`  ${r.id.padEnd(width)}  ${r.edition.padEnd(7)}  ${r.title}\n`);
      }
    });
}
