import { EntityAlreadyExistsException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import {
  buildInvokerRoleName,
  ensureInvokerRole,
  inspectInvokerRole,
  removeInvokerRole,
} from '../src/invoker-role.js';
import { ACCOUNT_ID, createHarness, iamAccessDenied } from './helpers/harness.js';

const NAME = 'r-invoker';
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:f`;
const options = { roleName: NAME, accountId: ACCOUNT_ID, functionArn: FUNCTION_ARN, restApiId: 'a1b2c3d4e5' };
const DESCRIPTION = 'Lets API Gateway invoke the JWT authorizer function (jwt-authorizer)';
/** API Gateway supplying aws:SourceAccount and aws:SourceArn (the authorizer's ARN unless `tail` says otherwise). */
const asApiGateway = (restApiId: string, tail = 'authorizers/auth1', accountId = ACCOUNT_ID) => ({
  service: 'apigateway.amazonaws.com',
  sourceAccount: accountId,
  sourceArn: `arn:aws:execute-api:us-east-1:${accountId}:${restApiId}/${tail}`,
});

describe('buildInvokerRoleName', () => {
  it('adds -invoker to the execution role name', () => {
    expect(buildInvokerRoleName('jwtRsaCustomAuthorizerRole')).toBe('jwtRsaCustomAuthorizerRole-invoker');
  });

  it("refuses a role name that would make the invoker role longer than IAM's 64 characters", () => {
    expect(buildInvokerRoleName('r'.repeat(56))).toHaveLength(64);
    expect(() => buildInvokerRoleName('r'.repeat(57))).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('use at most 56') }),
    );
  });
});

describe('ensureInvokerRole', () => {
  it('creates the role with its trust, description and inline policy, and nothing attached', async () => {
    const { aws, context } = createHarness();

    const result = await ensureInvokerRole(context, options);

    expect(result).toEqual({
      roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/${NAME}`,
      status: 'created',
      found: { exists: false, trustMatches: false, policyMatches: false },
    });
    expect(aws.mutatingOperations()).toEqual(['CreateRole', 'PutRolePolicy']);
    const role = aws.roles.get(NAME);
    expect(role?.description).toBe(DESCRIPTION);
    expect(role?.attached.size).toBe(0);
    expect([...(role?.inline.keys() ?? [])]).toEqual(['invoke-authorizer-function']);
    expect(aws.canAssume(NAME, asApiGateway('a1b2c3d4e5'))).toBe(true);
    expect(aws.canAssume(NAME, asApiGateway('zzzzzzzzzz'))).toBe(false);
  });

  it('lets API Gateway assume the role with no source keys, and with keys only for this account and API', async () => {
    const { aws, context } = createHarness();

    await ensureInvokerRole(context, options);

    expect(aws.canAssume(NAME, { service: 'apigateway.amazonaws.com' })).toBe(true);
    expect(aws.canAssume(NAME, asApiGateway('a1b2c3d4e5', 'authorizers/auth1'))).toBe(true);
    expect(aws.canAssume(NAME, asApiGateway('a1b2c3d4e5', 'prod/GET/pets'))).toBe(true);
    expect(aws.canAssume(NAME, asApiGateway('a1b2c3d4e5', 'prod/GET/pets', '210987654321'))).toBe(false);
    expect(aws.canAssume(NAME, asApiGateway('zzzzzzzzzz', 'prod/GET/pets'))).toBe(false);
    // One key without the other: each condition is judged on its own.
    expect(aws.canAssume(NAME, { service: 'apigateway.amazonaws.com', sourceAccount: '210987654321' })).toBe(
      false,
    );
    expect(
      aws.canAssume(NAME, {
        service: 'apigateway.amazonaws.com',
        sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:zzzzzzzzzz/authorizers/auth1`,
      }),
    ).toBe(false);
    expect(aws.canAssume(NAME, { service: 'lambda.amazonaws.com' })).toBe(false);
  });

  it('rewrites a trust written with plain StringEquals/ArnLike conditions (UpdateAssumeRolePolicy)', async () => {
    const { aws, context } = createHarness();
    await ensureInvokerRole(context, options);
    const role = aws.roles.get(NAME);
    if (role) {
      role.trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'apigateway.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
              ArnLike: {
                'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:a1b2c3d4e5/authorizers/*`,
              },
            },
          },
        ],
      });
    }
    expect(aws.canAssume(NAME, { service: 'apigateway.amazonaws.com' })).toBe(false);
    aws.resetHistory();

    await expect(ensureInvokerRole(context, options)).resolves.toMatchObject({ status: 'updated' });

    expect(aws.mutatingOperations()).toEqual(['UpdateAssumeRolePolicy']);
    expect(aws.canAssume(NAME, { service: 'apigateway.amazonaws.com' })).toBe(true);
    expect(aws.canAssume(NAME, asApiGateway('zzzzzzzzzz'))).toBe(false);
  });

  it('narrows the trust to the REST API once it is known', async () => {
    const { aws, context } = createHarness();
    await ensureInvokerRole(context, { ...options, restApiId: undefined });
    expect(aws.canAssume(NAME, asApiGateway('zzzzzzzzzz'))).toBe(true);
    aws.resetHistory();

    const result = await ensureInvokerRole(context, options);

    expect(result.status).toBe('updated');
    expect(aws.mutatingOperations()).toEqual(['UpdateAssumeRolePolicy']);
    expect(aws.canAssume(NAME, asApiGateway('zzzzzzzzzz'))).toBe(false);
  });

  it('puts the inline policy back when someone widened it', async () => {
    const { aws, context } = createHarness();
    await ensureInvokerRole(context, options);
    aws.roles.get(NAME)?.inline.set(
      'invoke-authorizer-function',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }],
      }),
    );
    aws.resetHistory();

    await ensureInvokerRole(context, options);

    expect(aws.mutatingOperations()).toEqual(['PutRolePolicy']);
    expect(aws.roleCanInvoke(NAME, `${FUNCTION_ARN}2`)).toBe(false);
  });

  it('only reads when nothing changed', async () => {
    const { aws, context } = createHarness();
    await ensureInvokerRole(context, options);
    aws.resetHistory();

    await expect(ensureInvokerRole(context, options)).resolves.toMatchObject({ status: 'unchanged' });
    expect(aws.sentOperations()).toEqual(['GetRole', 'GetRolePolicy']);
  });

  it('carries on with the role another run created between GetRole and CreateRole', async () => {
    const { aws, context } = createHarness();
    await ensureInvokerRole(context, options);
    aws.failNext(
      'GetRole',
      new NoSuchEntityException({ $metadata: {}, message: `The role with name ${NAME} cannot be found.` }),
    );
    aws.resetHistory();

    await expect(ensureInvokerRole(context, options)).resolves.toMatchObject({ status: 'unchanged' });
    expect(aws.mutatingOperations()).toEqual(['CreateRole']);
  });

  it('refuses to take over a role of that name that deploy did not create', async () => {
    const { aws, context } = createHarness();
    aws.addRole(NAME, { trust: { Version: '2012-10-17', Statement: [] }, description: 'someone else' });

    await expect(ensureInvokerRole(context, options)).rejects.toMatchObject({
      name: 'DeployError',
      code: 'ROLE_CONFLICT',
      message: expect.stringContaining(`Role ${NAME} exists but deploy did not create it`),
    });
    expect(aws.mutatingOperations()).toEqual([]);
  });

  it('reports AccessDenied on CreateRole as one line naming the action', async () => {
    const { aws, context } = createHarness();
    aws.failNext('CreateRole', iamAccessDenied('iam:CreateRole', NAME));

    await expect(ensureInvokerRole(context, options)).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: expect.stringMatching(
        /^Access denied for iam:CreateRole: grant .*\(AWS said: .*role\/r-invoker\)$/,
      ),
    });
  });

  it('maps an unexpected IAM error to one line naming the call', async () => {
    const { aws, context } = createHarness();
    aws.failNext('PutRolePolicy', new EntityAlreadyExistsException({ $metadata: {}, message: 'odd' }));

    await expect(ensureInvokerRole(context, options)).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: 'iam:PutRolePolicy failed: EntityAlreadyExistsException: odd',
    });
  });
});

describe('removeInvokerRole', () => {
  it('deletes the role deploy created, with its inline policy', async () => {
    const { aws, context, out } = createHarness();
    await ensureInvokerRole(context, options);
    aws.resetHistory();

    await expect(removeInvokerRole(context, NAME)).resolves.toMatchObject({ status: 'deleted' });
    expect(aws.roles.has(NAME)).toBe(false);
    expect(aws.mutatingOperations()).toEqual(['DeleteRolePolicy', 'DeleteRole']);
    expect(out).toContain(`  deleted    role ${NAME}`);
  });

  it('leaves a role of that name that deploy did not create, with a warning', async () => {
    const { aws, context, err } = createHarness();
    aws.addRole(NAME, { trust: { Version: '2012-10-17', Statement: [] }, description: 'someone else' });

    await expect(removeInvokerRole(context, NAME)).resolves.toMatchObject({ status: 'skipped' });
    expect(aws.roles.has(NAME)).toBe(true);
    expect(aws.mutatingOperations()).toEqual([]);
    expect(err).toEqual([`warning: role ${NAME} was not created by deploy: left as it is`]);
  });

  it('reports absent when the role is gone, or vanishes before it is deleted (NoSuchEntity)', async () => {
    const { aws, context } = createHarness();
    await expect(removeInvokerRole(context, NAME)).resolves.toMatchObject({ status: 'absent' });

    await ensureInvokerRole(context, options);
    aws.failNext(
      'ListAttachedRolePolicies',
      new NoSuchEntityException({ $metadata: {}, message: `The role with name ${NAME} cannot be found.` }),
    );
    await expect(removeInvokerRole(context, NAME)).resolves.toMatchObject({ status: 'absent' });
  });

  it('tells deploy-made, foreign and missing roles apart', async () => {
    const { aws, context } = createHarness();
    expect(await inspectInvokerRole(context, NAME)).toBe('absent');
    await ensureInvokerRole(context, options);
    expect(await inspectInvokerRole(context, NAME)).toBe('created-by-deploy');
    aws.addRole(NAME, { trust: { Version: '2012-10-17', Statement: [] } });
    expect(await inspectInvokerRole(context, NAME)).toBe('foreign');
  });
});
