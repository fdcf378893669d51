import { Readable } from 'node:stream';
import { GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients, resolveRegion } from '../src/aws-clients.js';
import { toDeployError } from '../src/errors.js';
import { TEST_CREDENTIALS } from './helpers/harness.js';

interface SeenRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
}

/** An HTTP handler that records each request and answers from `respond`; no socket is ever opened. */
function fakeHttpHandler(
  respond: (request: SeenRequest) => { statusCode: number; headers: Record<string, string>; body: string },
) {
  const seen: SeenRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle: async (request: SeenRequest) => {
      seen.push({
        protocol: request.protocol,
        hostname: request.hostname,
        port: request.port,
        path: request.path,
      });
      const { statusCode, headers, body } = respond(request);
      return { response: { statusCode, headers, body: Readable.from([Buffer.from(body)]) } };
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
  };
  return { seen, requestHandler: handler as unknown as LambdaClientConfig['requestHandler'] };
}

const stop = () => {
  throw Object.assign(new Error('request captured'), { name: 'CapturedRequest' });
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createAwsClients', () => {
  it('honours AWS_ENDPOINT_URL for every client (LocalStack)', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://localhost:4566');
    const { seen, requestHandler } = fakeHttpHandler(stop);
    const clients = createAwsClients({
      region: 'us-east-1',
      overrides: { credentials: TEST_CREDENTIALS, requestHandler },
    });

    await expect(clients.lambda.send(new GetFunctionCommand({ FunctionName: 'f' }))).rejects.toThrow(
      'request captured',
    );
    await expect(clients.iam.send(new GetRoleCommand({ RoleName: 'r' }))).rejects.toThrow('request captured');

    expect(seen.map(({ protocol, hostname, port }) => ({ protocol, hostname, port }))).toEqual([
      { protocol: 'http:', hostname: 'localhost', port: 4566 },
      { protocol: 'http:', hostname: 'localhost', port: 4566 },
    ]);
    expect(seen[0]?.path).toBe('/2015-03-31/functions/f');
  });

  it('prefers the service-specific AWS_ENDPOINT_URL_LAMBDA', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://localhost:4566');
    vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', 'http://127.0.0.1:9001');
    const { seen, requestHandler } = fakeHttpHandler(stop);
    const clients = createAwsClients({
      region: 'us-east-1',
      overrides: { credentials: TEST_CREDENTIALS, requestHandler },
    });

    await expect(clients.lambda.send(new GetFunctionCommand({ FunctionName: 'f' }))).rejects.toThrow();

    expect(seen[0]).toMatchObject({ hostname: '127.0.0.1', port: 9001 });
  });

  it('prefers AWS_ENDPOINT_URL_API_GATEWAY and AWS_ENDPOINT_URL_IAM for their clients', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_API_GATEWAY', 'http://127.0.0.1:9002');
    vi.stubEnv('AWS_ENDPOINT_URL_IAM', 'http://127.0.0.1:9003');
    const { seen, requestHandler } = fakeHttpHandler(stop);
    const clients = createAwsClients({
      region: 'us-east-1',
      overrides: { credentials: TEST_CREDENTIALS, requestHandler },
    });

    await expect(clients.apiGateway.send(new GetRestApiCommand({ restApiId: 'a1' }))).rejects.toThrow();
    await expect(clients.iam.send(new GetRoleCommand({ RoleName: 'r' }))).rejects.toThrow();

    expect(seen.map(({ port, path }) => ({ port, path }))).toEqual([
      { port: 9002, path: '/restapis/a1' },
      { port: 9003, path: '/' },
    ]);
  });

  it('uses the regional AWS endpoint when no endpoint is configured', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    const { seen, requestHandler } = fakeHttpHandler(stop);
    const clients = createAwsClients({
      region: 'eu-west-1',
      overrides: { credentials: TEST_CREDENTIALS, requestHandler },
    });

    await expect(clients.lambda.send(new GetFunctionCommand({ FunctionName: 'f' }))).rejects.toThrow();

    expect(seen[0]).toMatchObject({ protocol: 'https:', hostname: 'lambda.eu-west-1.amazonaws.com' });
  });

  it('retries a throttled call up to maxAttempts with the SDK retry strategy, then reports it', async () => {
    const { seen, requestHandler } = fakeHttpHandler(() => ({
      statusCode: 429,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
      body: JSON.stringify({ Type: 'User', message: 'Rate exceeded', Reason: 'CallerRateLimitExceeded' }),
    }));
    const clients = createAwsClients({
      region: 'us-east-1',
      maxAttempts: 2,
      overrides: { credentials: TEST_CREDENTIALS, requestHandler },
    });

    const failure = await clients.lambda
      .send(new GetFunctionCommand({ FunctionName: 'f' }))
      .catch((error) => error);

    expect(seen).toHaveLength(2);
    expect(failure).toMatchObject({ name: 'TooManyRequestsException', $metadata: { attempts: 2 } });
    expect(toDeployError(failure, 'lambda:GetFunction')).toMatchObject({
      code: 'THROTTLED',
      message:
        'AWS throttled lambda:GetFunction after 2 attempts: wait a minute and run again, or raise --max-attempts',
    });
  });

  it('passes the profile to every client', async () => {
    const clients = createAwsClients({ region: 'us-east-1', profile: 'deployer' });
    expect([clients.iam, clients.lambda, clients.apiGateway].map((client) => client.config.profile)).toEqual([
      'deployer',
      'deployer',
      'deployer',
    ]);
  });
});

describe('resolveRegion', () => {
  it('prefers the given region, then AWS_REGION, and is undefined when none is configured', async () => {
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', '');
    vi.stubEnv('AWS_PROFILE', '');
    expect(await resolveRegion({ region: 'ap-south-1' })).toBe('ap-south-1');
    expect(await resolveRegion({})).toBeUndefined();
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    expect(await resolveRegion({})).toBe('eu-central-1');
  });
});
