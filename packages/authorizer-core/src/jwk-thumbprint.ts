import { createHash } from 'node:crypto';

// RFC 7638 §3.2: only the required members of each key type, in lexicographic order.
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url: what a DPoP-bound token carries as
 * `cnf.jkt`. Undefined for a key type without a defined thumbprint or a required member that is not
 * a string.
 *
 * @example
 * computeJwkThumbprint({ kty: 'EC', crv: 'P-256', x: '…', y: '…' }) // 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 */
export function computeJwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === 'string' ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const parts: string[] = [];
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') return undefined;
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return createHash('sha256')
    .update(`{${parts.join(',')}}`)
    .digest('base64url');
}
