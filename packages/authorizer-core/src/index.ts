// The public API: what users of the package call and the types they name. It follows semver.
// Building blocks the sibling packages, the benchmark and the tests share are in `internal.ts`
// (`@jwt-authorizer/authorizer-core/internal`), which does not.
export { type Authorization, type Authorizer, createAuthorizer } from './authorizer.js';
export type { DpopOptions, IntrospectionOptions, SenderConstrainedMode } from './bound-token-options.js';
export type { ClaimCondition, ClaimLiteral } from './claim-conditions.js';
export type { AuthorizerContext, ContextClaim, ContextClaimsOption } from './context.js';
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
export type { Fetcher } from './fetcher.js';
export type { Jwk, Jwks } from './jwks-cache.js';
export type {
  AuthorizerOptions,
  CompiledRoute,
  IssuerOptions,
  JwksOptions,
  PolicyMode,
  ResolvedIssuer,
  ResolvedOptions,
  RouteRule,
  SignatureAlgorithm,
} from './options.js';
export type {
  IamAuthorizerResult,
  PolicyDocument,
  PolicyStatement,
  RouteDecision,
  SimpleAuthorizerResult,
} from './policy.js';
export {
  createMemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from './replay-store.js';
export type { TokenRequest } from './request-verification.js';
export type { RouteRequirement, RuleDocument, ScopeSets } from './rules.js';
export {
  type DecisionLogLevel,
  type Environment,
  type HttpApiResponse,
  type ReadSettingsOptions,
  readSettings,
  SETTINGS,
  type SettingDefinition,
  type SettingFile,
  type Settings,
} from './settings.js';
export type { TokenLocation } from './token-source.js';
export type { TokenTypePolicy } from './token-types.js';
export type { JwtClaims, VerifiedToken } from './verifier.js';
