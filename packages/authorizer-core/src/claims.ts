import {
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtNotBeforeError,
} from 'aws-jwt-verify/error';
import { validateJwtFields } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { TokenError } from './errors.js';
import { normalizeIssuer, type ResolvedIssuer } from './options.js';

/** The time rules of the claims check; `ResolvedOptions` is one. */
export interface ClaimTimeRules {
  readonly clockSkewSeconds: number;
  readonly maxTokenAgeSeconds: number | undefined;
}

/**
 * The configured issuer the (unverified) `iss` claim names, a trailing-slash difference tolerated.
 * Picking it before the signature check is safe: it only chooses which JWKS the key comes from.
 *
 * @throws {TokenError} `ISSUER_INVALID` when `iss` is absent or not configured.
 * @example
 * const issuer = findTrustedIssuer(decoded.payload, options.issuers);
 */
export function findTrustedIssuer(
  payload: Readonly<Record<string, unknown>>,
  issuers: ReadonlyMap<string, ResolvedIssuer>,
): ResolvedIssuer {
  const iss = payload.iss;
  const issuer = typeof iss === 'string' ? issuers.get(normalizeIssuer(iss)) : undefined;
  if (!issuer) throw new TokenError('ISSUER_INVALID', 'The token issuer is not trusted');
  return issuer;
}

/**
 * Whether the token is judged by `client_id` instead of `aud`. A token without `aud` can pass only
 * as an Amazon Cognito access token of a configured app client; a token with `aud` is always judged
 * by `aud`, even when client ids are configured.
 *
 * @throws {TokenError} `AUDIENCE_INVALID` when the client id or the audience can never be accepted.
 */
function judgedByClientId(payload: Readonly<Record<string, unknown>>, issuer: ResolvedIssuer): boolean {
  if (payload.aud !== undefined || issuer.clientIds.length === 0) {
    if (issuer.audiences.length === 0) {
      throw new TokenError('AUDIENCE_INVALID', 'The token audience is not accepted');
    }
    return false;
  }
  const clientId = payload.client_id;
  if (
    payload.token_use !== 'access' ||
    typeof clientId !== 'string' ||
    !issuer.clientIds.includes(clientId)
  ) {
    throw new TokenError('AUDIENCE_INVALID', 'The token client_id is not accepted');
  }
  return true;
}

function translateClaimError(err: unknown): never {
  if (err instanceof JwtExpiredError)
    throw new TokenError('TOKEN_EXPIRED', 'The token has expired', { cause: err });
  if (err instanceof JwtNotBeforeError) {
    throw new TokenError('TOKEN_NOT_YET_VALID', 'The token is not valid yet (nbf)', { cause: err });
  }
  if (err instanceof JwtInvalidIssuerError) {
    throw new TokenError('ISSUER_INVALID', 'The token issuer is not trusted', { cause: err });
  }
  if (err instanceof JwtInvalidAudienceError) {
    throw new TokenError('AUDIENCE_INVALID', 'The token audience is not accepted', { cause: err });
  }
  throw new TokenError('CLAIM_INVALID', 'The token claims are invalid', { cause: err });
}

/**
 * Whether `exp`, `nbf`, `iss` and `aud` certainly pass aws-jwt-verify's `validateJwtFields` with the
 * same options, checked without the two Sets and closures it builds per call. `false` proves nothing:
 * the caller then asks `validateJwtFields`, whose verdict and error are the rule. Types are already
 * checked by `decodeJws` (finite numbers, `iss` a string, `aud` a string or strings).
 */
function passesRegisteredClaims(
  payload: Readonly<Record<string, unknown>>,
  issuer: ResolvedIssuer,
  byClientId: boolean,
  skew: number,
): boolean {
  const now = Date.now() / 1000;
  const { exp, nbf, iss, aud } = payload;
  if (typeof exp !== 'number' || exp + skew < now) return false;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - skew > now)) return false;
  if (typeof iss !== 'string' || iss === '' || !issuer.issuerVariants.includes(iss)) return false;
  if (byClientId) return true;
  if (typeof aud === 'string') return aud !== '' && issuer.audiences.includes(aud);
  if (!Array.isArray(aud)) return false;
  for (const item of aud) {
    if (typeof item !== 'string') return false;
    if (issuer.audiences.includes(item)) return true;
  }
  return false;
}

/**
 * Accepts the claims of a token whose signature is valid: `exp` required and not passed, `nbf`
 * passed, `iss` one of the issuer's spellings, `aud` accepted (or, for a Cognito access token, its
 * `client_id`), `iat` not in the future, and with a max token age, `iat` present and recent enough.
 * aws-jwt-verify's `validateJwtFields` checks `exp`, `nbf`, `iss` and `aud`; the rest is checked here.
 *
 * @throws {TokenError} `EXP_MISSING`, `AUDIENCE_INVALID`, `TOKEN_EXPIRED`, `TOKEN_NOT_YET_VALID`,
 * `ISSUER_INVALID`, `CLAIM_INVALID`, `IAT_INVALID`, `TOKEN_TOO_OLD`.
 * @example
 * assertClaimsAccepted(decoded.payload, issuer, Date.now() / 1000, options);
 */
export function assertClaimsAccepted(
  payload: Record<string, unknown>,
  issuer: ResolvedIssuer,
  nowSeconds: number,
  rules: ClaimTimeRules,
): void {
  if (payload.exp === undefined) throw new TokenError('EXP_MISSING', 'The token has no exp claim');
  const byClientId = judgedByClientId(payload, issuer);
  const skew = rules.clockSkewSeconds;
  if (!passesRegisteredClaims(payload, issuer, byClientId, skew)) {
    try {
      validateJwtFields(payload as JwtPayload, {
        issuer: issuer.issuerVariants as string[],
        audience: byClientId ? null : (issuer.audiences as string[]),
        graceSeconds: skew,
      });
    } catch (err) {
      translateClaimError(err);
    }
  }
  const iat = payload.iat;
  if (iat !== undefined && (iat as number) > nowSeconds + skew) {
    throw new TokenError('IAT_INVALID', 'The token was issued in the future (iat)');
  }
  const maxAge = rules.maxTokenAgeSeconds;
  if (maxAge !== undefined) {
    if (iat === undefined)
      throw new TokenError('IAT_INVALID', 'The token has no iat claim, which the max token age needs');
    if (nowSeconds - (iat as number) > maxAge + skew)
      throw new TokenError('TOKEN_TOO_OLD', 'The token is older than allowed');
  }
}
