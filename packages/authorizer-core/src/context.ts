import type { VerifiedToken } from './verifier.js';

/** Authorizer context: API Gateway accepts only string, number and boolean values. */
export type AuthorizerContext = Record<string, string | number | boolean>;

function flatten(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return value.join(',');
  }
  return JSON.stringify(value);
}

/**
 * Builds the context passed to the integration: `sub`, `scope` (all scopes, space-separated, as
 * Auth0's sample returns it) and the opted-in claims, each flattened to a string, number or boolean
 * (arrays of strings are comma-joined, objects JSON-encoded).
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
