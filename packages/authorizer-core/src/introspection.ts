import { createHash } from 'node:crypto';
import type { ResolvedIntrospection } from './bound-token-options.js';
import { buildContext, type ContextClaim } from './context.js';
import { KeysUnavailableError, TokenError } from './errors.js';
import { assertSecureUrl, requestWithRetry } from './fetcher.js';
import { normalizeIssuer, type ResolvedIssuer } from './options.js';
import { readScopeClaims } from './scopes.js';
import type { JwtClaims, VerifiedToken } from './verifier.js';

/** Judges tokens by asking the authorization server (RFC 7662). */
export interface Introspector {
  /**
   * @throws {TokenError} `TOKEN_INACTIVE` when the server says the token is not active, or the code
   *   of the claim check that failed (`ISSUER_INVALID`, `AUDIENCE_INVALID`, `EXP_MISSING`, …).
   * @throws {KeysUnavailableError} `INTROSPECTION_UNAVAILABLE` when no valid answer can be had (500).
   */
  introspect(token: string): Promise<VerifiedToken>;
}

/** What introspection needs besides its own options. */
export interface IntrospectorContext {
  readonly issuers: ReadonlyMap<string, ResolvedIssuer>;
  readonly clockSkewSeconds: number;
  /** The claims the authorizer context carries besides `sub` and `scope` (default none). */
  readonly contextClaims?: readonly ContextClaim[];
  /** The clock, in milliseconds (default `Date.now`). */
  readonly nowMs?: () => number;
}

/** The `header` of a {@link VerifiedToken} that came from introspection: no JWS header exists. */
export const INTROSPECTED_HEADER = Object.freeze({ alg: 'introspection', kid: '' });

interface Entry {
  readonly outcome: VerifiedToken | TokenError;
  readonly untilMs: number;
}

function unavailable(message: string, cause?: unknown): KeysUnavailableError {
  return new KeysUnavailableError('INTROSPECTION_UNAVAILABLE', message, { cause });
}

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64');
}

function parseAnswer(body: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    // No cause: the parser's message quotes the text, which may hold claims.
    throw unavailable(`${what} answered something that is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unavailable(`${what} answered something that is not a JSON object`);
  }
  // RFC 7662 §2.2: `active` is a boolean; anything else is a broken server, not an inactive token.
  if (typeof (value as Record<string, unknown>).active !== 'boolean') {
    throw unavailable(`${what} answered without a boolean "active"`);
  }
  return value as Record<string, unknown>;
}

function isStringList(value: unknown): value is string | string[] {
  return (
    typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  );
}

/**
 * Turns an active answer into the verified-token shape, with the checks a JWT gets: a trusted
 * `iss`, an accepted `aud` (or, without `aud`, a configured `client_id`), `exp` required and not
 * past, `nbf` reached, and registered members of the right types.
 */
function toVerifiedToken(
  answer: Record<string, unknown>,
  context: IntrospectorContext,
  nowSeconds: number,
): VerifiedToken {
  const { active: _active, ...claims } = answer;
  const { iss, exp, nbf, iat, aud, sub, scope, cnf } = claims;
  if (
    !(iss === undefined || typeof iss === 'string') ||
    !(exp === undefined || Number.isFinite(exp)) ||
    !(nbf === undefined || Number.isFinite(nbf)) ||
    !(iat === undefined || Number.isFinite(iat)) ||
    !(aud === undefined || isStringList(aud)) ||
    !(sub === undefined || typeof sub === 'string') ||
    !(scope === undefined || typeof scope === 'string') ||
    !(cnf === undefined || (typeof cnf === 'object' && cnf !== null && !Array.isArray(cnf)))
  ) {
    throw new TokenError('CLAIM_INVALID', 'The introspection answer has a member of the wrong type');
  }
  const issuer = typeof iss === 'string' ? context.issuers.get(normalizeIssuer(iss)) : undefined;
  if (issuer === undefined) throw new TokenError('ISSUER_INVALID', 'The token issuer is not trusted');
  if (aud !== undefined) {
    const audiences = typeof aud === 'string' ? [aud] : aud;
    if (!audiences.some((value) => issuer.audiences.includes(value))) {
      throw new TokenError('AUDIENCE_INVALID', 'The token audience is not accepted');
    }
  } else if (typeof claims.client_id !== 'string' || !issuer.clientIds.includes(claims.client_id)) {
    throw new TokenError('AUDIENCE_INVALID', 'The token has no aud and its client_id is not accepted');
  }
  const skew = context.clockSkewSeconds;
  if (exp === undefined) throw new TokenError('EXP_MISSING', 'The introspection answer has no exp');
  if ((exp as number) <= nowSeconds - skew) throw new TokenError('TOKEN_EXPIRED', 'The token has expired');
  if (nbf !== undefined && (nbf as number) > nowSeconds + skew) {
    throw new TokenError('TOKEN_NOT_YET_VALID', 'The token is not valid yet (nbf)');
  }
  const frozen = Object.freeze(claims) as unknown as JwtClaims;
  const { scopes, dropped } = readScopeClaims(frozen);
  return Object.freeze({
    claims: frozen,
    header: INTROSPECTED_HEADER,
    issuer: issuer.issuer,
    scopes: Object.freeze(scopes),
    droppedScopes: dropped,
    context: Object.freeze(buildContext({ claims: frozen, scopes }, context.contextClaims)),
  });
}

/**
 * Creates the introspection client: `POST` with `client_secret_basic` under the JWKS fetcher's
 * rules (https except loopback, timeout, size cap, no redirects), `active` must be `true`, and the
 * answer becomes a {@link VerifiedToken} so routes, scopes and sender constraints apply unchanged.
 * Answers are cached by the SHA-256 of the token (never the token itself): an active one until the
 * token's `exp` and at most `cacheMaxSeconds`, a refusal `inactiveCacheSeconds`; an unavailable
 * endpoint is never cached. Concurrent lookups of one token share one request.
 *
 * @example
 * const introspector = createIntrospector(resolved.introspection, { issuers: resolved.issuers, clockSkewSeconds: 0 });
 * const verified = await introspector.introspect(opaqueToken);
 */
export function createIntrospector(
  options: ResolvedIntrospection,
  context: IntrospectorContext,
): Introspector {
  const url = assertSecureUrl(options.url, 'introspection.url');
  const what = `Introspection request to ${url.origin}${url.pathname}`;
  const authorization = `Basic ${basicCredentials(options.clientId, options.clientSecret)}`;
  const nowMs = context.nowMs ?? Date.now;
  const cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry>>();

  function remember(key: string, entry: Entry): void {
    if (options.cacheSize === 0 || entry.untilMs <= nowMs()) return;
    if (cache.size >= options.cacheSize) {
      for (const [k, e] of cache) if (e.untilMs <= nowMs()) cache.delete(k);
      // Still full: the oldest answer goes.
      if (cache.size >= options.cacheSize) cache.delete(cache.keys().next().value as string);
    }
    cache.set(key, entry);
  }

  async function ask(token: string, key: string): Promise<Entry> {
    const body = `token=${encodeURIComponent(token)}&token_type_hint=access_token`;
    const raw = await requestWithRetry(url, options.timeoutMs, options.maxBytes, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
      what,
      unavailable,
      tooLarge: () => unavailable(`${what} answered more than ${options.maxBytes} bytes`),
    });
    const answer = parseAnswer(raw, what);
    const now = nowMs();
    let entry: Entry;
    if (answer.active !== true) {
      entry = {
        outcome: new TokenError('TOKEN_INACTIVE', 'The authorization server says the token is not active'),
        untilMs: now + options.inactiveCacheSeconds * 1000,
      };
    } else {
      try {
        const verified = toVerifiedToken(answer, context, now / 1000);
        const untilMs = Math.min(verified.claims.exp * 1000, now + options.cacheMaxSeconds * 1000);
        entry = { outcome: verified, untilMs };
      } catch (err) {
        if (!(err instanceof TokenError)) throw err;
        entry = { outcome: err, untilMs: now + options.inactiveCacheSeconds * 1000 };
      }
    }
    remember(key, entry);
    return entry;
  }

  return {
    async introspect(token: string): Promise<VerifiedToken> {
      const key = createHash('sha256').update(token).digest('base64url');
      let entry = cache.get(key);
      if (entry !== undefined && entry.untilMs <= nowMs()) {
        cache.delete(key);
        entry = undefined;
      }
      if (entry === undefined) {
        let inFlight = pending.get(key);
        if (inFlight === undefined) {
          inFlight = ask(token, key).finally(() => pending.delete(key));
          pending.set(key, inFlight);
        }
        entry = await inFlight;
      }
      if (entry.outcome instanceof TokenError) {
        // A fresh error each time: a shared instance would carry one caller's stack to the next.
        throw new TokenError(entry.outcome.code, entry.outcome.message);
      }
      return entry.outcome;
    },
  };
}
