/**
 * Renders every error in Graph's shape with a stable code. ApiErrors carry
 * their own status and message; Fastify's client errors are mapped to codes;
 * anything else is a 500 whose body says nothing about internals.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
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

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** The property names a route's schema declares for one part of the request (querystring, body, ...), when it is an object schema. */
function declaredProperties(request: FastifyRequest, where: string): string[] {
  const schema: unknown = (request.routeOptions.schema as Readonly<Record<string, unknown>> | undefined)?.[where];
  if (typeof schema !== 'object' || schema === null) return [];
  const props: unknown = (schema as { readonly properties?: unknown }).properties;
  return typeof props === 'object' && props !== null ? Object.keys(props) : [];
}

/**
 * A schema refusal in words a caller can act on. TypeBox says "schema is false"
 * for an unknown property and "must be equal to one of the allowed values" for
 * an enum; say which property is unknown (and which are known) and which values
 * are allowed.
 */
export function describeValidation(issues: readonly ValidationIssue[], where: string, known: readonly string[]): string {
  const unknown = issues.find((i) => i.keyword === 'boolean' && i.schemaPath.endsWith('/additionalProperties'));
  if (unknown !== undefined) {
    const cut = unknown.instancePath.lastIndexOf('/');
    const parent = unknown.instancePath.slice(0, Math.max(cut, 0));
    const name = unknown.instancePath.slice(cut + 1);
    const noun = where === 'querystring' ? 'parameter' : 'field';
    const knownPart = parent === '' && known.length > 0 ? `; known: ${known.join(', ')}` : '';
    return `invalid ${where}${parent !== '' ? ` at ${parent}` : ''}: unknown ${noun} '${name}'${knownPart}`;
  }
  const first = issues[0];
  const path = first?.instancePath ?? '';
  let reason = first?.message ?? 'does not match the schema';
  const allowed = first?.keyword === 'enum' ? first.params['allowedValues'] : undefined;
  if (Array.isArray(allowed)) reason = `must be one of ${allowed.map(String).join(', ')}`;
  return `invalid ${where}${path !== '' ? ` at ${path}` : ''}: ${reason}`;
}

export function installErrorHandler(app: FastifyInstance, now: () => Date): void {
  app.setErrorHandler((err: FastifyError | ApiError | Error, request, reply) => {
    if (err instanceof ApiError) {
      void reply.headers(err.headers);
      return reply.code(err.status).send(errorBody(err.code, err.message, request.id, now()));
    }
    const fe = err as FastifyError;
    if (fe.validation !== undefined) {
      const where = fe.validationContext ?? 'request';
      const message = describeValidation(fe.validation, where, declaredProperties(request, where));
      return reply.code(400).send(errorBody('invalidRequest', message, request.id, now()));
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = STATUS_CODES[status] ?? 'badRequest';
      // Fastify's own wording ("Unsupported Media Type", "Body cannot be empty when content-type is set to 'application/json'")
      // does not say what to send instead.
      const message =
        status === 415
          ? `Content-Type '${request.headers['content-type'] ?? ''}' is not taken here; send application/json`
          : fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? `the request says Content-Type '${request.headers['content-type'] ?? ''}' but has no body: send a JSON body, or leave the header out (${request.method} ${request.url.split('?')[0] ?? ''} needs none)`
            : fe.message;
      return reply.code(status).send(errorBody(code, message, request.id, now()));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody('internalServerError', 'internal server error', request.id, now()));
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send(errorBody('notFound', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`, request.id, now()));
  });
}
