import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

// Placeholder until the command lands; it says so instead of pretending.
export function register(program: Command): void {
  program
    .command('lists')
    .description('(not available yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new CliError('authlens lists is not available in this build yet');
    });
}
