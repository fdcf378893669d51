import { extractBearerToken } from './bearer.js';
import { type AuthorizerContext, buildContext } from './context.js';
import { ScopeError } from './errors.js';
import { type MethodArn, parseMethodArn } from './method-arn.js';
import {
  type AuthorizerOptions,
  type ResolvedOptions,
  resolveOptions,
  WEBSOCKET_CONNECT,
} from './options.js';
import {
  buildPolicyDocument,
  decideAndBuildPolicy,
  evaluateRoute,
  exceeds,
  type IamAuthorizerResult,
  MAX_WEBSOCKET_RESULT_BYTES,
  type RouteDecision,
  type SimpleAuthorizerResult,
} from './policy.js';
import { createRequestVerifier, type TokenRequest } from './request-verification.js';
import { routeIndexFor } from './route-index.js';
import { findMissingScopes } from './scopes.js';
import { createVerifier, type JwtClaims, type VerifiedToken } from './verifier.js';

/** An authorization decision with the result to hand back to API Gateway. */
export interface Authorization<Result> extends RouteDecision {
  readonly result: Result;
  /**
   * Why the answer denies although the route decision allowed: `RESULT_TOO_LARGE` for a WebSocket
   * `$connect` answer past {@link MAX_WEBSOCKET_RESULT_BYTES}. Absent otherwise.
   */
  readonly refusal?: 'RESULT_TOO_LARGE';
  /**
   * `true` when the api-mode policy for the token would have passed the result size limit
   * (`MAX_RESULT_BYTES`), so `result` allows or denies only the called method ARN (method mode):
   * never more than the route decision, but under authorizer caching other routes then get 403
   * until the cached answer expires. Absent otherwise.
   */
  readonly policyNarrowed?: true;
}

/** Verifies tokens and builds authorizer results; create it once per process (it holds the JWKS cache). */
export interface Authorizer {
  /** The validated options, defaults applied. */
  readonly options: ResolvedOptions;
  /**
   * Extracts the JWT from an `Authorization` value (`Bearer <token>`).
   * @throws {TokenError} `TOKEN_MISSING`, `TOKEN_TOO_LARGE`, `SCHEME_INVALID`, `TOKEN_MALFORMED`.
   */
  extractToken(authorization: string | undefined | null): string;
  /**
   * Verifies a compact JWT.
   * @throws {TokenError} when the token is invalid (401).
   * @throws {KeysUnavailableError} when the issuer's keys cannot be had (500, never an Allow).
   */
  verify<Claims extends JwtClaims = JwtClaims>(token: string): Promise<VerifiedToken<Claims>>;
  /**
   * Verifies an `Authorization` value without request context (e.g. a TOKEN authorizer): a
   * `Bearer` JWT, or an opaque token by introspection when configured. A sender-constrained token
   * is refused here (`TOKEN_BOUND`, `CERTIFICATE_MISMATCH`): use {@link Authorizer.verifyRequest}.
   */
  verifyAuthorization<Claims extends JwtClaims = JwtClaims>(
    authorization: string | undefined | null,
  ): Promise<VerifiedToken<Claims>>;
  /**
   * Verifies what a request presents: the token under `Bearer` or `DPoP`, its DPoP proof or client
   * certificate when it is sender-constrained, introspection when configured.
   * @throws {TokenError} (401) e.g. `DPOP_PROOF_INVALID`, `DPOP_REPLAYED`, `DPOP_BINDING_MISMATCH`,
   *   `TOKEN_BOUND`, `TOKEN_UNBOUND`, `CERTIFICATE_MISMATCH`, `TOKEN_INACTIVE`, or a verification code.
   * @throws {KeysUnavailableError} `JWKS_UNAVAILABLE`, `JWKS_INVALID`, `INTROSPECTION_UNAVAILABLE` (500).
   */
  verifyRequest<Claims extends JwtClaims = JwtClaims>(request: TokenRequest): Promise<VerifiedToken<Claims>>;
  /** Fetches every issuer's JWKS now, e.g. at cold start. @throws {KeysUnavailableError} */
  hydrate(): Promise<void>;
  /**
   * Throws unless the token holds all of `requiredScopes` (default: the configured ones).
   * @throws {ScopeError} `INSUFFICIENT_SCOPE`, listing the missing scopes.
   */
  assertScopes(verified: VerifiedToken, requiredScopes?: readonly string[]): void;
  /** Decides one route (`GET`, `pets/42`) from the required scopes and route rules. */
  evaluateRoute(verified: VerifiedToken, method: string, resourcePath: string): RouteDecision;
  /**
   * The IAM result for a REST `methodArn` (or HTTP API `routeArn`), per the policy mode. For a
   * WebSocket `$connect` ARN it allows or denies that route alone, and denies, without context,
   * when the answer would exceed the WebSocket limit ({@link MAX_WEBSOCKET_RESULT_BYTES}: huge
   * context claims), which API Gateway would otherwise fail as a 500.
   * @throws {EventError} `EVENT_INVALID` when the ARN is not an execute-api ARN.
   */
  authorize(verified: VerifiedToken, methodArn: string): Authorization<IamAuthorizerResult>;
  /**
   * The HTTP API simple response for a `routeArn`.
   * @throws {EventError} `EVENT_INVALID` when the ARN is not an execute-api ARN.
   */
  authorizeSimple(verified: VerifiedToken, routeArn: string): Authorization<SimpleAuthorizerResult>;
  /** The authorizer context: `sub`, `scope` and the configured context claims (a new object). */
  buildContext(verified: VerifiedToken): AuthorizerContext;
}

/** The string value of the usage identifier claim, for `usageIdentifierKey`; undefined otherwise. */
function usageIdentifierOf(resolved: ResolvedOptions, verified: VerifiedToken): string | undefined {
  if (resolved.usageIdentifierClaim === undefined) return undefined;
  const value = resolved.usageIdentifierClaim(verified.claims);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function withDecision<Result>(decision: RouteDecision, result: Result): Authorization<Result> {
  return decision.failedClaims === undefined
    ? { allowed: decision.allowed, missingScopes: decision.missingScopes, result }
    : {
        allowed: decision.allowed,
        missingScopes: decision.missingScopes,
        failedClaims: decision.failedClaims,
        result,
      };
}

function principalOf(verified: VerifiedToken): string {
  const { sub, client_id: clientId } = verified.claims;
  if (typeof sub === 'string' && sub !== '') return sub;
  return typeof clientId === 'string' && clientId !== '' ? clientId : 'unknown';
}

/**
 * Creates an authorizer: validates the options once (issuer, audience and `exp` required; RS256
 * unless configured) and builds the verifier with its JWKS and result caches.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the setting that is missing or malformed.
 * @example
 * const authorizer = createAuthorizer({ issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' });
 * const verified = await authorizer.verifyAuthorization(event.authorizationToken);
 * return authorizer.authorize(verified, event.methodArn).result;
 */
export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const resolved = resolveOptions(options);
  // Built now, at cold start, rather than on the first request.
  if (resolved.routes !== undefined) routeIndexFor(resolved.routes);
  const verifier = createVerifier(resolved);
  const extractOptions = { maxTokenBytes: resolved.maxTokenBytes };
  const requestVerifier = createRequestVerifier(resolved, verifier);
  // The plain path (no introspection, no binding checks) stays the direct call it always was.
  const plainBearer = resolved.introspection === undefined && resolved.senderConstrained === 'off';
  // A copy per result: the verified token's own context is frozen and shared by cached results.
  const contextOf = (verified: VerifiedToken): AuthorizerContext =>
    verified.context !== undefined ? { ...verified.context } : buildContext(verified, resolved.contextClaims);

  // The last ARN parsed, frozen: one route called again and again is parsed once. Any other ARN is
  // parsed (and checked) as before; a malformed one is never remembered.
  let lastArn: string | undefined;
  let lastParsed: MethodArn | undefined;
  const parseArn = (methodArn: string): MethodArn => {
    if (lastParsed === undefined || methodArn !== lastArn) {
      lastParsed = Object.freeze(parseMethodArn(methodArn));
      lastArn = methodArn;
    }
    return lastParsed;
  };

  const authorizer: Authorizer = {
    options: resolved,
    extractToken: (authorization) => extractBearerToken(authorization, extractOptions),
    verify: <Claims extends JwtClaims>(token: string) =>
      verifier.verify(token) as Promise<VerifiedToken<Claims>>,
    verifyAuthorization: <Claims extends JwtClaims>(authorization: string | undefined | null) => {
      try {
        return (
          plainBearer
            ? verifier.verify(extractBearerToken(authorization, extractOptions))
            : requestVerifier.verifyRequest({ authorization })
        ) as Promise<VerifiedToken<Claims>>;
      } catch (err) {
        return Promise.reject(err);
      }
    },
    verifyRequest: <Claims extends JwtClaims>(request: TokenRequest) =>
      requestVerifier.verifyRequest(request) as Promise<VerifiedToken<Claims>>,
    hydrate: () => verifier.hydrate(),
    assertScopes(verified, requiredScopes = resolved.requiredScopes) {
      const missing = findMissingScopes(verified.scopes, requiredScopes);
      if (missing.length > 0) throw new ScopeError(missing);
    },
    evaluateRoute: (verified, method, resourcePath) =>
      evaluateRoute(
        resolved,
        verified.scopes,
        method.toUpperCase(),
        resourcePath.replace(/^\//, ''),
        verified.claims,
      ),
    authorize(verified, methodArn) {
      const arn = parseArn(methodArn);
      // One pass: the route decision, and the policy built from the same verdicts and decision.
      const policy = decideAndBuildPolicy(resolved, verified.scopes, arn, methodArn, verified.claims);
      const { decision } = policy;
      const result: IamAuthorizerResult = {
        principalId: principalOf(verified),
        policyDocument: policy.document,
        context: contextOf(verified),
      };
      const usageIdentifierKey = usageIdentifierOf(resolved, verified);
      if (usageIdentifierKey !== undefined) result.usageIdentifierKey = usageIdentifierKey;
      if (arn.method === WEBSOCKET_CONNECT && exceeds(result, MAX_WEBSOCKET_RESULT_BYTES)) {
        const deny = buildPolicyDocument(
          { ...resolved, routes: [], unmatchedRoutes: 'deny' },
          [],
          arn,
          methodArn,
        );
        return {
          allowed: false,
          missingScopes: decision.missingScopes,
          result: { principalId: result.principalId, policyDocument: deny, context: {} },
          refusal: 'RESULT_TOO_LARGE',
        };
      }
      if (policy.narrowed) return { ...withDecision(decision, result), policyNarrowed: true };
      return withDecision(decision, result);
    },
    authorizeSimple(verified, routeArn) {
      const arn = parseArn(routeArn);
      const decision = evaluateRoute(
        resolved,
        verified.scopes,
        arn.method,
        arn.resourcePath,
        verified.claims,
      );
      return withDecision(decision, { isAuthorized: decision.allowed, context: contextOf(verified) });
    },
    buildContext: contextOf,
  };
  return authorizer;
}
