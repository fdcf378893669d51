import { extractAccessToken, type PresentedToken } from './authorization-scheme.js';
import type { ResolvedBoundTokenOptions } from './bound-token-options.js';
import { TokenError } from './errors.js';
import type { Introspector } from './introspection.js';
import type { ResolvedOptions } from './options.js';
import type { ReplayStore } from './replay-store.js';
import type { TokenVerifier, VerifiedToken } from './verifier.js';

/**
 * What a request presents: its `Authorization` value (`Bearer` or `DPoP` scheme) or a bare token
 * read elsewhere (a cookie, a query parameter; judged as a bearer token), and what sender-constrained
 * tokens are checked against. Every field is a credential or request data: never log it.
 */
export interface TokenRequest {
  /** The `Authorization` header value. */
  readonly authorization?: string | null;
  /** A bare token from another source; ignored when `authorization` is given. */
  readonly token?: string;
  /** The `DPoP` header value (RFC 9449). */
  readonly dpop?: string;
  /** The request method, e.g. `GET` (needed for DPoP). */
  readonly method?: string;
  /** The URL the client called, e.g. `https://api.example.com/v1/pets` (needed for DPoP). */
  readonly url?: string;
  /** The client certificate of the mutual-TLS connection, PEM (for certificate-bound tokens). */
  readonly clientCertPem?: string;
}

/** Verifies what a request presents; see {@link createRequestVerifier}. */
export interface RequestVerifier {
  verifyRequest(request: TokenRequest): Promise<VerifiedToken>;
}

// Three base64url segments: anything else is not a JWT and goes to introspection when configured.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function readBinding(verified: VerifiedToken): { jkt?: string; x5t?: string } {
  const cnf = verified.claims.cnf;
  if (cnf === undefined) return {};
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) {
    throw new TokenError('CLAIM_INVALID', 'The token cnf claim is not an object');
  }
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>;
  if (
    (jkt !== undefined && (typeof jkt !== 'string' || jkt === '')) ||
    (x5t !== undefined && (typeof x5t !== 'string' || x5t === ''))
  ) {
    throw new TokenError('CLAIM_INVALID', 'The token cnf claim holds a jkt or x5t#S256 that is not a string');
  }
  return { jkt: jkt as string | undefined, x5t: x5t as string | undefined };
}

/**
 * Builds the request verifier: the token is read under the `Bearer` or `DPoP` scheme, verified as a
 * JWT or, when configured, introspected (RFC 7662), then its binding is checked:
 * - `cnf.jkt` (RFC 9449): only under the DPoP scheme with a valid proof for this request and key;
 *   as `Bearer` it is refused (`TOKEN_BOUND`);
 * - `cnf["x5t#S256"]` (RFC 8705): the mutual-TLS client certificate must match;
 * - `senderConstrained: 'required'` refuses a token with neither; `off` skips these checks and
 *   refuses the DPoP scheme.
 * The DPoP, certificate and introspection code is loaded on first use only.
 *
 * @example
 * const verified = await requestVerifier.verifyRequest({ authorization, dpop, method: 'GET', url });
 */
export function createRequestVerifier(
  options: ResolvedOptions & ResolvedBoundTokenOptions,
  verifier: TokenVerifier,
): RequestVerifier {
  const { senderConstrained, dpop, introspection } = options;
  let introspector: Promise<Introspector> | undefined;
  let replayStore: Promise<ReplayStore> | undefined;

  function getIntrospector(): Promise<Introspector> {
    if (introspector === undefined) {
      const config = introspection;
      if (config === undefined) throw new Error('introspection is not configured');
      introspector = import('./introspection.js').then(({ createIntrospector }) =>
        createIntrospector(config, {
          issuers: options.issuers,
          clockSkewSeconds: options.clockSkewSeconds,
          contextClaims: options.contextClaims,
        }),
      );
    }
    return introspector;
  }

  function getReplayStore(): Promise<ReplayStore> {
    replayStore ??=
      dpop.replayStore !== undefined
        ? Promise.resolve(dpop.replayStore)
        : import('./replay-store.js').then(({ createMemoryReplayStore }) => createMemoryReplayStore());
    return replayStore;
  }

  function verifyToken(token: string): Promise<VerifiedToken> {
    if (introspection === undefined || (introspection.mode === 'opaque' && JWT_SHAPE.test(token))) {
      return verifier.verify(token);
    }
    return introspect(token);
  }

  async function introspect(token: string): Promise<VerifiedToken> {
    if (JWT_SHAPE.test(token)) {
      // `all`: the signature and claims are checked here, and the server must still call it active.
      const verified = await verifier.verify(token);
      await (await getIntrospector()).introspect(token);
      return verified;
    }
    if (token.length > options.maxTokenBytes) {
      throw new TokenError('TOKEN_TOO_LARGE', `The token exceeds ${options.maxTokenBytes} bytes`);
    }
    return (await getIntrospector()).introspect(token);
  }

  async function assertBinding(presented: PresentedToken, verified: VerifiedToken, request: TokenRequest) {
    const { jkt, x5t } = readBinding(verified);
    if (presented.scheme === 'dpop') {
      if (jkt === undefined) {
        throw new TokenError(
          'DPOP_BINDING_MISMATCH',
          'The token under the DPoP scheme is not DPoP-bound (no cnf.jkt)',
        );
      }
      if (request.method === undefined || request.url === undefined) {
        throw new TokenError(
          'DPOP_PROOF_INVALID',
          'DPoP needs the request method and URL: use a REQUEST authorizer (a TOKEN authorizer sees neither)',
        );
      }
      const { verifyDpopProof } = await import('./dpop.js');
      await verifyDpopProof({
        proof: request.dpop ?? '',
        accessToken: presented.token,
        method: request.method,
        url: request.url,
        expectedJkt: jkt,
        replayStore: await getReplayStore(),
        algorithms: dpop.algorithms,
        maxAgeSeconds: dpop.maxAgeSeconds,
        clockSkewSeconds: dpop.clockSkewSeconds,
      });
    } else if (jkt !== undefined) {
      throw new TokenError(
        'TOKEN_BOUND',
        'The token is DPoP-bound: send it under the DPoP scheme with a proof',
      );
    }
    if (x5t !== undefined) {
      const { assertCertificateBinding } = await import('./certificate-binding.js');
      assertCertificateBinding(x5t, request.clientCertPem);
    }
    if (senderConstrained === 'required' && jkt === undefined && x5t === undefined) {
      throw new TokenError(
        'TOKEN_UNBOUND',
        'The token is not sender-constrained (no cnf), which is required',
      );
    }
  }

  return {
    verifyRequest(request: TokenRequest): Promise<VerifiedToken> {
      let presented: PresentedToken;
      let pending: Promise<VerifiedToken>;
      try {
        presented =
          request.authorization === undefined && request.token !== undefined
            ? { scheme: 'bearer', token: request.token }
            : extractAccessToken(request.authorization, { maxTokenBytes: options.maxTokenBytes });
        if (presented.scheme === 'dpop' && senderConstrained === 'off') {
          throw new TokenError(
            'SCHEME_INVALID',
            'Authorization scheme must be Bearer (senderConstrained is off)',
          );
        }
        pending = verifyToken(presented.token);
      } catch (err) {
        return Promise.reject(err);
      }
      if (senderConstrained === 'off') return pending;
      return pending.then((verified) =>
        // An unbound bearer token (the common case) needs no further step.
        presented.scheme === 'bearer' && verified.claims.cnf === undefined && senderConstrained === 'optional'
          ? verified
          : assertBinding(presented, verified, request).then(() => verified),
      );
    },
  };
}
