import { assertClaimsAccepted, findTrustedIssuer } from './claims.js';
import { type AuthorizerContext, buildContext } from './context.js';
import { deepFreeze } from './deep-freeze.js';
import { TokenError } from './errors.js';
import { type AcceptedHeader, acceptHeader } from './header-policy.js';
import { IssuerKeys } from './issuer-keys.js';
import { decodeJws } from './jws.js';
import type { ResolvedIssuer, ResolvedOptions } from './options.js';
import { ResultCache } from './result-cache.js';
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

/**
 * Builds the verifier: aws-jwt-verify checks the JWKS and its JWKs and validates
 * `exp`/`nbf`/`iss`/`aud`; this adds a strict compact-JWS decoder, the algorithm allowlist, required
 * `kid` and `exp`, refused key-bearing headers, the max token age, OpenID discovery of the JWKS, a
 * JWKS cache with a short cool-down, a one-shot `crypto.verify`, and a bounded cache of verified
 * results that never outlives a token's `exp`.
 *
 * The checks, in order: size, result cache, compact JWS (`jws.ts`), header (`header-policy.ts`),
 * issuer (`claims.ts`), key (`issuer-keys.ts`: discovery and JWKS), signature (`signature.ts`),
 * claims (`claims.ts`).
 *
 * @example
 * const verifier = createVerifier(resolveOptions({ issuer, audience }));
 * const { claims, scopes } = await verifier.verify(token);
 */
export function createVerifier(options: ResolvedOptions): TokenVerifier {
  const { algorithms, issuers, maxTokenBytes } = options;
  const results =
    options.resultCacheSize > 0
      ? new ResultCache(options.resultCacheSize, options.maxTokenAgeSeconds)
      : undefined;
  // A key removed from the JWKS must stop validating tokens that were cached with it.
  const keys = new IssuerKeys(options, () => results?.clear());
  const decodedHeaders = new Map<string, Record<string, unknown>>();
  // The header cache hands back one frozen object per header segment, and acceptHeader is a pure
  // function of it: the answer for the last one seen is kept.
  let lastHeader: Readonly<Record<string, unknown>> | undefined;
  let lastAccepted: AcceptedHeader | undefined;
  const accept = (decodedHeader: Readonly<Record<string, unknown>>): AcceptedHeader => {
    if (decodedHeader === lastHeader && lastAccepted !== undefined) return lastAccepted;
    const accepted = acceptHeader(decodedHeader, algorithms);
    lastHeader = Object.isFrozen(decodedHeader) ? decodedHeader : undefined;
    lastAccepted = accepted;
    return accepted;
  };
  // findTrustedIssuer is a pure function of the iss string: the answer for the last one is kept.
  let lastIss: unknown;
  let lastIssuer: ResolvedIssuer | undefined;
  const trustedIssuer = (payload: Readonly<Record<string, unknown>>): ResolvedIssuer => {
    if (payload.iss === lastIss && lastIssuer !== undefined) return lastIssuer;
    const issuer = findTrustedIssuer(payload, issuers);
    lastIss = payload.iss;
    lastIssuer = issuer;
    return issuer;
  };

  return {
    async verify(token: string): Promise<VerifiedToken> {
      if (typeof token !== 'string' || token === '')
        throw new TokenError('TOKEN_MISSING', 'No token was given');
      if (token.length > maxTokenBytes) {
        throw new TokenError('TOKEN_TOO_LARGE', `The token exceeds ${maxTokenBytes} bytes`);
      }
      if (results !== undefined) {
        const cached = results.get(token, keys);
        if (cached !== undefined) return cached;
      }
      const decoded = decodeJws(token, decodedHeaders);
      const header = accept(decoded.header);
      const issuer = trustedIssuer(decoded.payload);
      // A known JWKS location and a cached key need no await: the usual path stays synchronous.
      const { key, jwksUri } =
        keys.cachedKey(issuer, header.kid) ?? (await keys.fetchKey(issuer, header.kid));
      assertSignatureValid(decoded, header.alg, key);
      assertClaimsAccepted(decoded.payload, issuer, Date.now() / 1000, options);
      assertAccessTokenType(options.tokenTypes, decoded.header, decoded.payload);
      // Frozen to the last nested value before any rule or handler sees them: the result is cached.
      const claims = deepFreeze(decoded.payload as unknown as JwtClaims);
      assertRequiredClaims(options.requiredClaims, claims);
      const { scopes, dropped } = readScopeClaims(claims);
      const verified: VerifiedToken = Object.freeze({
        claims,
        header,
        issuer: issuer.issuer,
        scopes: Object.freeze(scopes),
        droppedScopes: dropped,
        context: Object.freeze(buildContext({ claims, scopes }, options.contextClaims)),
      });
      if (results !== undefined) results.offer(token, verified, jwksUri);
      return verified;
    },

    hydrate(): Promise<void> {
      return keys.hydrate(issuers.values());
    },
  };
}
