import {
  type Authorizer,
  ConfigurationError,
  KeysUnavailableError,
  TokenError,
  type VerifiedToken,
} from '@jwt-authorizer/authorizer-core';
import { assertKnownOptions } from '@jwt-authorizer/authorizer-core/internal';
import type { MiddlewareObj } from '@middy/core';
import {
  type AuthorizerEvent,
  describeAuthorizerEvent,
  detectAuthorizerEventKind,
} from './authorizer-events.js';
import { createAuthorizerContext } from './invocation-context.js';
import type { AuthorizerEventKind, JwtAuthorizerContext } from './lambda-context.js';
import { readRequestBinding } from './request-binding.js';
import { type Credential, createCredentialReader, type TokenSource } from './token-source.js';
import { isUnauthorizedError, UNAUTHORIZED } from './unauthorized.js';
import { withoutCause } from './without-cause.js';

/** Options of {@link jwtAuthorizer}. */
export interface JwtAuthorizerOptions {
  /** Built once per container with `createAuthorizer`; it holds the JWKS and result caches. */
  authorizer: Authorizer;
  /**
   * The answer format for HTTP API payload 2.0 events: `simple` (default) answers
   * `{ isAuthorized }`, `iam` answers an IAM policy. REST events always get an IAM policy.
   */
  httpApiResponse?: 'simple' | 'iam';
  /** Start fetching the JWKS when the middleware is created (default true); a failure is retried on use. */
  hydrate?: boolean;
  /**
   * Where `REQUEST` and payload 2.0 events carry the token (default: the `Authorization` header),
   * read as `jwtAuth` reads it: e.g. `'query:token,protocol'` for a WebSocket `$connect`. A REST
   * `TOKEN` event always brings its `authorizationToken` (`Bearer <jwt>`), whatever this says.
   */
  tokenSource?: TokenSource | undefined;
}

const OPTION_KEYS: Readonly<Record<keyof JwtAuthorizerOptions, true>> = {
  authorizer: true,
  httpApiResponse: true,
  hydrate: true,
  tokenSource: true,
};

/** The early answer to a payload 2.0 event without a valid token when simple responses are on. */
export interface UnauthorizedSimpleResult {
  isAuthorized: false;
}

/**
 * Middy middleware for API Gateway Lambda authorizers (REST `TOKEN`, REST `REQUEST` / HTTP API 1.0,
 * HTTP API 2.0). Before the handler it reads the token (the Authorization value, or the places `tokenSource` lists), verifies it and sets
 * `context.jwt` (the verified token) and `context.authorizerEvent` (`{ kind, arn }`), both
 * overwritten on every invocation. The handler then only turns them into the result with
 * `authorizer.authorize(context.jwt, arn).result`, or `authorizer.authorizeSimple(...)` for simple
 * responses. When it refuses a token it sets `context.authorizerRejection` to the {@link TokenError}
 * (code and message only) and clears it on every other invocation, so a Middy plugin hook
 * (`requestEnd`) can log the reason code even of an early `{ isAuthorized: false }`.
 *
 * For `REQUEST` and payload 2.0 events it also checks sender-constrained tokens: the `DPoP` scheme
 * with its `DPoP` proof header (against the method and the URL the client called, or
 * `dpop.publicBaseUrl` and the API's own path) and certificate-bound tokens against the mutual-TLS
 * client certificate. A `TOKEN` event carries neither: a bound token is refused there, and
 * `senderConstrained: 'required'` with a `TOKEN` event fails with a {@link ConfigurationError}.
 *
 * Failures end the invocation the way API Gateway expects:
 * - missing or invalid token: `throw new Error('Unauthorized')` (401), its `cause` the
 *   {@link TokenError} with the reason code (its library cause dropped: it can quote the token); payload 2.0 with simple responses returns
 *   `{ isAuthorized: false }` instead;
 * - keys unavailable: `Error('Authorizer unavailable')` (500), never an Allow;
 * - anything else (e.g. an {@link EventError} for a malformed event): rethrown (500).
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` when `authorizer` is missing, `httpApiResponse` is
 *   unknown, or an option key is unknown (the message names the closest known one).
 * @example
 * const authorizer = createAuthorizer(fromEnv());
 * export const handler = middy()
 *   .use(jwtAuthorizer({ authorizer }))
 *   .handler(async (event, context) => authorizer.authorize(context.jwt, context.authorizerEvent.arn).result);
 */
export function jwtAuthorizer(
  options: JwtAuthorizerOptions,
): MiddlewareObj<AuthorizerEvent, unknown, Error, JwtAuthorizerContext> {
  if (typeof options === 'object' && options !== null) assertKnownOptions(options, Object.keys(OPTION_KEYS));
  const authorizer = options?.authorizer;
  if (typeof authorizer?.verifyAuthorization !== 'function') {
    throw new ConfigurationError('jwtAuthorizer: authorizer is required (build it with createAuthorizer)');
  }
  const httpApiResponse = options.httpApiResponse ?? 'simple';
  if (httpApiResponse !== 'simple' && httpApiResponse !== 'iam') {
    throw new ConfigurationError(
      `jwtAuthorizer: httpApiResponse must be "simple" or "iam", got "${String(httpApiResponse)}"`,
    );
  }
  if (options.hydrate !== undefined && typeof options.hydrate !== 'boolean') {
    throw new ConfigurationError('hydrate must be true or false');
  }
  const simple = httpApiResponse === 'simple';
  // Read leniently: an authorizer object built by hand for a test may carry no options.
  const senderConstrained = authorizer.options?.senderConstrained ?? 'optional';
  const publicBaseUrl = authorizer.options?.dpop?.publicBaseUrl;
  // Without binding checks and introspection, the token is verified as it always was.
  const checksRequest = senderConstrained !== 'off' || authorizer.options?.introspection !== undefined;
  const readCredential = createCredentialReader(options.tokenSource);
  if (options.hydrate !== false) {
    // Warm the JWKS cache during the cold start; on failure the first request fetches it again.
    authorizer.hydrate().catch(() => undefined);
  }

  return {
    name: 'jwtAuthorizer',
    before: async (request) => {
      const context = createAuthorizerContext(request.context);
      request.context = context;
      let kind: AuthorizerEventKind | undefined;
      try {
        const detected = describeAuthorizerEvent(request.event);
        kind = detected.kind;
        context.authorizerEvent = { kind, arn: detected.arn };
        if (kind === 'token' && senderConstrained === 'required') {
          throw new ConfigurationError(
            'senderConstrained "required" needs a REQUEST authorizer: a TOKEN event carries no DPoP header, method, URL or client certificate (set the authorizer type to REQUEST, or senderConstrained to optional)',
          );
        }
        context.jwt = await verifyEvent(
          authorizer,
          readCredential,
          detected,
          request.event,
          checksRequest ? publicBaseUrl : NO_BINDING,
        );
      } catch (err) {
        if (err instanceof TokenError) {
          const reason = withoutCause(err);
          // Recorded so a logger sees why even when the answer below carries no error.
          context.authorizerRejection = reason;
          // `kind` is unset when detection itself refused the token (two different Authorization
          // headers): a payload 2.0 event still gets the simple answer, like every other refusal.
          if (simple && (kind ?? detectAuthorizerEventKind(request.event)) === 'http-v2') {
            return { isAuthorized: false } satisfies UnauthorizedSimpleResult;
          }
          throw new Error(UNAUTHORIZED, { cause: reason });
        }
        throw toFailure(err);
      }
      return undefined;
    },
  };
}

/** Passed instead of a public base URL when no binding is checked and nothing is introspected. */
const NO_BINDING = Symbol('no binding');

/**
 * Verifies what the event carries. A TOKEN event has no request to check a binding against: a bound
 * token is refused there. Otherwise the token (a bare one from a query, cookie or subprotocol is a
 * bearer credential) goes with the DPoP proof, method, URL and client certificate of the event.
 * Not `async`: the caller awaits the verifier's own promise (no second promise per invocation), and
 * a refusal thrown here is caught by the same `try` as a rejection.
 */
function verifyEvent(
  authorizer: Authorizer,
  readCredential: (event: unknown) => Credential,
  detected: ReturnType<typeof describeAuthorizerEvent>,
  event: unknown,
  publicBaseUrl: string | undefined | typeof NO_BINDING,
): Promise<VerifiedToken> {
  if (detected.kind === 'token') return authorizer.verifyAuthorization(detected.authorizationToken);
  const credential = readCredential(event);
  if (credential.kind === 'conflict') {
    throw new TokenError('TOKEN_MALFORMED', 'The request carries several different tokens');
  }
  if (publicBaseUrl === NO_BINDING) {
    if (credential.kind === 'token') return authorizer.verify(credential.value);
    return authorizer.verifyAuthorization(credential.kind === 'none' ? undefined : credential.value);
  }
  const binding = readRequestBinding(event, publicBaseUrl);
  return authorizer.verifyRequest(
    credential.kind === 'token'
      ? { token: credential.value, ...binding }
      : { authorization: credential.kind === 'none' ? undefined : credential.value, ...binding },
  );
}

function toFailure(err: unknown): Error {
  if (err instanceof KeysUnavailableError) return new Error('Authorizer unavailable', { cause: err });
  // Only a TokenError may become a 401: any other error with the 401 message is wrapped.
  if (err instanceof Error && !isUnauthorizedError(err)) return err;
  return new Error('Authorizer failed', { cause: err });
}
