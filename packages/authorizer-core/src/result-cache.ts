import type { JwksKey } from './jwks-cache.js';
import type { VerifiedToken } from './verifier.js';

/** Where the result cache asks whether a token's key is still published; the JWKS cache is one. */
export interface PublishedKeys {
  getCachedKey(jwksUri: string, kid: string): JwksKey | undefined;
}

interface CachedResult {
  /** The whole token: the entry serves this token only, never another with its fingerprint. */
  readonly token: string;
  readonly verified: VerifiedToken;
  readonly expiresAtMs: number;
  readonly jwksUri: string;
}

/** A small integer taken from the token's last 16 characters (its signature's): FNV-1a, 30 bits. */
export function fingerprintOf(token: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, token.length - 16); i < token.length; i++) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  }
  return hash & 0x3fffffff;
}

/**
 * Admits a token on its second sight. A stream of one-off tokens then leaves no retained strings and
 * results behind (which the GC would promote and sweep again), while a token that comes back is
 * cached from its second call on. It remembers fingerprints, not tokens; a collision only admits a
 * token one call early. At `capacity` fingerprints it forgets them all.
 */
export class SecondSightFilter {
  private readonly seenOnce = new Set<number>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** True when the token was seen before (and forgets it); otherwise remembers it and says false. */
  admit(token: string): boolean {
    const fingerprint = fingerprintOf(token);
    if (this.seenOnce.delete(fingerprint)) return true;
    if (this.seenOnce.size >= this.capacity) this.seenOnce.clear();
    this.seenOnce.add(fingerprint);
    return false;
  }
}

/**
 * The bounded cache of verified results, least recently used first out. An entry is served only
 * to the very token it was verified from, while the token is within its `exp` (and its max age) and
 * its key is still in the JWKS; a token enters on its second verification (see
 * {@link SecondSightFilter}).
 *
 * Entries are keyed by the token's fingerprint, not the token: each invocation brings the token as
 * a new string, and a Map keyed by it hashes all of its characters on every lookup (about 1 µs for
 * an RS256 token, the cost of the whole cache hit otherwise). Two tokens with one fingerprint share
 * a slot, the later one replacing the earlier; a lookup compares the whole token.
 */
export class ResultCache {
  private readonly entries = new Map<number, CachedResult>();
  private readonly admission: SecondSightFilter;
  private readonly maxEntries: number;
  private readonly evictionBatch: number;
  private readonly maxTokenAgeSeconds: number | undefined;

  constructor(maxEntries: number, maxTokenAgeSeconds: number | undefined) {
    this.maxEntries = maxEntries;
    this.maxTokenAgeSeconds = maxTokenAgeSeconds;
    // Evicts the least recently used sixteenth at once: one iterator per batch instead of one per
    // insert keeps a cache that always misses (a stream of distinct tokens) cheap.
    this.evictionBatch = Math.max(1, maxEntries >> 4);
    this.admission = new SecondSightFilter(maxEntries * 4);
  }

  /** The cached result of `token`, or undefined when it has none that may still be served. */
  get(token: string, keys: PublishedKeys): VerifiedToken | undefined {
    // An empty cache (every token so far seen once) need not fingerprint the token to say so.
    if (this.entries.size === 0) return undefined;
    const fingerprint = fingerprintOf(token);
    const hit = this.entries.get(fingerprint);
    if (hit === undefined || hit.token !== token) return undefined;
    // The key must still be in the JWKS; asking for it also starts the refresh of a JWKS past its
    // max age, which is how a removed key reaches tokens that are only ever cache hits.
    if (hit.expiresAtMs > Date.now() && keys.getCachedKey(hit.jwksUri, hit.verified.header.kid)) {
      // Least recently used goes first: move the hit to the end.
      this.entries.delete(fingerprint);
      this.entries.set(fingerprint, hit);
      return hit.verified;
    }
    this.entries.delete(fingerprint);
    return undefined;
  }

  /** Keeps `verified` for `token` if the admission filter lets it in, evicting if full. */
  offer(token: string, verified: VerifiedToken, jwksUri: string): void {
    if (!this.admission.admit(token)) return;
    const { exp, iat } = verified.claims;
    const maxAge = this.maxTokenAgeSeconds;
    // Never past `exp`, nor past the moment the token becomes older than the max token age.
    const until = maxAge !== undefined && iat !== undefined ? Math.min(exp, iat + maxAge) : exp;
    const fingerprint = fingerprintOf(token);
    if (this.entries.size >= this.maxEntries && !this.entries.has(fingerprint)) this.evictOldest();
    this.entries.set(fingerprint, { token, verified, expiresAtMs: until * 1000, jwksUri });
  }

  /** Drops every entry, e.g. when the keys they were verified with changed. */
  clear(): void {
    this.entries.clear();
  }

  /** How many results are held. */
  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    let left = this.evictionBatch;
    for (const fingerprint of this.entries.keys()) {
      this.entries.delete(fingerprint);
      if (--left === 0) break;
    }
  }
}
