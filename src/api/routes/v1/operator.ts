/**
 * The local operator channel: the CLI runs its command inside the server when
 * the server holds the DuckDB file. Operator token only (server.json), loopback only.
 * A CLI that accepts application/x-ndjson gets the answer as it is written,
 * one frame a line (so a long load shows its progress), the exit code last;
 * otherwise one JSON answer at the end (CLIs before the stream). The CLI's
 * terminal is told by a header, which older servers ignore.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';

const CliBody = Type.Object(
  {
    argv: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256 }),
    /** Standard input for commands reading '-', as UTF-8 text. */
    stdin: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
/** One line of the answer: output as the command wrote it, then its exit code. */
export const CliFrame = Type.Union([
  Type.Object({ stdout: Type.String() }, { additionalProperties: false }),
  Type.Object({ stderr: Type.String() }, { additionalProperties: false }),
  Type.Object({ exitCode: Type.Integer() }, { additionalProperties: false }),
]);
export type CliFrame = Static<typeof CliFrame>;
export const CliAnswer = Type.Object({ exitCode: Type.Integer(), stdout: Type.String(), stderr: Type.String() });
/** Set to 1 by a CLI whose stderr is a terminal: the command draws its progress line. */
export const STDERR_TTY_HEADER = 'x-authlens-stderr-tty';

async function* textStream(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text, 'utf8');
}

export async function operatorRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  app.post(
    '/api/v1/operator/cli',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Run an authlens CLI command in the server process (local operator only)',
        tags: ['operator'],
        body: CliBody,
        response: { 200: { description: 'application/json: CliAnswer; with Accept: application/x-ndjson, one CliFrame a line, the exit code last', ...Type.Union([CliAnswer, CliFrame]) } },
      },
    },
    async (request, reply) => {
      const runCli = deps.runCli;
      if (runCli === undefined) throw new ApiError(503, 'serviceUnavailable', 'the operator channel is not wired in this server');
      const body = request.body as Static<typeof CliBody>;
      const stdin = body.stdin !== undefined ? textStream(body.stdin) : undefined;
      if (!(request.headers.accept ?? '').includes('application/x-ndjson')) return runCli(body.argv, stdin);
      const out = new PassThrough();
      const frame = (f: CliFrame): void => {
        if (!out.writableEnded) out.write(`${JSON.stringify(f)}\n`);
      };
      const live = {
        write: (stream: 'stdout' | 'stderr', chunk: string) => frame(stream === 'stdout' ? { stdout: chunk } : { stderr: chunk }),
        stderrIsTTY: request.headers[STDERR_TTY_HEADER] === '1',
      };
      runCli(body.argv, stdin, live)
        .then(
          (r) => frame({ exitCode: r.exitCode }),
          (err: unknown) => {
            request.log.error({ err }, 'operator command failed');
            frame({ stderr: `authlens: ${err instanceof Error ? err.message : String(err)}\n` });
            frame({ exitCode: 1 });
          },
        )
        .finally(() => out.end());
      return reply.type('application/x-ndjson; charset=utf-8').send(out);
    },
  );
}
