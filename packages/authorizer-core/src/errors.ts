/**
 * Stable reason codes. Adapters map them to outcomes:
 * {@link TokenError} → 401, {@link ScopeError} and {@link ClaimError} → 403, {@link KeysUnavailableError} → 500,
 * {@link ConfigurationError} → failed start-up.
 */
export type TokenErrorCode =
  | 'TOKEN_MISSING'
  | 'TOKEN_TOO_LARGE'
  | 'SCHEME_INVALID'
  | 'TOKEN_MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'KID_MISSING'
  | 'HEADER_UNSUPPORTED'
  | 'KID_UNKNOWN'
  | 'KEY_UNUSABLE'
  | 'SIGNATURE_INVALID'
  | 'EXP_MISSING'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'IAT_INVALID'
  | 'TOKEN_TOO_OLD'
  | 'ISSUER_INVALID'
  | 'AUDIENCE_INVALID'
  | 'CLAIM_INVALID'
  | 'TOKEN_TYPE_INVALID';

export type ScopeErrorCode = 'INSUFFICIENT_SCOPE';
export type ClaimErrorCode = 'CLAIM_MISMATCH';
export type KeysErrorCode = 'JWKS_UNAVAILABLE' | 'JWKS_INVALID';
export type ConfigurationErrorCode = 'CONFIG_INVALID';
export type EventErrorCode = 'EVENT_INVALID';
export type AuthorizerErrorCode =
  | TokenErrorCode
  | ScopeErrorCode
  | ClaimErrorCode
  | KeysErrorCode
  | ConfigurationErrorCode
  | EventErrorCode;

/**
 * Base class of every error the core throws. Messages never contain a token, a signature or a
 * claims set; `cause` may carry the underlying library error.
 */
export class AuthorizerError extends Error {
  override readonly name: string = 'AuthorizerError';
  readonly code: AuthorizerErrorCode;

  constructor(code: AuthorizerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The token is missing, malformed or invalid: the caller is not authenticated (401). */
export class TokenError extends AuthorizerError {
  override readonly name = 'TokenError';
  declare readonly code: TokenErrorCode;
  /**
   * For `CLAIM_INVALID` from a required-claims rule: the name of the claim (as configured) the token
   * fails. A name from the configuration, never the claim's value.
   */
  readonly claim: string | undefined;

  constructor(code: TokenErrorCode, message: string, options?: { cause?: unknown; claim?: string }) {
    super(code, message, options);
    this.claim = options?.claim;
  }
}

/** The token is valid but lacks scopes the route requires (403). */
export class ScopeError extends AuthorizerError {
  override readonly name = 'ScopeError';
  declare readonly code: ScopeErrorCode;
  /** The scopes the token lacks. Scope names are configuration, not token content. */
  readonly missingScopes: readonly string[];

  constructor(missingScopes: readonly string[]) {
    super('INSUFFICIENT_SCOPE', `Token lacks required scope(s): ${missingScopes.join(' ')}`);
    this.missingScopes = missingScopes;
  }
}

/** The token is valid but fails a route's claim conditions (403). */
export class ClaimError extends AuthorizerError {
  override readonly name = 'ClaimError';
  declare readonly code: ClaimErrorCode;
  /** The names of the claims (as configured) whose conditions the token fails; never their values. */
  readonly failedClaims: readonly string[];

  constructor(failedClaims: readonly string[]) {
    super(
      'CLAIM_MISMATCH',
      `Token fails the condition(s) on claim(s): ${failedClaims.map((c) => JSON.stringify(c)).join(', ')}`,
    );
    this.failedClaims = failedClaims;
  }
}

/** The issuer's keys could not be obtained: the token cannot be judged (500, never an Allow). */
export class KeysUnavailableError extends AuthorizerError {
  override readonly name = 'KeysUnavailableError';
  declare readonly code: KeysErrorCode;
  /** The HTTP status the key or discovery endpoint answered, when it answered other than 200. */
  readonly status: number | undefined;

  constructor(
    code: KeysErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number | undefined },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
  }
}

/** What a {@link ConfigurationError} names besides its message. */
export interface ConfigurationErrorOptions {
  cause?: unknown;
  /** The option path of the setting at fault, e.g. `jwks.timeoutMs`. */
  setting?: string | undefined;
  /** The environment variable it was read from, e.g. `JWT_JWKS_TIMEOUT_MS`. */
  variable?: string | undefined;
}

/**
 * An option is missing or malformed; thrown by factories at start-up. `setting` names the option
 * path and `variable` the environment variable it came from, when it came from the environment.
 */
export class ConfigurationError extends AuthorizerError {
  override readonly name = 'ConfigurationError';
  declare readonly code: ConfigurationErrorCode;
  /** The option path of the setting at fault (e.g. `audience`, `jwks.timeoutMs`), when known. */
  readonly setting: string | undefined;
  /** The environment variable the setting was read from (e.g. `AUDIENCE`), when it was. */
  readonly variable: string | undefined;

  constructor(message: string, options?: ConfigurationErrorOptions) {
    super('CONFIG_INVALID', message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.setting = options?.setting;
    this.variable = options?.variable;
  }
}

/** The event handed to the authorizer is not one API Gateway sends (e.g. a malformed methodArn). */
export class EventError extends AuthorizerError {
  override readonly name = 'EventError';
  declare readonly code: EventErrorCode;

  constructor(message: string) {
    super('EVENT_INVALID', message);
  }
}
