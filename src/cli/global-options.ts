/** The options every command shares (set on the root program). */
import path from 'node:path';
import type { Command } from 'commander';
import { defaultDataDir } from '../config/config.ts';
import { cliIo } from './io.ts';

export interface GlobalOptions {
  readonly dataDir: string;
  readonly json: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  const opts = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>();
  // Against the user's working directory, also when the server runs the command for them.
  return { dataDir: path.resolve(cliIo().cwd, opts.dataDir ?? defaultDataDir()), json: opts.json === true };
}
