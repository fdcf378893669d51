import {
  type BoundTokenOptions,
  type ResolvedBoundTokenOptions,
  resolveBoundTokenOptions,
} from './bound-token-options.js';
import { type ClaimCheck, type ClaimReader, compileClaimReader } from './claim-conditions.js';
import { closestName } from './closest-name.js';
import { type ContextClaim, type ContextClaimsOption, resolveContextClaims } from './context.js';
import { ConfigurationError } from './errors.js';
import type { Fetcher } from './fetcher.js';
import { assertSecureUrl } from './fetcher.js';
import type { Jwks } from './jwks-cache.js';
import { quote } from './quote.js';
import {
  type CompiledRule,
  compileRule,
  type RouteRequirement,
  type RuleDocument,
  type ScopeSets,
} from './rules.js';
import { isScopeToken } from './scopes.js';
import { resolveTokenTypes, type TokenTypePolicy } from './token-types.js';

/** Signature algorithms that can be allowed. `none` and HS* are never accepted. */
export const SUPPORTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type SignatureAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** One trusted issuer with its own audiences and keys. */
export interface IssuerOptions {
  /** The exact `iss` value (a trailing-slash difference is tolerated). */
  issuer: string;
  /** Accepted `aud` values; defaults to the top-level `audience`. */
  audience?: string | readonly string[];
  /** Accepted `client_id` values of access tokens without `aud` (Cognito); defaults to the top-level `clientId`. */
  clientId?: string | readonly string[];
  /**
   * Where the issuer publishes its keys; default: the `jwks_uri` of
   * `{issuer}/.well-known/openid-configuration`, or `{issuer}/.well-known/jwks.json` when the
   * issuer has no discovery document (404).
   */
  jwksUri?: string;
  /** Keys to use instead of fetching `jwksUri` (no network). */
  jwks?: Jwks;
}

/** JWKS fetching and caching. */
export interface JwksOptions {
  /** Time allowed for one JWKS request (default 3000 ms). */
  timeoutMs?: number;
  /** Largest JWKS response accepted (default 128 KiB). */
  maxBytes?: number;
  /** Refetch (in the background) a JWKS older than this (default 600 s). */
  maxAgeSeconds?: number;
  /** Least time between JWKS requests caused by unknown kids or failures (default 2000 ms). */
  cooldownMs?: number;
  /** Replaces the built-in node:http/https fetcher (tests, proxies). */
  fetcher?: Fetcher;
}

/** A route and what it requires, e.g. `{ route: 'GET /orders/{id}', scopes: ['read:orders'] }`. */
export interface RouteRule {
  /**
   * `VERB /path`: VERB is an HTTP method, `ANY` or `*`; path segments may be `*` or `{param}`.
   * Or `$connect`, the WebSocket connect route.
   */
  route: string;
  /** A list (every one required), or `{ allOf, anyOf }`. */
  scopes?: readonly string[] | ScopeSets;
  /** Claim conditions, `{ NAME: CONDITION }`, every one required. */
  claims?: RuleDocument['claims'];
}

/**
 * How the IAM policy is scoped. `api` (default) allows every route of the API stage the token may
 * use and denies the ones its scopes forbid, which stays correct when API Gateway caches the result;
 * `method` allows only the called method ARN, as Auth0's sample does (turn authorizer caching off).
 */
export type PolicyMode = 'api' | 'method';

/**
 * Everything {@link createAuthorizer} accepts. Only `issuer` (or `issuers`) and `audience` (or, for
 * Cognito access tokens, `clientId`) are required.
 */
export interface AuthorizerOptions extends BoundTokenOptions {
  /** Trusted issuer(s): a URL or several, sharing `audience` and `jwksUri`. Or use `issuers`. */
  issuer?: string | readonly string[];
  /** Per-issuer settings, for issuers with their own audiences or keys. */
  issuers?: readonly IssuerOptions[];
  /** Accepted audience(s); the token's `aud` (string or array) must contain one of them. */
  audience?: string | readonly string[];
  /**
   * Accepted app client id(s) for access tokens that carry no `aud` (Amazon Cognito): such a token
   * must have `token_use: "access"` and one of these as `client_id`. A token with `aud` is always
   * checked against `audience`.
   */
  clientId?: string | readonly string[];
  /** JWKS URI for a single issuer given by `issuer`; default: found by OpenID discovery. */
  jwksUri?: string;
  /** Allowed signature algorithms (default `['RS256']`). */
  algorithms?: readonly SignatureAlgorithm[];
  /** Tolerance for `exp`, `nbf` and `iat`, in seconds (default 0). */
  clockSkewSeconds?: number;
  /** Reject tokens issued (`iat`) longer ago than this, in seconds; `iat` then becomes required. */
  maxTokenAgeSeconds?: number;
  /** Longest Authorization value accepted, in bytes, checked before any parsing (default 8192). */
  maxTokenBytes?: number;
  /** Scopes every request needs (all-of). */
  requiredScopes?: readonly string[];
  /**
   * Per-route requirements: `{ "GET /pets": ["read:pets"] }` (all of the scopes), or a rule object
   * `{ "GET /pets": { scopes: { allOf, anyOf }, claims: { NAME: CONDITION } } }`. A request needs
   * what every rule that matches it requires; a token failing one gets that route's Deny (403).
   */
  routes?: readonly RouteRule[] | Readonly<Record<string, RouteRequirement>>;
  /**
   * A rule every token must pass, in the shape of a route's rule object. A token failing its
   * `claims` is refused (401, `CLAIM_INVALID`, the log naming the claim); its `scopes` add to
   * `requiredScopes` (403, `INSUFFICIENT_SCOPE`).
   */
  requiredClaims?: RuleDocument;
  /**
   * Accepted header `typ` values, e.g. `['at+jwt']` to require RFC 9068 access tokens (compared
   * case-insensitively, `application/` optional). Default: any `typ` except those of JWTs that are
   * never access tokens (`logout+jwt`, `secevent+jwt`, `dpop+jwt`, …). Tokens a provider marks as ID
   * tokens (Cognito `token_use: "id"`) are always refused.
   */
  tokenTypes?: readonly string[];
  /** What happens to routes no rule matches, when `routes` is set (default `deny`). */
  unmatchedRoutes?: 'allow' | 'deny';
  /** IAM policy scope (default `api`). */
  policyMode?: PolicyMode;
  /**
   * Claims copied into the authorizer context, besides `sub` and `scope`: a list of claim names, or
   * `{ "context name": "claim name or JSON Pointer" }`. Arrays and objects go as JSON text.
   */
  contextClaims?: ContextClaimsOption;
  /**
   * A claim (e.g. `azp` or `client_id`; a JSON Pointer allowed) whose string value becomes the IAM
   * result's `usageIdentifierKey`, for REST usage plans whose API key source is `AUTHORIZER`.
   */
  usageIdentifierClaim?: string;
  /** JWKS fetching and caching. */
  jwks?: JwksOptions;
  /** Verified-result cache size in tokens (default 1000; 0 turns it off). */
  resultCacheSize?: number;
}

/** One trusted issuer after validation. */
export interface ResolvedIssuer {
  readonly issuer: string;
  /** The issuer with and without its trailing slash, both accepted. */
  readonly issuerVariants: readonly string[];
  readonly audiences: readonly string[];
  /** Accepted `client_id` values for access tokens without `aud`. */
  readonly clientIds: readonly string[];
  /** The configured JWKS URI, or the default `{issuer}/.well-known/jwks.json` when `discover` is true. */
  readonly jwksUri: string;
  /** No `jwksUri` was configured: the JWKS location comes from OpenID discovery. */
  readonly discover: boolean;
  readonly jwks: Jwks | undefined;
}

export interface CompiledRoute {
  readonly route: string;
  readonly method: string;
  /** The path as an execute-api ARN resource suffix: no leading slash, `{param}` turned into `*`. */
  readonly arnPath: string;
  readonly pattern: RegExp;
  /** The scopes all of which the route requires (the rule's `allOf`). */
  readonly scopes: readonly string[];
  /** Everything the route requires: scope sets and claim conditions. */
  readonly rule: CompiledRule;
}

/** Options after validation, with defaults applied. */
export interface ResolvedOptions extends ResolvedBoundTokenOptions {
  readonly issuers: ReadonlyMap<string, ResolvedIssuer>;
  readonly algorithms: ReadonlySet<string>;
  readonly clockSkewSeconds: number;
  readonly maxTokenAgeSeconds: number | undefined;
  readonly maxTokenBytes: number;
  /** `requiredScopes` and the `allOf` scopes of `requiredClaims`. */
  readonly requiredScopes: readonly string[];
  /** The `anyOf` scopes of `requiredClaims`: one of them is required (empty: none). */
  readonly requiredAnyScopes: readonly string[];
  /** The claim conditions of `requiredClaims`; a token failing one is refused (401). */
  readonly requiredClaims: readonly ClaimCheck[];
  readonly tokenTypes: TokenTypePolicy;
  readonly routes: readonly CompiledRoute[] | undefined;
  readonly unmatchedRoutes: 'allow' | 'deny';
  readonly policyMode: PolicyMode;
  readonly contextClaims: readonly ContextClaim[];
  readonly usageIdentifierClaim: ClaimReader | undefined;
  readonly jwks: Required<Omit<JwksOptions, 'fetcher'>> & { fetcher: Fetcher | undefined };
  readonly resultCacheSize: number;
}

// Every key of each options interface, checked by the compiler both ways (a missing key or an extra
// one fails to type-check), so a new option cannot be left out of the unknown-key check.
const AUTHORIZER_OPTION_KEYS: Readonly<Record<keyof AuthorizerOptions, true>> = {
  issuer: true,
  issuers: true,
  audience: true,
  clientId: true,
  jwksUri: true,
  algorithms: true,
  clockSkewSeconds: true,
  maxTokenAgeSeconds: true,
  maxTokenBytes: true,
  requiredScopes: true,
  routes: true,
  requiredClaims: true,
  tokenTypes: true,
  unmatchedRoutes: true,
  policyMode: true,
  contextClaims: true,
  usageIdentifierClaim: true,
  jwks: true,
  resultCacheSize: true,
  senderConstrained: true,
  dpop: true,
  introspection: true,
};
const ISSUER_OPTION_KEYS: Readonly<Record<keyof IssuerOptions, true>> = {
  issuer: true,
  audience: true,
  clientId: true,
  jwksUri: true,
  jwks: true,
};
const JWKS_OPTION_KEYS: Readonly<Record<keyof JwksOptions, true>> = {
  timeoutMs: true,
  maxBytes: true,
  maxAgeSeconds: true,
  cooldownMs: true,
  fetcher: true,
};
const ROUTE_RULE_KEYS: Readonly<Record<keyof RouteRule, true>> = { route: true, scopes: true, claims: true };

/** The names of every {@link AuthorizerOptions} key, for adapters that accept them among their own. */
export const AUTHORIZER_OPTION_NAMES: readonly (keyof AuthorizerOptions)[] = Object.freeze(
  Object.keys(AUTHORIZER_OPTION_KEYS) as (keyof AuthorizerOptions)[],
);

/** A key as a message shows it: as is when plain, JSON-escaped when it holds odd characters. */
function printableKey(key: string): string {
  return /^[\w$.[\]-]*$/.test(key) ? key : JSON.stringify(key).slice(1, -1);
}

/**
 * Refuses keys of an options object that are not among `known`: a misspelt option would otherwise
 * be ignored and its setting (a required scope, a route rule) silently left out. The message names
 * the key and, when one is close, the known key it most likely misspells.
 *
 * @param where prefix of the key in messages, e.g. `jwks.` or `issuers[0].`.
 * @param setting the error's `setting`; default: the unknown key with `where` before it.
 * @throws {ConfigurationError} `CONFIG_INVALID`: "unknown option `requiredScope`; did you mean `requiredScopes`?"
 * @example
 * assertKnownOptions(options, ['authorizer', 'realm', ...AUTHORIZER_OPTION_NAMES]);
 */
export function assertKnownOptions(
  value: object,
  known: readonly string[],
  where = '',
  setting?: string,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    const name = `\`${where}${printableKey(key)}\``;
    throw new ConfigurationError(
      suggestion === undefined
        ? `unknown option ${name}; known options: ${known.join(', ')}`
        : `unknown option ${name}; did you mean \`${where}${suggestion}\`?`,
      { setting: setting ?? `${where}${key}` },
    );
  }
}

function assertObject(value: unknown, setting: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`${setting} must be an object`, {
      setting: setting.replace(/\[\d+\]$/, ''),
    });
  }
}

/**
 * The WebSocket route an authorizer answers (`.../{stage}/$connect`). A route rule keyed `$connect`
 * names it; HTTP rules never match it.
 */
export const WEBSOCKET_CONNECT = '$connect';

/** The HTTP methods a route rule may name; `ANY` and `*` stand for all of them. */
export const HTTP_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Issuer key without one trailing slash: Auth0 issuers end in `/`, configurations often do not. */
export function normalizeIssuer(issuer: string): string {
  return issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
}

/** A value as a message quotes it; an object without a prototype (from JSON.parse tricks) has no String(). */
function shown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

function toList(value: string | readonly string[] | undefined, setting: string): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'string' && !Array.isArray(value)) {
    throw new ConfigurationError(`${setting} must be a non-empty string or an array of them`, { setting });
  }
  const list = typeof value === 'string' ? [value] : [...value];
  for (const item of list) {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new ConfigurationError(`${setting} must be a non-empty string or an array of them`, { setting });
    }
  }
  return list.map((item) => item.trim());
}

function assertNumber(value: number | undefined, setting: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigurationError(`${setting} must be a number from ${min} to ${max}, got ${shown(value)}`, {
      setting,
    });
  }
}

function assertScopes(scopes: readonly string[], label: string, setting: string): void {
  for (const scope of scopes) {
    // A token's scopes are scope-tokens only (see readScopeClaims): any other name could never be granted.
    if (!isScopeToken(scope)) {
      throw new ConfigurationError(
        `${label} must hold scope names of printable ASCII without spaces, quotes or backslashes (RFC 6749 scope-tokens), got ${quote(scope)}`,
        { setting },
      );
    }
  }
}

const ROUTES = { setting: 'routes' } as const;

/**
 * Runs a compiler of a setting's value (rules, claim conditions, token types, context claims) and
 * marks its ConfigurationError with the setting, so a settings reader can name where it came from.
 */
function withSetting<T>(setting: string, compile: () => T): T {
  try {
    return compile();
  } catch (err) {
    if (!(err instanceof ConfigurationError) || err.setting !== undefined) throw err;
    throw new ConfigurationError(err.message, { setting });
  }
}

/** JSON with object keys sorted, so equal JWKS compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a `VERB /path` rule. `*` and `{param}` match any run of characters, `/` and line breaks
 * included, exactly as `*` does in the execute-api ARN of the IAM policy, so the decision for the
 * called route and the cached policy for every other route can never disagree.
 */
export function compileRoute(
  route: string,
  requirement: RouteRequirement,
  setting = `routes[${JSON.stringify(route)}]`,
): CompiledRoute {
  if (typeof route === 'string' && route.trim() === WEBSOCKET_CONNECT) {
    // The WebSocket `$connect` route: no verb, no path. HTTP rules (`ANY /*` included) never match it.
    const rule = withSetting('routes', () => compileRule(requirement, setting));
    return { route, method: WEBSOCKET_CONNECT, arnPath: '', pattern: /^$/s, scopes: rule.allOf, rule };
  }
  const match = /^\s*(\S+)\s+(\/\S*)\s*$/.exec(route);
  if (!match) throw new ConfigurationError(`Route "${route}" must look like "GET /path"`, ROUTES);
  const verb = (match[1] as string).toUpperCase();
  const path = match[2] as string;
  const method = verb === 'ANY' || verb === '*' ? '*' : verb;
  if (method !== '*' && !HTTP_METHODS.includes(method)) {
    throw new ConfigurationError(`Route "${route}": method must be an HTTP method, ANY or *`, ROUTES);
  }
  if (/[?]/.test(path)) {
    throw new ConfigurationError(`Route "${route}": "?" is not allowed in a path`, ROUTES);
  }
  const arnPath = path.slice(1).replace(/\{[^/{}]+\+?\}/g, '*');
  if (/[{}]/.test(arnPath)) {
    throw new ConfigurationError(`Route "${route}": unbalanced braces in the path`, ROUTES);
  }
  const rule = withSetting('routes', () => compileRule(requirement, setting));
  const source = arnPath
    .split('*')
    .map((part) => escapeRegExp(part))
    .join('.*');
  // The `s` flag: without it `.` matches no line break (\n, \r, U+2028, U+2029), and API Gateway
  // URL-decodes path parameters, so `/admin/users/42%0A` would slip past `/admin/users/{id}`
  // while IAM's `*` covers it.
  return { route, method, arnPath, pattern: new RegExp(`^${source}$`, 's'), scopes: rule.allOf, rule };
}

/**
 * The compiled route table, frozen: the route index, the policy's resource cache and the verdict
 * plan are built once per table and keyed by it, so `authorizer.options.routes` must not change.
 */
function resolveRoutes(routes: AuthorizerOptions['routes']): readonly CompiledRoute[] | undefined {
  const compiled = compileRoutes(routes);
  return compiled === undefined ? undefined : Object.freeze(compiled);
}

function compileRoutes(routes: AuthorizerOptions['routes']): CompiledRoute[] | undefined {
  if (routes === undefined) return undefined;
  if (typeof routes !== 'object' || routes === null) {
    throw new ConfigurationError(
      'routes must be an object {"GET /path": ["scope"]} or an array of { route, scopes } rules',
      ROUTES,
    );
  }
  if (Array.isArray(routes)) {
    return (routes as readonly RouteRule[]).map((rule, i) => {
      if (typeof rule !== 'object' || rule === null || typeof rule.route !== 'string') {
        throw new ConfigurationError('Each route rule must be { route: "GET /path", scopes: [...] }', ROUTES);
      }
      assertKnownOptions(rule, Object.keys(ROUTE_RULE_KEYS), `routes[${i}].`, 'routes');
      // The array form's `scopes` list is today's all-of list, which may be empty; with claims it is a rule object.
      const requirement: RouteRequirement =
        rule.claims === undefined && Array.isArray(rule.scopes)
          ? rule.scopes
          : { scopes: rule.scopes, claims: rule.claims };
      return compileRoute(rule.route, requirement, `routes[${i}]`);
    });
  }
  return Object.entries(routes as Record<string, RouteRequirement>).map(([route, requirement]) =>
    compileRoute(route, requirement),
  );
}

function resolveIssuer(
  entry: IssuerOptions,
  defaultAudience: string[],
  defaultClientId: string[],
): ResolvedIssuer {
  if (typeof entry.issuer !== 'string' || entry.issuer.trim() === '') {
    throw new ConfigurationError(
      'issuer must be the URL of the token issuer, e.g. https://TENANT.auth0.com/',
      { setting: 'issuer' },
    );
  }
  const issuer = entry.issuer.trim();
  assertSecureUrl(issuer, 'issuer');
  const audiences = entry.audience === undefined ? defaultAudience : toList(entry.audience, 'audience');
  const clientIds = entry.clientId === undefined ? defaultClientId : toList(entry.clientId, 'clientId');
  if (audiences.length === 0 && clientIds.length === 0) {
    throw new ConfigurationError(
      `audience is required for issuer ${issuer} (the API identifier the tokens are for; for Cognito access tokens, which carry no aud, give clientId)`,
      { setting: 'audience' },
    );
  }
  const jwksUri = entry.jwksUri ?? `${normalizeIssuer(issuer)}/.well-known/jwks.json`;
  assertSecureUrl(jwksUri, 'jwksUri');
  const base = normalizeIssuer(issuer);
  const discover = entry.jwksUri === undefined && entry.jwks === undefined;
  return {
    issuer,
    issuerVariants: [base, `${base}/`],
    audiences,
    clientIds,
    jwksUri,
    discover,
    jwks: entry.jwks,
  };
}

/**
 * Validates {@link AuthorizerOptions} and applies the defaults.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` with a message naming the setting.
 */
export function resolveOptions(options: AuthorizerOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('Options are required', { setting: 'options' });
  }
  assertKnownOptions(options, AUTHORIZER_OPTION_NAMES);
  const audience = toList(options.audience, 'audience');
  const clientId = toList(options.clientId, 'clientId');
  if (options.issuers !== undefined && !Array.isArray(options.issuers)) {
    throw new ConfigurationError(
      'issuers must be an array of { issuer, audience?, clientId?, jwksUri?, jwks? }',
      { setting: 'issuers' },
    );
  }
  const issuerKeys = Object.keys(ISSUER_OPTION_KEYS);
  (options.issuers ?? []).forEach((entry, i) => {
    assertObject(entry, `issuers[${i}]`);
    assertKnownOptions(entry, issuerKeys, `issuers[${i}].`, 'issuers');
  });
  const issuerEntries: IssuerOptions[] = [
    ...toList(options.issuer, 'issuer').map((issuer) => ({ issuer, jwksUri: options.jwksUri })),
    ...(options.issuers ?? []),
  ];
  if (issuerEntries.length === 0) {
    throw new ConfigurationError(
      'issuer is required: the URL of the token issuer, e.g. https://TENANT.auth0.com/',
      { setting: 'issuer' },
    );
  }
  if (options.jwksUri !== undefined && toList(options.issuer, 'issuer').length > 1) {
    throw new ConfigurationError(
      'jwksUri applies to a single issuer; use issuers[] to give each issuer its own',
      { setting: 'jwksUri' },
    );
  }
  const issuers = new Map<string, ResolvedIssuer>();
  const byJwksUri = new Map<string, ResolvedIssuer>();
  for (const entry of issuerEntries) {
    const resolved = resolveIssuer(entry, audience, clientId);
    const key = normalizeIssuer(resolved.issuer);
    if (issuers.has(key)) {
      throw new ConfigurationError(`issuer ${resolved.issuer} is listed twice`, { setting: 'issuer' });
    }
    issuers.set(key, resolved);
    // Keys are cached per jwksUri: if two issuers gave different static keys (or one gave none),
    // one issuer's keys would verify the other's tokens.
    const sharing = byJwksUri.get(resolved.jwksUri);
    if (sharing === undefined) byJwksUri.set(resolved.jwksUri, resolved);
    else if (canonicalJson(sharing.jwks) !== canonicalJson(resolved.jwks)) {
      throw new ConfigurationError(
        `issuers ${sharing.issuer} and ${resolved.issuer} share the jwksUri ${resolved.jwksUri} but not the same static jwks: give each its own jwksUri, or both the same jwks`,
        { setting: 'jwksUri' },
      );
    }
  }

  const algorithms = options.algorithms ?? ['RS256'];
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new ConfigurationError(
      `algorithms must be a non-empty array of ${SUPPORTED_ALGORITHMS.join(', ')}`,
      { setting: 'algorithms' },
    );
  }
  for (const alg of algorithms) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new ConfigurationError(
        `algorithms: ${quote(alg)} is not supported; use ${SUPPORTED_ALGORITHMS.join(', ')} (none and HS* are never accepted)`,
        { setting: 'algorithms' },
      );
    }
  }
  assertNumber(options.clockSkewSeconds, 'clockSkewSeconds', 0, 600);
  assertNumber(options.maxTokenAgeSeconds, 'maxTokenAgeSeconds', 1, 31_536_000);
  assertNumber(options.maxTokenBytes, 'maxTokenBytes', 64, 1_048_576);
  assertNumber(options.resultCacheSize, 'resultCacheSize', 0, 1_000_000);
  const jwks = options.jwks ?? {};
  assertObject(jwks, 'jwks');
  assertKnownOptions(jwks, Object.keys(JWKS_OPTION_KEYS), 'jwks.');
  if (jwks.fetcher !== undefined && typeof (jwks.fetcher as Partial<Fetcher> | null)?.fetch !== 'function') {
    throw new ConfigurationError('jwks.fetcher must be an object with a fetch(uri) method', {
      setting: 'jwks.fetcher',
    });
  }
  assertNumber(jwks.timeoutMs, 'jwks.timeoutMs', 1, 60_000);
  assertNumber(jwks.maxBytes, 'jwks.maxBytes', 256, 16_777_216);
  assertNumber(jwks.maxAgeSeconds, 'jwks.maxAgeSeconds', 1, 31_536_000);
  assertNumber(jwks.cooldownMs, 'jwks.cooldownMs', 0, 3_600_000);
  const requiredScopes = toList(options.requiredScopes, 'requiredScopes');
  assertScopes(requiredScopes, 'requiredScopes', 'requiredScopes');
  const requiredClaims: unknown = options.requiredClaims;
  if (
    requiredClaims !== undefined &&
    (typeof requiredClaims !== 'object' || requiredClaims === null || Array.isArray(requiredClaims))
  ) {
    throw new ConfigurationError(
      'requiredClaims must be an object { "claims": {...}, "scopes": {...} }; for a list of scopes use requiredScopes',
      { setting: 'requiredClaims' },
    );
  }
  const required =
    requiredClaims === undefined
      ? undefined
      : withSetting('requiredClaims', () => compileRule(requiredClaims, 'requiredClaims'));
  for (const scope of required?.allOf ?? []) if (!requiredScopes.includes(scope)) requiredScopes.push(scope);
  if (options.usageIdentifierClaim !== undefined && typeof options.usageIdentifierClaim !== 'string') {
    throw new ConfigurationError('usageIdentifierClaim must be a claim name such as "azp" or "client_id"', {
      setting: 'usageIdentifierClaim',
    });
  }
  const policyMode = options.policyMode ?? 'api';
  if (policyMode !== 'api' && policyMode !== 'method') {
    throw new ConfigurationError(`policyMode must be "api" or "method", got "${shown(policyMode)}"`, {
      setting: 'policyMode',
    });
  }
  const unmatchedRoutes = options.unmatchedRoutes ?? 'deny';
  if (unmatchedRoutes !== 'allow' && unmatchedRoutes !== 'deny') {
    throw new ConfigurationError(
      `unmatchedRoutes must be "allow" or "deny", got "${shown(unmatchedRoutes)}"`,
      { setting: 'unmatchedRoutes' },
    );
  }

  return {
    issuers,
    algorithms: new Set(algorithms),
    clockSkewSeconds: options.clockSkewSeconds ?? 0,
    maxTokenAgeSeconds: options.maxTokenAgeSeconds,
    maxTokenBytes: options.maxTokenBytes ?? 8192,
    requiredScopes,
    requiredAnyScopes: required?.anyOf ?? [],
    requiredClaims: required?.claims ?? [],
    tokenTypes: withSetting('tokenTypes', () => resolveTokenTypes(options.tokenTypes)),
    routes: resolveRoutes(options.routes),
    unmatchedRoutes,
    policyMode,
    contextClaims: withSetting('contextClaims', () => resolveContextClaims(options.contextClaims)),
    usageIdentifierClaim:
      options.usageIdentifierClaim === undefined
        ? undefined
        : withSetting('usageIdentifierClaim', () =>
            compileClaimReader(options.usageIdentifierClaim as string, 'usageIdentifierClaim'),
          ),
    jwks: {
      timeoutMs: jwks.timeoutMs ?? 3000,
      maxBytes: jwks.maxBytes ?? 128 * 1024,
      maxAgeSeconds: jwks.maxAgeSeconds ?? 600,
      cooldownMs: jwks.cooldownMs ?? 2000,
      fetcher: jwks.fetcher,
    },
    resultCacheSize: options.resultCacheSize ?? 1000,
    ...resolveBoundTokenOptions(options),
  };
}
