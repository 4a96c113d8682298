/** What the program hands every command's register function besides the program itself. */
import type { RunCli } from '../api/deps.ts';

export interface CommandContext {
  /** Runs another command with captured output: `start` hands it to the server for the operator channel. */
  readonly runCliCaptured: RunCli;
}
