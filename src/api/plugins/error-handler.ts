/**
 * Renders every error in Graph's shape with a stable code. ApiErrors carry
 * their own status and message; Fastify's client errors are mapped to codes;
 * anything else is a 500 whose body says nothing about internals.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, errorBody, type ErrorCode } from '../errors.ts';

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'badRequest',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
  429: 'tooManyRequests',
};

export function installErrorHandler(app: FastifyInstance, now: () => Date): void {
  app.setErrorHandler((err: FastifyError | ApiError | Error, request, reply) => {
    if (err instanceof ApiError) {
      void reply.headers(err.headers);
      return reply.code(err.status).send(errorBody(err.code, err.message, request.id, now()));
    }
    const fe = err as FastifyError;
    if (fe.validation !== undefined) {
      const where = fe.validationContext ?? 'request';
      const first = fe.validation[0];
      const path = first?.instancePath ?? '';
      const message = `invalid ${where}${path !== '' ? ` at ${path}` : ''}: ${first?.message ?? 'does not match the schema'}`;
      return reply.code(400).send(errorBody('invalidRequest', message, request.id, now()));
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = STATUS_CODES[status] ?? 'badRequest';
      // Fastify's own wording ("Unsupported Media Type") does not say what to send instead.
      const message =
        status === 415 ? `Content-Type '${request.headers['content-type'] ?? ''}' is not taken here; send application/json` : fe.message;
      return reply.code(status).send(errorBody(code, message, request.id, now()));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody('internalServerError', 'internal server error', request.id, now()));
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send(errorBody('notFound', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`, request.id, now()));
  });
}
