import { EntityAlreadyExistsException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { ensureExecutionRole, removeExecutionRoleLeftovers } from '../src/role.js';
import { ACCOUNT_ID, createHarness, iamAccessDenied } from './helpers/harness.js';

const LOGS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const SINGLE_ROLE_TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: ['apigateway.amazonaws.com', 'lambda.amazonaws.com'] },
      Action: 'sts:AssumeRole',
    },
  ],
};
const INVOKE_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }],
};

describe('ensureExecutionRole', () => {
  it('carries on with the role another run created between GetRole and CreateRole', async () => {
    const { aws, context } = createHarness();
    await ensureExecutionRole(context, 'r');
    aws.failNext(
      'GetRole',
      new NoSuchEntityException({ $metadata: {}, message: 'The role with name r cannot be found.' }),
    );
    aws.resetHistory();

    const result = await ensureExecutionRole(context, 'r');

    expect(result).toMatchObject({ roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/r`, accountId: ACCOUNT_ID });
    expect(aws.sentOperations().slice(0, 3)).toEqual(['GetRole', 'CreateRole', 'GetRole']);
    expect(aws.mutatingOperations()).toEqual(['CreateRole']);
  });

  it('maps an unexpected IAM error to one line naming the call', async () => {
    const { aws, context } = createHarness();
    aws.failNext('AttachRolePolicy', new EntityAlreadyExistsException({ $metadata: {}, message: 'odd' }));

    await expect(ensureExecutionRole(context, 'r')).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: 'iam:AttachRolePolicy failed: EntityAlreadyExistsException: odd',
    });
  });

  it('re-attaches the logs policy when someone detached it', async () => {
    const { aws, context } = createHarness();
    await ensureExecutionRole(context, 'r');
    aws.roles.get('r')?.attached.clear();
    aws.resetHistory();

    const result = await ensureExecutionRole(context, 'r');

    expect(result.status).toBe('updated');
    expect(aws.mutatingOperations()).toEqual(['AttachRolePolicy']);
  });

  it('attaches the logs policy of the region partition', async () => {
    const { aws, context } = createHarness();
    context.region = 'cn-north-1';

    await ensureExecutionRole(context, 'r');

    expect([...(aws.roles.get('r')?.attached ?? [])]).toEqual([
      'arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
  });

  it('reports what the single-role deploy left but changes none of it yet', async () => {
    const { aws, context } = createHarness();
    aws.addRole('r', {
      trust: SINGLE_ROLE_TRUST,
      attached: [LOGS],
      inline: { 'invoke-authorizer-function': INVOKE_POLICY },
    });

    const result = await ensureExecutionRole(context, 'r');

    expect(result.leftovers).toEqual({ trust: true, invokePolicy: true });
    expect(aws.mutatingOperations()).toEqual([]);
    expect(JSON.parse(aws.roles.get('r')?.trust ?? '')).toEqual(SINGLE_ROLE_TRUST);
  });

  it('finds no leftovers on a role it created', async () => {
    const { context } = createHarness();

    const result = await ensureExecutionRole(context, 'r');

    expect(result).toMatchObject({ status: 'created', leftovers: { trust: false, invokePolicy: false } });
  });
});

describe('removeExecutionRoleLeftovers', () => {
  it('narrows the trust to Lambda and deletes the inline invoke policy', async () => {
    const { aws, context, out } = createHarness();
    aws.addRole('r', {
      trust: SINGLE_ROLE_TRUST,
      attached: [LOGS],
      inline: { 'invoke-authorizer-function': INVOKE_POLICY },
    });

    expect(await removeExecutionRoleLeftovers(context, 'r', { trust: true, invokePolicy: true })).toBe(true);

    expect(JSON.parse(aws.roles.get('r')?.trust ?? '').Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(aws.roles.get('r')?.inline.size).toBe(0);
    expect(out).toContain(
      '  updated    role r (trust narrowed to lambda.amazonaws.com; inline policy invoke-authorizer-function removed)',
    );
  });

  it('carries on when the inline policy is already gone (NoSuchEntity)', async () => {
    const { aws, context } = createHarness();
    aws.addRole('r', { trust: SINGLE_ROLE_TRUST });

    await expect(
      removeExecutionRoleLeftovers(context, 'r', { trust: false, invokePolicy: true }),
    ).resolves.toBe(true);
    expect(aws.sentOperations()).toEqual(['DeleteRolePolicy']);
  });

  it('reports AccessDenied on narrowing the trust as one line naming the action', async () => {
    const { aws, context } = createHarness();
    aws.addRole('r', { trust: SINGLE_ROLE_TRUST });
    aws.failNext('UpdateAssumeRolePolicy', iamAccessDenied('iam:UpdateAssumeRolePolicy', 'r'));

    await expect(
      removeExecutionRoleLeftovers(context, 'r', { trust: true, invokePolicy: false }),
    ).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: expect.stringMatching(/^Access denied for iam:UpdateAssumeRolePolicy/),
    });
  });

  it('makes no call when nothing is left over', async () => {
    const { aws, context } = createHarness();

    expect(await removeExecutionRoleLeftovers(context, 'r', { trust: false, invokePolicy: false })).toBe(
      false,
    );
    expect(aws.sentOperations()).toEqual([]);
  });
});
