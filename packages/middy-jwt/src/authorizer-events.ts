import { EventError, TokenError } from '@jwt-authorizer/authorizer-core';
import type { AuthorizerEventKind } from './lambda-context.js';
import { CONFLICT, readHeader } from './read-header.js';

type StringMap = Readonly<Record<string, string | undefined>>;

/** REST API `TOKEN` authorizer event. `APIGatewayTokenAuthorizerEvent` fits it. */
export interface TokenAuthorizerEvent {
  type: 'TOKEN';
  /** The value of the configured token source, usually `Bearer <jwt>`. */
  authorizationToken: string;
  methodArn: string;
}

/**
 * REST API `REQUEST` authorizer event, also HTTP API payload format 1.0.
 * `APIGatewayRequestAuthorizerEvent` fits it.
 */
export interface RequestAuthorizerEvent {
  type: 'REQUEST';
  methodArn: string;
  /** `'1.0'` for HTTP API payload 1.0, absent for REST. */
  version?: string;
  resource?: string;
  path?: string;
  httpMethod?: string;
  headers?: StringMap | null;
  multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  queryStringParameters?: StringMap | null;
  multiValueQueryStringParameters?: Readonly<Record<string, readonly string[] | undefined>> | null;
  pathParameters?: StringMap | null;
  stageVariables?: StringMap | null;
  identitySource?: string;
  requestContext?: unknown;
}

/** HTTP API payload format 2.0 authorizer event. `APIGatewayRequestAuthorizerEventV2` fits it. */
export interface HttpApiAuthorizerEventV2 {
  /** Always `'2.0'`. */
  version: string;
  type: 'REQUEST';
  /** The route ARN; it takes the place of REST's `methodArn`. */
  routeArn: string;
  routeKey?: string;
  identitySource?: readonly string[] | null;
  rawPath?: string;
  rawQueryString?: string;
  cookies?: readonly string[];
  /** Lower-case header names; repeated headers arrive comma-joined. */
  headers?: StringMap;
  queryStringParameters?: StringMap;
  pathParameters?: StringMap;
  stageVariables?: StringMap;
  requestContext?: unknown;
}

/** Any of the authorizer events {@link detectAuthorizerEvent} recognises. */
export type AuthorizerEvent = TokenAuthorizerEvent | RequestAuthorizerEvent | HttpApiAuthorizerEventV2;

/** The kind of an authorizer event, the Authorization value it carries and its method/route ARN. */
export interface DetectedAuthorizerEvent {
  readonly kind: AuthorizerEventKind;
  /** The Authorization value (`Bearer <jwt>`), undefined when absent. A credential: never log it. */
  readonly authorization: string | undefined;
  readonly arn: string;
}

/**
 * Tells the kind of an authorizer event from its shape alone, in the order API Gateway's payloads
 * set them apart: `version: '2.0'` is HTTP API payload 2.0 (whatever its `type`), then `type`
 * `'TOKEN'` or `'REQUEST'` (REST `REQUEST` and HTTP API payload 1.0). It checks no ARN and reads no
 * header, so it also names the kind of an event {@link detectAuthorizerEvent} refuses.
 *
 * @returns The kind, or undefined for anything else (not an object, another `type`).
 * @example
 * detectAuthorizerEventKind({ type: 'TOKEN', authorizationToken, methodArn }); // 'token'
 * detectAuthorizerEventKind({ version: '2.0', type: 'REQUEST', routeArn }); // 'http-v2'
 */
export function detectAuthorizerEventKind(event: unknown): AuthorizerEventKind | undefined {
  const e = event as { version?: unknown; type?: unknown } | null | undefined;
  if (e?.version === '2.0') return 'http-v2';
  if (e?.type === 'TOKEN') return 'token';
  return e?.type === 'REQUEST' ? 'request' : undefined;
}

/**
 * Tells the authorizer event kind with {@link detectAuthorizerEventKind} and reads its
 * Authorization value: `authorizationToken` for `TOKEN`; the `Authorization` header, any case, from
 * `headers` and `multiValueHeaders` for `REQUEST` and payload 2.0.
 *
 * @throws {EventError} `EVENT_INVALID` when the event is none of the three kinds or lacks its ARN.
 * @throws {TokenError} `TOKEN_MALFORMED` when the headers carry two different Authorization values.
 * @example
 * const { kind, authorization, arn } = detectAuthorizerEvent(event); // kind: 'token' | 'request' | 'http-v2'
 */
export function detectAuthorizerEvent(event: unknown): DetectedAuthorizerEvent {
  const { kind, arn, authorizationToken } = describeAuthorizerEvent(event);
  const e = event as Record<string, unknown>;
  if (kind === 'token') return { kind, authorization: authorizationToken, arn };
  return {
    kind,
    authorization: headerValue(e.headers, kind === 'request' ? e.multiValueHeaders : undefined),
    arn,
  };
}

/**
 * The kind and ARN of an authorizer event, and a `TOKEN` event's `authorizationToken`; no header
 * is read, so a configured token source can read the request's own.
 *
 * @throws {EventError} `EVENT_INVALID` when the event is none of the three kinds or lacks its ARN.
 */
export function describeAuthorizerEvent(event: unknown): {
  readonly kind: AuthorizerEventKind;
  readonly arn: string;
  readonly authorizationToken?: string;
} {
  if (typeof event !== 'object' || event === null) throw new EventError('The event is not an object');
  const e = event as Record<string, unknown>;
  const kind = detectAuthorizerEventKind(e);
  if (kind === 'http-v2') {
    if (typeof e.routeArn !== 'string') throw new EventError('The payload 2.0 event has no routeArn');
    return { kind, arn: e.routeArn };
  }
  if (kind === 'token') {
    if (typeof e.methodArn !== 'string') throw new EventError('The TOKEN event has no methodArn');
    const token = e.authorizationToken;
    return typeof token === 'string'
      ? { kind, arn: e.methodArn, authorizationToken: token }
      : { kind, arn: e.methodArn };
  }
  if (kind === 'request') {
    if (typeof e.methodArn !== 'string') throw new EventError('The REQUEST event has no methodArn');
    return { kind, arn: e.methodArn };
  }
  throw new EventError('The event is not an API Gateway TOKEN, REQUEST or payload 2.0 authorizer event');
}

function headerValue(headers: unknown, multiValueHeaders: unknown): string | undefined {
  const value = readHeader(
    headers as Record<string, unknown> | undefined,
    multiValueHeaders as Record<string, unknown> | undefined,
    'authorization',
  );
  if (value === CONFLICT) {
    throw new TokenError('TOKEN_MALFORMED', 'The request carries different Authorization values');
  }
  return value;
}
