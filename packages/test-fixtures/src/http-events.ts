/** API Gateway REST (payload 1.0) proxy event, as `APIGatewayProxyEvent`. */
export function restEvent(
  options: {
    headers?: Record<string, string> | null;
    multiValueHeaders?: Record<string, string[]> | null;
    query?: Record<string, string> | null;
    multiValueQuery?: Record<string, string[]> | null;
    method?: string;
    /** The API's own path; the event's `path` adds `basePath`. */
    path?: string;
    /** The resource API Gateway matched; default `/pets/{id}` for the default path, else `path`. */
    resource?: string;
    pathParameters?: Record<string, string> | null;
    /** A custom domain's base path mapping, e.g. `v1`: it prefixes `path` and `requestContext.path`. */
    basePath?: string;
  } = {},
) {
  const method = options.method ?? 'GET';
  const ownPath = options.path ?? '/pets/42';
  const resource = options.resource ?? (options.path === undefined ? '/pets/{id}' : ownPath);
  const pathParameters =
    options.pathParameters !== undefined
      ? options.pathParameters
      : resource === '/pets/{id}'
        ? { id: ownPath.split('/').pop() as string }
        : null;
  const path = options.basePath === undefined ? ownPath : `/${options.basePath}${ownPath}`;
  return {
    resource,
    path,
    httpMethod: method,
    headers: options.headers ?? null,
    multiValueHeaders: options.multiValueHeaders ?? null,
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.multiValueQuery ?? null,
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName:
        options.basePath === undefined ? 'abc123.execute-api.eu-west-1.amazonaws.com' : 'api.example.com',
      stage: 'prod',
      httpMethod: method,
      // With a custom domain, requestContext.path carries the base path instead of the stage.
      path: options.basePath === undefined ? `/prod${path}` : path,
      requestId: 'r-1',
      resourcePath: resource,
    },
    body: null,
    isBase64Encoded: false,
  };
}

/** HTTP API payload 2.0 event, as `APIGatewayProxyEventV2`; function URLs send the same shape. */
export function httpApiEvent(
  options: {
    headers?: Record<string, string>;
    cookies?: string[];
    query?: Record<string, string>;
    method?: string;
    rawPath?: string;
    stage?: string;
    domainName?: string;
    /** The route API Gateway matched; default `METHOD /pets/{id}` (`$default` for function URLs). */
    routeKey?: string;
    pathParameters?: Record<string, string>;
  } = {},
) {
  const method = options.method ?? 'GET';
  const rawPath = options.rawPath ?? '/pets/42';
  const routeKey =
    options.routeKey ?? (options.domainName?.includes('lambda-url') ? '$default' : `${method} /pets/{id}`);
  const pathParameters =
    options.pathParameters ??
    (routeKey.endsWith(' /pets/{id}') ? { id: rawPath.split('/').pop() as string } : undefined);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    cookies: options.cookies,
    headers: options.headers ?? {},
    queryStringParameters: options.query,
    pathParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: options.domainName ?? 'abc123.execute-api.eu-west-1.amazonaws.com',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'r-2',
      routeKey,
      stage: options.stage ?? '$default',
      time: '01/Jan/2030:00:00:00 +0000',
      timeEpoch: 1_893_456_000_000,
    },
    isBase64Encoded: false,
  };
}

/** Application Load Balancer event, as `ALBEvent`; with multi-value headers on, only `multiValueHeaders`. */
export function albEvent(
  options: {
    headers?: Record<string, string>;
    multiValueHeaders?: Record<string, string[]>;
    query?: Record<string, string>;
    method?: string;
    path?: string;
  } = {},
) {
  return {
    requestContext: {
      elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1' },
    },
    httpMethod: options.method ?? 'GET',
    path: options.path ?? '/pets/42',
    ...(options.multiValueHeaders
      ? { multiValueHeaders: options.multiValueHeaders, multiValueQueryStringParameters: {} }
      : { headers: options.headers ?? {}, queryStringParameters: options.query ?? {} }),
    body: '',
    isBase64Encoded: false,
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
