import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { BOUND_TOKEN_DEFAULTS } from './bound-token-options.js';
import { TokenError } from './errors.js';
import { normalizeHtu } from './htu.js';
import { computeJwkThumbprint } from './jwk-thumbprint.js';
import { decodeJws } from './jws.js';
import type { ReplayStore } from './replay-store.js';
import { CURVE_BY_ALG, HASH_BY_ALG, jwsSignatureVerifies } from './signature.js';

/** Longest DPoP header accepted, in bytes. */
export const MAX_DPOP_PROOF_BYTES = 8192;

// Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MIN_RSA_BITS = 2048;
const MAX_JTI_LENGTH = 256;

/** What {@link verifyDpopProof} checks a proof against. */
export interface VerifyDpopProofOptions {
  /** The `DPoP` header value. A credential: never log it. */
  readonly proof: string;
  /** The access token the proof is presented with (its hash must be the proof's `ath`). */
  readonly accessToken: string;
  /** The request method, e.g. `GET`. */
  readonly method: string;
  /** The request URL as the client called it (query and fragment are ignored). */
  readonly url: string;
  /** The token's `cnf.jkt`: the proof key's RFC 7638 thumbprint must equal it. */
  readonly expectedJkt: string;
  readonly replayStore: ReplayStore;
  /** Allowed proof algorithms (default `BOUND_TOKEN_DEFAULTS.dpopAlgorithms`). */
  readonly algorithms?: ReadonlySet<string>;
  /** The proof `iat` may be at most this old (default 60 s). */
  readonly maxAgeSeconds?: number;
  /** ...and at most this far ahead (default 5 s). */
  readonly clockSkewSeconds?: number;
  /** The clock, in seconds (default `Date.now() / 1000`). */
  readonly nowSeconds?: number;
}

/** A proof that passed: the thumbprint of its key. */
export interface VerifiedDpopProof {
  readonly jkt: string;
}

function invalid(message: string): TokenError {
  return new TokenError('DPOP_PROOF_INVALID', message);
}

function keyFitsAlg(jwk: Readonly<Record<string, unknown>>, alg: string): boolean {
  if (alg === 'EdDSA') return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
  if (alg.startsWith('RS')) return jwk.kty === 'RSA';
  return jwk.kty === 'EC' && jwk.crv === CURVE_BY_ALG[alg];
}

function importPublicKey(jwk: Record<string, unknown>, alg: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch {
    throw invalid('The DPoP proof jwk is not a usable public key');
  }
  if (alg.startsWith('RS') && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw invalid(`The DPoP proof RSA key is shorter than ${MIN_RSA_BITS} bits`);
  }
  return key;
}

/** The proof's header checks: type, algorithm, and a public key that fits it. Returns the key. */
function checkProofHeader(header: Readonly<Record<string, unknown>>, algorithms: ReadonlySet<string>) {
  if (header.typ !== 'dpop+jwt') throw invalid('The DPoP proof typ must be dpop+jwt');
  const alg = header.alg;
  if (typeof alg !== 'string' || !algorithms.has(alg) || !(alg in HASH_BY_ALG)) {
    throw invalid(`The DPoP proof algorithm is not allowed (allowed: ${[...algorithms].join(', ')})`);
  }
  if (header.crit !== undefined) throw invalid('The DPoP proof header parameter "crit" is not accepted');
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalid('The DPoP proof header has no jwk');
  }
  const members = jwk as Record<string, unknown>;
  for (const name of PRIVATE_MEMBERS) {
    if (members[name] !== undefined) throw invalid('The DPoP proof jwk must be a public key');
  }
  if (!keyFitsAlg(members, alg)) throw invalid(`The DPoP proof jwk does not fit ${alg}`);
  const jkt = computeJwkThumbprint(members);
  if (jkt === undefined) throw invalid('The DPoP proof jwk lacks a required member');
  return { alg, key: importPublicKey(members, alg), jkt };
}

// A client signs every proof with the same key, so its header segment repeats: the checked header
// (algorithm, imported key, thumbprint) is a pure function of that segment and is kept for a few.
const HEADER_CACHE_SIZE = 64;
const checkedHeaders = new Map<string, ReturnType<typeof checkProofHeader>>();

function checkHeaderSegment(
  proof: string,
  header: Readonly<Record<string, unknown>>,
  algorithms: ReadonlySet<string>,
) {
  const segment = proof.slice(0, proof.indexOf('.'));
  const cached = checkedHeaders.get(segment);
  // The allowed algorithms are options: a cached header still has to pass them.
  if (cached !== undefined && algorithms.has(cached.alg)) return cached;
  const checked = checkProofHeader(header, algorithms);
  if (checkedHeaders.size >= HEADER_CACHE_SIZE) checkedHeaders.clear();
  checkedHeaders.set(segment, checked);
  return checked;
}

/** base64url(SHA-256(access token)): the proof's `ath` (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) for one request: `typ` `dpop+jwt`, an allowed asymmetric
 * `alg`, a public `jwk` that fits it, the signature with that key, `htm` and `htu` against the
 * request, `iat` within the window, `ath` the hash of the access token, the key's thumbprint equal
 * to the token's `cnf.jkt`, and last `jti` never seen before (so a refused proof burns no identifier).
 *
 * @throws {TokenError} `DPOP_PROOF_INVALID` for a missing or malformed proof or any failed check,
 *   `DPOP_BINDING_MISMATCH` when the proof key is not the one the token is bound to,
 *   `DPOP_REPLAYED` when the proof was used before. Messages never quote the proof or the token.
 * @example
 * await verifyDpopProof({ proof, accessToken, method: 'GET', url, expectedJkt: claims.cnf.jkt, replayStore });
 */
export async function verifyDpopProof(options: VerifyDpopProofOptions): Promise<VerifiedDpopProof> {
  const { proof } = options;
  if (typeof proof !== 'string' || proof === '') throw invalid('The request carries no DPoP proof');
  if (proof.length > MAX_DPOP_PROOF_BYTES) {
    throw invalid(`The DPoP proof exceeds ${MAX_DPOP_PROOF_BYTES} bytes`);
  }
  let decoded: ReturnType<typeof decodeJws>;
  try {
    decoded = decodeJws(proof);
  } catch (err) {
    throw invalid(`The DPoP proof is malformed: ${(err as Error).message}`);
  }
  const algorithms = options.algorithms ?? new Set<string>(BOUND_TOKEN_DEFAULTS.dpopAlgorithms);
  const { alg, key, jkt } = checkHeaderSegment(proof, decoded.header, algorithms);
  const valid = jwsSignatureVerifies(
    decoded,
    HASH_BY_ALG[alg] ?? null,
    alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key,
  );
  if (!valid) throw invalid('The DPoP proof signature is invalid');

  const claims = decoded.payload;
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw invalid(`The DPoP proof jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
  }
  if (typeof claims.htm !== 'string' || claims.htm !== options.method.toUpperCase()) {
    throw invalid('The DPoP proof htm does not match the request method');
  }
  const expectedHtu = normalizeHtu(options.url);
  if (expectedHtu === undefined) throw invalid('The request URL cannot be compared with the DPoP proof htu');
  if (typeof claims.htu !== 'string' || normalizeHtu(claims.htu, true) !== expectedHtu) {
    throw invalid('The DPoP proof htu does not match the request URL');
  }
  const iat = claims.iat;
  const now = options.nowSeconds ?? Date.now() / 1000;
  const maxAge = options.maxAgeSeconds ?? BOUND_TOKEN_DEFAULTS.dpopMaxAgeSeconds;
  const skew = options.clockSkewSeconds ?? BOUND_TOKEN_DEFAULTS.dpopClockSkewSeconds;
  if (typeof iat !== 'number') throw invalid('The DPoP proof has no iat');
  if (iat > now + skew) throw invalid('The DPoP proof was issued in the future (iat)');
  if (now - iat > maxAge) throw invalid(`The DPoP proof is older than ${maxAge} s (iat)`);
  if (typeof claims.ath !== 'string' || claims.ath !== accessTokenHash(options.accessToken)) {
    throw invalid('The DPoP proof ath is not the hash of the access token');
  }
  if (jkt !== options.expectedJkt) {
    throw new TokenError('DPOP_BINDING_MISMATCH', 'The DPoP proof key is not the key the token is bound to');
  }
  // The identifier is remembered per key and hashed: a fixed-size key whatever the jti holds.
  const replayKey = createHash('sha256').update(`${jkt}.${jti}`).digest('base64url');
  if (!(await options.replayStore.checkAndRemember(replayKey, Math.ceil(iat + maxAge + skew)))) {
    throw new TokenError('DPOP_REPLAYED', 'The DPoP proof was used before (jti)');
  }
  return { jkt };
}
