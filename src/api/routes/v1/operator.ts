/**
 * The local operator channel: the CLI runs its command inside the server when
 * the server holds the DuckDB file. Operator token only (server.json), loopback only.
 *
 * The CLI sends its argv in a header and its standard input, bytes as they
 * are (gzip too), as the body (application/octet-stream), streamed: a piped
 * load of any size never sits in memory. The answer streams back as NDJSON
 * frames written as the command writes (a long load shows its progress), the
 * exit code last. A JSON body {argv, stdin} (CLIs before the stream) gets one
 * JSON answer at the end.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { ApiError } from '../../errors.ts';
import type { CliLive } from '../../deps.ts';
import type { RouteOptionsOf } from '../../services.ts';

const CliArgv = Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256 });
const argvCheck = Compile(CliArgv);
const CliBody = Type.Object(
  {
    argv: CliArgv,
    /** Standard input for commands reading '-', as UTF-8 text. */
    stdin: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
/** One line of the streamed answer: output as the command wrote it, then its exit code. */
export const CliFrame = Type.Union([
  Type.Object({ stdout: Type.String() }, { additionalProperties: false }),
  Type.Object({ stderr: Type.String() }, { additionalProperties: false }),
  Type.Object({ exitCode: Type.Integer() }, { additionalProperties: false }),
]);
export type CliFrame = Static<typeof CliFrame>;
const CliAnswer = Type.Object({ exitCode: Type.Integer(), stdout: Type.String(), stderr: Type.String() });
/** The command's argv: base64url of its JSON array (streamed requests). */
export const ARGV_HEADER = 'x-authlens-argv';
/** Set to 1 by a CLI whose stderr is a terminal: the command draws its progress line. */
export const STDERR_TTY_HEADER = 'x-authlens-stderr-tty';

async function* textStream(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text, 'utf8');
}

function argvFromHeader(raw: string | string[] | undefined): string[] {
  if (typeof raw !== 'string') throw new ApiError(400, 'invalidRequest', `a streamed command needs its argv in ${ARGV_HEADER}`);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!argvCheck.Check(v)) throw new ApiError(400, 'invalidRequest', `${ARGV_HEADER} is not base64url of a JSON array of strings`);
  return v;
}

export async function operatorRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  // Standard input is handed over unread (bytes, any size); the command reads it as it goes.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post(
    '/api/v1/operator/cli',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Run an authlens CLI command in the server process (local operator only)',
        tags: ['operator'],
        headers: Type.Object({ [ARGV_HEADER]: Type.Optional(Type.String({ maxLength: 65_536 })), [STDERR_TTY_HEADER]: Type.Optional(Type.String()) }),
        body: {
          content: {
            'application/octet-stream': { schema: Type.Unknown({ description: "the CLI's standard input; argv in x-authlens-argv" }) },
            'application/json': { schema: CliBody },
          },
        },
        response: {
          200: {
            description: 'application/x-ndjson for a streamed command: one CliFrame a line, the exit code last; application/json: one answer',
            ...Type.Union([CliAnswer, CliFrame]),
          },
        },
      },
    },
    async (request, reply) => {
      const runCli = deps.runCli;
      if (runCli === undefined) throw new ApiError(503, 'serviceUnavailable', 'the operator channel is not wired in this server');
      if ((request.headers['content-type'] ?? '').startsWith('application/json')) {
        const body = request.body as Static<typeof CliBody>;
        return runCli(body.argv, body.stdin !== undefined ? textStream(body.stdin) : undefined);
      }
      const argv = argvFromHeader(request.headers[ARGV_HEADER]);
      const stdin = request.body as Readable;
      const out = new PassThrough();
      const frame = (f: CliFrame): void => {
        if (!out.writableEnded) out.write(`${JSON.stringify(f)}\n`);
      };
      const live: CliLive = {
        write: (stream, chunk) => frame(stream === 'stdout' ? { stdout: chunk } : { stderr: chunk }),
        stderrIsTTY: request.headers[STDERR_TTY_HEADER] === '1',
      };
      runCli(argv, stdin, live)
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
