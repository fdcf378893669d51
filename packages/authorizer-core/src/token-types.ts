import { ConfigurationError, TokenError } from './errors.js';

/**
 * `typ` values of JWTs that are never access tokens: logout tokens (OpenID Back-Channel Logout),
 * security event tokens (RFC 8417), DPoP proofs (RFC 9449), ID tokens and JWT-secured
 * authorization requests and responses. Refused whatever `tokenTypes` says.
 */
export const NEVER_ACCESS_TOKEN_TYPES: readonly string[] = Object.freeze([
  'logout+jwt',
  'secevent+jwt',
  'dpop+jwt',
  'id_token+jwt',
  'oauth-authz-req+jwt',
  'jwt-authz-resp+jwt',
  'token-introspection+jwt',
]);

/**
 * A `typ` value compared as RFC 7515 §4.1.9 and RFC 8725 §3.11 ask: media type names are
 * case-insensitive (ASCII), and `application/` may be left out.
 *
 * @example
 * normalizeTokenType('application/AT+JWT') // 'at+jwt'
 */
export function normalizeTokenType(typ: string): string {
  // ASCII letters only: Unicode lower-casing would turn the Kelvin sign into "k".
  const lower = typ.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

// An issuer writes the same one or two short `typ` values on every token; a token choosing random or
// long ones only refills the map, or is not remembered.
const NORMALIZED_TYPES_SIZE = 16;
const MAX_REMEMBERED_TYPE_LENGTH = 64;
const normalizedTypes = new Map<string, string>();

/** {@link normalizeTokenType}, remembered for the last few values seen. */
function normalizedTypeOf(typ: string): string {
  if (typ.length > MAX_REMEMBERED_TYPE_LENGTH) return normalizeTokenType(typ);
  let normalized = normalizedTypes.get(typ);
  if (normalized === undefined) {
    normalized = normalizeTokenType(typ);
    if (normalizedTypes.size >= NORMALIZED_TYPES_SIZE) normalizedTypes.clear();
    normalizedTypes.set(typ, normalized);
  }
  return normalized;
}

/** How `typ` is checked: the accepted types (normalized), or undefined for "any but the refused". */
export interface TokenTypePolicy {
  readonly accepted: ReadonlySet<string> | undefined;
}

/**
 * Validates the `tokenTypes` option: undefined accepts any `typ` (or none) except
 * {@link NEVER_ACCESS_TOKEN_TYPES}; a list (e.g. `['at+jwt']` for RFC 9068 access tokens) requires
 * the header `typ` to be one of them.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` for an empty list, a non-string entry or a type that is never an access token.
 * @example
 * resolveTokenTypes(['at+jwt']).accepted // Set { 'at+jwt' }
 */
export function resolveTokenTypes(tokenTypes: unknown): TokenTypePolicy {
  if (tokenTypes === undefined) return { accepted: undefined };
  const list = typeof tokenTypes === 'string' ? [tokenTypes] : tokenTypes;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigurationError('tokenTypes must be a non-empty array of typ values, e.g. ["at+jwt"]');
  }
  const accepted = new Set<string>();
  list.forEach((typ, i) => {
    if (typeof typ !== 'string' || typ.trim() === '' || /[\s"\\]/.test(typ.trim())) {
      throw new ConfigurationError(`tokenTypes[${i}] must be a typ value such as "at+jwt"`);
    }
    const normalized = normalizeTokenType(typ.trim());
    if (NEVER_ACCESS_TOKEN_TYPES.includes(normalized)) {
      throw new ConfigurationError(
        `tokenTypes[${i}]: "${typ}" is never an access token (use "at+jwt" for RFC 9068 access tokens)`,
      );
    }
    accepted.add(normalized);
  });
  return { accepted };
}

/**
 * Refuses a JWT that is not an access token: a header `typ` among {@link NEVER_ACCESS_TOKEN_TYPES}
 * or, when types are configured, not among them; a Cognito ID token (`token_use: "id"`); a
 * Keycloak ID or refresh token (`typ: "ID"` / `"Refresh"` in the payload).
 *
 * @throws {TokenError} `TOKEN_TYPE_INVALID` (401).
 */
export function assertAccessTokenType(
  policy: TokenTypePolicy,
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
): void {
  const typ = header.typ;
  if (typ !== undefined) {
    if (typeof typ !== 'string')
      throw new TokenError('TOKEN_TYPE_INVALID', 'The token typ header is not a string');
    const normalized = normalizedTypeOf(typ);
    if (NEVER_ACCESS_TOKEN_TYPES.includes(normalized)) {
      throw new TokenError('TOKEN_TYPE_INVALID', 'The token is not an access token (typ)');
    }
    if (policy.accepted !== undefined && !policy.accepted.has(normalized)) {
      throw new TokenError('TOKEN_TYPE_INVALID', 'The token typ is not an accepted access token type');
    }
  } else if (policy.accepted !== undefined) {
    throw new TokenError('TOKEN_TYPE_INVALID', 'The token has no typ header, which tokenTypes requires');
  }
  // Providers that mark their ID tokens in the payload: Cognito's token_use, Keycloak's typ claim.
  if (payload.token_use === 'id' || payload.typ === 'ID' || payload.typ === 'Refresh') {
    throw new TokenError('TOKEN_TYPE_INVALID', 'The token is not an access token (an ID or refresh token)');
  }
}
