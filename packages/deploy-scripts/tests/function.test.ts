import {
  ResourceConflictException,
  UpdateFunctionCodeCommand as UpdateFunctionCodeCommandForFailure,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { diffFunctionConfiguration, ensureFunction, type WantedFunction } from '../src/function.js';
import { ACCOUNT_ID, createHarness, fakeZip } from './helpers/harness.js';

const settings: WantedFunction = {
  functionName: 'jwtRsaCustomAuthorizer',
  description: 'd',
  runtime: 'nodejs22.x',
  handler: 'index.handler',
  timeoutSeconds: 30,
  memoryMb: 256,
  roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/r`,
  roleName: 'r',
  environment: { TOKEN_ISSUER: 'https://t.auth0.com/', AUDIENCE: 'a' },
};

describe('diffFunctionConfiguration', () => {
  it('finds nothing when the deployed configuration matches', () => {
    expect(
      diffFunctionConfiguration(
        {
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Timeout: 30,
          MemorySize: 256,
          Role: settings.roleArn,
          Description: 'd',
          Environment: { Variables: { AUDIENCE: 'a', TOKEN_ISSUER: 'https://t.auth0.com/' } },
        },
        settings,
      ),
    ).toEqual([]);
  });

  it('treats an extra or missing environment variable as a change', () => {
    expect(
      diffFunctionConfiguration(
        {
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Timeout: 3,
          MemorySize: 256,
          Role: settings.roleArn,
          Description: 'd',
          Environment: { Variables: { ...settings.environment, JWT_OLD: 'x' } },
        },
        settings,
      ),
    ).toEqual(['Runtime', 'Timeout', 'Environment']);
  });
});

describe('ensureFunction', () => {
  it('waits for an update in progress and retries once on ResourceConflictException', async () => {
    const { aws, context } = createHarness();
    await ensureFunction(context, settings, fakeZip('v1'));
    aws.resetHistory();
    aws.failNext(
      'UpdateFunctionCode',
      new ResourceConflictException({
        $metadata: { httpStatusCode: 409 },
        message:
          'The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:jwtRsaCustomAuthorizer',
        Type: 'User',
      }),
    );

    const result = await ensureFunction(context, settings, fakeZip('v2'));

    expect(result.status).toBe('updated');
    expect(aws.sentOperations()).toEqual([
      'GetFunction',
      'UpdateFunctionCode',
      'GetFunction',
      'UpdateFunctionCode',
      'GetFunction',
    ]);
  });

  it('updates the function another run created between GetFunction and CreateFunction', async () => {
    const { aws, context } = createHarness();
    await ensureFunction(context, settings, fakeZip('v1'));
    aws.failNext(
      'GetFunction',
      Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }),
    );
    aws.resetHistory();

    const result = await ensureFunction(context, { ...settings, timeoutSeconds: 10 }, fakeZip('v1'));

    expect(result.status).toBe('updated');
    expect(aws.mutatingOperations()).toEqual(['CreateFunction', 'UpdateFunctionConfiguration']);
  });

  it('reports a failed update by its reason without printing the environment', async () => {
    const { aws, context } = createHarness();
    await ensureFunction(context, settings, fakeZip('v1'));
    const fn = aws.functions.get('jwtRsaCustomAuthorizer');
    aws.lambda.on(UpdateFunctionCodeCommandForFailure).callsFake(() => {
      if (fn) {
        fn.configuration.LastUpdateStatus = 'Failed';
        fn.configuration.LastUpdateStatusReason = 'Unzipped size must be smaller than 262144000 bytes';
      }
      return { $metadata: {} };
    });

    const failure = await ensureFunction(context, settings, fakeZip('v2')).catch((error: Error) => error);

    expect(failure).toMatchObject({
      code: 'FUNCTION_NOT_READY',
      message:
        'Function jwtRsaCustomAuthorizer did not become ready after the update: Unzipped size must be smaller than 262144000 bytes',
    });
    expect((failure as Error).message).not.toContain('t.auth0.com');
  });
});
