import { ConfigurationError } from './errors.js';
import { assertSecureUrl } from './fetcher.js';
import { quote } from './quote.js';
import type { ReplayStore } from './replay-store.js';

/**
 * Whether tokens must be sender-constrained (RFC 9449 DPoP, RFC 8705 certificate-bound):
 * `optional` (default) makes a bound token prove possession and lets an unbound one pass,
 * `required` also refuses unbound tokens, `off` checks no binding and refuses the DPoP scheme.
 */
export type SenderConstrainedMode = 'required' | 'optional' | 'off';

/** DPoP proof checking (RFC 9449). */
export interface DpopOptions {
  /** A proof's `iat` may be at most this old, in seconds (default 60). */
  maxAgeSeconds?: number;
  /** A proof's `iat` may be at most this far ahead, in seconds (default 5). */
  clockSkewSeconds?: number;
  /** Proof algorithms accepted (default ES256, ES384, ES512, RS256, RS384, RS512, EdDSA). */
  algorithms?: readonly string[];
  /**
   * Where proof identifiers are remembered (default: in memory, which protects one process only;
   * give a shared store to protect every Lambda container).
   */
  replayStore?: ReplayStore;
  /**
   * The origin (and base path) clients call, e.g. `https://api.example.com/v1`, when a custom domain
   * or a base path mapping hides it from the event. Adapters rebuild the request URL from it.
   */
  publicBaseUrl?: string;
}

/** Token introspection (RFC 7662) for tokens that are not JWTs, or for every token. */
export interface IntrospectionOptions {
  /** The introspection endpoint (https, or http on loopback hosts). */
  url: string;
  /** Client credentials, sent as HTTP Basic (`client_secret_basic`). */
  clientId: string;
  clientSecret: string;
  /** `opaque` (default) introspects only tokens that are not JWTs; `all` every token (revocation). */
  mode?: 'opaque' | 'all';
  /** Time allowed for one request (default 3000 ms). */
  timeoutMs?: number;
  /** Largest answer accepted (default 64 KiB). */
  maxBytes?: number;
  /** An active answer is reused until the token's `exp`, at most this long (default 300 s). */
  cacheMaxSeconds?: number;
  /** A refusal is reused this long (default 10 s). */
  inactiveCacheSeconds?: number;
  /** Most answers cached (default 1000). */
  cacheSize?: number;
}

export interface ResolvedDpop {
  readonly maxAgeSeconds: number;
  readonly clockSkewSeconds: number;
  readonly algorithms: ReadonlySet<string>;
  readonly replayStore: ReplayStore | undefined;
  readonly publicBaseUrl: string | undefined;
}

export interface ResolvedIntrospection {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly mode: 'opaque' | 'all';
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly cacheMaxSeconds: number;
  readonly inactiveCacheSeconds: number;
  readonly cacheSize: number;
}

export interface ResolvedBoundTokenOptions {
  readonly senderConstrained: SenderConstrainedMode;
  readonly dpop: ResolvedDpop;
  readonly introspection: ResolvedIntrospection | undefined;
}

/** Defaults of the sender-constraint and introspection options. */
export const BOUND_TOKEN_DEFAULTS = Object.freeze({
  senderConstrained: 'optional' as SenderConstrainedMode,
  dpopMaxAgeSeconds: 60,
  dpopClockSkewSeconds: 5,
  dpopAlgorithms: Object.freeze(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'EdDSA']),
  introspectionMode: 'opaque' as const,
  introspectionTimeoutMs: 3000,
  introspectionMaxBytes: 64 * 1024,
  introspectionCacheMaxSeconds: 300,
  introspectionInactiveCacheSeconds: 10,
  introspectionCacheSize: 1000,
});

const DPOP_KEYS: Readonly<Record<keyof DpopOptions, true>> = {
  maxAgeSeconds: true,
  clockSkewSeconds: true,
  algorithms: true,
  replayStore: true,
  publicBaseUrl: true,
};
const INTROSPECTION_KEYS: Readonly<Record<keyof IntrospectionOptions, true>> = {
  url: true,
  clientId: true,
  clientSecret: true,
  mode: true,
  timeoutMs: true,
  maxBytes: true,
  cacheMaxSeconds: true,
  inactiveCacheSeconds: true,
  cacheSize: true,
};

function assertObject(value: unknown, setting: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`${setting} must be an object`, { setting });
  }
}

function assertKeys(value: Record<string, unknown>, known: object, where: string): void {
  for (const key of Object.keys(value)) {
    if (!(key in known)) {
      throw new ConfigurationError(
        `unknown option \`${where}${JSON.stringify(key).slice(1, -1)}\`; known options: ${Object.keys(known).join(', ')}`,
      );
    }
  }
}

function numberOr(value: unknown, fallback: number, setting: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigurationError(`${setting} must be a number from ${min} to ${max}, got ${String(value)}`, {
      setting,
    });
  }
  return value;
}

function nonEmptyString(value: unknown, setting: string, hint: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${setting} is required: ${hint}`, { setting });
  }
  return value;
}

/** RFC 6749 §2.3.1: client credentials are VSCHAR (%x20-7E). The message never quotes the value. */
function visibleAscii(value: string, setting: string): string {
  if (!/^[\x20-\x7e]+$/.test(value)) {
    throw new ConfigurationError(
      `${setting} must hold only printable ASCII characters (RFC 6749 client credentials)`,
      { setting },
    );
  }
  return value;
}

function resolveDpop(value: DpopOptions | undefined): ResolvedDpop {
  const dpop: DpopOptions = value ?? {};
  assertObject(value ?? {}, 'dpop');
  assertKeys(dpop as Record<string, unknown>, DPOP_KEYS, 'dpop.');
  const algorithms = dpop.algorithms ?? BOUND_TOKEN_DEFAULTS.dpopAlgorithms;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new ConfigurationError(
      `dpop.algorithms must be a non-empty array of ${BOUND_TOKEN_DEFAULTS.dpopAlgorithms.join(', ')}`,
    );
  }
  for (const alg of algorithms) {
    if (!BOUND_TOKEN_DEFAULTS.dpopAlgorithms.includes(alg)) {
      throw new ConfigurationError(
        `dpop.algorithms: ${quote(alg)} is not supported; use ${BOUND_TOKEN_DEFAULTS.dpopAlgorithms.join(', ')} (proofs are signed with asymmetric keys only)`,
      );
    }
  }
  const store = dpop.replayStore;
  if (store !== undefined && typeof (store as Partial<ReplayStore> | null)?.checkAndRemember !== 'function') {
    throw new ConfigurationError(
      'dpop.replayStore must be an object with a checkAndRemember(jti, expiresAtSeconds) method',
    );
  }
  let publicBaseUrl: string | undefined;
  if (dpop.publicBaseUrl !== undefined) {
    const url = assertSecureUrl(dpop.publicBaseUrl, 'dpop.publicBaseUrl');
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw new ConfigurationError(
        `dpop.publicBaseUrl must be an origin with an optional base path, e.g. https://api.example.com/v1, got ${quote(dpop.publicBaseUrl)}`,
        { setting: 'dpop.publicBaseUrl' },
      );
    }
    publicBaseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
  return {
    maxAgeSeconds: numberOr(
      dpop.maxAgeSeconds,
      BOUND_TOKEN_DEFAULTS.dpopMaxAgeSeconds,
      'dpop.maxAgeSeconds',
      1,
      3600,
    ),
    clockSkewSeconds: numberOr(
      dpop.clockSkewSeconds,
      BOUND_TOKEN_DEFAULTS.dpopClockSkewSeconds,
      'dpop.clockSkewSeconds',
      0,
      300,
    ),
    algorithms: new Set(algorithms),
    replayStore: store,
    publicBaseUrl,
  };
}

function resolveIntrospection(value: IntrospectionOptions | undefined): ResolvedIntrospection | undefined {
  if (value === undefined) return undefined;
  assertObject(value as unknown, 'introspection');
  assertKeys(value as unknown as Record<string, unknown>, INTROSPECTION_KEYS, 'introspection.');
  const url = nonEmptyString(
    value.url,
    'introspection.url',
    'the RFC 7662 endpoint, e.g. https://idp.example.com/oauth/introspect',
  );
  assertSecureUrl(url, 'introspection.url');
  const mode = value.mode ?? BOUND_TOKEN_DEFAULTS.introspectionMode;
  if (mode !== 'opaque' && mode !== 'all') {
    throw new ConfigurationError(`introspection.mode must be "opaque" or "all", got ${quote(mode)}`, {
      setting: 'introspection.mode',
    });
  }
  const d = BOUND_TOKEN_DEFAULTS;
  return {
    url,
    clientId: visibleAscii(
      nonEmptyString(value.clientId, 'introspection.clientId', 'the client id the endpoint authenticates'),
      'introspection.clientId',
    ),
    clientSecret: visibleAscii(
      nonEmptyString(
        value.clientSecret,
        'introspection.clientSecret',
        'the secret of introspection.clientId',
      ),
      'introspection.clientSecret',
    ),
    mode,
    timeoutMs: numberOr(value.timeoutMs, d.introspectionTimeoutMs, 'introspection.timeoutMs', 1, 60_000),
    maxBytes: numberOr(value.maxBytes, d.introspectionMaxBytes, 'introspection.maxBytes', 256, 1_048_576),
    cacheMaxSeconds: numberOr(
      value.cacheMaxSeconds,
      d.introspectionCacheMaxSeconds,
      'introspection.cacheMaxSeconds',
      0,
      86_400,
    ),
    inactiveCacheSeconds: numberOr(
      value.inactiveCacheSeconds,
      d.introspectionInactiveCacheSeconds,
      'introspection.inactiveCacheSeconds',
      0,
      3600,
    ),
    cacheSize: numberOr(value.cacheSize, d.introspectionCacheSize, 'introspection.cacheSize', 0, 1_000_000),
  };
}

/** The options of sender-constrained tokens and introspection, part of `AuthorizerOptions`. */
export interface BoundTokenOptions {
  /** Whether tokens must be sender-constrained (default `optional`). */
  senderConstrained?: SenderConstrainedMode;
  /** DPoP proof checking. */
  dpop?: DpopOptions;
  /** Token introspection (RFC 7662), off unless given. */
  introspection?: IntrospectionOptions;
}

/**
 * Validates the sender-constraint, DPoP and introspection options and applies their defaults.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the setting.
 */
export function resolveBoundTokenOptions(options: BoundTokenOptions): ResolvedBoundTokenOptions {
  const senderConstrained = options.senderConstrained ?? BOUND_TOKEN_DEFAULTS.senderConstrained;
  if (senderConstrained !== 'required' && senderConstrained !== 'optional' && senderConstrained !== 'off') {
    throw new ConfigurationError(
      `senderConstrained must be "required", "optional" or "off", got ${quote(senderConstrained)}`,
      { setting: 'senderConstrained' },
    );
  }
  return {
    senderConstrained,
    dpop: resolveDpop(options.dpop),
    introspection: resolveIntrospection(options.introspection),
  };
}
