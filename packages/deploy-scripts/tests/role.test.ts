import { EntityAlreadyExistsException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { ensureRole } from '../src/role.js';
import { ACCOUNT_ID, createHarness } from './helpers/harness.js';

const options = { roleName: 'r', functionName: 'f', invokePermission: 'role' as const };

describe('ensureRole', () => {
  it('carries on with the role another run created between GetRole and CreateRole', async () => {
    const { aws, context } = createHarness();
    await ensureRole(context, options);
    aws.failNext(
      'GetRole',
      new NoSuchEntityException({ $metadata: {}, message: 'The role with name r cannot be found.' }),
    );
    aws.resetHistory();

    const result = await ensureRole(context, options);

    expect(result).toMatchObject({ roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/r`, accountId: ACCOUNT_ID });
    expect(aws.sentOperations().slice(0, 3)).toEqual(['GetRole', 'CreateRole', 'GetRole']);
    expect(aws.mutatingOperations()).toEqual(['CreateRole']);
  });

  it('maps an unexpected IAM error to one line naming the call', async () => {
    const { aws, context } = createHarness();
    aws.failNext('AttachRolePolicy', new EntityAlreadyExistsException({ $metadata: {}, message: 'odd' }));

    await expect(ensureRole(context, options)).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: 'iam:AttachRolePolicy failed: EntityAlreadyExistsException: odd',
    });
  });

  it('re-attaches the logs policy when someone detached it', async () => {
    const { aws, context } = createHarness();
    await ensureRole(context, options);
    aws.roles.get('r')?.attached.clear();
    aws.resetHistory();

    const result = await ensureRole(context, options);

    expect(result.status).toBe('updated');
    expect(aws.mutatingOperations()).toEqual(['AttachRolePolicy']);
  });

  it('scopes the inline invoke policy to the function in the region partition', async () => {
    const { aws, context } = createHarness();
    context.region = 'cn-north-1';

    await ensureRole(context, options);

    const role = aws.roles.get('r');
    expect([...(role?.attached ?? [])]).toEqual([
      'arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    expect(role?.inline.get('invoke-authorizer-function')).toContain(
      `arn:aws-cn:lambda:cn-north-1:${ACCOUNT_ID}:function:f`,
    );
  });
});
