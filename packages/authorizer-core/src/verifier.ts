import { assertClaimsAccepted, findTrustedIssuer } from './claims.js';
import { type AuthorizerContext, buildContext } from './context.js';
import { deepFreeze } from './deep-freeze.js';
import { createJwksLocator, explainJwksFailure } from './discovery.js';
import { TokenError } from './errors.js';
import { createHttpFetcher } from './fetcher.js';
import { acceptHeader } from './header-policy.js';
import { JwksCache, type JwksKey } from './jwks-cache.js';
import { decodeJws } from './jws.js';
import type { ResolvedIssuer, ResolvedOptions } from './options.js';
import { assertRequiredClaims } from './rules.js';
import { readScopeClaims } from './scopes.js';
import { assertSignatureValid } from './signature.js';
import { assertAccessTokenType } from './token-types.js';

/** The registered claims the verifier guarantees, plus whatever else the token carries. */
export interface JwtClaims {
  readonly iss: string;
  readonly exp: number;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly scope?: string;
  readonly [claim: string]: unknown;
}

/** A token that passed every check. Holds no copy of the token itself. */
export interface VerifiedToken<Claims extends JwtClaims = JwtClaims> {
  readonly claims: Readonly<Claims>;
  /** Non-secret header facts, fit for logs. */
  readonly header: { readonly alg: string; readonly kid: string };
  /** The configured issuer the token matched. */
  readonly issuer: string;
  /** Scopes from `scope`, `scp` and `permissions`: RFC 6749 scope-tokens only. */
  readonly scopes: readonly string[];
  /**
   * How many values of `scope`, `scp` and `permissions` were dropped for not being scope-tokens
   * (e.g. `"read:pets\tadmin"`): a count for the logs, never the values.
   */
  readonly droppedScopes: number;
  /** The authorizer context of the token (`sub`, `scope`, the configured context claims), frozen. */
  readonly context: Readonly<AuthorizerContext>;
}

/** Verifies tokens against the configured issuers; built once, used for every request. */
export interface TokenVerifier {
  /** @throws {TokenError} when the token is invalid; {KeysUnavailableError} when keys cannot be had. */
  verify(token: string): Promise<VerifiedToken>;
  /** Fetches every issuer's JWKS now. @throws {KeysUnavailableError} for the first that fails. */
  hydrate(): Promise<void>;
}

interface CacheEntry {
  readonly verified: VerifiedToken;
  readonly expiresAtMs: number;
  readonly jwksUri: string;
}

/**
 * Builds the verifier: aws-jwt-verify checks the JWKS and its JWKs and validates
 * `exp`/`nbf`/`iss`/`aud`; this adds a strict compact-JWS decoder, the algorithm allowlist, required
 * `kid` and `exp`, refused key-bearing headers, the max token age, a JWKS cache with a short
 * cool-down, a one-shot `crypto.verify`, and a bounded cache of verified results that never
 * outlives a token's `exp`.
 *
 * @example
 * const verifier = createVerifier(resolveOptions({ issuer, audience }));
 * const { claims, scopes } = await verifier.verify(token);
 */
export function createVerifier(options: ResolvedOptions): TokenVerifier {
  const resultCacheSize = options.resultCacheSize;
  const results = new Map<string, CacheEntry>();
  const fetcher =
    options.jwks.fetcher ??
    createHttpFetcher({ timeoutMs: options.jwks.timeoutMs, maxBytes: options.jwks.maxBytes });
  const jwksCache = new JwksCache({
    fetcher,
    maxAgeSeconds: options.jwks.maxAgeSeconds,
    cooldownMs: options.jwks.cooldownMs,
    // A key removed from the JWKS must stop validating tokens that were cached with it.
    onKeysChanged: () => results.clear(),
  });
  for (const issuer of options.issuers.values()) {
    if (issuer.jwks) jwksCache.addJwks(issuer.jwksUri, issuer.jwks);
  }
  const locator = createJwksLocator({
    fetcher,
    cooldownMs: options.jwks.cooldownMs,
  });

  async function fetchKey(issuer: ResolvedIssuer, kid: string): Promise<{ key: JwksKey; jwksUri: string }> {
    const location = locator.cached(issuer) ?? (await locator.locate(issuer));
    try {
      return { key: await jwksCache.getKey(location.jwksUri, kid), jwksUri: location.jwksUri };
    } catch (err) {
      throw explainJwksFailure(err, issuer, location);
    }
  }
  const maxAge = options.maxTokenAgeSeconds;

  // Evicts the least recently used sixteenth at once: one iterator per batch instead of one per
  // insert keeps a cache that always misses (a stream of distinct tokens) cheap.
  const evictionBatch = Math.max(1, resultCacheSize >> 4);
  function evictOldest(): void {
    let left = evictionBatch;
    for (const token of results.keys()) {
      results.delete(token);
      if (--left === 0) break;
    }
  }

  // A token enters the result cache on its second verification. A stream of one-off tokens then
  // leaves no retained strings and results behind (which the GC would promote and sweep again), while
  // a token that comes back is cached from its second call on. Fingerprints are small integers taken
  // from the signature's last characters; a collision only caches a token one call early.
  const seenOnce = new Set<number>();
  function admit(token: string): boolean {
    let hash = 0x811c9dc5;
    for (let i = Math.max(0, token.length - 16); i < token.length; i++) {
      hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
    }
    const fingerprint = hash & 0x3fffffff;
    if (seenOnce.delete(fingerprint)) return true;
    if (seenOnce.size >= resultCacheSize * 4) seenOnce.clear();
    seenOnce.add(fingerprint);
    return false;
  }

  const headers = new Map<string, Record<string, unknown>>();

  /** Parses the token and picks its issuer; no I/O. */
  function prepare(token: string) {
    const decoded = decodeJws(token, headers);
    const { alg, kid } = acceptHeader(decoded.header, options.algorithms);
    const issuer = findTrustedIssuer(decoded.payload, options.issuers);
    return { decoded, alg, kid, issuer };
  }

  /** Checks the signature with the key, then the claims; no I/O. */
  function complete({ decoded, alg, kid, issuer }: ReturnType<typeof prepare>, key: JwksKey): VerifiedToken {
    assertSignatureValid(decoded, alg, key);
    assertClaimsAccepted(decoded.payload, issuer, Date.now() / 1000, options);
    assertAccessTokenType(options.tokenTypes, decoded.header, decoded.payload);
    // Frozen to the last nested value before any rule or handler sees them: the result is cached.
    const claims = deepFreeze(decoded.payload as unknown as JwtClaims);
    assertRequiredClaims(options.requiredClaims, claims);
    const { scopes, dropped } = readScopeClaims(claims);
    return Object.freeze({
      claims,
      header: Object.freeze({ alg, kid }),
      issuer: issuer.issuer,
      scopes: Object.freeze(scopes),
      droppedScopes: dropped,
      context: Object.freeze(buildContext({ claims, scopes }, options.contextClaims)),
    });
  }

  return {
    async verify(token: string): Promise<VerifiedToken> {
      if (typeof token !== 'string' || token === '')
        throw new TokenError('TOKEN_MISSING', 'No token was given');
      if (token.length > options.maxTokenBytes) {
        throw new TokenError('TOKEN_TOO_LARGE', `The token exceeds ${options.maxTokenBytes} bytes`);
      }
      if (resultCacheSize > 0) {
        const hit = results.get(token);
        if (hit !== undefined) {
          // The key must still be in the JWKS; asking for it also starts the refresh of a JWKS past
          // its max age, which is how a removed key reaches tokens that are only ever cache hits.
          if (hit.expiresAtMs > Date.now() && jwksCache.getCachedKey(hit.jwksUri, hit.verified.header.kid)) {
            // Least recently used goes first: move the hit to the end.
            results.delete(token);
            results.set(token, hit);
            return hit.verified;
          }
          results.delete(token);
        }
      }
      const prepared = prepare(token);
      // The hot path stays synchronous: a known location and a cached key need no await.
      const location = locator.cached(prepared.issuer);
      const cachedKey = location && jwksCache.getCachedKey(location.jwksUri, prepared.kid);
      const { key, jwksUri } =
        location && cachedKey
          ? { key: cachedKey, jwksUri: location.jwksUri }
          : await fetchKey(prepared.issuer, prepared.kid);
      const verified = complete(prepared, key);
      if (resultCacheSize > 0 && admit(token)) {
        const { exp, iat } = verified.claims;
        const until = maxAge !== undefined && iat !== undefined ? Math.min(exp, iat + maxAge) : exp;
        if (results.size >= resultCacheSize) evictOldest();
        results.set(token, { verified, expiresAtMs: until * 1000, jwksUri });
      }
      return verified;
    },

    async hydrate(): Promise<void> {
      // Each issuer's discovery, then its JWKS, in parallel with the other issuers'.
      const issuers = [...options.issuers.values()].filter((issuer) => !issuer.jwks);
      await Promise.all(
        issuers.map(async (issuer) => {
          const location = await locator.locate(issuer);
          try {
            await jwksCache.refresh(location.jwksUri);
          } catch (err) {
            throw explainJwksFailure(err, issuer, location);
          }
        }),
      );
    },
  };
}
