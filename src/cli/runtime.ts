/**
 * Opens the runtime on the command's data dir for the length of one command.
 * Inside the server (operator channel) commands share the server's runtime.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { loadConfig } from '../config/config.ts';
import { DataDirLockedError, IngestRefusedError, openRuntime, type Runtime } from '../app.ts';
import { CliError } from './cli-error.ts';

const shared = new AsyncLocalStorage<Runtime>();

/** Runs fn with `rt` as the runtime of every command it starts (the server's operator channel). */
export function withSharedRuntime<R>(rt: Runtime, fn: () => Promise<R>): Promise<R> {
  return shared.run(rt, fn);
}

export async function withRuntime<R>(dataDir: string, fn: (rt: Runtime) => Promise<R>): Promise<R> {
  const inServer = shared.getStore();
  if (inServer !== undefined) return translate(() => fn(inServer));
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
