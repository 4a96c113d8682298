/**
 * The `authlens` command line (SPEC section 10). One file per command under
 * commands/; each registers itself on the program. Every command takes
 * --data-dir DIR (default ./data) and --json.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { CliError } from './cli-error.ts';

export function buildProgram(): Command {
  const program = new Command('authlens')
    .description('authlens: access and usage reports, sign-in logs and risk detections for your directory')
    .option('--data-dir <dir>', 'data directory (DuckDB file and state)', './data')
    .option('--json', 'machine-readable output', false)
    .exitOverride()
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code (SPEC 10: 0 ok, 2 some records rejected, 1 error). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 1;
    }
    if (err instanceof CliError) {
      console.error(`authlens: ${err.message}`);
      return err.exitCode;
    }
    console.error(`authlens: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
