/**
 * The `authlens` command line (SPEC section 10). One file per command under
 * commands/; each registers itself on the program. Every command takes
 * --data-dir DIR (default ./data) and --json. Commands write through cliIo()
 * so the server can run them for a CLI whose data dir it holds.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.ts';
import type { CommandContext } from './command-context.ts';
import { CliError } from './cli-error.ts';
import type { CliLive } from '../api/deps.ts';
import { captureCli, cliIo, type CapturedCli } from './io.ts';

export function buildProgram(): Command {
  const io = cliIo();
  const program = new Command('authlens')
    .description('authlens: access and usage reports, sign-in logs and risk detections for your directory')
    .option('--data-dir <dir>', 'data directory (DuckDB file and state) (default: $AUTHLENS_DATA_DIR, else ./data)')
    .option('--json', 'machine-readable output', false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // The user's terminal, also when the server runs the command for them.
      getOutHelpWidth: () => io.columns,
      getErrHelpWidth: () => io.columns,
    })
    .showHelpAfterError();
  const ctx: CommandContext = { runCliCaptured };
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Runs the CLI in this process; resolves to the exit code (SPEC 10: 0 ok, 2 some records rejected, 1 error). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const io = cliIo();
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    const exitCode = err instanceof CliError ? err.exitCode : 1;
    io.stderr.write(`authlens: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCode;
  }
}

/** Runs the CLI with its output captured (the server's operator channel, tests). */
export function runCliCaptured(argv: readonly string[], stdin?: AsyncIterable<Buffer>, live?: CliLive): Promise<CapturedCli> {
  return captureCli(
    async () => {
      cliIo().exitCode = await runCli(argv);
    },
    stdin,
    live,
  );
}

/** Process entry: forwards to a running server that holds the data dir, else runs here. */
export async function main(argv: readonly string[]): Promise<number> {
  const { forwardToRunningServer } = await import('./remote.ts');
  const forwarded = await forwardToRunningServer(argv, buildProgram());
  if (forwarded !== undefined) return forwarded;
  return runCli(argv);
}
