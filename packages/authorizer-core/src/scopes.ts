import { TokenError } from './errors.js';

/**
 * Reads the token's scopes from `scope` (space-separated string, Auth0 and RFC 8693), `scp` (string
 * or array, Okta and Azure AD) and `permissions` (array, Auth0 RBAC), without duplicates.
 *
 * @throws {TokenError} `CLAIM_INVALID` when one of these claims has the wrong type.
 * @example
 * readScopes({ scope: 'read:a write:a', permissions: ['admin'] }) // ['read:a', 'write:a', 'admin']
 */
export function readScopes(claims: Readonly<Record<string, unknown>>): string[] {
  const scopes: string[] = [];
  const add = (value: unknown, claim: string, allowArray: boolean, allowString: boolean) => {
    if (value === undefined) return;
    if (typeof value === 'string' && allowString) {
      for (const scope of value.split(' ')) if (scope !== '' && !scopes.includes(scope)) scopes.push(scope);
      return;
    }
    if (Array.isArray(value) && allowArray) {
      for (const scope of value) {
        if (typeof scope !== 'string')
          throw new TokenError('CLAIM_INVALID', `The ${claim} claim must hold strings`);
        if (scope !== '' && !scopes.includes(scope)) scopes.push(scope);
      }
      return;
    }
    throw new TokenError('CLAIM_INVALID', `The ${claim} claim has the wrong type`);
  };
  add(claims.scope, 'scope', false, true);
  add(claims.scp, 'scp', true, true);
  add(claims.permissions, 'permissions', true, false);
  return scopes;
}

/** The scopes of `required` that `granted` lacks (empty when all are granted). */
export function findMissingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const missing: string[] = [];
  for (const scope of required) if (!granted.includes(scope)) missing.push(scope);
  return missing;
}
