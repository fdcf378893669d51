import { type ClaimReader, compileClaimReader } from './claim-conditions.js';
import { ConfigurationError } from './errors.js';

/** Authorizer context: API Gateway accepts only string, number and boolean values. */
export type AuthorizerContext = Record<string, string | number | boolean>;

/**
 * Claims copied into the context: a list of claim names (each under its own name), or
 * `{ "context name": "claim name or JSON Pointer" }` to rename, e.g.
 * `{ "tenant": "https://example.com/tenant", "roles": "/realm_access/roles" }`.
 */
export type ContextClaimsOption = readonly string[] | Readonly<Record<string, string>>;

/** One context entry after validation. */
export interface ContextClaim {
  /** The name the backend reads. */
  readonly key: string;
  /** The claim name or JSON Pointer as configured. */
  readonly claim: string;
  readonly read: ClaimReader;
}

/** Context names the authorizer sets itself. */
const RESERVED_KEYS = ['sub', 'scope'];

/**
 * Validates `contextClaims`. List entries are literal claim names (`sub` and `scope`, always in the
 * context, are skipped); in the rename form the claim may be a JSON Pointer (`/realm_access/roles`).
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` for an empty name, a rename onto `sub` or `scope`,
 *   a malformed JSON Pointer, or a value that is not a string.
 * @example
 * resolveContextClaims({ tenant: 'https://example.com/tenant' })
 */
export function resolveContextClaims(value: unknown): ContextClaim[] {
  if (value === undefined) return [];
  if (typeof value === 'string') value = [value];
  if (Array.isArray(value)) {
    const entries: ContextClaim[] = [];
    value.forEach((name, i) => {
      if (typeof name !== 'string' || name.trim() === '') {
        throw new ConfigurationError(`contextClaims[${i}] must be a non-empty claim name`);
      }
      const claim = name.trim();
      if (RESERVED_KEYS.includes(claim) || entries.some((e) => e.key === claim)) return;
      entries.push({
        key: claim,
        claim,
        read: (claims) => (Object.hasOwn(claims, claim) ? claims[claim] : undefined),
      });
    });
    return entries;
  }
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError(
      'contextClaims must be a list of claim names or an object { "context name": "claim name" }',
    );
  }
  return Object.entries(value).map(([key, claim]) => {
    const setting = `contextClaims[${JSON.stringify(key)}]`;
    if (key === '') throw new ConfigurationError('contextClaims: a context name must not be empty');
    if (RESERVED_KEYS.includes(key)) {
      throw new ConfigurationError(
        `${setting}: "${key}" is set by the authorizer itself; choose another name`,
      );
    }
    if (typeof claim !== 'string') {
      throw new ConfigurationError(
        `${setting} must be a claim name or a JSON Pointer such as "/realm_access/roles"`,
      );
    }
    return { key, claim, read: compileClaimReader(claim, setting) };
  });
}

/**
 * A claim's value as a context value. Strings, finite numbers and booleans go as they are, except a
 * string starting with `[`, `{` or `"`, which goes as JSON text like arrays and objects do: a backend
 * parses a value as JSON exactly when it starts with one of those three characters, and reads every
 * other value as it is, so `["a,b"]`, `"a,b"` and `'["a,b"]'` can never be taken for one another.
 * `null` and absent claims are left out.
 */
export function toContextValue(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string') {
    const first = value.charCodeAt(0);
    // 0x5b `[`, 0x7b `{`, 0x22 `"`
    return first === 0x5b || first === 0x7b || first === 0x22 ? JSON.stringify(value) : value;
  }
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value === null || value === undefined) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    // Nested deeper than JSON.stringify's recursion goes: left out rather than failing the request.
    return undefined;
  }
}

/**
 * `scopes.join(' ')`; the `scope` claim itself when it already reads exactly so, as it usually does
 * (compared in place: no new string is built for it).
 */
function joinScopes(scopes: readonly string[], claim: unknown): string {
  if (typeof claim === 'string') {
    let at = 0;
    for (let i = 0; i < scopes.length; i++) {
      const scope = scopes[i] as string;
      if (i > 0 && claim.charCodeAt(at++) !== 0x20) return scopes.join(' ');
      if (!claim.startsWith(scope, at)) return scopes.join(' ');
      at += scope.length;
    }
    if (at === claim.length) return claim;
  }
  return scopes.join(' ');
}

/**
 * Builds the context passed to the integration: `sub`, `scope` (all scopes, space-separated, as
 * Auth0's sample returns it; scope-tokens only, so it splits back exactly) and the configured
 * context claims (see {@link toContextValue} for how values are written).
 *
 * @example
 * buildContext(verified, ['email']) // { sub: 'user-1', scope: 'read:a', email: 'a@b.c' }
 */
export function buildContext(
  verified: { readonly claims: Readonly<Record<string, unknown>>; readonly scopes: readonly string[] },
  contextClaims: readonly (string | ContextClaim)[] = [],
): AuthorizerContext {
  const scope = joinScopes(verified.scopes, verified.claims.scope);
  const sub = verified.claims.sub;
  const context: AuthorizerContext = typeof sub === 'string' ? { scope, sub } : { scope };
  for (const entry of contextClaims) {
    let value: string | number | boolean | undefined;
    if (typeof entry === 'string') {
      if (RESERVED_KEYS.includes(entry)) continue;
      value = toContextValue(Object.hasOwn(verified.claims, entry) ? verified.claims[entry] : undefined);
      if (value !== undefined) context[entry] = value;
    } else {
      value = toContextValue(entry.read(verified.claims));
      if (value !== undefined) context[entry.key] = value;
    }
  }
  return context;
}
