import type { AuthorizerErrorCode } from '@jwt-authorizer/authorizer-core';

/** The HTTP statuses `jwtAuth` and `requireScopes` fail with. */
export type JwtHttpStatus = 400 | 401 | 403 | 500;

/**
 * The reason of a {@link JwtHttpError}: a core code, `CREDENTIALS_CONFLICT` for a request carrying
 * different credentials, `AUTHORIZER_FAILED` for an unexpected error.
 */
export type JwtHttpErrorCode = AuthorizerErrorCode | 'CREDENTIALS_CONFLICT' | 'AUTHORIZER_FAILED';

const MESSAGES: Readonly<Record<JwtHttpStatus, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
};

/**
 * The error `jwtAuth` and `requireScopes` throw, in the shape `@middy/http-error-handler` renders:
 * `statusCode`, `expose` (false for 500, so the client sees only a generic message), `headers`
 * (`WWW-Authenticate`). The message is the generic status text; `code` and `cause` carry the reason
 * for logs, never the token or its claims.
 */
export class JwtHttpError extends Error {
  override readonly name = 'JwtHttpError';
  readonly statusCode: JwtHttpStatus;
  /** Same as `statusCode`, for handlers written for `http-errors`. */
  readonly status: JwtHttpStatus;
  readonly expose: boolean;
  readonly headers: Readonly<Record<string, string>>;
  /** The reason, e.g. `TOKEN_EXPIRED`, `INSUFFICIENT_SCOPE`, `CLAIM_MISMATCH`, `JWKS_UNAVAILABLE`. */
  readonly code: JwtHttpErrorCode;

  constructor(
    statusCode: JwtHttpStatus,
    code: JwtHttpErrorCode,
    headers: Readonly<Record<string, string>>,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[statusCode], options);
    this.statusCode = statusCode;
    this.status = statusCode;
    this.expose = statusCode < 500;
    this.headers = headers;
    this.code = code;
  }
}

/** `WWW-Authenticate: Bearer realm="…"` plus RFC 6750 attributes; the values need no escaping. */
export function challengeHeaders(
  realm: string,
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope',
  scope?: readonly string[],
): Readonly<Record<string, string>> {
  let challenge = `Bearer realm="${realm}"`;
  if (error !== undefined) challenge += `, error="${error}"`;
  if (scope !== undefined && scope.length > 0) challenge += `, scope="${scope.join(' ')}"`;
  return Object.freeze({ 'WWW-Authenticate': challenge });
}
