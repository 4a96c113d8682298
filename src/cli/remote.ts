/**
 * When `authlens start` holds a data dir, DuckDB's file lock keeps every other
 * process out. Rather than fail with a raw lock error, the CLI hands the
 * command to that server over its loopback operator channel (token in
 * <dataDir>/server.json, readable only by the data dir's owner) and prints
 * what the server's run of the same command printed. See docs/adr/0002-cli-through-running-server.md.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readServerInfo } from '../api/server-info.ts';
import { cliIo } from './io.ts';

/** Commands that never touch the data dir run locally even while a server runs. */
const LOCAL_ONLY = new Set(['simulate', 'reports', 'help', 'start']);
/** Options whose value is a path the server must see absolute. */
const PATH_OPTIONS = new Set(['--out', '--tls-cert', '--tls-key']);

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

/** Makes file arguments absolute, since the server's working directory is not ours. */
export function absolutisePaths(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const prev = argv[i - 1] ?? '';
    if (prev === '--data-dir' || PATH_OPTIONS.has(prev)) out.push(path.resolve(cwd, a));
    else if (a !== '-' && !a.startsWith('-') && existsSync(path.resolve(cwd, a)) && i > 0) out.push(path.resolve(cwd, a));
    else out.push(a);
  }
  return out;
}

async function readAll(input: AsyncIterable<Buffer | string>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of input) parts.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(parts).toString('utf8');
}

/** Runs argv on the server holding its data dir; undefined when no live server holds it. */
export async function forwardToRunningServer(argv: readonly string[]): Promise<number | undefined> {
  const command = commandOf(argv);
  if (command === undefined || LOCAL_ONLY.has(command) || argv.includes('--help') || argv.includes('-h')) return undefined;
  const info = await readServerInfo(dataDirOf(argv));
  if (info === undefined) return undefined;
  const io = cliIo();
  const args = absolutisePaths(argv, process.cwd());
  // The operator channel takes stdin as text in the JSON body: fine for the sizes a CLI pipes in.
  const stdin = args.includes('-') ? await readAll(process.stdin) : undefined;
  const res = await fetch(new URL('/api/v1/operator/cli', info.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${info.operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(stdin === undefined ? { argv: args } : { argv: args, stdin }),
  }).catch(() => undefined);
  if (res === undefined) return undefined; // the server died: its lock went with it, run locally
  const body = (await res.json().catch(() => undefined)) as { exitCode?: number; stdout?: string; stderr?: string } | undefined;
  if (!res.ok || body === undefined || typeof body.exitCode !== 'number') {
    io.stderr.write(`authlens: the server at ${info.url} holding this data dir refused the command (HTTP ${res.status})\n`);
    return 1;
  }
  io.stdout.write(body.stdout ?? '');
  io.stderr.write(body.stderr ?? '');
  return body.exitCode;
}
