/**
 * Opens the runtime on the command's data dir for the length of one command.
 * Inside the server (operator channel) commands share the server's runtime.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { loadConfig } from '../config/config.ts';
import path from 'node:path';
import { DataDirLockedError, hasStore, IngestRefusedError, openRuntime, type Runtime } from '../app.ts';
import { CliError } from './cli-error.ts';

const shared = new AsyncLocalStorage<Runtime>();

/** Runs fn with `rt` as the runtime of every command it starts (the server's operator channel). */
export function withSharedRuntime<R>(rt: Runtime, fn: () => Promise<R>): Promise<R> {
  return shared.run(rt, fn);
}

/**
 * The server's runtime when the command runs inside the server (operator
 * channel), else undefined: for commands that otherwise work on the data
 * dir's files alone and must also update what the server holds in memory.
 */
export function serverRuntime(): Runtime | undefined {
  return shared.getStore();
}

export interface WithRuntimeOptions {
  /** The command sets a data dir up (tenant create): it may create the store. Others refuse a dir without one. */
  readonly create?: boolean;
}

export async function withRuntime<R>(dataDir: string, fn: (rt: Runtime) => Promise<R>, opts: WithRuntimeOptions = {}): Promise<R> {
  const inServer = shared.getStore();
  if (inServer !== undefined) return translate(() => fn(inServer));
  if (opts.create !== true && !hasStore(dataDir)) {
    // A command run from the wrong folder must not leave an empty store there.
    throw new CliError(
      `no authlens data in ${path.resolve(dataDir)}: pass --data-dir (default ./data), or set one up with authlens start or authlens tenant create`,
    );
  }
  let rt: Runtime;
  try {
    rt = await openRuntime(loadConfig({ dataDir }));
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new CliError(err.message);
    }
    throw err;
  }
  try {
    return await translate(() => fn(rt));
  } finally {
    await rt.close();
  }
}

async function translate<R>(fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof IngestRefusedError) throw new CliError(err.message);
    throw err;
  }
}
