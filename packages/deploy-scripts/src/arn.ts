/** An AWS partition: the first field of every ARN. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-eusc';

/**
 * Derives the partition from a region name, so ARNs are right outside the commercial partition.
 *
 * @example
 * ```ts
 * getPartition('cn-north-1'); // 'aws-cn'
 * ```
 */
export function getPartition(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/**
 * Reads the account id (fifth field) of an ARN such as a role's or a function's.
 *
 * @throws Error when the ARN has no account field
 * @example
 * ```ts
 * parseAccountId('arn:aws:iam::123456789012:role/r'); // '123456789012'
 * ```
 */
export function parseAccountId(arn: string): string {
  const account = arn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new Error(`no account id in ARN ${arn}`);
  return account;
}

/** Options naming one Lambda function. */
export interface FunctionArnOptions {
  partition: Partition;
  region: string;
  accountId: string;
  functionName: string;
}

/**
 * Builds the unqualified ARN of a Lambda function.
 *
 * @example
 * ```ts
 * buildFunctionArn({ partition: 'aws', region: 'us-east-1', accountId: '123456789012', functionName: 'f' });
 * // 'arn:aws:lambda:us-east-1:123456789012:function:f'
 * ```
 */
export function buildFunctionArn(options: FunctionArnOptions): string {
  const { partition, region, accountId, functionName } = options;
  return `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`;
}

/**
 * Builds the `authorizerUri` API Gateway calls to invoke the function.
 *
 * @example
 * ```ts
 * buildAuthorizerUri('us-east-1', 'arn:aws:lambda:us-east-1:123456789012:function:f');
 * // 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations'
 * ```
 */
export function buildAuthorizerUri(region: string, functionArn: string): string {
  return `arn:${getPartition(region)}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** Options naming one REST API. */
export interface RestApiArnOptions {
  region: string;
  accountId: string;
  restApiId: string;
}

/**
 * Builds the execute-api source ARN that covers every authorizer of one API (or the one named by
 * `authorizerId`), for a Lambda resource-policy statement.
 *
 * @example
 * ```ts
 * buildAuthorizersSourceArn({ region: 'us-east-1', accountId: '123456789012', restApiId: 'a1b2c3' });
 * // 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/authorizers/*'
 * ```
 */
export function buildAuthorizersSourceArn(options: RestApiArnOptions & { authorizerId?: string }): string {
  const { region, accountId, restApiId, authorizerId = '*' } = options;
  return `arn:${getPartition(region)}:execute-api:${region}:${accountId}:${restApiId}/authorizers/${authorizerId}`;
}

/**
 * Builds the ARN of an AWS managed IAM policy in the region's partition.
 *
 * @example
 * ```ts
 * buildManagedPolicyArn('aws', 'service-role/AWSLambdaBasicExecutionRole');
 * // 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'
 * ```
 */
export function buildManagedPolicyArn(partition: Partition, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/**
 * Builds the public invoke URL of a REST API stage.
 *
 * @example
 * ```ts
 * buildStageUrl({ region: 'us-east-1', restApiId: 'a1b2c3', stageName: 'prod' });
 * // 'https://a1b2c3.execute-api.us-east-1.amazonaws.com/prod'
 * ```
 */
export function buildStageUrl(options: { region: string; restApiId: string; stageName: string }): string {
  const { region, restApiId, stageName } = options;
  const suffix = getPartition(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${restApiId}.execute-api.${region}.${suffix}/${stageName}`;
}
