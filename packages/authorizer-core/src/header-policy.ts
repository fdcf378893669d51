import { TokenError } from './errors.js';

// Header parameters that would let the token choose its own key or demand unknown processing.
const FORBIDDEN_HEADER_PARAMS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'] as const;

/** The header facts a token is verified with; frozen, non-secret, fit for logs. */
export interface AcceptedHeader {
  readonly alg: string;
  readonly kid: string;
}

/**
 * Accepts a JWS header only with an allowed `alg`, a non-empty `kid`, and none of the parameters
 * that would let the token pick its own key (`jwk`, `jku`, `x5u`, `x5c`) or demand processing this
 * verifier does not do (`crit`).
 *
 * @throws {TokenError} `ALG_NOT_ALLOWED`, `KID_MISSING`, `HEADER_UNSUPPORTED`.
 * @example
 * const { alg, kid } = acceptHeader(decoded.header, new Set(['RS256']));
 */
export function acceptHeader(
  header: Readonly<Record<string, unknown>>,
  algorithms: ReadonlySet<string>,
): AcceptedHeader {
  const alg = header.alg;
  if (typeof alg !== 'string' || !algorithms.has(alg)) {
    throw new TokenError(
      'ALG_NOT_ALLOWED',
      `The token algorithm is not allowed (allowed: ${[...algorithms].join(', ')})`,
    );
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '')
    throw new TokenError('KID_MISSING', 'The token header has no kid');
  for (const param of FORBIDDEN_HEADER_PARAMS) {
    if (header[param] !== undefined) {
      throw new TokenError('HEADER_UNSUPPORTED', `The token header parameter "${param}" is not accepted`);
    }
  }
  return Object.freeze({ alg, kid });
}
