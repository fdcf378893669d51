import { createPublicKey, verify } from 'node:crypto';

/**
 * The practical limit: decode, parse, check alg/kid, exp/nbf/iss/aud, then one-shot crypto.verify
 * with a KeyObject built once. No JWKS fetching, no caching, no error taxonomy. Throws on any failure.
 */
export function createMinimalVerifier({ issuer, audience, jwks }) {
  const keys = new Map();
  for (const jwk of jwks.keys) {
    const keyObject = createPublicKey({ key: jwk, format: 'jwk' });
    keys.set(jwk.kid, {
      alg: jwk.alg,
      key: jwk.alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject,
    });
  }
  return function verifyToken(token) {
    const dot1 = token.indexOf('.');
    const dot2 = token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 <= dot1 + 1 || token.indexOf('.', dot2 + 1) !== -1) throw new Error('malformed');
    const header = JSON.parse(Buffer.from(token.slice(0, dot1), 'base64url').toString('utf8'));
    const key = keys.get(header.kid);
    if (key === undefined || header.alg !== key.alg) throw new Error('unknown key or alg');
    const payload = JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
    const now = Date.now() / 1000;
    if (typeof payload.exp !== 'number' || payload.exp <= now) throw new Error('expired');
    if (payload.nbf !== undefined && !(payload.nbf <= now)) throw new Error('not yet valid');
    if (payload.iss !== issuer) throw new Error('issuer');
    const aud = payload.aud;
    if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) throw new Error('audience');
    const signature = Buffer.from(token.slice(dot2 + 1), 'base64url');
    if (!verify('sha256', Buffer.from(token.slice(0, dot2), 'latin1'), key.key, signature)) {
      throw new Error('signature');
    }
    return payload;
  };
}
