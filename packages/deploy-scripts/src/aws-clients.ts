import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';

/** The SDK clients the commands use, built once and passed to every step. */
export interface AwsClients {
  iam: IAMClient;
  lambda: LambdaClient;
  apiGateway: APIGatewayClient;
  /** API Gateway v2: HTTP and WebSocket APIs. */
  apiGatewayV2: ApiGatewayV2Client;
  /** DynamoDB: the DPoP replay table. */
  dynamodb: DynamoDBClient;
}

/** Options for {@link createAwsClients}. */
export interface AwsClientOptions {
  region: string;
  /** A named profile from the shared config files (`--profile`). */
  profile?: string | undefined;
  /** Attempts per call, throttling retries included; `undefined` keeps the SDK default. */
  maxAttempts?: number | undefined;
  /** Test seams: a fake HTTP handler or static credentials. */
  overrides?: Pick<LambdaClientConfig, 'requestHandler' | 'credentials'>;
}

/**
 * Builds the IAM, Lambda, API Gateway, API Gateway v2 and DynamoDB clients. No `endpoint` is set here, so the SDK's own
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` settings keep working (LocalStack); throttled calls
 * are retried by the SDK's standard retry strategy up to `maxAttempts`.
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const config = {
    region: options.region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...options.overrides,
  };
  return {
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    apiGateway: new APIGatewayClient(config),
    apiGatewayV2: new ApiGatewayV2Client(config),
    dynamodb: new DynamoDBClient(config),
  };
}

/**
 * Closes the clients' connections so the process can exit promptly.
 */
export function destroyAwsClients(clients: AwsClients): void {
  clients.iam.destroy();
  clients.lambda.destroy();
  clients.apiGateway.destroy();
  clients.apiGatewayV2.destroy();
  clients.dynamodb.destroy();
}

/**
 * Finds the region the SDK would use: the given one, else `AWS_REGION` or the profile's `region` in
 * the shared config file. Reads local configuration only; makes no network call.
 *
 * @returns the region, or `undefined` when none is configured anywhere
 */
export async function resolveRegion(options: {
  region?: string | undefined;
  profile?: string | undefined;
}): Promise<string | undefined> {
  if (options.region) return options.region;
  const probe = new LambdaClient(options.profile ? { profile: options.profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}
