/**
 * Where a command writes. Normally the process's stdout/stderr; when the
 * server runs a forwarded command (the operator channel, see docs/adr), the
 * command's output is captured per call through AsyncLocalStorage, so
 * concurrent commands and the server's own logs never mix.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CliLive } from '../api/deps.ts';

export interface CliStreams {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Standard input for commands that read '-'. */
  readonly stdin: AsyncIterable<Buffer>;
  /** Exit code set by the command (0 when it sets none). */
  exitCode: number;
  /** Where relative file names are resolved: the user's working directory, also when the server runs the command. */
  readonly cwd: string;
  /** The user's terminal width, for help text. */
  readonly columns: number;
}

const captured = new AsyncLocalStorage<CliStreams>();

const processStreams: CliStreams = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  get stdin() {
    return process.stdin;
  },
  get exitCode() {
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  },
  set exitCode(code: number) {
    process.exitCode = code;
  },
  get cwd() {
    return process.cwd();
  },
  get columns() {
    return process.stdout.isTTY ? process.stdout.columns : 80;
  },
};

/** The streams of the command running now. */
export function cliIo(): CliStreams {
  return captured.getStore() ?? processStreams;
}

export interface CapturedCli {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs fn with its CLI output captured into strings, or, given `live`, handed
 * to it as it comes and not kept (stdout and stderr of the result are then
 * empty): a month of sign-ins streamed as JSON must not also pile up in a string.
 */
export async function captureCli(
  fn: () => Promise<void>,
  stdin: AsyncIterable<Buffer> = (async function* () {})(),
  live?: CliLive,
): Promise<CapturedCli> {
  let out = '';
  let err = '';
  const streams: CliStreams = {
    stdout: {
      write: (c: string) => {
        if (live !== undefined) live.write('stdout', c);
        else out += c;
      },
    },
    stderr: {
      write: (c: string) => {
        if (live !== undefined) live.write('stderr', c);
        else err += c;
      },
      isTTY: live?.stderrIsTTY === true,
    },
    stdin,
    exitCode: 0,
    cwd: live?.cwd ?? process.cwd(),
    columns: live?.columns ?? 80,
  };
  await captured.run(streams, fn);
  return { exitCode: streams.exitCode, stdout: out, stderr: err };
}
