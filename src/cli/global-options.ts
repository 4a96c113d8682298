/** The options every command shares (set on the root program). */
import type { Command } from 'commander';

export interface GlobalOptions {
  readonly dataDir: string;
  readonly json: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  const opts = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>();
  return { dataDir: opts.dataDir ?? './data', json: opts.json === true };
}
