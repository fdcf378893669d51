import { createPublicKey, type KeyObject } from 'node:crypto';
import { assertIsJwks, assertIsSignatureJwk, type Jwk, type Jwks } from 'aws-jwt-verify/jwk';
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { KeysUnavailableError, TokenError } from './errors.js';
import type { Fetcher } from './fetcher.js';

export type { Jwk, Jwks };

/** Default time after which a JWKS is refetched (in the background; the cached keys keep serving). */
export const DEFAULT_JWKS_MAX_AGE_SECONDS = 600;
/** Default least time between two JWKS requests caused by unknown kids or failures. */
export const DEFAULT_JWKS_COOLDOWN_MS = 2000;

/** A key of the JWKS, checked and turned into a KeyObject once, when the JWKS is loaded. */
export interface JwksKey {
  readonly kid: string;
  readonly kty: string;
  readonly crv: string | undefined;
  readonly alg: string | undefined;
  /** The public key, or undefined when the JWK is not usable for signatures. */
  readonly keyObject: KeyObject | undefined;
  /** Why the JWK cannot verify signatures (e.g. `use` is `enc`); undefined when usable. */
  readonly unusableReason: string | undefined;
}

export interface JwksCacheOptions {
  fetcher: Fetcher;
  /** Refetch a JWKS older than this (default 600 s). */
  maxAgeSeconds?: number;
  /** Least time between JWKS requests caused by unknown kids or failed fetches (default 2000 ms). */
  cooldownMs?: number;
  /** Called after a JWKS with a different key set replaced a cached one (e.g. to drop cached results). */
  onKeysChanged?: (jwksUri: string) => void;
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
}

interface JwksState {
  keys: Map<string, JwksKey> | undefined;
  fingerprint: string;
  loadedAt: number;
  lastAttemptAt: number;
  lastError: KeysUnavailableError | undefined;
  inflight: Promise<void> | undefined;
  isStatic: boolean;
}

const MIN_RSA_BITS = 2048;

function toJwksKey(jwk: Jwk & { kid: string }): JwksKey {
  const base = { kid: jwk.kid, kty: jwk.kty, crv: jwk.crv, alg: jwk.alg };
  try {
    assertIsSignatureJwk(jwk);
    const keyObject = createPublicKey({
      key: jwk as unknown as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
    const bits = keyObject.asymmetricKeyDetails?.modulusLength;
    if (jwk.kty === 'RSA' && (bits === undefined || bits < MIN_RSA_BITS)) {
      return { ...base, keyObject: undefined, unusableReason: `RSA key shorter than ${MIN_RSA_BITS} bits` };
    }
    return { ...base, keyObject, unusableReason: undefined };
  } catch (err) {
    return { ...base, keyObject: undefined, unusableReason: (err as Error).message };
  }
}

function parseJwks(body: ArrayBuffer, jwksUri: string): Jwks {
  try {
    const text = new TextDecoder('utf8', { fatal: true, ignoreBOM: true }).decode(body);
    const jwks = safeJsonParse(text);
    assertIsJwks(jwks);
    return jwks;
  } catch (err) {
    throw new KeysUnavailableError('JWKS_INVALID', `JWKS at ${jwksUri} is not a valid JWKS document`, {
      cause: err,
    });
  }
}

function indexJwks(jwks: Jwks): { keys: Map<string, JwksKey>; fingerprint: string } {
  const keys = new Map<string, JwksKey>();
  for (const jwk of jwks.keys) {
    // A key without kid can never be selected: tokens must name their key.
    if (typeof jwk.kid !== 'string' || jwk.kid === '' || keys.has(jwk.kid)) continue;
    keys.set(jwk.kid, toJwksKey(jwk as Jwk & { kid: string }));
  }
  return { keys, fingerprint: JSON.stringify(jwks.keys) };
}

/**
 * Caches the keys of one or more JWKS URIs: one fetch, shared by concurrent callers; a refetch on an
 * unknown kid at most once per cool-down, so a flood of random kids cannot hammer the issuer while a
 * freshly rotated key is still picked up within the cool-down; a background refresh once the JWKS is
 * older than its max age; static JWKS that never touch the network.
 *
 * @example
 * const cache = new JwksCache({ fetcher: createHttpFetcher() });
 * const key = await cache.getKey('https://tenant.auth0.com/.well-known/jwks.json', 'kid-1');
 */
export class JwksCache {
  readonly #fetcher: Fetcher;
  readonly #maxAgeMs: number;
  readonly #cooldownMs: number;
  readonly #onKeysChanged: ((jwksUri: string) => void) | undefined;
  readonly #now: () => number;
  readonly #states = new Map<string, JwksState>();

  constructor(options: JwksCacheOptions) {
    this.#fetcher = options.fetcher;
    this.#maxAgeMs = (options.maxAgeSeconds ?? DEFAULT_JWKS_MAX_AGE_SECONDS) * 1000;
    this.#cooldownMs = options.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
    this.#onKeysChanged = options.onKeysChanged;
    this.#now = options.now ?? Date.now;
  }

  #state(jwksUri: string): JwksState {
    let state = this.#states.get(jwksUri);
    if (!state) {
      state = {
        keys: undefined,
        fingerprint: '',
        loadedAt: 0,
        lastAttemptAt: Number.NEGATIVE_INFINITY,
        lastError: undefined,
        inflight: undefined,
        isStatic: false,
      };
      this.#states.set(jwksUri, state);
    }
    return state;
  }

  /**
   * Adds a JWKS for a URI: its keys are used as they are and never refetched.
   *
   * @throws {KeysUnavailableError} `JWKS_INVALID` when `jwks` is not a JWKS.
   */
  addJwks(jwksUri: string, jwks: Jwks): void {
    try {
      assertIsJwks(jwks);
    } catch (err) {
      throw new KeysUnavailableError('JWKS_INVALID', `Static JWKS for ${jwksUri} is not a valid JWKS`, {
        cause: err,
      });
    }
    const state = this.#state(jwksUri);
    const { keys, fingerprint } = indexJwks(jwks);
    Object.assign(state, { keys, fingerprint, loadedAt: this.#now(), isStatic: true, lastError: undefined });
  }

  /** The cached key for `kid`, or undefined when the JWKS or the kid is not cached (no I/O). */
  getCachedKey(jwksUri: string, kid: string): JwksKey | undefined {
    const state = this.#states.get(jwksUri);
    const key = state?.keys?.get(kid);
    if (key && state && !state.isStatic && this.#now() - state.loadedAt > this.#maxAgeMs) {
      this.#refreshInBackground(jwksUri, state);
    }
    return key;
  }

  /**
   * The key for `kid`, fetching the JWKS when it is not cached yet, or refetching it for an unknown kid
   * once the cool-down since the last request has passed.
   *
   * @throws {TokenError} `KID_UNKNOWN` when the JWKS has no such key.
   * @throws {KeysUnavailableError} `JWKS_UNAVAILABLE` / `JWKS_INVALID` when the JWKS cannot be had.
   */
  async getKey(jwksUri: string, kid: string): Promise<JwksKey> {
    const cached = this.getCachedKey(jwksUri, kid);
    if (cached) return cached;
    const state = this.#state(jwksUri);
    if (state.inflight) {
      await state.inflight.catch(() => undefined);
    } else if (!state.isStatic && this.#now() - state.lastAttemptAt >= this.#cooldownMs) {
      await this.#load(jwksUri, state);
    }
    const key = state.keys?.get(kid);
    if (key) return key;
    if (!state.keys) {
      throw (
        state.lastError ?? new KeysUnavailableError('JWKS_UNAVAILABLE', `JWKS at ${jwksUri} is not available`)
      );
    }
    throw new TokenError('KID_UNKNOWN', 'The token names a key that is not in the JWKS');
  }

  /**
   * Fetches the JWKS now (sharing a fetch already under way), e.g. at cold start.
   *
   * @throws {KeysUnavailableError} when the JWKS cannot be fetched or is invalid.
   */
  async refresh(jwksUri: string): Promise<void> {
    const state = this.#state(jwksUri);
    if (state.isStatic) return;
    await (state.inflight ?? this.#load(jwksUri, state));
  }

  #refreshInBackground(jwksUri: string, state: JwksState): void {
    if (state.inflight || this.#now() - state.lastAttemptAt < this.#cooldownMs) return;
    // Stale keys keep serving while the refresh runs; a failed refresh keeps them.
    this.#load(jwksUri, state).catch(() => undefined);
  }

  #load(jwksUri: string, state: JwksState): Promise<void> {
    state.lastAttemptAt = this.#now();
    const inflight = this.#fetcher
      .fetch(jwksUri)
      .then((body) => {
        const { keys, fingerprint } = indexJwks(parseJwks(body, jwksUri));
        const changed = state.keys !== undefined && fingerprint !== state.fingerprint;
        state.keys = keys;
        state.fingerprint = fingerprint;
        state.loadedAt = this.#now();
        state.lastError = undefined;
        if (changed) this.#onKeysChanged?.(jwksUri);
      })
      .catch((err: unknown) => {
        const error =
          err instanceof KeysUnavailableError
            ? err
            : new KeysUnavailableError('JWKS_UNAVAILABLE', `JWKS request to ${jwksUri} failed`, {
                cause: err,
              });
        state.lastError = error;
        throw error;
      })
      .finally(() => {
        state.inflight = undefined;
      });
    state.inflight = inflight;
    return inflight;
  }
}
