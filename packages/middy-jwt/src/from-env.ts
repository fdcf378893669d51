import {
  type AuthorizerOptions,
  ConfigurationError,
  type JwksOptions,
  type RouteRule,
  type SignatureAlgorithm,
} from '@jwt-authorizer/authorizer-core';
import { resolveOptions, SUPPORTED_ALGORITHMS } from '@jwt-authorizer/authorizer-core/internal';

/** The environment as `process.env` shapes it. */
export type Environment = Readonly<Record<string, string | undefined>>;

// Core messages start with the option name; this maps them back to the variable that set it.
// Longer option names first, so `jwksUri` is not taken for `jwks.`.
const VARIABLE_BY_OPTION: ReadonlyArray<readonly [string, string]> = [
  ['jwksUri', 'JWKS_URI'],
  ['jwks.timeoutMs', 'JWT_JWKS_TIMEOUT_MS'],
  ['jwks.maxAgeSeconds', 'JWT_JWKS_MAX_AGE_SECONDS'],
  ['jwks.cooldownMs', 'JWT_JWKS_COOLDOWN_MS'],
  ['issuer', 'TOKEN_ISSUER'],
  ['audience', 'AUDIENCE'],
  ['clientId', 'JWT_CLIENT_ID'],
  ['algorithms', 'JWT_ALGORITHMS'],
  ['clockSkewSeconds', 'JWT_CLOCK_SKEW_SECONDS'],
  ['maxTokenAgeSeconds', 'JWT_MAX_TOKEN_AGE_SECONDS'],
  ['maxTokenBytes', 'JWT_MAX_TOKEN_BYTES'],
  ['requiredScopes', 'JWT_REQUIRED_SCOPES'],
  ['Route', 'JWT_ROUTES'],
  ['Scopes of route', 'JWT_ROUTES'],
  ['Each route rule', 'JWT_ROUTES'],
  ['unmatchedRoutes', 'JWT_UNMATCHED_ROUTES'],
  ['policyMode', 'JWT_POLICY_MODE'],
];

function read(env: Environment, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function readList(env: Environment, name: string, separator: RegExp): string[] | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const list = value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (list.length === 0) throw new ConfigurationError(`${name} must list at least one value`);
  return list;
}

function readWholeNumber(env: Environment, name: string): number | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new ConfigurationError(`${name} must be a whole, non-negative number, got "${value}"`);
  }
  return Number(value);
}

function readChoice<T extends string>(env: Environment, name: string, choices: readonly T[]): T | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigurationError(`${name} must be ${choices.join(' or ')}, got "${value}"`);
  }
  return value as T;
}

function readRoutes(env: Environment): AuthorizerOptions['routes'] {
  const value = read(env, 'JWT_ROUTES');
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new ConfigurationError(
      'JWT_ROUTES must be JSON: {"GET /pets/{id}": ["read:pets"]} or [{"route": "GET /pets", "scopes": [...]}]',
      { cause: err },
    );
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new ConfigurationError('JWT_ROUTES must be a JSON object or array of route rules');
  }
  return parsed as readonly RouteRule[] | Record<string, readonly string[]>;
}

function unwrapSingle(list: string[] | undefined): string | string[] | undefined {
  return list?.length === 1 ? list[0] : list;
}

/**
 * Reads the authorizer settings from environment variables, the same for the authorizer Lambda and
 * every function using `jwtAuth`, and validates them as `createAuthorizer` will.
 *
 * Variables: `TOKEN_ISSUER` and `AUDIENCE` (required, comma-separated lists allowed; for Cognito
 * access tokens `JWT_CLIENT_ID` may stand in for `AUDIENCE`), `JWKS_URI`
 * (single issuer only), `JWT_ALGORITHMS` (comma list), `JWT_CLOCK_SKEW_SECONDS`,
 * `JWT_MAX_TOKEN_AGE_SECONDS`, `JWT_MAX_TOKEN_BYTES`, `JWT_REQUIRED_SCOPES` (space- or
 * comma-separated), `JWT_ROUTES` (inline JSON), `JWT_UNMATCHED_ROUTES` (allow|deny),
 * `JWT_POLICY_MODE` (api|method), `JWT_CONTEXT_CLAIMS` (comma list), `JWT_JWKS_TIMEOUT_MS`,
 * `JWT_JWKS_MAX_AGE_SECONDS`, `JWT_JWKS_COOLDOWN_MS`. Empty values count as unset; numbers are whole
 * and non-negative; other `JWT_*` variables are ignored.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID`, the message naming the variable and what it expects.
 * @example
 * const authorizer = createAuthorizer(fromEnv());
 */
export function fromEnv(env: Environment = process.env): AuthorizerOptions {
  const issuers = readList(env, 'TOKEN_ISSUER', /,/);
  if (issuers === undefined) {
    throw new ConfigurationError(
      'TOKEN_ISSUER is required: the token issuer URL, e.g. https://TENANT.auth0.com/ (comma-separated for several)',
    );
  }
  const audiences = readList(env, 'AUDIENCE', /,/);
  const clientIds = readList(env, 'JWT_CLIENT_ID', /,/);
  if (audiences === undefined && clientIds === undefined) {
    throw new ConfigurationError(
      'AUDIENCE is required: the API identifier the tokens are issued for (comma-separated for several; for Cognito access tokens, which carry no aud, set JWT_CLIENT_ID to the app client id)',
    );
  }
  const jwksUri = read(env, 'JWKS_URI');
  if (jwksUri !== undefined && issuers.length > 1) {
    throw new ConfigurationError(
      'JWKS_URI applies to a single issuer; with several in TOKEN_ISSUER, each uses {issuer}/.well-known/jwks.json',
    );
  }
  const algorithms = readList(env, 'JWT_ALGORITHMS', /,/);
  for (const alg of algorithms ?? []) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new ConfigurationError(
        `JWT_ALGORITHMS: "${alg}" is not supported; use a comma list of ${SUPPORTED_ALGORITHMS.join(', ')}`,
      );
    }
  }

  const options: {
    -readonly [K in keyof AuthorizerOptions]: AuthorizerOptions[K];
  } = {
    issuer: unwrapSingle(issuers),
  };
  if (audiences !== undefined) options.audience = unwrapSingle(audiences);
  if (clientIds !== undefined) options.clientId = unwrapSingle(clientIds);
  if (jwksUri !== undefined) options.jwksUri = jwksUri;
  if (algorithms !== undefined) options.algorithms = algorithms as SignatureAlgorithm[];
  const clockSkewSeconds = readWholeNumber(env, 'JWT_CLOCK_SKEW_SECONDS');
  if (clockSkewSeconds !== undefined) options.clockSkewSeconds = clockSkewSeconds;
  const maxTokenAgeSeconds = readWholeNumber(env, 'JWT_MAX_TOKEN_AGE_SECONDS');
  if (maxTokenAgeSeconds !== undefined) options.maxTokenAgeSeconds = maxTokenAgeSeconds;
  const maxTokenBytes = readWholeNumber(env, 'JWT_MAX_TOKEN_BYTES');
  if (maxTokenBytes !== undefined) options.maxTokenBytes = maxTokenBytes;
  const requiredScopes = readList(env, 'JWT_REQUIRED_SCOPES', /[\s,]+/);
  if (requiredScopes !== undefined) options.requiredScopes = requiredScopes;
  const routes = readRoutes(env);
  if (routes !== undefined) options.routes = routes;
  const unmatchedRoutes = readChoice(env, 'JWT_UNMATCHED_ROUTES', ['allow', 'deny'] as const);
  if (unmatchedRoutes !== undefined) options.unmatchedRoutes = unmatchedRoutes;
  const policyMode = readChoice(env, 'JWT_POLICY_MODE', ['api', 'method'] as const);
  if (policyMode !== undefined) options.policyMode = policyMode;
  const contextClaims = readList(env, 'JWT_CONTEXT_CLAIMS', /,/);
  if (contextClaims !== undefined) options.contextClaims = contextClaims;

  const jwks: JwksOptions = {};
  const timeoutMs = readWholeNumber(env, 'JWT_JWKS_TIMEOUT_MS');
  if (timeoutMs !== undefined) jwks.timeoutMs = timeoutMs;
  const maxAgeSeconds = readWholeNumber(env, 'JWT_JWKS_MAX_AGE_SECONDS');
  if (maxAgeSeconds !== undefined) jwks.maxAgeSeconds = maxAgeSeconds;
  const cooldownMs = readWholeNumber(env, 'JWT_JWKS_COOLDOWN_MS');
  if (cooldownMs !== undefined) jwks.cooldownMs = cooldownMs;
  if (Object.keys(jwks).length > 0) options.jwks = jwks;

  assertValid(options);
  return options;
}

/** Runs the core's validation now, so a bad value is reported under its variable's name. */
function assertValid(options: AuthorizerOptions): void {
  try {
    resolveOptions(options);
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    const entry = VARIABLE_BY_OPTION.find(([option]) => err.message.startsWith(option));
    const variable = entry?.[1] ?? 'Environment';
    throw new ConfigurationError(`${variable}: ${err.message}`, { cause: err });
  }
}
