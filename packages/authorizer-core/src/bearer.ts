import { TokenError } from './errors.js';

/** Default cap on the Authorization value, checked before any parsing. */
export const DEFAULT_MAX_TOKEN_BYTES = 8192;

export interface ExtractBearerTokenOptions {
  /** Longest accepted Authorization value, in bytes (default 8192). */
  maxTokenBytes?: number;
}

/**
 * Extracts the JWT from an `Authorization` header value: scheme `Bearer` (any case), one space or
 * more, exactly one token and nothing else.
 *
 * @throws {TokenError} `TOKEN_MISSING` when the value is absent or blank, `TOKEN_TOO_LARGE` past the
 *   size cap, `SCHEME_INVALID` for another scheme, `TOKEN_MALFORMED` when the token is not one word.
 * @example
 * extractBearerToken('Bearer eyJhbGciOi...') // 'eyJhbGciOi...'
 */
export function extractBearerToken(
  value: string | undefined | null,
  options?: ExtractBearerTokenOptions,
): string {
  const maxBytes = options?.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  if (typeof value !== 'string') throw new TokenError('TOKEN_MISSING', 'No bearer token was sent');
  // Length in UTF-16 units is at most the UTF-8 byte length, so this rejects early and cheaply;
  // the exact byte check follows only for values that contain non-ASCII characters.
  if (value.length > maxBytes || (value.length * 3 > maxBytes && Buffer.byteLength(value) > maxBytes)) {
    throw new TokenError('TOKEN_TOO_LARGE', `Authorization value exceeds ${maxBytes} bytes`);
  }
  const trimmed = value.trim();
  if (trimmed === '') throw new TokenError('TOKEN_MISSING', 'No bearer token was sent');
  const space = trimmed.indexOf(' ');
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') {
    throw new TokenError('SCHEME_INVALID', 'Authorization scheme must be Bearer');
  }
  if (space === -1) throw new TokenError('TOKEN_MISSING', 'Bearer scheme without a token');
  const token = trimmed.slice(space + 1).trimStart();
  if (token === '') throw new TokenError('TOKEN_MISSING', 'Bearer scheme without a token');
  if (/\s/.test(token))
    throw new TokenError('TOKEN_MALFORMED', 'Authorization value holds more than one token');
  return token;
}
