/** The fields of a Lambda context the runtime gives each invocation (structural, as in `@types/aws-lambda`). */
export interface FakeLambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(error?: Error, result?: unknown): void;
  fail(error: Error | string): void;
  succeed(messageOrObject: unknown): void;
}

/**
 * A fresh Lambda context, as the runtime gives one per invocation: a function named
 * `custom-authorizer` in us-east-1 with 10 s left, unless `overrides` say otherwise.
 */
export function createLambdaContext(overrides: Partial<FakeLambdaContext> = {}): FakeLambdaContext {
  const functionName = overrides.functionName ?? 'custom-authorizer';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: 'request-1',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}
