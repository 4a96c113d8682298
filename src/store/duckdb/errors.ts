/** Errors of the DuckDB adapter that callers act on. */

/**
 * Another process (or this one) already has the data directory's database
 * open. The CLI catches it to fall back to the running server's API.
 */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    /** The process holding the lock, when DuckDB said which. */
    readonly pid: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `the data directory ${dataDir} is in use by another authlens process` +
        (pid === undefined ? '' : ` (pid ${pid})`) +
        '; stop it, use its API, or pass another --data-dir',
      options,
    );
  }
}

/** DuckDB's message when another process holds the file lock: "...Conflicting lock is held in /usr/bin/node (PID 1234)...". */
export function lockHolderPid(message: string): number | undefined | null {
  if (!/Could not set lock on file|Conflicting lock is held/i.test(message)) return null;
  const m = /\(PID (\d+)\)/i.exec(message);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
