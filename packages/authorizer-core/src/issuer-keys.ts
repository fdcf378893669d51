import { createJwksLocator, explainJwksFailure, type JwksLocator } from './discovery.js';
import { createHttpFetcher } from './fetcher.js';
import { JwksCache, type JwksKey } from './jwks-cache.js';
import type { ResolvedIssuer, ResolvedOptions } from './options.js';
import type { PublishedKeys } from './result-cache.js';

/** A signing key and the JWKS it was found in. */
export interface FoundKey {
  readonly key: JwksKey;
  readonly jwksUri: string;
}

/**
 * The signing keys of the configured issuers: where each issuer's JWKS is (its configured `jwksUri`,
 * or the `jwks_uri` of its OpenID discovery document, see `discovery.ts`) and the keys there, cached
 * with a cool-down (`jwks-cache.ts`). Static `jwks` are loaded up front and never fetched.
 */
export class IssuerKeys implements PublishedKeys {
  private readonly jwks: JwksCache;
  private readonly locator: JwksLocator;

  /** @param onKeysChanged called when a JWKS refresh changed the keys (see `JwksCacheOptions`). */
  constructor(options: ResolvedOptions, onKeysChanged: () => void) {
    const fetcher =
      options.jwks.fetcher ??
      createHttpFetcher({ timeoutMs: options.jwks.timeoutMs, maxBytes: options.jwks.maxBytes });
    this.jwks = new JwksCache({
      fetcher,
      maxAgeSeconds: options.jwks.maxAgeSeconds,
      cooldownMs: options.jwks.cooldownMs,
      onKeysChanged,
    });
    for (const issuer of options.issuers.values()) {
      if (issuer.jwks) this.jwks.addJwks(issuer.jwksUri, issuer.jwks);
    }
    this.locator = createJwksLocator({ fetcher, cooldownMs: options.jwks.cooldownMs });
  }

  /** The cached key `kid` of the JWKS at `jwksUri`, if still there; see `JwksCache.getCachedKey`. */
  getCachedKey(jwksUri: string, kid: string): JwksKey | undefined {
    return this.jwks.getCachedKey(jwksUri, kid);
  }

  /**
   * The issuer's key `kid` when it is known without I/O: the JWKS location is configured or already
   * discovered, and the key is cached. This keeps the verification of a known key synchronous.
   */
  cachedKey(issuer: ResolvedIssuer, kid: string): FoundKey | undefined {
    const location = this.locator.cached(issuer);
    const key = location && this.jwks.getCachedKey(location.jwksUri, kid);
    return location && key ? { key, jwksUri: location.jwksUri } : undefined;
  }

  /**
   * The issuer's key `kid`, discovering the JWKS location and fetching the JWKS when needed.
   *
   * @throws {KeysUnavailableError} when discovery or the JWKS fails, naming what to set.
   * @throws {TokenError} `KID_UNKNOWN` when the JWKS has no such key.
   * @example
   * const { key, jwksUri } = keys.cachedKey(issuer, kid) ?? (await keys.fetchKey(issuer, kid));
   */
  async fetchKey(issuer: ResolvedIssuer, kid: string): Promise<FoundKey> {
    const location = this.locator.cached(issuer) ?? (await this.locator.locate(issuer));
    try {
      return { key: await this.jwks.getKey(location.jwksUri, kid), jwksUri: location.jwksUri };
    } catch (err) {
      throw explainJwksFailure(err, issuer, location);
    }
  }

  /**
   * Fetches the JWKS of every issuer without static keys now: each issuer's discovery, then its
   * JWKS, in parallel with the other issuers'.
   *
   * @throws {KeysUnavailableError} for the first that fails.
   */
  async hydrate(issuers: Iterable<ResolvedIssuer>): Promise<void> {
    const fetched = [...issuers].filter((issuer) => !issuer.jwks);
    await Promise.all(
      fetched.map(async (issuer) => {
        const location = await this.locator.locate(issuer);
        try {
          await this.jwks.refresh(location.jwksUri);
        } catch (err) {
          throw explainJwksFailure(err, issuer, location);
        }
      }),
    );
  }
}
