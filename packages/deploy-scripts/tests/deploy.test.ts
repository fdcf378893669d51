import { UpdateAuthorizerCommand } from '@aws-sdk/client-api-gateway';
import { IAMServiceException } from '@aws-sdk/client-iam';
import { TooManyRequestsException } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../src/deploy.js';
import { buildDeployCalls } from '../src/plan.js';
import { ACCOUNT_ID, createHarness, deployConfig, fakeZip, SETTINGS } from './helpers/harness.js';

const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/jwtRsaCustomAuthorizerRole`;
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:jwtRsaCustomAuthorizer`;

describe('runDeploy without a REST API', () => {
  it('creates the role, its policies and the function on a first deploy', async () => {
    const { aws, context, out } = createHarness();
    const result = await runDeploy(context, deployConfig(), fakeZip());

    expect(result).toEqual({
      roleArn: ROLE_ARN,
      functionArn: FUNCTION_ARN,
      authorizerId: undefined,
      stageUrl: undefined,
    });
    expect(aws.mutatingOperations()).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'PutRolePolicy',
      'CreateFunction',
    ]);
    const role = aws.roles.get('jwtRsaCustomAuthorizerRole');
    expect(JSON.parse(role?.trust ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ['apigateway.amazonaws.com', 'lambda.amazonaws.com'] },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    expect([...(role?.attached ?? [])]).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    expect(JSON.parse(role?.inline.get('invoke-authorizer-function') ?? '')).toMatchObject({
      Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN }],
    });
    const fn = aws.functions.get('jwtRsaCustomAuthorizer')?.configuration;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 30,
      MemorySize: 256,
      Role: ROLE_ARN,
      CodeSha256: fakeZip().sha256,
      Environment: { Variables: SETTINGS },
    });
    expect(out).toContain(`  created    role jwtRsaCustomAuthorizerRole (${ROLE_ARN})`);
    expect(out.some((line) => line.startsWith('  created    function jwtRsaCustomAuthorizer'))).toBe(true);
    expect(out).toContain(`  role ARN       ${ROLE_ARN}`);
    expect(out).toContain(`  function ARN   ${FUNCTION_ARN}`);
  });

  it('makes no mutating call when run again with nothing changed', async () => {
    const { aws, context, out } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip());
    aws.resetHistory();
    out.length = 0;

    await runDeploy(context, deployConfig(), fakeZip());

    expect(aws.mutatingOperations()).toEqual([]);
    expect(aws.sentOperations()).toEqual([
      'GetRole',
      'ListAttachedRolePolicies',
      'GetRolePolicy',
      'GetFunction',
    ]);
    expect(out).toContain(`  unchanged  role jwtRsaCustomAuthorizerRole (${ROLE_ARN})`);
    expect(out).toContain('  unchanged  function jwtRsaCustomAuthorizer');
  });

  it('uploads only the code when the zip changed, then waits for the update', async () => {
    const { aws, context, out } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip('v1'));
    aws.resetHistory();

    await runDeploy(context, deployConfig(), fakeZip('v2'));

    expect(aws.mutatingOperations()).toEqual(['UpdateFunctionCode']);
    expect(aws.sentOperations().slice(-2)).toEqual(['UpdateFunctionCode', 'GetFunction']);
    expect(aws.functions.get('jwtRsaCustomAuthorizer')?.configuration.CodeSha256).toBe(fakeZip('v2').sha256);
    expect(out).toContain(`  updated    function jwtRsaCustomAuthorizer (code ${fakeZip('v2').sha256})`);
  });

  it('updates only the configuration when a setting changed, naming fields but not values', async () => {
    const { aws, context, out, err } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip());
    aws.resetHistory();
    const settings = {
      ...SETTINGS,
      AUDIENCE: 'https://other.example.com/',
      JWT_ROUTES: 'secret-looking-value',
    };

    await runDeploy(context, deployConfig({ memory: '512' }, settings), fakeZip());

    expect(aws.mutatingOperations()).toEqual(['UpdateFunctionConfiguration']);
    expect(aws.functions.get('jwtRsaCustomAuthorizer')?.configuration).toMatchObject({
      MemorySize: 512,
      Environment: { Variables: settings },
    });
    expect(out).toContain(
      '  updated    function jwtRsaCustomAuthorizer (configuration: MemorySize, Environment)',
    );
    expect([...out, ...err].join('\n')).not.toContain('secret-looking-value');
    expect(out.join('\n')).toContain('JWT_ROUTES (value not shown)');
  });

  it('deploys nodejs22.x on request and moves back to nodejs24.x with one configuration update', async () => {
    const { aws, context, out } = createHarness();
    await runDeploy(context, deployConfig({ runtime: 'nodejs22.x' }), fakeZip());
    expect(aws.functions.get('jwtRsaCustomAuthorizer')?.configuration.Runtime).toBe('nodejs22.x');
    aws.resetHistory();

    await runDeploy(context, deployConfig({ runtime: 'nodejs22.x' }), fakeZip());
    expect(aws.mutatingOperations()).toEqual([]);

    await runDeploy(context, deployConfig(), fakeZip());
    expect(aws.mutatingOperations()).toEqual(['UpdateFunctionConfiguration']);
    expect(aws.functions.get('jwtRsaCustomAuthorizer')?.configuration.Runtime).toBe('nodejs24.x');
    expect(out).toContain('  updated    function jwtRsaCustomAuthorizer (configuration: Runtime)');
  });

  it('updates code and then configuration, waiting between them', async () => {
    const { aws, context } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip('v1'));
    aws.resetHistory();

    await runDeploy(context, deployConfig({ timeout: '10' }), fakeZip('v2'));

    const lambdaCalls = aws.sentOperations().filter((name) => /Function/.test(name));
    expect(lambdaCalls).toEqual([
      'GetFunction',
      'UpdateFunctionCode',
      'GetFunction',
      'UpdateFunctionConfiguration',
      'GetFunction',
    ]);
  });

  it('brings the trust policy of an existing role up to date (the tutorial used 2017-08-07)', async () => {
    const { aws, context } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip());
    const role = aws.roles.get('jwtRsaCustomAuthorizerRole');
    if (role) {
      role.trust = JSON.stringify({
        Version: '2008-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      });
    }
    aws.resetHistory();

    await runDeploy(context, deployConfig(), fakeZip());

    expect(aws.mutatingOperations()).toEqual(['UpdateAssumeRolePolicy']);
    expect(JSON.parse(role?.trust ?? '').Version).toBe('2012-10-17');
  });

  it('retries CreateFunction with backoff while a new role has not propagated', async () => {
    const { aws, context, sleeps, out } = createHarness();
    aws.rolePropagationFailures = 3;

    await runDeploy(context, deployConfig(), fakeZip());

    expect(aws.sentOperations().filter((name) => name === 'CreateFunction')).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(out.filter((line) => line.startsWith('  waiting    role'))).toHaveLength(3);
  });

  it('gives up after a minute when the role is never assumable', async () => {
    const { aws, context, sleeps } = createHarness();
    aws.rolePropagationFailures = 1000;

    await expect(runDeploy(context, deployConfig(), fakeZip())).rejects.toMatchObject({
      name: 'DeployError',
      code: 'ROLE_NOT_ASSUMABLE',
    });
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(60_000);
    expect(Math.max(...sleeps)).toBe(10_000);
  });

  it('reports AccessDenied on any call as one line naming the action', async () => {
    const { aws, context } = createHarness();
    aws.failNext(
      'CreateRole',
      new IAMServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message:
          'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/jwtRsaCustomAuthorizerRole',
      }),
    );

    const failure = await runDeploy(context, deployConfig(), fakeZip()).catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'ACCESS_DENIED' });
    expect((failure as Error).message).toMatch(/^Access denied for iam:CreateRole: grant/);
    expect((failure as Error).message).not.toContain('\n');
  });

  it('reports a call still throttled after the SDK retries', async () => {
    const { aws, context } = createHarness();
    aws.failNext(
      'GetFunction',
      new TooManyRequestsException({
        $metadata: { httpStatusCode: 429, attempts: 3 },
        message: 'Rate exceeded',
        Type: 'User',
        Reason: 'CallerRateLimitExceeded',
      }),
    );

    await expect(runDeploy(context, deployConfig(), fakeZip())).rejects.toMatchObject({
      code: 'THROTTLED',
      message: expect.stringContaining('AWS throttled lambda:GetFunction after 3 attempts'),
    });
  });

  it('remembers what it had created when a later step fails', async () => {
    const { aws, context, reporter } = createHarness();
    aws.failNext(
      'CreateFunction',
      Object.assign(new Error('User is not authorized to perform: lambda:CreateFunction'), {
        name: 'AccessDeniedException',
      }),
    );

    await expect(runDeploy(context, deployConfig(), fakeZip())).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    expect(reporter.changes).toEqual(['created role jwtRsaCustomAuthorizerRole']);
  });
});

describe('runDeploy with a REST API', () => {
  const AUTHORIZER_URI = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`;

  it('creates the TOKEN authorizer and a deployment of the stage, and prints the stage URL', async () => {
    const { aws, context, out } = createHarness();
    aws.addRestApi('a1b2c3d4e5');

    const result = await runDeploy(context, deployConfig({ 'rest-api-id': 'a1b2c3d4e5' }), fakeZip());

    const authorizers = [...(aws.restApis.get('a1b2c3d4e5')?.authorizers.values() ?? [])];
    expect(authorizers).toEqual([
      expect.objectContaining({
        id: result.authorizerId,
        name: 'jwt-rsa-custom-authorizer',
        type: 'TOKEN',
        authorizerUri: AUTHORIZER_URI,
        authorizerCredentials: ROLE_ARN,
        identitySource: 'method.request.header.Authorization',
        identityValidationExpression: '^Bearer [-0-9a-zA-Z\\._]*$',
        authorizerResultTtlInSeconds: 300,
      }),
    ]);
    expect(aws.sentOperations().slice(0, 2)).toEqual(['GetRestApi', 'GetStages']);
    expect(aws.mutatingOperations().slice(-2)).toEqual(['CreateAuthorizer', 'CreateDeployment']);
    expect(result.stageUrl).toBe('https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod');
    expect(out).toContain(`  authorizer id  ${result.authorizerId}`);
    expect(out).toContain('  stage URL      https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod');
  });

  it('changes nothing and deploys nothing when run again unchanged', async () => {
    const { aws, context, out } = createHarness();
    aws.addRestApi('a1b2c3d4e5');
    const config = deployConfig({
      'rest-api-id': 'a1b2c3d4e5',
      attach: true,
      'invoke-permission': 'resource-policy',
    });
    await runDeploy(context, config, fakeZip());
    aws.resetHistory();

    await runDeploy(context, config, fakeZip());

    expect(aws.mutatingOperations()).toEqual([]);
    expect(out).toContain('  unchanged  stage prod (nothing to redeploy)');
  });

  it('updates only the authorizer fields that differ, then redeploys the stage', async () => {
    const { aws, context, out } = createHarness();
    aws.addRestApi('a1b2c3d4e5');
    const first = await runDeploy(context, deployConfig({ 'rest-api-id': 'a1b2c3d4e5' }), fakeZip());
    aws.resetHistory();

    await runDeploy(context, deployConfig({ 'rest-api-id': 'a1b2c3d4e5', ttl: '0' }), fakeZip());

    expect(aws.mutatingOperations()).toEqual(['UpdateAuthorizer', 'CreateDeployment']);
    expect(aws.apiGateway.commandCalls(UpdateAuthorizerCommand)[0]?.args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/authorizerResultTtlInSeconds', value: '0' },
    ]);
    expect(out).toContain(
      `  updated    authorizer jwt-rsa-custom-authorizer on REST API a1b2c3d4e5 (${first.authorizerId}: authorizerResultTtlInSeconds)`,
    );
  });

  it('uses a resource-policy permission scoped to the API authorizers instead of role credentials', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1b2c3d4e5');
    await runDeploy(context, deployConfig({ 'rest-api-id': 'a1b2c3d4e5' }), fakeZip());
    aws.resetHistory();

    await runDeploy(
      context,
      deployConfig({ 'rest-api-id': 'a1b2c3d4e5', 'invoke-permission': 'resource-policy' }),
      fakeZip(),
    );

    expect(aws.mutatingOperations()).toEqual([
      'DeleteRolePolicy',
      'AddPermission',
      'UpdateAuthorizer',
      'CreateDeployment',
    ]);
    expect(aws.functions.get('jwtRsaCustomAuthorizer')?.statements).toEqual([
      expect.objectContaining({
        Sid: 'apigateway-a1b2c3d4e5-authorizers',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Condition: {
          ArnLike: {
            'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:a1b2c3d4e5/authorizers/*`,
          },
        },
      }),
    ]);
    const [authorizer] = aws.restApis.get('a1b2c3d4e5')?.authorizers.values() ?? [];
    expect(authorizer?.authorizerCredentials).toBeUndefined();
  });

  it('attaches the authorizer to unprotected methods only, leaving OPTIONS and IAM methods alone', async () => {
    const { aws, context, out } = createHarness();
    aws.addRestApi('a1b2c3d4e5', {
      methods: {
        '/pets': {
          GET: { httpMethod: 'GET', authorizationType: 'NONE' },
          OPTIONS: { authorizationType: 'NONE' },
        },
        '/admin': { POST: { httpMethod: 'POST', authorizationType: 'AWS_IAM' } },
      },
    });

    const { authorizerId } = await runDeploy(
      context,
      deployConfig({ 'rest-api-id': 'a1b2c3d4e5', attach: true }),
      fakeZip(),
    );

    const [pets, admin] = aws.restApis.get('a1b2c3d4e5')?.resources ?? [];
    expect(pets?.resourceMethods.GET).toMatchObject({ authorizationType: 'CUSTOM', authorizerId });
    expect(pets?.resourceMethods.OPTIONS).toEqual({ authorizationType: 'NONE' });
    expect(admin?.resourceMethods.POST?.authorizationType).toBe('AWS_IAM');
    expect(out).toContain('  skipped    method POST /admin (keeps its AWS_IAM authorization)');
  });

  it('stops before creating anything when the REST API id is unknown', async () => {
    const { aws, context } = createHarness();

    await expect(
      runDeploy(context, deployConfig({ 'rest-api-id': 'nope' }), fakeZip()),
    ).rejects.toMatchObject({
      code: 'REST_API_NOT_FOUND',
      message: "REST API 'nope' not found in us-east-1: check --rest-api-id (or REST_API_ID) and --region",
    });
    expect(aws.sentOperations()).toEqual(['GetRestApi']);
  });

  it('asks for --stage when the API has several stages, before creating anything', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1b2c3d4e5', { stages: ['dev', 'prod'] });

    await expect(
      runDeploy(context, deployConfig({ 'rest-api-id': 'a1b2c3d4e5' }), fakeZip()),
    ).rejects.toMatchObject({
      code: 'STAGE_NOT_FOUND',
      message: expect.stringContaining('pass --stage NAME'),
    });
    expect(aws.mutatingOperations()).toEqual([]);
  });

  it('makes only calls that the dry-run plan lists', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1b2c3d4e5', { methods: { '/': { GET: { authorizationType: 'NONE' } } } });
    const config = deployConfig({
      'rest-api-id': 'a1b2c3d4e5',
      attach: true,
      'invoke-permission': 'resource-policy',
    });
    await runDeploy(context, config, fakeZip('v1'));
    await runDeploy(context, deployConfig({ 'rest-api-id': 'a1b2c3d4e5', attach: true }), fakeZip('v2'));

    const planned = new Set([
      ...buildDeployCalls(config, 'us-east-1', fakeZip()).map((call) => call.operation),
      ...buildDeployCalls(
        deployConfig({ 'rest-api-id': 'a1b2c3d4e5', attach: true }),
        'us-east-1',
        fakeZip(),
      ).map((call) => call.operation),
    ]);
    expect(aws.sentOperations().filter((name) => !planned.has(name))).toEqual([]);
  });
});
