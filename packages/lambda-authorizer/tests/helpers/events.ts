import { createLambdaContext } from '@jwt-authorizer/test-fixtures';
/** API Gateway authorizer events and a Lambda context, shaped as AWS sends them. */

export const STAGE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123def4/prod';
export const METHOD_ARN = `${STAGE_ARN}/GET/pets`;
export const ROUTE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:xyz987/$default/GET/pets';

export function tokenEvent(authorizationToken: string | undefined, methodArn = METHOD_ARN) {
  return { type: 'TOKEN' as const, authorizationToken: authorizationToken as string, methodArn };
}

export function requestEvent(options: {
  headers?: Record<string, string> | null;
  multiValueHeaders?: Record<string, string[]> | null;
  methodArn?: string;
}) {
  const methodArn = options.methodArn ?? METHOD_ARN;
  const [, , verb = 'GET', ...path] = methodArn.split(':').slice(5).join(':').split('/');
  return {
    type: 'REQUEST' as const,
    methodArn,
    resource: `/${path.join('/')}`,
    path: `/${path.join('/')}`,
    httpMethod: verb,
    headers: options.headers ?? null,
    multiValueHeaders: options.multiValueHeaders ?? null,
    queryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { accountId: '123456789012', apiId: 'abc123def4', stage: 'prod' },
  };
}

export function httpApiEvent(options: {
  headers?: Record<string, string>;
  routeArn?: string;
  cookies?: string[];
  query?: Record<string, string>;
}) {
  const routeArn = options.routeArn ?? ROUTE_ARN;
  const [, , verb = 'GET', ...path] = routeArn.split(':').slice(5).join(':').split('/');
  const authorization = options.headers?.authorization;
  return {
    version: '2.0',
    type: 'REQUEST' as const,
    routeArn,
    routeKey: `${verb} /${path.join('/')}`,
    identitySource: authorization === undefined ? [] : [authorization],
    rawPath: `/${path.join('/')}`,
    rawQueryString: new URLSearchParams(options.query).toString(),
    ...(options.cookies === undefined ? {} : { cookies: options.cookies }),
    headers: options.headers ?? {},
    ...(options.query === undefined ? {} : { queryStringParameters: options.query }),
    requestContext: { http: { method: verb, path: `/${path.join('/')}` } },
  };
}

export { CONNECT_ARN, webSocketConnectEvent } from '@jwt-authorizer/test-fixtures';

let requests = 0;

/** A Lambda context with the members the runtime provides. */
export function lambdaContext(awsRequestId = `request-${++requests}`) {
  return createLambdaContext({ awsRequestId });
}
