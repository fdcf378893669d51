import { TokenError } from './errors.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ): printable ASCII without space, `"`
// or `\`. Scopes reach the context joined with spaces, and a backend splitting that on whitespace
// must find exactly the token's scopes: a value holding a tab or a space (`"read:pets\tadmin"`)
// would read as two, one of which the token does not have.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Whether `value` is an RFC 6749 scope-token (printable ASCII without space, `"` or `\`). */
export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/** The scopes of a claims set, and how many values were dropped for not being scope-tokens. */
export interface ScopeClaims {
  readonly scopes: string[];
  /** Values of `scope`, `scp` or `permissions` that are not RFC 6749 scope-tokens; never their content. */
  readonly dropped: number;
}

/**
 * Reads the token's scopes from `scope` (space-separated string, Auth0 and RFC 8693), `scp` (string
 * or array, Okta and Azure AD) and `permissions` (array, Auth0 RBAC), without duplicates. A value
 * that is not an RFC 6749 scope-token (an empty array entry, one holding a tab, a line break, `"`,
 * `\` or a non-ASCII character, or an array entry holding a space) is dropped and counted, never
 * split or joined.
 *
 * @throws {TokenError} `CLAIM_INVALID` when one of these claims has the wrong type.
 * @example
 * readScopeClaims({ scope: 'read:a write:a', permissions: ['admin', 'x\ty'] }) // { scopes: ['read:a', 'write:a', 'admin'], dropped: 1 }
 */
export function readScopeClaims(claims: Readonly<Record<string, unknown>>): ScopeClaims {
  const scopes: string[] = [];
  let dropped = addScopes(scopes, claims.scope, 'scope', false);
  dropped += addScopes(scopes, claims.scp, 'scp', true);
  dropped += addScopes(scopes, claims.permissions, 'permissions', true, false);
  return { scopes, dropped };
}

/** Whether `value` holds only scope-token characters and spaces: then its pieces are scope-tokens. */
function isScopeTokensAndSpaces(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // 0x20 space, 0x21-0x7e printable ASCII without 0x22 `"` and 0x5c `\`
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** Adds the scope-tokens of one claim's value to `scopes`; returns how many values it dropped. */
function addScopes(
  scopes: string[],
  value: unknown,
  claim: string,
  allowArray: boolean,
  allowString = true,
): number {
  if (value === undefined) return 0;
  let dropped = 0;
  if (typeof value === 'string' && allowString) {
    const checked = isScopeTokensAndSpaces(value);
    // Only a space separates scopes (RFC 6749 §3.3); empty pieces are separators, not values.
    let start = 0;
    while (start < value.length) {
      let end = value.indexOf(' ', start);
      if (end === -1) end = value.length;
      if (end > start) {
        const scope = value.slice(start, end);
        if (!checked && !SCOPE_TOKEN.test(scope)) dropped += 1;
        else if (!scopes.includes(scope)) scopes.push(scope);
      }
      start = end + 1;
    }
    return dropped;
  }
  if (Array.isArray(value) && allowArray) {
    for (const scope of value) {
      if (typeof scope !== 'string')
        throw new TokenError('CLAIM_INVALID', `The ${claim} claim must hold strings`);
      if (!SCOPE_TOKEN.test(scope)) dropped += 1;
      else if (!scopes.includes(scope)) scopes.push(scope);
    }
    return dropped;
  }
  throw new TokenError('CLAIM_INVALID', `The ${claim} claim has the wrong type`);
}

/**
 * The scopes of {@link readScopeClaims}, without the count of dropped values.
 *
 * @throws {TokenError} `CLAIM_INVALID` when one of these claims has the wrong type.
 * @example
 * readScopes({ scope: 'read:a write:a', permissions: ['admin'] }) // ['read:a', 'write:a', 'admin']
 */
export function readScopes(claims: Readonly<Record<string, unknown>>): string[] {
  return readScopeClaims(claims).scopes;
}

/** The scopes of `required` that `granted` lacks (empty when all are granted). */
export function findMissingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const missing: string[] = [];
  for (const scope of required) if (!granted.includes(scope)) missing.push(scope);
  return missing;
}
