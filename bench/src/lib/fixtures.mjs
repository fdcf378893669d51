import { generateKeyPairSync, sign } from 'node:crypto';

const HASH = { RS256: 'sha256', ES256: 'sha256' };

/** Generates a signing key (RSA-2048 for RS256, P-256 for ES256) with its public JWK. */
export function generateKey(alg, kid) {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

/** A JWKS document holding the public JWKs of `keys`. */
export function jwksOf(...keys) {
  return { keys: keys.map((key) => key.jwk) };
}

export function b64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Signs `claims` with `key` as an identity provider would (RSA PKCS#1 v1.5, ECDSA P1363). */
export function mint(key, claims, header = {}) {
  const headerB64 = b64url({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header });
  const payloadB64 = b64url(claims);
  const input = Buffer.from(`${headerB64}.${payloadB64}`);
  const signature = sign(
    HASH[key.alg],
    input,
    key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey,
  );
  return `${headerB64}.${payloadB64}.${signature.toString('base64url')}`;
}

/** Claims shaped like an Auth0 access token, distinct per `index` (sub and jti). */
export function claimsFor({ issuer, audience, index, lifetimeSeconds, tag = 't' }) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    sub: `auth0|user-${index}`,
    aud: [audience, `${issuer}userinfo`],
    iat: now,
    exp: now + lifetimeSeconds,
    azp: 'bench-client-id',
    jti: `${tag}-${index}-${Math.random().toString(36).slice(2, 10)}`,
    scope: 'openid profile read:pets write:pets',
  };
}

/** `count` distinct valid tokens signed by `key`. */
export function mintTokens(key, { issuer, audience, count, lifetimeSeconds = 4 * 3600, tag = 't' }) {
  const tokens = new Array(count);
  for (let index = 0; index < count; index++) {
    tokens[index] = mint(key, claimsFor({ issuer, audience, index, lifetimeSeconds, tag }));
  }
  return tokens;
}

/** The token with its payload changed (sub) and the original signature kept: must be rejected. */
export function tamper(token) {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  claims.sub = 'auth0|attacker';
  return `${header}.${b64url(claims)}.${signature}`;
}
