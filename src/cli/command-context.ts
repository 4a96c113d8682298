/** What the program hands every command's register function besides the program itself. */
import type { CapturedCli } from './io.ts';

export interface CommandContext {
  /** Runs another command with captured output: `start` hands it to the server for the operator channel. */
  runCliCaptured(argv: readonly string[], stdin?: AsyncIterable<Buffer>): Promise<CapturedCli>;
}
