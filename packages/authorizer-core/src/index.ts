export { type Authorization, type Authorizer, createAuthorizer } from './authorizer.js';
export { DEFAULT_MAX_TOKEN_BYTES, type ExtractBearerTokenOptions, extractBearerToken } from './bearer.js';
export type { ClaimCheck, ClaimCondition, ClaimLiteral, ClaimReader } from './claim-conditions.js';
export { closestName } from './closest-name.js';
export {
  type AuthorizerContext,
  buildContext,
  type ContextClaim,
  type ContextClaimsOption,
} from './context.js';
export { discoveryUrl } from './discovery.js';
export { DOTENV_SEARCH_ORDER, mergeDotenv, parseDotenv } from './dotenv.js';
export {
  AuthorizerError,
  type AuthorizerErrorCode,
  ClaimError,
  type ClaimErrorCode,
  ConfigurationError,
  type ConfigurationErrorCode,
  type ConfigurationErrorOptions,
  EventError,
  type EventErrorCode,
  type KeysErrorCode,
  KeysUnavailableError,
  ScopeError,
  type ScopeErrorCode,
  TokenError,
  type TokenErrorCode,
} from './errors.js';
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
  type Fetcher,
  type HttpFetcherOptions,
  isLoopbackHost,
} from './fetcher.js';
export { iamResourceMatches, policyAllows } from './iam-policy.js';
export {
  DEFAULT_JWKS_COOLDOWN_MS,
  DEFAULT_JWKS_MAX_AGE_SECONDS,
  type Jwk,
  type Jwks,
  JwksCache,
  type JwksCacheOptions,
  type JwksKey,
} from './jwks-cache.js';
export { formatMethodArn, type MethodArn, parseMethodArn, stageArnPrefix } from './method-arn.js';
export {
  AUTHORIZER_OPTION_NAMES,
  type AuthorizerOptions,
  assertKnownOptions,
  type CompiledRoute,
  compileRoute,
  type IssuerOptions,
  type JwksOptions,
  normalizeIssuer,
  type PolicyMode,
  type ResolvedIssuer,
  type ResolvedOptions,
  type RouteRule,
  resolveOptions,
  type SignatureAlgorithm,
  SUPPORTED_ALGORITHMS,
} from './options.js';
export {
  buildPolicyDocument,
  type Claims,
  evaluateRoute,
  type IamAuthorizerResult,
  MAX_RESOURCE_LENGTH,
  type PolicyDocument,
  type PolicyRules,
  type PolicyStatement,
  type RouteDecision,
  type SimpleAuthorizerResult,
} from './policy.js';
export {
  type CompiledRule,
  compileRule,
  evaluateRule,
  type RouteRequirement,
  type RuleDocument,
  type RuleOutcome,
  type ScopeSets,
} from './rules.js';
export { findMissingScopes, isScopeToken, readScopeClaims, readScopes, type ScopeClaims } from './scopes.js';
export {
  type Environment,
  findSetting,
  type HttpApiResponse,
  type ReadSettingsOptions,
  readSettings,
  SETTING_VARIABLES,
  SETTINGS,
  type SettingDefinition,
  type SettingFile,
  type Settings,
} from './settings.js';
export {
  NEVER_ACCESS_TOKEN_TYPES,
  normalizeTokenType,
  type TokenTypePolicy,
} from './token-types.js';
export { createVerifier, type JwtClaims, type TokenVerifier, type VerifiedToken } from './verifier.js';
