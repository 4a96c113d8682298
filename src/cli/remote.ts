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
import { ARGV_HEADER, STDERR_TTY_HEADER } from '../api/routes/v1/operator.ts';
import { readServerInfo } from '../api/server-info.ts';
import { cliIo } from './io.ts';

/** Commands that never touch the data dir run locally even while a server runs. */
const LOCAL_ONLY = new Set(['simulate', 'reports', 'help', 'start']);
/** Options whose value is a local path the server must see absolute. */
const PATH_OPTIONS = new Set(['--data-dir', '--out', '--tls-cert', '--tls-key']);
/** Positional arguments that name local files: "<command path> <argument name>" as registered with commander. */
const PATH_ARGUMENTS = new Set(['ingest files', 'directory import files', 'leaks import file', 'lists add source']);

export function dataDirOf(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--data-dir') return path.resolve(argv[i + 1] ?? './data');
    if (a.startsWith('--data-dir=')) return path.resolve(a.slice('--data-dir='.length));
  }
  return path.resolve('./data');
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

const isUrl = (v: string): boolean => /^https?:\/\//i.test(v);

/**
 * Makes the file arguments absolute, since the server's working directory is
 * not ours. Which tokens are files comes from the command's own definition
 * (its options and arguments), never from what happens to exist here: a
 * tenant called like a local folder stays a tenant id.
 */
export function absolutisePaths(argv: readonly string[], cwd: string, program: Command): string[] {
  const out: string[] = [];
  let cmd = program;
  const words: string[] = [];
  let positional = 0;
  let onlyPositionals = false;
  const resolve = (v: string): string => (v === '-' || v === '' || isUrl(v) ? v : path.resolve(cwd, v));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!onlyPositionals && a === '--') {
      onlyPositionals = true;
      out.push(a);
      continue;
    }
    if (!onlyPositionals && a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
      const isPath = PATH_OPTIONS.has(flag);
      if (eq > 0 && a.startsWith('--')) {
        out.push(isPath ? `${flag}=${resolve(a.slice(eq + 1))}` : a);
        continue;
      }
      out.push(a);
      const o = findOption(cmd, flag);
      if (o !== undefined && (o.required || o.optional) && i + 1 < argv.length) {
        i++;
        const v = argv[i] ?? '';
        out.push(isPath ? resolve(v) : v);
      }
      continue;
    }
    const sub = positional === 0 ? cmd.commands.find((c) => c.name() === a || c.aliases().includes(a)) : undefined;
    if (sub !== undefined && !onlyPositionals) {
      cmd = sub;
      words.push(a);
      out.push(a);
      continue;
    }
    const args = cmd.registeredArguments;
    const arg = args[Math.min(positional, args.length - 1)];
    positional++;
    out.push(arg !== undefined && PATH_ARGUMENTS.has(`${words.join(' ')} ${arg.name()}`) ? resolve(a) : a);
  }
  return out;
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
  const args = absolutisePaths(argv, process.cwd(), program);
  const readsStdin = args.includes('-');
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/operator/cli', info.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${info.operatorToken}`,
        'content-type': 'application/octet-stream',
        [ARGV_HEADER]: Buffer.from(JSON.stringify(args)).toString('base64url'),
        [STDERR_TTY_HEADER]: process.stderr.isTTY === true ? '1' : '0',
      },
      // Standard input goes as it is, bytes (gzip too), streamed: a piped load of any size.
      body: readsStdin ? (Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>) : new Uint8Array(0),
      duplex: 'half',
    } as RequestInit);
  } catch (err) {
    // Nothing listens: the server died and its lock went with it, so the command runs here, unless the
    // input was already being sent (it cannot be read twice).
    if (refusedConnection(err) && !readsStdin) return undefined;
    io.stderr.write(`authlens: could not reach the server at ${info.url} that holds this data dir (${describeError(err)}); is it still running?\n`);
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

function describeError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return err instanceof Error ? err.message : String(err);
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
