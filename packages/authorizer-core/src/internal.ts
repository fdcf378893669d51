/**
 * Internal building blocks, for the sibling packages of this repository (middy-jwt, which pins this
 * package's exact version, lambda-authorizer and deploy-scripts), its benchmark and its tests:
 * `@jwt-authorizer/authorizer-core/internal`.
 *
 * NOT covered by semver: any name here may change or go in any release. Applications use the
 * package's main entry (`createAuthorizer`, `readSettings`, the errors and the types).
 *
 * @packageDocumentation
 */
export { extractAccessToken, type PresentedToken } from './authorization-scheme.js';
export { DEFAULT_MAX_TOKEN_BYTES, type ExtractBearerTokenOptions, extractBearerToken } from './bearer.js';
export {
  BOUND_TOKEN_DEFAULTS,
  type BoundTokenOptions,
  type ResolvedBoundTokenOptions,
  type ResolvedDpop,
  type ResolvedIntrospection,
} from './bound-token-options.js';
export type { ClaimCheck, ClaimReader } from './claim-conditions.js';
export { closestMatch, closestName, editDistance } from './closest-name.js';
export { buildContext } from './context.js';
export { discoveryUrl } from './discovery.js';
export { DOTENV_SEARCH_ORDER, mergeDotenv, parseDotenv } from './dotenv.js';
export {
  type CheckResult,
  type CheckStatus,
  type ExplainTokenOptions,
  explainRoute,
  explainRoutes,
  explainToken,
  type KeyFacts,
  type KeySource,
  type RouteExplanation,
  type RouteTableRow,
  relativeTime,
  type TokenExplanation,
} from './explain.js';
export {
  assertSecureUrl,
  createHttpFetcher,
  DEFAULT_JWKS_MAX_BYTES,
  DEFAULT_JWKS_TIMEOUT_MS,
  type HttpFetcherOptions,
  isLoopbackHost,
} from './fetcher.js';
export { iamResourceMatches, policyAllows } from './iam-policy.js';
export {
  DEFAULT_JWKS_COOLDOWN_MS,
  DEFAULT_JWKS_MAX_AGE_SECONDS,
  JwksCache,
  type JwksCacheOptions,
  type JwksKey,
} from './jwks-cache.js';
export { formatMethodArn, type MethodArn, parseMethodArn, stageArnPrefix } from './method-arn.js';
export {
  AUTHORIZER_OPTION_NAMES,
  assertKnownOptions,
  compileRoute,
  normalizeIssuer,
  resolveOptions,
  SUPPORTED_ALGORITHMS,
  WEBSOCKET_CONNECT,
} from './options.js';
export {
  type BuiltPolicy,
  buildPolicy,
  buildPolicyDocument,
  type Claims,
  type DecidedPolicy,
  decideAndBuildPolicy,
  evaluateRoute,
  largestApiPolicyBytes,
  MAX_RESOURCE_LENGTH,
  MAX_RESULT_BYTES,
  MAX_WEBSOCKET_RESULT_BYTES,
  POLICY_CHECK_BYTES,
  type PolicyRules,
  routeMatches,
} from './policy.js';
export { DEFAULT_REPLAY_STORE_ENTRIES } from './replay-store.js';
export type { RequestVerifier } from './request-verification.js';
export { createRouteIndex, MIN_INDEXED_RULES, type RouteIndex, routeIndexFor } from './route-index.js';
export { type CompiledRule, compileRule, evaluateRule, type RuleOutcome } from './rules.js';
export { findMissingScopes, isScopeToken, readScopeClaims, readScopes, type ScopeClaims } from './scopes.js';
export { parseSecretId, type SecretLocation } from './secret-id.js';
export { findSetting, SETTING_VARIABLES } from './settings.js';
export {
  checkTokenSource,
  DEFAULT_TOKEN_SOURCE,
  formatTokenSource,
  parseTokenSource,
  TOKEN_SUBPROTOCOL,
} from './token-source.js';
export { NEVER_ACCESS_TOKEN_TYPES, normalizeTokenType } from './token-types.js';
export { createVerifier, type TokenVerifier } from './verifier.js';
