import { createLambdaContext as createFakeContext } from '@jwt-authorizer/test-fixtures';
import type { Context } from 'aws-lambda';
import type { JwtAuthorizerContext, LambdaContext } from '../../src/index.js';

export const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/pets/42';
export const ROUTE_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/$default/GET/pets/42';

/**
 * A fresh Lambda context per invocation, as the runtime gives one. Typed as what the middyfied
 * handler declares (Middy's types fold the middleware's additions into the handler's own context
 * parameter); at run time it holds only the Lambda fields.
 */
export function createLambdaContext<T extends object = Context & JwtAuthorizerContext>(): T {
  const context: LambdaContext = createFakeContext({
    functionName: 'test',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test',
    awsRequestId: 'req-1',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 30_000,
  });
  return context as unknown as T;
}

export function tokenEvent(authorizationToken: string | undefined, methodArn = METHOD_ARN) {
  return { type: 'TOKEN' as const, authorizationToken: authorizationToken as string, methodArn };
}

export function requestEvent(
  headers: Record<string, string> | null,
  multiValueHeaders: Record<string, string[]> | null = null,
  methodArn = METHOD_ARN,
) {
  return {
    type: 'REQUEST' as const,
    methodArn,
    resource: '/pets/{id}',
    path: '/pets/42',
    httpMethod: 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    pathParameters: { id: '42' },
    stageVariables: null,
    requestContext: {},
  };
}

export function httpV2AuthorizerEvent(headers: Record<string, string>, routeArn = ROUTE_ARN) {
  return {
    version: '2.0',
    type: 'REQUEST' as const,
    routeArn,
    routeKey: 'GET /pets/{id}',
    identitySource: headers.authorization === undefined ? [] : [headers.authorization],
    rawPath: '/pets/42',
    rawQueryString: '',
    cookies: [],
    headers,
    requestContext: { http: { method: 'GET', path: '/pets/42' } },
  };
}

export { CONNECT_ARN, webSocketConnectEvent } from '@jwt-authorizer/test-fixtures';
