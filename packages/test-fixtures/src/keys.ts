import { generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A JSON value (the shape aws-jwt-verify types JWKs with; structural, so no package under test is imported). */
export type Json = null | string | number | boolean | Json[] | { [name: string]: Json };

/** A public JWK as an issuer publishes it. */
export type Jwk = { [field in 'use' | 'alg' | 'kid' | 'n' | 'e' | 'x' | 'y' | 'crv']?: string } & {
  kty: string;
} & { [name: string]: Json };

/** A JWKS document. */
export type Jwks = { keys: readonly Jwk[] } & { [name: string]: Json };

/** A signing key pair with the kid and alg its public JWK is published under. */
export interface TestKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK with `kid`, `alg` and `use: sig`. */
  readonly jwk: Jwk & { kid: string };
}

/** Generates a real key pair with node:crypto. */
export function generateTestKey(
  alg: TestKey['alg'] = 'RS256',
  kid = `${alg.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}`,
  modulusLength = 2048,
): TestKey {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg.startsWith('ES')
        ? generateKeyPairSync('ec', {
            namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg as 'ES256'],
          })
        : generateKeyPairSync('rsa', { modulusLength });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } as Jwk & { kid: string };
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

/** A JWKS document holding the public JWKs of `keys`. */
export function jwksOf(...keys: TestKey[]): Jwks {
  return { keys: keys.map((key) => key.jwk) };
}
