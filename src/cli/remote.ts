/**
 * When `authlens start` holds a data dir, DuckDB's file lock keeps every other
 * process out. Rather than fail with a raw lock error, the CLI hands the
 * command to that server over its loopback operator channel (token in
 * <dataDir>/server.json, readable only by the data dir's owner) and prints
 * what the server's run of the same command printed. See docs/adr/0002-cli-through-running-server.md.
 */
import path from 'node:path';
import type { Command, Option } from 'commander';
import { Readable } from 'node:stream';
import { CLI_STREAM_TYPE, type CliHead } from '../api/routes/v1/operator.ts';
import { readServerInfo } from '../api/server-info.ts';
import { defaultDataDir } from '../config/config.ts';
import { cliIo } from './io.ts';
import { describeFetchError } from './cli-error.ts';

/** Commands that never touch the data dir run locally even while a server runs. */
const LOCAL_ONLY = new Set(['simulate', 'reports', 'help', 'start']);
/** Positional arguments where '-' means standard input: "<command path> <argument name>" as registered with commander. */
const STDIN_ARGUMENTS = new Set(['ingest files', 'directory import files', 'leaks import file']);

/** The data dir the command will use: like commander, the last --data-dir wins. */
export function dataDirOf(argv: readonly string[]): string {
  let dir = defaultDataDir();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') break;
    if (a === '--data-dir') dir = argv[++i] ?? dir;
    else if (a.startsWith('--data-dir=')) dir = a.slice('--data-dir='.length);
  }
  return path.resolve(dir);
}

function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--data-dir') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c !== null; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o !== undefined) return o;
  }
  return undefined;
}

/**
 * Whether the command reads standard input: a '-' where the command takes a
 * file, read from the command's own definition (its options and arguments).
 * A '-' given as an option's value (`--name -`) is a value, not stdin.
 */
export function readsStdin(argv: readonly string[], program: Command): boolean {
  let cmd = program;
  const words: string[] = [];
  let positional = 0;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!onlyPositionals && a === '--') {
      onlyPositionals = true;
      continue;
    }
    if (!onlyPositionals && a.startsWith('-') && a.length > 1) {
      if (a.startsWith('--') && a.includes('=')) continue;
      const o = findOption(cmd, a);
      if (o !== undefined && (o.required || o.optional)) i++;
      continue;
    }
    const sub = positional === 0 && !onlyPositionals ? cmd.commands.find((c) => c.name() === a || c.aliases().includes(a)) : undefined;
    if (sub !== undefined) {
      cmd = sub;
      words.push(a);
      continue;
    }
    const args = cmd.registeredArguments;
    const arg = args[Math.min(positional, args.length - 1)];
    positional++;
    if (a === '-' && arg !== undefined && STDIN_ARGUMENTS.has(`${words.join(' ')} ${arg.name()}`)) return true;
  }
  return false;
}

/** A server.json left by a server that is gone (killed) must not capture the command. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's: still the holder of the lock.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refusedConnection(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

/** Runs argv on the server holding its data dir; undefined when no live server holds it. */
export async function forwardToRunningServer(argv: readonly string[], program: Command): Promise<number | undefined> {
  const command = commandOf(argv);
  if (command === undefined || LOCAL_ONLY.has(command) || argv.includes('--help') || argv.includes('-h')) return undefined;
  const info = await readServerInfo(dataDirOf(argv));
  if (info === undefined || !processAlive(info.pid)) return undefined;
  const io = cliIo();
  const stdin = readsStdin(argv, program);
  // The command as the user typed it, and where: the server resolves relative file names against this cwd.
  const head: CliHead = {
    argv: [...argv],
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stdout.isTTY ? Math.min(1000, Math.max(20, process.stdout.columns)) : 80,
  };
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/operator/cli', info.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${info.operatorToken}`, 'content-type': CLI_STREAM_TYPE },
      // One JSON line, then standard input as it is, bytes (gzip too), streamed: a piped load of any size.
      body: Readable.toWeb(Readable.from(withHead(head, stdin ? process.stdin : undefined))) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
  } catch (err) {
    // Nothing listens: the server died and its lock went with it, so the command runs here, unless the
    // input was already being sent (it cannot be read twice).
    if (refusedConnection(err) && !stdin) return undefined;
    io.stderr.write(`authlens: could not reach the server at ${info.url} that holds this data dir (${describeFetchError(err)}); is it still running?\n`);
    return 1;
  }
  if (!res.ok || res.body === null) {
    const why = await res.json().then((b: unknown) => (b as { error?: { message?: unknown } } | null)?.error?.message, () => undefined);
    const hint = res.status === 415 ? '; it runs an older authlens: restart it with this version' : '';
    io.stderr.write(
      `authlens: the server at ${info.url} holding this data dir refused the command (HTTP ${res.status}${typeof why === 'string' ? `: ${why}` : ''})${hint}\n`,
    );
    return 1;
  }
  const exitCode = await relayFrames(res.body, io);
  if (exitCode === undefined) {
    io.stderr.write(`authlens: the server at ${info.url} stopped before the command finished; run it again (loads are idempotent)\n`);
    return 1;
  }
  return exitCode;
}

async function* withHead(head: CliHead, stdin: AsyncIterable<Buffer | string> | undefined): AsyncGenerator<Buffer> {
  yield Buffer.from(`${JSON.stringify(head)}\n`);
  if (stdin === undefined) return;
  for await (const c of stdin) yield typeof c === 'string' ? Buffer.from(c) : c;
}


/** Writes the server's output frames as they arrive; the exit code, or undefined when the answer broke off. */
export async function relayFrames(
  body: AsyncIterable<Uint8Array>,
  io: { readonly stdout: { write(s: string): unknown }; readonly stderr: { write(s: string): unknown } },
): Promise<number | undefined> {
  const decoder = new TextDecoder();
  let pending = '';
  let exitCode: number | undefined;
  const handle = (line: string): void => {
    if (line === '') return;
    const f = JSON.parse(line) as { stdout?: unknown; stderr?: unknown; exitCode?: unknown };
    if (typeof f.stdout === 'string') io.stdout.write(f.stdout);
    else if (typeof f.stderr === 'string') io.stderr.write(f.stderr);
    else if (typeof f.exitCode === 'number') exitCode = f.exitCode;
  };
  try {
    for await (const chunk of body) {
      pending += decoder.decode(chunk, { stream: true });
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        handle(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    }
    handle(pending + decoder.decode());
  } catch {
    // A connection cut (server stopped) or a torn last line: what arrived was written; no exit code.
    return undefined;
  }
  return exitCode;
}
