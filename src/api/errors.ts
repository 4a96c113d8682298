/**
 * The one error shape of the API (Microsoft Graph's), and the stable codes
 * clients may branch on. docs/api.md lists every code; renaming one is a
 * breaking change.
 */
import { Type, type Static } from 'typebox';

export const ERROR_CODES = {
  badRequest: 400,
  invalidRequest: 400,
  unauthenticated: 401,
  forbidden: 403,
  editionRequired: 403,
  reportingNotEnabled: 403,
  csrfTokenMissing: 403,
  passwordChangeRequired: 403,
  notFound: 404,
  conflict: 409,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  tooManyRequests: 429,
  internalServerError: 500,
  connectorNotConfigured: 501,
  connectorFailed: 502,
  serviceUnavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Thrown by handlers and hooks; the error handler renders it. Message is shown to the client. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | (string & {}),
    message: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** SPEC 3: the exact wording before a global admin opts in. */
export const REPORTING_NOT_ENABLED_MESSAGE =
  'reporting is not enabled for this directory; a global admin must opt in';

export function reportingNotEnabled(): ApiError {
  return new ApiError(403, 'reportingNotEnabled', REPORTING_NOT_ENABLED_MESSAGE);
}

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      innerError: Type.Object({
        'request-id': Type.String(),
        date: Type.String(),
      }),
    }),
  },
  { description: "Graph's error shape" },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export function errorBody(code: string, message: string, requestId: string, date: Date): ErrorResponse {
  return { error: { code, message, innerError: { 'request-id': requestId, date: date.toISOString() } } };
}
