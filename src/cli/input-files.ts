/**
 * The files a command reads ('-' is standard input), with one wording for what
 * can go wrong: a missing file, a directory, no permission. Node's own messages
 * ("EISDIR: illegal operation on a directory, read") are not for users.
 */
import { readFile, stat } from 'node:fs/promises';
import { CliError } from './cli-error.ts';
import { cliIo } from './io.ts';

function unreadable(file: string, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory; give a file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : err instanceof Error ? err.message : String(err);
  return new CliError(`cannot read ${file}: ${why}`);
}

/** The size of a file about to be read, or a CliError saying why it cannot be read. */
export async function readableFileSize(file: string): Promise<number> {
  const s = await stat(file).catch((err: unknown) => {
    throw unreadable(file, err);
  });
  if (s.isDirectory()) throw unreadable(file, Object.assign(new Error('directory'), { code: 'EISDIR' }));
  return s.size;
}

/** A whole input as UTF-8 text: a file, or standard input for '-'. */
export async function readInputText(file: string): Promise<string> {
  if (file === '-') {
    const parts: Buffer[] = [];
    for await (const c of cliIo().stdin) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(parts).toString('utf8');
  }
  await readableFileSize(file);
  return readFile(file, 'utf8').catch((err: unknown) => {
    throw unreadable(file, err);
  });
}
