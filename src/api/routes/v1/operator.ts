/**
 * The local operator channel: the CLI runs its command inside the server when
 * the server holds the DuckDB file. Operator token only (server.json), loopback only.
 *
 * The body (application/vnd.authlens.cli) is one JSON line, the command as
 * the user typed it ({argv, cwd, stderrIsTTY}), then the CLI's standard input,
 * bytes as they are (gzip too), streamed: a piped load of any size never sits
 * in memory, and a command line of any length fits (no header limit). The
 * command resolves relative file names against `cwd`, so it reads, writes and
 * names files exactly as a local run would. The answer streams back as NDJSON
 * frames written as the command writes (a long load shows its progress), the
 * exit code last. A JSON body {argv, stdin} (CLIs before the stream) gets one
 * JSON answer at the end.
 */
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { ApiError } from '../../errors.ts';
import type { CliLive } from '../../deps.ts';
import type { RouteOptionsOf } from '../../services.ts';

const CliBody = Type.Object(
  {
    argv: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256 }),
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
/** The first line of a streamed command: what the user typed, where, and whether their stderr is a terminal. */
export const CliHead = Type.Object(
  {
    argv: Type.Array(Type.String({ maxLength: 65_536 }), { maxItems: 1_000_000 }),
    cwd: Type.String({ minLength: 1, maxLength: 4096 }),
    stderrIsTTY: Type.Boolean(),
    columns: Type.Optional(Type.Integer({ minimum: 20, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type CliHead = Static<typeof CliHead>;
const headCheck = Compile(CliHead);
export const CLI_STREAM_TYPE = 'application/vnd.authlens.cli';
/** The head line may be long (thousands of file names), not endless. */
const MAX_HEAD_BYTES = 16 * 1024 * 1024;

async function* textStream(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text, 'utf8');
}

/** Splits the body into its head line (parsed and checked) and the standard input after it. */
async function readHead(body: AsyncIterable<Buffer>): Promise<{ head: CliHead; stdin: AsyncIterable<Buffer> }> {
  const it = body[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done === true) throw new ApiError(400, 'invalidRequest', 'the body ended before its first line (the command)');
    const chunk = Buffer.from(next.value);
    const nl = chunk.indexOf(0x0a);
    if (nl < 0) {
      parts.push(chunk);
      size += chunk.length;
      if (size > MAX_HEAD_BYTES) throw new ApiError(413, 'payloadTooLarge', `the command line is over ${MAX_HEAD_BYTES} bytes`);
      continue;
    }
    parts.push(chunk.subarray(0, nl));
    const rest = chunk.subarray(nl + 1);
    let head: unknown;
    try {
      head = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {
      head = undefined;
    }
    if (!headCheck.Check(head)) throw new ApiError(400, 'invalidRequest', 'the first line must be {"argv":[...],"cwd":"...","stderrIsTTY":bool}');
    if (!path.isAbsolute(head.cwd)) throw new ApiError(400, 'invalidRequest', 'cwd must be an absolute path');
    const stdin = (async function* (): AsyncGenerator<Buffer> {
      if (rest.length > 0) yield rest;
      for (;;) {
        const n = await it.next();
        if (n.done === true) return;
        yield Buffer.from(n.value);
      }
    })();
    return { head, stdin };
  }
}

export async function operatorRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  // The body is handed over unread (bytes, any size); the command reads its standard input as it goes.
  app.addContentTypeParser(CLI_STREAM_TYPE, (_request, payload, done) => done(null, payload));

  app.post(
    '/api/v1/operator/cli',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Run an authlens CLI command in the server process (local operator only)',
        tags: ['operator'],
        body: {
          content: {
            [CLI_STREAM_TYPE]: { schema: Type.Unknown({ description: "one JSON line {argv, cwd, stderrIsTTY}, then the CLI's standard input" }) },
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
      const { head, stdin } = await readHead(request.body as Readable);
      const out = new PassThrough();
      const frame = (f: CliFrame): void => {
        if (!out.writableEnded) out.write(`${JSON.stringify(f)}\n`);
      };
      const live: CliLive = {
        write: (stream, chunk) => frame(stream === 'stdout' ? { stdout: chunk } : { stderr: chunk }),
        stderrIsTTY: head.stderrIsTTY,
        cwd: head.cwd,
        ...(head.columns !== undefined ? { columns: head.columns } : {}),
      };
      runCli(head.argv, stdin, live)
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
