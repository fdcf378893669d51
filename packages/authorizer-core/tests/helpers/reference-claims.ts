// The scope reader and the registered-claims check as they were before their fast paths (one regular
// expression per scope value; aws-jwt-verify's validateJwtFields on every token). Kept verbatim as
// the references the property tests in scopes-claims-property.test.ts hold the current code to.
import { validateJwtFields } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { TokenError } from '../../src/errors.js';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function referenceReadScopeClaims(claims: Readonly<Record<string, unknown>>): {
  scopes: string[];
  dropped: number;
} {
  const scopes: string[] = [];
  let dropped = 0;
  const keep = (scope: string) => {
    if (!SCOPE_TOKEN.test(scope)) dropped += 1;
    else if (!scopes.includes(scope)) scopes.push(scope);
  };
  const add = (value: unknown, claim: string, allowArray: boolean, allowString: boolean) => {
    if (value === undefined) return;
    if (typeof value === 'string' && allowString) {
      for (const scope of value.split(' ')) if (scope !== '') keep(scope);
      return;
    }
    if (Array.isArray(value) && allowArray) {
      for (const scope of value) {
        if (typeof scope !== 'string')
          throw new TokenError('CLAIM_INVALID', `The ${claim} claim must hold strings`);
        keep(scope);
      }
      return;
    }
    throw new TokenError('CLAIM_INVALID', `The ${claim} claim has the wrong type`);
  };
  add(claims.scope, 'scope', false, true);
  add(claims.scp, 'scp', true, true);
  add(claims.permissions, 'permissions', true, false);
  return { scopes, dropped };
}

/** What validateJwtFields says about `exp`, `nbf`, `iss` and `aud`: the error's class name, or 'ok'. */
export function referenceRegisteredClaims(
  payload: Record<string, unknown>,
  issuerVariants: readonly string[],
  audiences: readonly string[] | null,
  graceSeconds: number,
): string {
  try {
    validateJwtFields(payload as JwtPayload, {
      issuer: issuerVariants as string[],
      audience: audiences as string[] | null,
      graceSeconds,
    });
    return 'ok';
  } catch (err) {
    return (err as Error).constructor.name;
  }
}
