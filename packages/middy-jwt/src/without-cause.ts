import { TokenError } from '@jwt-authorizer/authorizer-core';

/**
 * A copy of the token error with its code and message only. The core keeps the parser's error as
 * `cause`, and that can quote the decoded token (e.g. a JSON syntax error showing the payload), so
 * it must not reach a logger that prints the cause chain.
 */
export function withoutCause(err: TokenError): TokenError {
  // `claim` names a required claim from the configuration, never its value: it is kept for the log.
  return new TokenError(err.code, err.message, err.claim === undefined ? undefined : { claim: err.claim });
}
