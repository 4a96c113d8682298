/**
 * The local operator channel: the CLI runs its command inside the server when
 * the server holds the DuckDB file. Operator token only (server.json), loopback only.
 */
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
export const CliAnswer = Type.Object({ exitCode: Type.Integer(), stdout: Type.String(), stderr: Type.String() });

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
        response: { 200: CliAnswer },
      },
    },
    async (request) => {
      if (deps.runCli === undefined) throw new ApiError(503, 'serviceUnavailable', 'the operator channel is not wired in this server');
      const body = request.body as Static<typeof CliBody>;
      return deps.runCli(body.argv, body.stdin !== undefined ? textStream(body.stdin) : undefined);
    },
  );
}
