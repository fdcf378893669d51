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

export const CONNECT_ARN = 'arn:aws:execute-api:us-east-1:123456789012:ws4567/prod/$connect';

/** A WebSocket API `$connect` REQUEST authorizer event, as API Gateway sends it. */
export function webSocketConnectEvent(options: {
  headers?: Record<string, string>;
  query?: Record<string, string>;
  methodArn?: string;
}) {
  const headers = {
    Host: 'ws4567.execute-api.us-east-1.amazonaws.com',
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    'X-Forwarded-Proto': 'https',
    ...options.headers,
  };
  const query = options.query ?? null;
  return {
    type: 'REQUEST' as const,
    methodArn: options.methodArn ?? CONNECT_ARN,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters:
      query && Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])),
    stageVariables: {},
    requestContext: {
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'prod',
      connectionId: 'Xyz1AbCdIAMCJzQ=',
      apiId: 'ws4567',
      domainName: 'ws4567.execute-api.us-east-1.amazonaws.com',
      identity: { sourceIp: '192.0.2.1' },
    },
  };
}

let requests = 0;

/** A Lambda context with the members the runtime provides. */
export function lambdaContext(awsRequestId = `request-${++requests}`) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'custom-authorizer',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:custom-authorizer',
    memoryLimitInMB: '128',
    awsRequestId,
    logGroupName: '/aws/lambda/custom-authorizer',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
