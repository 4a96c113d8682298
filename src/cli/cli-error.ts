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
