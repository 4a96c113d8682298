/** An error the CLI reports as one line, with the exit code SPEC section 10 gives. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Why a fetch failed, in words a user can act on: undici hides the reason in
 * `cause` ("fetch failed" alone says nothing), so its code (ECONNREFUSED,
 * ENOTFOUND, ...) when there is one, else the message.
 */
export function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
