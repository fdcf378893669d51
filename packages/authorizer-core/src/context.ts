import type { VerifiedToken } from './verifier.js';

/** Authorizer context: API Gateway accepts only string, number and boolean values. */
export type AuthorizerContext = Record<string, string | number | boolean>;

function flatten(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value === null || value === undefined) return undefined;
  // Comma-joined only when no value holds a comma: `["users,admins"]` joined would read as two
  // groups to a backend that splits on commas, one of which the token does not carry.
  if (
    Array.isArray(value) &&
    value.every((item) => typeof item === 'number' || (typeof item === 'string' && !item.includes(',')))
  ) {
    return value.join(',');
  }
  return JSON.stringify(value);
}

/**
 * Builds the context passed to the integration: `sub`, `scope` (all scopes, space-separated, as
 * Auth0's sample returns it; scope-tokens only, so it splits back exactly) and the opted-in claims,
 * each flattened to a string, number or boolean (arrays of strings and numbers are comma-joined
 * unless a string holds a comma, then JSON-encoded like objects).
 *
 * @example
 * buildContext(verified, ['email']) // { sub: 'user-1', scope: 'read:a', email: 'a@b.c' }
 */
export function buildContext(
  verified: VerifiedToken,
  contextClaims: readonly string[] = [],
): AuthorizerContext {
  const context: AuthorizerContext = { scope: verified.scopes.join(' ') };
  const sub = verified.claims.sub;
  if (typeof sub === 'string') context.sub = sub;
  for (const claim of contextClaims) {
    if (claim === 'scope' || claim === 'sub') continue;
    const value = flatten(verified.claims[claim]);
    if (value !== undefined) context[claim] = value;
  }
  return context;
}
