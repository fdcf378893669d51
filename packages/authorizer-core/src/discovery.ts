import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { ConfigurationError, KeysUnavailableError } from './errors.js';
import { assertSecureUrl, type Fetcher } from './fetcher.js';
import { normalizeIssuer, type ResolvedIssuer } from './options.js';
import { quote } from './quote.js';

/** Where an issuer's keys are, and how that was learnt. */
export interface JwksLocation {
  readonly jwksUri: string;
  /** The discovery document consulted, or undefined when the JWKS URI was configured. */
  readonly discoveryUri: string | undefined;
  /** True when discovery answered 404 and the default `{issuer}/.well-known/jwks.json` is used. */
  readonly fallback: boolean;
}

/**
 * The OpenID discovery URL of an issuer: `{issuer}/.well-known/openid-configuration`, with one
 * trailing slash of the issuer dropped first (OpenID Connect Discovery 1.0, section 4).
 *
 * @example
 * discoveryUrl('https://tenant.auth0.com/'); // 'https://tenant.auth0.com/.well-known/openid-configuration'
 */
export function discoveryUrl(issuer: string): string {
  return `${normalizeIssuer(issuer)}/.well-known/openid-configuration`;
}

function invalid(message: string, cause?: unknown): KeysUnavailableError {
  return new KeysUnavailableError('JWKS_INVALID', message, cause === undefined ? undefined : { cause });
}

/**
 * Reads `jwks_uri` from a discovery document after checking that its `issuer` is the configured one
 * (RFC 8414 section 3.3; a trailing-slash difference is tolerated, as for the token's `iss`) and that
 * the URI obeys the transport rule.
 *
 * @throws {KeysUnavailableError} `JWKS_INVALID` naming both issuers, or what is wrong with the document.
 */
export function readDiscoveryDocument(body: ArrayBuffer, issuer: string, uri: string): string {
  let document: unknown;
  try {
    document = safeJsonParse(new TextDecoder('utf8', { fatal: true, ignoreBOM: true }).decode(body));
  } catch (err) {
    throw invalid(`The discovery document at ${uri} is not JSON`, err);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw invalid(`The discovery document at ${uri} is not a JSON object`);
  }
  const fields = document as Record<string, unknown>;
  if (typeof fields.issuer !== 'string' || normalizeIssuer(fields.issuer) !== normalizeIssuer(issuer)) {
    throw invalid(
      `The discovery document at ${uri} names the issuer ${quote(fields.issuer)}, but the configured issuer (TOKEN_ISSUER) is "${issuer}": set TOKEN_ISSUER to the provider's issuer exactly`,
    );
  }
  if (typeof fields.jwks_uri !== 'string' || fields.jwks_uri === '') {
    throw invalid(`The discovery document at ${uri} has no jwks_uri: set JWKS_URI`);
  }
  try {
    assertSecureUrl(fields.jwks_uri, 'jwks_uri');
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    throw invalid(`The discovery document at ${uri}: ${err.message}`, err);
  }
  return fields.jwks_uri;
}

export interface JwksLocatorOptions {
  fetcher: Fetcher;
  /** Least time between two discovery requests after a failure. */
  cooldownMs: number;
  now?: () => number;
}

interface DiscoveryState {
  location: JwksLocation | undefined;
  inflight: Promise<JwksLocation> | undefined;
  lastError: KeysUnavailableError | undefined;
  failedAt: number;
}

/** Finds each issuer's JWKS URI: the configured one, or by discovery once per container. */
export interface JwksLocator {
  /** The location when known without I/O (configured, or already discovered). */
  cached(issuer: ResolvedIssuer): JwksLocation | undefined;
  /**
   * The location, discovering it when needed; one request shared by concurrent callers; after a
   * failure, the same error until the cool-down has passed.
   *
   * @throws {KeysUnavailableError} when the discovery document cannot be had or is wrong.
   */
  locate(issuer: ResolvedIssuer): Promise<JwksLocation>;
}

/**
 * Creates the locator of a verifier. Discovery uses the JWKS fetcher (https except loopback, time
 * limit, size cap, no redirects); a 404 means the issuer publishes no discovery document, and only
 * then is `{issuer}/.well-known/jwks.json` tried.
 *
 * @example
 * const locator = createJwksLocator({ fetcher: createHttpFetcher(), cooldownMs: 2000 });
 * const { jwksUri } = await locator.locate(issuer);
 */
export function createJwksLocator(options: JwksLocatorOptions): JwksLocator {
  const now = options.now ?? Date.now;
  const states = new Map<string, DiscoveryState>();
  const configured = new Map<string, JwksLocation>();

  function stateOf(issuer: ResolvedIssuer): DiscoveryState {
    let state = states.get(issuer.issuer);
    if (!state) {
      state = {
        location: undefined,
        inflight: undefined,
        lastError: undefined,
        failedAt: Number.NEGATIVE_INFINITY,
      };
      states.set(issuer.issuer, state);
    }
    return state;
  }

  async function discover(issuer: ResolvedIssuer): Promise<JwksLocation> {
    const uri = discoveryUrl(issuer.issuer);
    let body: ArrayBuffer;
    try {
      body = await options.fetcher.fetch(uri);
    } catch (err) {
      if (err instanceof KeysUnavailableError && err.status === 404) {
        return { jwksUri: issuer.jwksUri, discoveryUri: uri, fallback: true };
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new KeysUnavailableError(
        'JWKS_UNAVAILABLE',
        `OpenID discovery for issuer ${issuer.issuer} failed (${reason}): set JWKS_URI to the issuer's JWKS URL to skip discovery`,
        { cause: err, status: err instanceof KeysUnavailableError ? err.status : undefined },
      );
    }
    return { jwksUri: readDiscoveryDocument(body, issuer.issuer, uri), discoveryUri: uri, fallback: false };
  }

  return {
    cached(issuer) {
      if (issuer.discover) return states.get(issuer.issuer)?.location;
      // Built once per issuer: this is on the path of every verification.
      let location = configured.get(issuer.issuer);
      if (!location) {
        location = { jwksUri: issuer.jwksUri, discoveryUri: undefined, fallback: false };
        configured.set(issuer.issuer, location);
      }
      return location;
    },
    locate(issuer) {
      const known = this.cached(issuer);
      if (known) return Promise.resolve(known);
      const state = stateOf(issuer);
      if (state.inflight) return state.inflight;
      if (state.lastError && now() - state.failedAt < options.cooldownMs)
        return Promise.reject(state.lastError);
      const inflight = discover(issuer)
        .then((location) => {
          state.location = location;
          state.lastError = undefined;
          return location;
        })
        .catch((err: unknown) => {
          const error =
            err instanceof KeysUnavailableError
              ? err
              : new KeysUnavailableError('JWKS_UNAVAILABLE', `OpenID discovery for ${issuer.issuer} failed`, {
                  cause: err,
                });
          state.lastError = error;
          state.failedAt = now();
          throw error;
        })
        .finally(() => {
          state.inflight = undefined;
        });
      state.inflight = inflight;
      return inflight;
    },
  };
}

/**
 * Rewrites a JWKS failure so it names the fix: after a discovery 404, both URLs; for a 404 from the
 * default JWKS path, that the provider may publish its keys elsewhere.
 */
export function explainJwksFailure(err: unknown, issuer: ResolvedIssuer, location: JwksLocation): unknown {
  if (!(err instanceof KeysUnavailableError)) return err;
  if (location.fallback) {
    return new KeysUnavailableError(
      err.code,
      `No keys found for issuer ${issuer.issuer}: ${location.discoveryUri} answered 404 and ${location.jwksUri} failed (${err.message}); the provider may publish its keys elsewhere: set JWKS_URI to its JWKS URL`,
      { cause: err, status: err.status },
    );
  }
  if (err.status === 404 && location.jwksUri === `${normalizeIssuer(issuer.issuer)}/.well-known/jwks.json`) {
    return new KeysUnavailableError(
      err.code,
      `${err.message}: the provider may publish its keys elsewhere: set JWKS_URI to its JWKS URL, or unset JWKS_URI to rely on OpenID discovery`,
      { cause: err, status: err.status },
    );
  }
  return err;
}
