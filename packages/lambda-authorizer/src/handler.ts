import {
  type Authorizer,
  ConfigurationError,
  type IamAuthorizerResult,
  type SimpleAuthorizerResult,
} from '@jwt-authorizer/authorizer-core';
import { assertKnownOptions } from '@jwt-authorizer/authorizer-core/internal';
import { type JwtAuthorizerContext, jwtAuthorizer, type TokenSource } from '@jwt-authorizer/middy-jwt';
import middy, { type MiddyfiedHandler } from '@middy/core';
import { createDecisionLog, type DecisionLogOptions } from './decision-log.js';
import type { HttpApiResponse } from './settings.js';

/** What the handler answers: an IAM policy, or for HTTP API simple responses `{ isAuthorized, context }`. */
export type AuthorizerHandlerResult = IamAuthorizerResult | SimpleAuthorizerResult;

/** The Lambda handler: Middy-wrapped, async, `(event, context) => Promise<result>`. */
export type AuthorizerHandler = MiddyfiedHandler<unknown, AuthorizerHandlerResult>;

export interface CreateAuthorizerHandlerOptions {
  /** Built once per container, e.g. by `createAuthorizerFromSettings`. */
  authorizer: Authorizer;
  /** HTTP API payload 2.0 answer format (default `simple`). */
  httpApiResponse?: HttpApiResponse;
  /** Start fetching the JWKS when the handler is created (default false: the cold start does it). */
  hydrate?: boolean;
  /** Where the per-invocation decision line goes, and its metrics. */
  log?: DecisionLogOptions;
  /**
   * Where `REQUEST` and payload 2.0 events carry the token, e.g. `'query:token,protocol'` for a
   * WebSocket `$connect` (default: the `Authorization` header). See middy-jwt's `TokenSource`.
   */
  tokenSource?: TokenSource;
}

const OPTION_KEYS: Readonly<Record<keyof CreateAuthorizerHandlerOptions, true>> = {
  authorizer: true,
  httpApiResponse: true,
  hydrate: true,
  log: true,
  tokenSource: true,
};
const LOG_OPTION_KEYS: Readonly<Record<keyof DecisionLogOptions, true>> = {
  level: true,
  write: true,
  metricsNamespace: true,
  now: true,
};

/** Refuses unknown keys (a misspelt `log.write` would send the decision lines elsewhere unnoticed). */
function assertHandlerOptions(options: CreateAuthorizerHandlerOptions): void {
  assertKnownOptions(options, Object.keys(OPTION_KEYS));
  if (options.log !== undefined) assertKnownOptions(options.log, Object.keys(LOG_OPTION_KEYS), 'log.');
  const { httpApiResponse } = options;
  if (httpApiResponse !== undefined && httpApiResponse !== 'simple' && httpApiResponse !== 'iam') {
    throw new ConfigurationError(
      `httpApiResponse must be "simple" or "iam", got "${String(httpApiResponse)}"`,
    );
  }
}

/**
 * Creates the Lambda authorizer handler: `middy(buildResult).use(jwtAuthorizer(...))`. The middleware
 * verifies the token; this handler only turns the verified token into core's result for the called
 * ARN. Each invocation writes one decision line (see {@link createDecisionLog}), unless `log.level`
 * leaves it out (`refusals`: no line for an Allow; `off`: none).
 *
 * Outcomes: a valid token gets core's policy (an insufficient scope gets Deny statements, so 403);
 * an invalid or missing token rejects with `Error('Unauthorized')` (401), or resolves
 * `{ isAuthorized: false }` for simple responses; unavailable keys reject with another error (500).
 *
 * @throws {Error} The handler rejects with `Unauthorized` (its `cause` the core `TokenError` and its
 *   code) for a missing or invalid token, with `Authorizer unavailable` (cause `KeysUnavailableError`,
 *   `JWKS_UNAVAILABLE` / `JWKS_INVALID`) when the keys cannot be had, and with core's `EventError`
 *   (`EVENT_INVALID`) for an event that is no authorizer event or carries a malformed ARN.
 * @throws {ConfigurationError} `CONFIG_INVALID` for an unknown option key (naming the closest known
 *   one) or an `httpApiResponse` other than `simple` or `iam`.
 * @example
 * export const handler = createAuthorizerHandler({ authorizer: createAuthorizer({ issuer, audience }) });
 */
export function createAuthorizerHandler(options: CreateAuthorizerHandlerOptions): AuthorizerHandler {
  assertHandlerOptions(options);
  const log = createDecisionLog(options.log);
  const authorizer = options.authorizer;
  const httpApiResponse = options.httpApiResponse ?? 'simple';

  // Synchronous: the middleware already awaited the verification, and Middy takes a plain return
  // value as the response without a promise and a microtask per invocation. A throw here reaches
  // Middy's error path as a rejection would.
  const buildResult = (_event: unknown, context: JwtAuthorizerContext): AuthorizerHandlerResult => {
    const { jwt, authorizerEvent } = context;
    const authorization =
      authorizerEvent.kind === 'http-v2' && httpApiResponse === 'simple'
        ? authorizer.authorizeSimple(jwt, authorizerEvent.arn)
        : authorizer.authorize(jwt, authorizerEvent.arn);
    log.recordDecision(context, jwt, authorization);
    return authorization.result as AuthorizerHandlerResult;
  };

  // No early-timeout timer per request: Lambda's own timeout gives the same 500, never an Allow.
  return middy(buildResult, { ...log.hooks, timeoutEarlyInMillis: 0 }).use(
    jwtAuthorizer({
      authorizer,
      httpApiResponse,
      hydrate: options.hydrate ?? false,
      ...(options.tokenSource === undefined ? {} : { tokenSource: options.tokenSource }),
    }),
  ) as unknown as AuthorizerHandler;
}
