import type { JwtClaims, TokenError, VerifiedToken } from '@jwt-authorizer/authorizer-core';

/**
 * The Lambda context, structurally: the members of `Context` from `@types/aws-lambda` that the
 * runtime still provides, so this package needs no `aws-lambda` types at run time.
 */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
}

/** The kind of API Gateway authorizer event: REST `TOKEN`, REST `REQUEST` / HTTP API 1.0, HTTP API 2.0. */
export type AuthorizerEventKind = 'token' | 'request' | 'http-v2';

/** What the authorizer middleware records about the event, without the token. */
export interface AuthorizerEventInfo {
  readonly kind: AuthorizerEventKind;
  /** `methodArn` (REST, payload 1.0) or `routeArn` (payload 2.0). */
  readonly arn: string;
}

/**
 * The Lambda context after `jwtAuth`: the verified token at `context.jwt`, the one place both
 * middlewares put it. Set anew on every invocation; never read from the event.
 */
export type JwtContext<Claims extends JwtClaims = JwtClaims> = LambdaContext & {
  jwt: VerifiedToken<Claims>;
};

/** The context after `jwtAuth({ credentialsRequired: false })`: `jwt` is undefined without a token. */
export type OptionalJwtContext<Claims extends JwtClaims = JwtClaims> = LambdaContext & {
  jwt: VerifiedToken<Claims> | undefined;
};

/**
 * The fields `jwtAuthorizer` sets on the invocation's context, its slots: own properties of the
 * context made for each invocation, `undefined` until this invocation fills them. A Middy plugin hook
 * (`requestEnd`) runs whatever the outcome, so it reads them as `Partial<JwtAuthorizerSlots>`.
 *
 * @example
 * const { authorizerEvent, authorizerRejection } = request.context as Partial<JwtAuthorizerSlots>;
 */
export interface JwtAuthorizerSlots<Claims extends JwtClaims = JwtClaims> {
  /** The verified token. */
  jwt: VerifiedToken<Claims>;
  /** The event kind and its method/route ARN. */
  authorizerEvent: AuthorizerEventInfo;
  /**
   * The reason a token was refused on this invocation (its `code`, e.g. `TOKEN_EXPIRED`, and
   * message; never token content and no `cause`), undefined when the token was accepted or the
   * invocation failed for another reason. Lets a logger read the reason of an early
   * `{ isAuthorized: false }`, which carries no error.
   */
  authorizerRejection: TokenError | undefined;
}

/**
 * The context after `jwtAuthorizer`: the Lambda context with its {@link JwtAuthorizerSlots} filled,
 * the verified token and the event kind and ARN. All three slots are set anew on every invocation.
 */
export type JwtAuthorizerContext<Claims extends JwtClaims = JwtClaims> = LambdaContext &
  JwtAuthorizerSlots<Claims>;
