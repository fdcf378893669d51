import { DEFAULT_MAX_TOKEN_BYTES, extractBearerToken } from './bearer.js';
import { TokenError } from './errors.js';

/** An access token with the scheme it came under. A credential: never log `token`. */
export interface PresentedToken {
  readonly scheme: 'bearer' | 'dpop';
  readonly token: string;
}

/**
 * Reads an `Authorization` value under the `Bearer` or the `DPoP` scheme (RFC 9449 §7.1), either in
 * any case, with the same size cap and one-token rule as {@link extractBearerToken}.
 *
 * @throws {TokenError} `TOKEN_MISSING`, `TOKEN_TOO_LARGE`, `SCHEME_INVALID`, `TOKEN_MALFORMED`.
 * @example
 * extractAccessToken('DPoP eyJhbGciOi...') // { scheme: 'dpop', token: 'eyJhbGciOi...' }
 */
export function extractAccessToken(
  value: string | undefined | null,
  options?: { maxTokenBytes?: number },
): PresentedToken {
  // Bearer is the common case: only a value whose first word could be DPoP is looked at further.
  if (typeof value === 'string' && /^\s*d/i.test(value)) {
    const trimmed = value.trimStart();
    if (trimmed.length > 4 && trimmed.slice(0, 4).toLowerCase() === 'dpop' && /\s/.test(trimmed.charAt(4))) {
      const maxBytes = options?.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
      if (value.length > maxBytes || Buffer.byteLength(value) > maxBytes) {
        throw new TokenError('TOKEN_TOO_LARGE', `Authorization value exceeds ${maxBytes} bytes`);
      }
      // The same parsing as Bearer, the size already checked.
      try {
        return {
          scheme: 'dpop',
          token: extractBearerToken(`Bearer${trimmed.slice(4)}`, { maxTokenBytes: Number.MAX_SAFE_INTEGER }),
        };
      } catch (err) {
        if (err instanceof TokenError && err.code === 'TOKEN_MISSING') {
          throw new TokenError('TOKEN_MISSING', 'DPoP scheme without a token');
        }
        throw err;
      }
    }
  }
  return { scheme: 'bearer', token: extractBearerToken(value, options) };
}
