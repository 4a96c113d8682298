/**
 * The files a command reads ('-' is standard input) and writes, named as the
 * user typed them and resolved against the user's working directory, with one
 * wording for what can go wrong: a missing file, a directory, no permission. Node's own messages
 * ("EISDIR: illegal operation on a directory, read") are not for users.
 */
import { mkdirSync, statSync, type WriteStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './cli-error.ts';
import { cliIo } from './io.ts';

/** Why a file system call failed, in the user's words; `missing` names what was not there. */
function why(err: unknown, missing: string, aDirectory = 'it is a directory; give a file'): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return missing;
  if (code === 'EISDIR') return aDirectory;
  if (code === 'ENOTDIR') return 'a part of the path is a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

function unreadable(file: string, err: unknown): CliError {
  return new CliError(`cannot read ${file}: ${why(err, 'no such file')}`);
}

/** A file name as the user typed it, resolved against their working directory (not the server's). */
export function userPath(file: string): string {
  return path.resolve(cliIo().cwd, file);
}

/** The size of a file about to be read, or a CliError saying why it cannot be read. */
export async function readableFileSize(file: string): Promise<number> {
  const s = await stat(userPath(file)).catch((err: unknown) => {
    throw unreadable(file, err);
  });
  if (s.isDirectory()) throw unreadable(file, Object.assign(new Error('directory'), { code: 'EISDIR' }));
  return s.size;
}

/**
 * A file to write (`report --out`), opened before anything is computed so a
 * missing folder is one clear line; write errors afterwards (disk full) are
 * kept and thrown by `close()` rather than left as an unhandled stream error,
 * which would take a server running the command down with it.
 */
export async function openOutputFile(file: string): Promise<{ readonly stream: WriteStream; close(): Promise<void> }> {
  const handle = await open(userPath(file), 'w').catch((err: unknown) => {
    throw new CliError(`cannot write ${file}: ${why(err, 'no such folder', 'it is a directory; give a file name')}`);
  });
  const stream = handle.createWriteStream();
  let failure: unknown;
  stream.on('error', (err) => (failure ??= err));
  return {
    stream,
    async close() {
      if (!stream.destroyed) {
        stream.end();
        await new Promise<void>((resolve) => stream.once('close', resolve));
      }
      if (failure !== undefined) throw new CliError(`cannot write ${file}: ${failure instanceof Error ? failure.message : String(failure)}`);
    },
  };
}

/**
 * Creates an output folder and its missing parents, one level at a time: Node
 * 20's recursive mkdir never returns for a path under /proc, and its errors
 * (ENOTDIR, EACCES) are not for users.
 */
export function makeOutputDirectory(dir: string): void {
  const target = userPath(dir);
  const make = (d: string, depth: number): void => {
    try {
      mkdirSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (!statSync(d).isDirectory()) throw new CliError(`cannot write to ${dir}: ${d} is a file, not a folder`);
        return;
      }
      const parent = path.dirname(d);
      if (code === 'ENOENT' && parent !== d && depth < 64) {
        make(parent, depth + 1);
        try {
          mkdirSync(d);
          return;
        } catch (again) {
          if ((again as NodeJS.ErrnoException).code === 'EEXIST') return;
          throw new CliError(`cannot write to ${dir}: ${why(again, 'no such folder')}`);
        }
      }
      throw new CliError(`cannot write to ${dir}: ${why(err, 'no such folder')}`);
    }
  };
  make(target, 0);
}

/** A whole input as UTF-8 text: a file, or standard input for '-'. */
export async function readInputText(file: string): Promise<string> {
  if (file === '-') {
    const parts: Buffer[] = [];
    for await (const c of cliIo().stdin) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(parts).toString('utf8');
  }
  await readableFileSize(file);
  return readFile(userPath(file), 'utf8').catch((err: unknown) => {
    throw unreadable(file, err);
  });
}
