import { describe, expect, it } from 'vitest';
import type { TokenError } from '../src/errors.js';
import { type Jwk, JwksCache, type JwksKey } from '../src/jwks-cache.js';
import { decodeJws } from '../src/jws.js';
import { assertKeyFitsAlg, assertSignatureValid } from '../src/signature.js';
import { b64url, generateTestKey, jwksOf, signParts, type TestKey } from './helpers/index.js';

const rsa = generateTestKey('RS256', 'rsa-1');
const ec = generateTestKey('ES256', 'ec-256');
const ec384 = generateTestKey('ES384', 'ec-384');
const ed = generateTestKey('EdDSA', 'ed-1');
const noAlg = generateTestKey('RS256', 'rsa-no-alg');
const ec384NoAlg = generateTestKey('ES384', 'ec-384-no-alg');
const encKey = generateTestKey('RS256', 'rsa-enc');

function withoutAlg(key: TestKey): Jwk {
  const { alg: _alg, ...jwk } = key.jwk;
  return jwk;
}

const URI = 'https://issuer.example/.well-known/jwks.json';
const cache = new JwksCache({
  fetcher: { fetch: () => Promise.reject(new Error('no network in this test')) },
});
cache.addJwks(URI, {
  keys: [
    ...jwksOf(rsa, ec, ec384, ed).keys,
    withoutAlg(noAlg),
    withoutAlg(ec384NoAlg),
    { ...encKey.jwk, use: 'enc' },
  ],
});

function keyOf(kid: string): JwksKey {
  const key = cache.getCachedKey(URI, kid);
  if (!key) throw new Error(`test key ${kid} missing`);
  return key;
}

function token(key: TestKey, alg = key.alg): string {
  return signParts(b64url({ alg, kid: key.kid }), b64url({ sub: 'user-1' }), key, alg);
}

function codeOf(check: () => void): string {
  try {
    check();
  } catch (err) {
    return (err as TokenError).code;
  }
  return 'VALID';
}

describe('assertKeyFitsAlg', () => {
  it.each([
    ['an RSA key for ES256', 'rsa-1', 'ES256'],
    ['a P-384 key published for ES384, used for ES256', 'ec-384', 'ES256'],
    ['a P-384 key without alg for ES256', 'ec-384-no-alg', 'ES256'],
    ['an EC key for RS256', 'ec-256', 'RS256'],
    ['an Ed25519 key for RS256', 'ed-1', 'RS256'],
    ['an RSA key published for RS256, used for RS512', 'rsa-1', 'RS512'],
    ['a key with use "enc"', 'rsa-enc', 'RS256'],
  ])('refuses %s', (_name, kid, alg) => {
    expect(codeOf(() => assertKeyFitsAlg(keyOf(kid), alg))).toBe('KEY_UNUSABLE');
  });

  it('accepts a key without alg for any algorithm of its type', () => {
    expect(codeOf(() => assertKeyFitsAlg(keyOf('rsa-no-alg'), 'RS512'))).toBe('VALID');
    expect(codeOf(() => assertKeyFitsAlg(keyOf('rsa-no-alg'), 'ES256'))).toBe('KEY_UNUSABLE');
  });
});

describe('assertSignatureValid', () => {
  it.each([rsa, ec, ed])('accepts a genuine %s signature', (key) => {
    expect(codeOf(() => assertSignatureValid(decodeJws(token(key)), key.alg, keyOf(key.kid)))).toBe('VALID');
  });

  it('refuses a signature by another key of the same type', () => {
    const impostor = generateTestKey('RS256', 'rsa-1');
    expect(codeOf(() => assertSignatureValid(decodeJws(token(impostor)), 'RS256', keyOf('rsa-1')))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('refuses a signature over a changed payload', () => {
    const [header, , signature] = token(ec).split('.');
    const changed = `${header}.${b64url({ sub: 'admin' })}.${signature}`;
    expect(codeOf(() => assertSignatureValid(decodeJws(changed), 'ES256', keyOf('ec-256')))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('refuses an ECDSA signature of the wrong length, which OpenSSL throws on', () => {
    const [header, payload] = token(ec).split('.');
    const short = `${header}.${payload}.${Buffer.alloc(63, 1).toString('base64url')}`;
    expect(codeOf(() => assertSignatureValid(decodeJws(short), 'ES256', keyOf('ec-256')))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('checks each token against its own signing input when decodes and checks interleave', () => {
    // The signing input is written into a buffer reused across calls: a check must never see the
    // bytes of a token decoded after its own.
    const first = decodeJws(token(rsa));
    const [header, , signature] = token(ec).split('.');
    const changed = decodeJws(`${header}.${b64url({ sub: 'admin' })}.${signature}`);
    const genuine = decodeJws(token(ec));
    expect(codeOf(() => assertSignatureValid(changed, 'ES256', keyOf('ec-256')))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => assertSignatureValid(first, 'RS256', keyOf('rsa-1')))).toBe('VALID');
    expect(codeOf(() => assertSignatureValid(changed, 'ES256', keyOf('ec-256')))).toBe('SIGNATURE_INVALID');
    expect(codeOf(() => assertSignatureValid(genuine, 'ES256', keyOf('ec-256')))).toBe('VALID');
  });

  it('checks a token longer than the reused buffer (20 KB of claims)', () => {
    const long = signParts(b64url({ alg: 'RS256', kid: 'rsa-1' }), b64url({ pad: 'x'.repeat(20_000) }), rsa);
    expect(long.length).toBeGreaterThan(16 * 1024);
    expect(codeOf(() => assertSignatureValid(decodeJws(long), 'RS256', keyOf('rsa-1')))).toBe('VALID');
    const [header, payload] = long.split('.');
    const forged = `${header}.${payload}.${token(rsa).split('.')[2]}`;
    expect(codeOf(() => assertSignatureValid(decodeJws(forged), 'RS256', keyOf('rsa-1')))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('checks the key before the signature', () => {
    expect(codeOf(() => assertSignatureValid(decodeJws(token(rsa)), 'RS256', keyOf('ec-256')))).toBe(
      'KEY_UNUSABLE',
    );
  });
});
