/**
 * The message API Gateway turns into a 401: an authorizer that fails with exactly this message
 * (no other text, same case) refuses the caller; any other failure is a 500. `jwtAuthorizer` throws
 * `new Error(UNAUTHORIZED, { cause })` for a missing or invalid token.
 *
 * @example
 * throw new Error(UNAUTHORIZED); // API Gateway answers 401
 */
export const UNAUTHORIZED = 'Unauthorized';

/**
 * Whether a failure is the one API Gateway answers with 401: its `message` is exactly
 * {@link UNAUTHORIZED}. Any value is accepted (what a handler rejects with need not be an `Error`);
 * `null`, `undefined` and values without that message give false.
 *
 * @example
 * const status = isUnauthorizedError(err) ? 401 : 500; // what API Gateway answers
 */
export function isUnauthorizedError(err: unknown): boolean {
  return err !== undefined && err !== null && (err as { message?: unknown }).message === UNAUTHORIZED;
}
