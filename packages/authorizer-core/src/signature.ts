import { type KeyObject, type VerifyKeyObjectInput, verify as verifySignature } from 'node:crypto';
import { TokenError } from './errors.js';
import type { JwksKey } from './jwks-cache.js';
import type { DecodedJws } from './jws.js';

/** The `crypto.verify` digest of each JWS algorithm (null: EdDSA, which takes none). */
export const HASH_BY_ALG: Readonly<Record<string, string | null>> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};
/** The curve an ES* algorithm's key must be on. */
export const CURVE_BY_ALG: Readonly<Record<string, string>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
};

/**
 * Refuses a JWK that cannot verify `alg`: one aws-jwt-verify marked unusable, one whose own `alg`
 * differs, or one of the wrong key type or curve.
 *
 * @throws {TokenError} `KEY_UNUSABLE`.
 */
export function assertKeyFitsAlg(key: JwksKey, alg: string): void {
  if (key.unusableReason !== undefined || key.keyObject === undefined) {
    throw new TokenError(
      'KEY_UNUSABLE',
      `The JWK "${key.kid}" cannot verify signatures: ${key.unusableReason}`,
    );
  }
  if (key.alg !== undefined && key.alg !== alg) {
    throw new TokenError('KEY_UNUSABLE', `The JWK "${key.kid}" is for ${key.alg}, the token is ${alg}`);
  }
  const fits =
    alg === 'EdDSA'
      ? key.kty === 'OKP'
      : alg.startsWith('RS')
        ? key.kty === 'RSA'
        : key.kty === 'EC' && key.crv === CURVE_BY_ALG[alg];
  if (!fits) throw new TokenError('KEY_UNUSABLE', `The JWK "${key.kid}" (${key.kty}) does not fit ${alg}`);
}

// The signing input and the signature are written here right before the one-shot verify that
// reads them, in one synchronous call: no other verification can run in between.
const SCRATCH_BYTES = 16 * 1024;
const scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

/**
 * Whether the signature of `decoded` verifies with `hash` and `key`, in one `crypto.verify` call.
 * The signing input is the token's first `signedLength` characters as bytes (ASCII, checked by
 * `decodeJws`), written with the decoded signature into a buffer reused across calls.
 *
 * @example
 * jwsSignatureVerifies(decodeJws(proof), 'sha256', { key, dsaEncoding: 'ieee-p1363' })
 */
export function jwsSignatureVerifies(
  decoded: DecodedJws,
  hash: string | null,
  key: KeyObject | VerifyKeyObjectInput,
): boolean {
  const { token, signedLength } = decoded;
  const buffer = signedLength <= SCRATCH_BYTES ? scratch : Buffer.allocUnsafe(signedLength);
  buffer.write(token, 0, signedLength, 'latin1');
  try {
    return verifySignature(hash, buffer.subarray(0, signedLength), key, decoded.signature);
  } catch {
    // OpenSSL throws on some malformed signatures (e.g. a wrong length); they are invalid all the same.
    return false;
  }
}

/**
 * Checks the token's signature over `header.payload` with `key`, in one `crypto.verify` call.
 * `alg` must already be allowed (see `acceptHeader`).
 *
 * @throws {TokenError} `KEY_UNUSABLE` when the key does not fit `alg`; `SIGNATURE_INVALID`.
 * @example
 * assertSignatureValid(decodeJws(token), 'RS256', await jwksCache.getKey(jwksUri, kid));
 */
export function assertSignatureValid(decoded: DecodedJws, alg: string, key: JwksKey): void {
  assertKeyFitsAlg(key, alg);
  const keyObject = key.keyObject as KeyObject;
  const valid = jwsSignatureVerifies(
    decoded,
    HASH_BY_ALG[alg] as string | null,
    alg.startsWith('ES') ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject,
  );
  if (!valid) throw new TokenError('SIGNATURE_INVALID', 'The token signature is invalid');
}
