import {
  type Authorizer,
  type AuthorizerOptions,
  ClaimError,
  ConfigurationError,
  createAuthorizer,
  type JwtClaims,
  KeysUnavailableError,
  ScopeError,
  TokenError,
  type VerifiedToken,
} from '@jwt-authorizer/authorizer-core';
import {
  AUTHORIZER_OPTION_NAMES,
  assertKnownOptions,
  findMissingScopes,
} from '@jwt-authorizer/authorizer-core/internal';
import type { MiddlewareObj } from '@middy/core';
import { assertRealm, assertScopeNames } from './challenge-values.js';
import { challengeHeaders, JwtHttpError } from './http-error.js';
import { createJwtContext } from './invocation-context.js';
import type { JwtContext, OptionalJwtContext } from './lambda-context.js';
import { markVerified } from './provenance.js';
import { type EventRoute, readRoute } from './read-route.js';
import { readTokenRequest } from './request-binding.js';
import { type Credential, createCredentialReader, type TokenSource } from './token-source.js';
import { withoutCause } from './without-cause.js';

/**
 * Options of {@link jwtAuth}: the core's verification options (`issuer`, `audience`, `jwksUri`,
 * `algorithms`, `requiredScopes`, `routes`, …) or a shared `authorizer`, plus where the token comes
 * from and how a request without one is treated.
 */
export interface JwtAuthOptions extends AuthorizerOptions {
  /**
   * An authorizer built with `createAuthorizer` to share (e.g. with `fromEnv()`); then no other
   * verification option may be given, except `requiredScopes`, which adds to the authorizer's.
   */
  authorizer?: Authorizer;
  /** Where the token is read (default, also when undefined: the `Authorization` header, `Bearer` scheme). */
  tokenSource?: TokenSource | undefined;
  /** Refuse requests without a token (default true). When false they pass with `context.jwt` undefined. */
  credentialsRequired?: boolean;
  /** The `realm` of the `WWW-Authenticate` challenge (default `api`). */
  realm?: string;
  /** Start fetching the JWKS when the middleware is created (default true); a failure is retried on use. */
  hydrate?: boolean;
}

// The compiler keeps this Record in step with JwtAuthOptions' own keys.
const OWN_OPTION_KEYS: Readonly<Record<Exclude<keyof JwtAuthOptions, keyof AuthorizerOptions>, true>> = {
  authorizer: true,
  tokenSource: true,
  credentialsRequired: true,
  realm: true,
  hydrate: true,
};
const OWN_OPTIONS = Object.keys(OWN_OPTION_KEYS);
const DPOP_SCHEME = /^\s*dpop\s/i;
/** Whether the credential came under the DPoP scheme: only its refusals (their challenge) need to know. */
function isDpopScheme(credential: Credential): boolean {
  return credential.kind === 'authorization' && DPOP_SCHEME.test(credential.value);
}
const OPTION_NAMES = [...AUTHORIZER_OPTION_NAMES, ...OWN_OPTIONS];

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function resolveAuthorizer(options: JwtAuthOptions): { authorizer: Authorizer; extraScopes: string[] } {
  const verification: Record<string, unknown> = { ...options };
  for (const key of OWN_OPTIONS) delete verification[key];
  const shared = options.authorizer;
  if (shared === undefined) {
    return { authorizer: createAuthorizer(verification as AuthorizerOptions), extraScopes: [] };
  }
  if (typeof shared?.verifyAuthorization !== 'function' || typeof shared.options !== 'object') {
    throw new ConfigurationError('jwtAuth: authorizer must be built with createAuthorizer');
  }
  const { requiredScopes, ...rest } = verification;
  const conflicting = Object.keys(rest).filter((key) => rest[key] !== undefined);
  if (conflicting.length > 0) {
    throw new ConfigurationError(
      `jwtAuth: pass either authorizer or verification options, not both (got ${conflicting.join(', ')})`,
    );
  }
  if (requiredScopes === undefined) return { authorizer: shared, extraScopes: [] };
  if (!Array.isArray(requiredScopes))
    throw new ConfigurationError('requiredScopes must be an array of scope names');
  assertScopeNames(requiredScopes, 'requiredScopes');
  return { authorizer: shared, extraScopes: requiredScopes };
}

/**
 * The paths route rules are checked against. A request path as sent (ALB, function URLs) may be
 * percent-encoded while the function routes on the decoded one: `/admin%2Fusers/42` or
 * `/admin/us%65rs/42` must need the scopes of `/admin/users/{id}`, so both forms are checked and
 * both must pass. Undefined (refuse) when the encoding is malformed.
 */
function pathsToCheck(route: EventRoute): readonly string[] | undefined {
  if (!route.asSent || !route.path.includes('%')) return [route.path];
  try {
    return [route.path, decodeURIComponent(route.path)];
  } catch {
    return undefined;
  }
}

/**
 * Middy middleware that authenticates HTTP requests (API Gateway REST and HTTP APIs, function URLs,
 * ALB) with a JWT bearer token verified by the issuer's JWKS. The verifier and its JWKS cache are
 * built once, here; the JWKS fetch starts at once.
 *
 * On success `context.jwt` holds the verified token (`claims`, deeply frozen, `scopes`, `issuer`,
 * `header`, and `context`: the same names and values the Lambda authorizer hands its backend, from
 * `contextClaims`), set anew for every request. On failure it throws a {@link JwtHttpError} for
 * `@middy/http-error-handler`: 401 with `WWW-Authenticate: Bearer realm="api", error="invalid_token"`
 * for a bad token (no `error` when none was sent; `CLAIM_INVALID` for a token failing
 * `requiredClaims`, `TOKEN_TYPE_INVALID` for a JWT that is no access token), 400 `invalid_request`
 * for several different tokens, 403 `insufficient_scope` with the missing scopes, a plain 403
 * `CLAIM_MISMATCH` (no challenge) when the token fails a route's claim conditions, 500 (not
 * exposed) when the keys are unavailable.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the option that is missing, malformed or unknown
 *   (with the closest known one: "unknown option `requiredScope`; did you mean `requiredScopes`?").
 * @example
 * export const handler = middy()
 *   .use(httpErrorHandler())
 *   .use(jwtAuth<MyClaims>({ issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' }))
 *   .handler(async (event, context) => ({ statusCode: 200, body: context.jwt.claims.sub }));
 */
export function jwtAuth<Claims extends JwtClaims = JwtClaims>(
  options: JwtAuthOptions & { credentialsRequired: false },
): MiddlewareObj<unknown, unknown, Error, OptionalJwtContext<Claims>>;
export function jwtAuth<Claims extends JwtClaims = JwtClaims>(
  options: JwtAuthOptions,
): MiddlewareObj<unknown, unknown, Error, JwtContext<Claims>>;
export function jwtAuth(options: JwtAuthOptions): MiddlewareObj<unknown, unknown, Error, OptionalJwtContext> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('jwtAuth: options are required (issuer and audience, or authorizer)');
  }
  // A misspelt option would otherwise be dropped, and with it a required scope or a route rule.
  assertKnownOptions(options, OPTION_NAMES);
  if (options.hydrate !== undefined && typeof options.hydrate !== 'boolean') {
    throw new ConfigurationError('hydrate must be true or false');
  }
  const credentialsRequired = options.credentialsRequired ?? true;
  if (typeof credentialsRequired !== 'boolean') {
    throw new ConfigurationError('credentialsRequired must be true or false');
  }
  const realm = options.realm ?? 'api';
  assertRealm(realm, 'realm');
  const readCredential = createCredentialReader(options.tokenSource);
  const { authorizer, extraScopes } = resolveAuthorizer(options);
  const requiredScopes = [...new Set([...authorizer.options.requiredScopes, ...extraScopes])];
  assertScopeNames(requiredScopes, 'requiredScopes');
  const requiredAnyScopes = authorizer.options.requiredAnyScopes;
  const routes = authorizer.options.routes;
  for (const route of routes ?? []) assertScopeNames(route.scopes, `Scopes of route "${route.route}"`);

  const noToken = challengeHeaders(realm);
  const invalidToken = challengeHeaders(realm, 'invalid_token');
  const invalidRequest = challengeHeaders(realm, 'invalid_request');
  const { senderConstrained, introspection, dpop } = authorizer.options;
  // Without binding checks and introspection, the token is verified as it always was.
  const checksRequest = senderConstrained !== 'off' || introspection !== undefined;
  const dpopAlgs = [...dpop.algorithms];
  const dpopInvalidToken = challengeHeaders(realm, 'invalid_token', undefined, dpopAlgs);
  const dpopInvalidProof = challengeHeaders(realm, 'invalid_dpop_proof', undefined, dpopAlgs);
  const dpopNoToken = challengeHeaders(realm, undefined, undefined, dpopAlgs);

  function toHttpError(err: unknown, dpopScheme: boolean): JwtHttpError {
    if (err instanceof TokenError) {
      // RFC 6750 §3.1: no error code when the request carried no bearer credentials at all.
      const missing = err.code === 'TOKEN_MISSING' || err.code === 'SCHEME_INVALID';
      // RFC 9449 §7.1: the DPoP scheme answers with its own challenge; so does a DPoP-bound token
      // sent as Bearer, telling the client which scheme it needs.
      const headers =
        err.code === 'DPOP_PROOF_INVALID' || err.code === 'DPOP_REPLAYED'
          ? dpopInvalidProof
          : dpopScheme || err.code === 'TOKEN_BOUND'
            ? missing
              ? dpopNoToken
              : dpopInvalidToken
            : missing
              ? noToken
              : invalidToken;
      return new JwtHttpError(401, err.code, headers, { cause: withoutCause(err) });
    }
    if (err instanceof KeysUnavailableError) return new JwtHttpError(500, err.code, {}, { cause: err });
    return new JwtHttpError(500, 'AUTHORIZER_FAILED', {}, { cause: err });
  }

  function forbidden(missingScopes: readonly string[], dpopScheme: boolean): JwtHttpError {
    return new JwtHttpError(
      403,
      'INSUFFICIENT_SCOPE',
      challengeHeaders(realm, 'insufficient_scope', missingScopes, dpopScheme ? dpopAlgs : undefined),
      {
        cause: new ScopeError(missingScopes),
      },
    );
  }

  // A claim mismatch is a plain 403: no scope the client could ask for would change the answer.
  function claimMismatch(failedClaims: readonly string[]): JwtHttpError {
    return new JwtHttpError(403, 'CLAIM_MISMATCH', NO_HEADERS, { cause: new ClaimError(failedClaims) });
  }

  // Without required scopes and route rules every verified token passes: nothing is worked out.
  const checksScopes = routes !== undefined || requiredScopes.length > 0 || requiredAnyScopes.length > 0;

  function authorize(verified: VerifiedToken, event: unknown, credential: Credential): void {
    if (!checksScopes) return;
    const missing = findMissingScopes(verified.scopes, requiredScopes);
    if (requiredAnyScopes.length > 0 && !requiredAnyScopes.some((scope) => verified.scopes.includes(scope))) {
      for (const scope of requiredAnyScopes) if (!missing.includes(scope)) missing.push(scope);
    }
    if (routes === undefined) {
      if (missing.length > 0) throw forbidden(missing, isDpopScheme(credential));
      return;
    }
    const route = readRoute(event);
    // Route rules are configured but the event names no route: deny, as unmatched routes are.
    if (route === undefined) throw forbidden(missing, isDpopScheme(credential));
    const paths = pathsToCheck(route);
    if (paths === undefined) throw forbidden(missing, isDpopScheme(credential));
    for (const path of paths) {
      const decision = authorizer.evaluateRoute(verified, route.method, path);
      if (decision.failedClaims !== undefined) throw claimMismatch(decision.failedClaims);
      for (const scope of decision.missingScopes) if (!missing.includes(scope)) missing.push(scope);
      if (!decision.allowed) throw forbidden(missing, isDpopScheme(credential));
    }
    if (missing.length > 0) throw forbidden(missing, isDpopScheme(credential));
  }

  if (options.hydrate !== false) {
    // Warm the JWKS cache during the cold start; on failure the first request fetches it again.
    authorizer.hydrate().catch(() => undefined);
  }

  return {
    name: 'jwtAuth',
    before: async (request) => {
      const context = createJwtContext(request.context);
      request.context = context;
      const credential = readCredential(request.event);
      if (credential.kind === 'none') {
        if (!credentialsRequired) return;
        throw new JwtHttpError(401, 'TOKEN_MISSING', noToken, {
          cause: new TokenError('TOKEN_MISSING', 'No token was sent'),
        });
      }
      if (credential.kind === 'conflict') {
        throw new JwtHttpError(400, 'CREDENTIALS_CONFLICT', invalidRequest, {
          cause: new TokenError('TOKEN_MALFORMED', 'The request carries several different tokens'),
        });
      }
      let verified: VerifiedToken;
      try {
        if (!checksRequest) {
          verified =
            credential.kind === 'authorization'
              ? await authorizer.verifyAuthorization(credential.value)
              : await authorizer.verify(credential.value);
        } else {
          verified = await authorizer.verifyRequest(
            readTokenRequest(request.event, dpop.publicBaseUrl, credential),
          );
        }
      } catch (err) {
        throw toHttpError(err, isDpopScheme(credential));
      }
      authorize(verified, request.event, credential);
      markVerified(verified);
      context.jwt = verified;
    },
  };
}
