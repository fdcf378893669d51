import {
  TooManyRequestsException as TooManyRequestsExceptionApiGateway,
  UpdateAuthorizerCommand,
} from '@aws-sdk/client-api-gateway';
import { IAMServiceException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { TooManyRequestsException } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../src/deploy.js';
import {
  ACCOUNT_ID,
  createHarness,
  deployConfig,
  type FakeAws,
  fakeZip,
  iamAccessDenied,
  SETTINGS,
} from './helpers/harness.js';

const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/jwtRsaCustomAuthorizerRole`;
const INVOKER_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/jwtRsaCustomAuthorizerRole-invoker`;
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:jwtRsaCustomAuthorizer`;

describe('runDeploy without a REST API', () => {
  it('creates the execution role, the invoker role and the function on a first deploy', async () => {
    const { aws, context, out } = createHarness();
    const result = await runDeploy(context, deployConfig(), fakeZip());

    expect(result).toEqual({
      roleArn: ROLE_ARN,
      invokerRoleArn: INVOKER_ROLE_ARN,
      functionArn: FUNCTION_ARN,
      authorizerId: undefined,
      stageUrl: undefined,
    });
    expect(aws.mutatingOperations()).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'CreateRole',
      'PutRolePolicy',
      'CreateFunction',
    ]);
    const role = aws.roles.get('jwtRsaCustomAuthorizerRole');
    expect(JSON.parse(role?.trust ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect([...(role?.attached ?? [])]).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    expect(role?.inline.size).toBe(0);
    const invoker = aws.roles.get('jwtRsaCustomAuthorizerRole-invoker');
    // Without a REST API id the source ARN is unknown: the account still pins the role when supplied.
    expect(JSON.parse(invoker?.trust ?? '').Statement[0].Condition).toEqual({
      StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT_ID },
    });
    expect(JSON.parse(invoker?.inline.get('invoke-authorizer-function') ?? '')).toMatchObject({
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
    expect(out).toContain(`  created    role jwtRsaCustomAuthorizerRole-invoker (${INVOKER_ROLE_ARN})`);
    expect(out.some((line) => line.startsWith('  created    function jwtRsaCustomAuthorizer'))).toBe(true);
    expect(out).toContain(`  role ARN       ${ROLE_ARN}`);
    expect(out).toContain(`  invoker role   ${INVOKER_ROLE_ARN}`);
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
      'GetRole',
      'GetRolePolicy',
      'GetFunction',
    ]);
    expect(out).toContain(`  unchanged  role jwtRsaCustomAuthorizerRole (${ROLE_ARN})`);
    expect(out).toContain(`  unchanged  role jwtRsaCustomAuthorizerRole-invoker (${INVOKER_ROLE_ARN})`);
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
    expect(reporter.changes).toEqual([
      'created role jwtRsaCustomAuthorizerRole',
      'created role jwtRsaCustomAuthorizerRole-invoker',
    ]);
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
        authorizerCredentials: INVOKER_ROLE_ARN,
        identitySource: 'method.request.header.Authorization',
        identityValidationExpression: '^Bearer [-0-9a-zA-Z\\._]*$',
        authorizerResultTtlInSeconds: 300,
      }),
    ]);
    expect(aws.sentOperations().slice(0, 2)).toEqual(['GetRestApi', 'GetStages']);
    expect(aws.mutatingOperations().slice(-6)).toEqual([
      'CreateAuthorizer',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'CreateDeployment',
    ]);
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
      'AddPermission',
      'UpdateAuthorizer',
      'CreateDeployment',
      'DeleteRolePolicy',
      'DeleteRole',
    ]);
    expect(aws.roles.has('jwtRsaCustomAuthorizerRole-invoker')).toBe(false);
    expect(aws.apiGatewayCanInvoke('a1b2c3d4e5', 'jwt-rsa-custom-authorizer')).toBe(true);
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
});

describe('runDeploy splits the execution role from the invoker role', () => {
  const API = 'a1b2c3d4e5';
  const AUTHORIZER = 'jwt-rsa-custom-authorizer';
  const INVOKER = 'jwtRsaCustomAuthorizerRole-invoker';
  const INVOKER_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/${INVOKER}`;
  const LOGS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
  const LAMBDA_ONLY = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
  const sourceArn = (restApiId: string, authorizerId = 'auth1') =>
    `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${restApiId}/authorizers/${authorizerId}`;

  it('the execution role trusts only lambda.amazonaws.com', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi(API);

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    expect(JSON.parse(aws.roles.get('jwtRsaCustomAuthorizerRole')?.trust ?? '')).toEqual(LAMBDA_ONLY);
    expect(
      aws.canAssume('jwtRsaCustomAuthorizerRole', {
        service: 'apigateway.amazonaws.com',
        sourceAccount: ACCOUNT_ID,
        sourceArn: sourceArn(API),
      }),
    ).toBe(false);
  });

  it('the function role cannot invoke the function', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi(API);

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    const role = aws.roles.get('jwtRsaCustomAuthorizerRole');
    expect([...(role?.attached ?? [])]).toEqual([LOGS]);
    expect([...(role?.inline.keys() ?? [])]).toEqual([]);
    expect(aws.roleCanInvoke('jwtRsaCustomAuthorizerRole', FUNCTION_ARN)).toBe(false);
  });

  it("the invoker role's trust checks aws:SourceAccount and the REST API's aws:SourceArn when supplied", async () => {
    const { aws, context } = createHarness();
    aws.addRestApi(API);

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    const invoker = aws.roles.get(INVOKER);
    expect(JSON.parse(invoker?.trust ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT_ID },
            ArnLikeIfExists: { 'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${API}/*` },
          },
        },
      ],
    });
    const asApiGateway = { service: 'apigateway.amazonaws.com', sourceAccount: ACCOUNT_ID };
    expect(aws.canAssume(INVOKER, { service: 'apigateway.amazonaws.com' })).toBe(true);
    expect(aws.canAssume(INVOKER, { ...asApiGateway, sourceArn: sourceArn(API) })).toBe(true);
    expect(
      aws.canAssume(INVOKER, {
        ...asApiGateway,
        sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${API}/prod/GET/pets`,
      }),
    ).toBe(true);
    expect(aws.canAssume(INVOKER, { ...asApiGateway, sourceArn: sourceArn('otherapi01') })).toBe(false);
    expect(
      aws.canAssume(INVOKER, {
        ...asApiGateway,
        sourceAccount: '210987654321',
        sourceArn: `arn:aws:execute-api:us-east-1:210987654321:${API}/authorizers/auth1`,
      }),
    ).toBe(false);
    expect(
      aws.canAssume(INVOKER, { service: 'lambda.amazonaws.com', sourceAccount: ACCOUNT_ID, sourceArn: '' }),
    ).toBe(false);
    expect([...(invoker?.attached ?? [])]).toEqual([]);
    expect(aws.roleCanInvoke(INVOKER, FUNCTION_ARN)).toBe(true);
    expect(aws.roleCanInvoke(INVOKER, `${FUNCTION_ARN}-other`)).toBe(false);
  });

  it("makes the invoker role the authorizer's credentials, through which API Gateway can invoke", async () => {
    const { aws, context } = createHarness();
    aws.addRestApi(API);

    const result = await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    const [authorizer] = aws.restApis.get(API)?.authorizers.values() ?? [];
    expect(authorizer?.authorizerCredentials).toBe(INVOKER_ARN);
    expect(aws.functions.get('jwtRsaCustomAuthorizer')?.configuration.Role).toBe(ROLE_ARN);
    expect(result.roleArn).toBe(ROLE_ARN);
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it('makes no invoker role and no API Gateway trust with --invoke-permission resource-policy', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi(API);

    await runDeploy(
      context,
      deployConfig({ 'rest-api-id': API, 'invoke-permission': 'resource-policy' }),
      fakeZip(),
    );

    expect([...aws.roles.keys()]).toEqual(['jwtRsaCustomAuthorizerRole']);
    expect(JSON.parse(aws.roles.get('jwtRsaCustomAuthorizerRole')?.trust ?? '')).toEqual(LAMBDA_ONLY);
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  /** The account as the single-role deploy left it: one role for Lambda and API Gateway, deployed. */
  function seedSingleRoleDeploy(aws: ReturnType<typeof createHarness>['aws']) {
    aws.addRestApi(API, {
      methods: {
        '/pets': { GET: { httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: 'auth0' } },
      },
    });
    aws.addRole('jwtRsaCustomAuthorizerRole', {
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['apigateway.amazonaws.com', 'lambda.amazonaws.com'] },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      attached: [LOGS],
      inline: {
        'invoke-authorizer-function': {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'InvokeAuthorizerFunction',
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: FUNCTION_ARN,
            },
          ],
        },
      },
      description: 'Runs the JWT authorizer function and lets API Gateway invoke it (jwt-authorizer)',
    });
    aws.functions.set('jwtRsaCustomAuthorizer', {
      configuration: {
        FunctionName: 'jwtRsaCustomAuthorizer',
        FunctionArn: FUNCTION_ARN,
        // Today's deploy made nodejs22.x functions, so the migration also moves the runtime.
        Runtime: 'nodejs22.x',
        Role: ROLE_ARN,
        Handler: 'index.handler',
        Description: 'JWT access-token authorizer for API Gateway (jwt-authorizer)',
        Timeout: 30,
        MemorySize: 256,
        CodeSha256: fakeZip().sha256,
        State: 'Active',
        LastUpdateStatus: 'Successful',
        Environment: { Variables: { ...SETTINGS } },
      },
      statements: [],
    });
    const api = aws.restApis.get(API);
    const authorizer = {
      id: 'auth0',
      name: AUTHORIZER,
      type: 'TOKEN' as const,
      authType: 'custom',
      authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`,
      authorizerCredentials: ROLE_ARN,
      identitySource: 'method.request.header.Authorization',
      identityValidationExpression: '^Bearer [-0-9a-zA-Z\\._]*$',
      authorizerResultTtlInSeconds: 300,
    };
    api?.authorizers.set('auth0', authorizer);
    api?.deployments.push({ id: 'dep0', authorizers: [structuredClone(authorizer)] });
  }

  it('migrates the single role with no moment where API Gateway cannot invoke the function', async () => {
    const { aws, context, sleeps } = createHarness();
    seedSingleRoleDeploy(aws);
    aws.iamPropagationMs = 5_000;
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
    const broken: string[] = [];
    aws.onOperation = (operation) => {
      if (!aws.apiGatewayCanInvoke(API, AUTHORIZER)) broken.push(operation);
    };

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    expect(broken).toEqual([]);
    expect(aws.mutatingOperations()).toEqual([
      'CreateRole',
      'PutRolePolicy',
      'UpdateFunctionConfiguration',
      'UpdateAuthorizer',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'CreateDeployment',
      'UpdateAssumeRolePolicy',
      'DeleteRolePolicy',
    ]);
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(5_000);
    expect(JSON.parse(aws.roles.get('jwtRsaCustomAuthorizerRole')?.trust ?? '')).toEqual(LAMBDA_ONLY);
    expect(aws.roleCanInvoke('jwtRsaCustomAuthorizerRole', FUNCTION_ARN)).toBe(false);
    expect(aws.restApis.get(API)?.authorizers.get('auth0')?.authorizerCredentials).toBe(INVOKER_ARN);
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it('waits for a new invoker role to propagate before the stage uses it', async () => {
    const { aws, context, sleeps, out } = createHarness();
    aws.addRestApi(API);
    aws.iamPropagationMs = 5_000;

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    expect(sleeps).toEqual([10_000]);
    expect(out).toContain(
      `  waiting    role ${INVOKER} (letting IAM propagate the new role for 10 s before the stage uses it)`,
    );
    const operations = aws.sentOperations();
    expect(operations.indexOf('CreateDeployment')).toBeGreaterThan(operations.indexOf('CreateAuthorizer'));
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it('leaves the single role untouched, and the API working, when the invoker role is refused (AccessDenied)', async () => {
    const { aws, context } = createHarness();
    seedSingleRoleDeploy(aws);
    aws.failNext('CreateRole', iamAccessDenied('iam:CreateRole', INVOKER));

    await expect(runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip())).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: expect.stringMatching(/^Access denied for iam:CreateRole: grant the deploying identity/),
    });
    expect(aws.mutatingOperations()).toEqual(['CreateRole']);
    expect(aws.roleCanInvoke('jwtRsaCustomAuthorizerRole', FUNCTION_ARN)).toBe(true);
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it('redeploys the stage before narrowing the single role when an earlier run stopped after the authorizer update', async () => {
    const { aws, context } = createHarness();
    seedSingleRoleDeploy(aws);
    aws.failNext(
      'CreateDeployment',
      new TooManyRequestsExceptionApiGateway({ $metadata: { attempts: 3 }, message: 'Too Many Requests' }),
    );
    await expect(runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip())).rejects.toMatchObject({
      code: 'THROTTLED',
    });
    // The authorizer already names the invoker role; the stage still serves the single role, untouched.
    expect(aws.restApis.get(API)?.authorizers.get('auth0')?.authorizerCredentials).toBe(INVOKER_ARN);
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
    aws.resetHistory();
    const broken: string[] = [];
    aws.onOperation = (operation) => {
      if (!aws.apiGatewayCanInvoke(API, AUTHORIZER)) broken.push(operation);
    };

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    expect(aws.mutatingOperations()).toEqual([
      'CreateDeployment',
      'UpdateAssumeRolePolicy',
      'DeleteRolePolicy',
    ]);
    expect(broken).toEqual([]);
  });

  it('carries on when the leftover invoke policy was already removed (NoSuchEntity on delete)', async () => {
    const { aws, context } = createHarness();
    seedSingleRoleDeploy(aws);
    aws.failNext(
      'DeleteRolePolicy',
      new NoSuchEntityException({
        $metadata: { httpStatusCode: 404 },
        message: 'The role policy with name invoke-authorizer-function cannot be found.',
      }),
    );

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    expect(JSON.parse(aws.roles.get('jwtRsaCustomAuthorizerRole')?.trust ?? '')).toEqual(LAMBDA_ONLY);
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it('migrates the single role to resource-policy mode with no invoker role and no gap', async () => {
    const { aws, context } = createHarness();
    seedSingleRoleDeploy(aws);
    const broken: string[] = [];
    aws.onOperation = (operation) => {
      if (!aws.apiGatewayCanInvoke(API, AUTHORIZER)) broken.push(operation);
    };

    await runDeploy(
      context,
      deployConfig({ 'rest-api-id': API, 'invoke-permission': 'resource-policy' }),
      fakeZip(),
    );

    expect(broken).toEqual([]);
    expect(aws.mutatingOperations()).toEqual([
      'UpdateFunctionConfiguration',
      'AddPermission',
      'UpdateAuthorizer',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'CreateDeployment',
      'UpdateAssumeRolePolicy',
      'DeleteRolePolicy',
    ]);
    expect([...aws.roles.keys()]).toEqual(['jwtRsaCustomAuthorizerRole']);
    expect(aws.roleCanInvoke('jwtRsaCustomAuthorizerRole', FUNCTION_ARN)).toBe(false);
  });

  it('keeps the invoker role, with a warning, when switching to resource-policy without a REST API id', async () => {
    const { aws, context, err } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip());
    aws.resetHistory();

    await runDeploy(context, deployConfig({ 'invoke-permission': 'resource-policy' }), fakeZip());

    expect(aws.mutatingOperations()).toEqual([]);
    expect(aws.roles.has(INVOKER)).toBe(true);
    expect(err).toEqual([
      `warning: role ${INVOKER} is kept because an authorizer may still use it: run deploy with --rest-api-id, or destroy, to remove it`,
    ]);
  });

  it('narrows the single role without a REST API id and says which role an authorizer must use now', async () => {
    const { aws, context, err } = createHarness();
    seedSingleRoleDeploy(aws);

    await runDeploy(context, deployConfig(), fakeZip());

    expect(aws.mutatingOperations()).toEqual([
      'CreateRole',
      'PutRolePolicy',
      'UpdateFunctionConfiguration',
      'UpdateAssumeRolePolicy',
      'DeleteRolePolicy',
    ]);
    expect(err).toEqual([
      `warning: role jwtRsaCustomAuthorizerRole no longer trusts apigateway.amazonaws.com: an authorizer that used it as credentials must use ${INVOKER_ARN} instead (deploy --rest-api-id ID does this)`,
    ]);
  });

  it('stops before any call when the role name leaves no room for the invoker role name', async () => {
    const { aws, context } = createHarness();

    await expect(
      runDeploy(context, deployConfig({ 'role-name': 'r'.repeat(60) }), fakeZip()),
    ).rejects.toMatchObject({ code: 'USAGE' });
    expect(aws.sentOperations()).toEqual([]);
  });

  it('makes only read calls when run again after the migration', async () => {
    const { aws, context } = createHarness();
    seedSingleRoleDeploy(aws);
    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());
    aws.resetHistory();

    await runDeploy(context, deployConfig({ 'rest-api-id': API }), fakeZip());

    expect(aws.mutatingOperations()).toEqual([]);
    expect(aws.sentOperations()).toEqual([
      'GetRestApi',
      'GetStages',
      'GetRole',
      'ListAttachedRolePolicies',
      'GetRolePolicy',
      'GetRole',
      'GetRolePolicy',
      'GetFunction',
      'GetAuthorizers',
      'GetGatewayResponses',
    ]);
  });
});

describe('the invoker role when API Gateway supplies aws:SourceAccount and aws:SourceArn, or not', () => {
  // AWS does not document whether API Gateway sets these keys when it assumes an authorizer's
  // credentials role, nor the source ARN's form: the fake is told what it presents.
  const API = 'a1b2c3d4e5';
  const AUTHORIZER = 'jwt-rsa-custom-authorizer';
  const INVOKER = 'jwtRsaCustomAuthorizerRole-invoker';
  const OTHER_ACCOUNT = '210987654321';
  const PRESENTED = ['authorizer-arn', 'method-arn'] as const;
  const TRUST_BEFORE_IF_EXISTS = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${API}/authorizers/*` },
        },
      },
    ],
  };

  /** Deploys onto a REST API with GET /pets, attaching the authorizer (so a method ARN exists). */
  async function deployOntoApi(
    harness: ReturnType<typeof createHarness>,
    invokePermission: 'role' | 'resource-policy' = 'role',
  ) {
    harness.aws.addRestApi(API, {
      methods: { '/pets': { GET: { httpMethod: 'GET', authorizationType: 'NONE' } } },
    });
    await runDeploy(
      harness.context,
      deployConfig({ 'rest-api-id': API, attach: true, 'invoke-permission': invokePermission }),
      fakeZip(),
    );
  }

  /**
   * Another REST API, deployed, whose authorizer calls this function with the invoker role as its
   * credentials (or with none, relying on the function's resource policy): a confused deputy.
   */
  function pointAnotherApiAtTheFunction(
    aws: FakeAws,
    restApiId: string,
    accountId: string,
    credentials: string | undefined,
  ) {
    aws.addRestApi(restApiId, { accountId });
    const authorizer = {
      id: 'other1',
      name: AUTHORIZER,
      type: 'TOKEN' as const,
      authType: 'custom',
      authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`,
      ...(credentials === undefined ? {} : { authorizerCredentials: credentials }),
      identitySource: 'method.request.header.Authorization',
    };
    const api = aws.restApis.get(restApiId);
    api?.authorizers.set(authorizer.id, authorizer);
    api?.deployments.push({ id: 'dep-other', authorizers: [structuredClone(authorizer)] });
  }

  it('lets API Gateway invoke when it supplies neither key', async () => {
    const harness = createHarness();
    harness.aws.apiGatewaySourceKeys = 'absent';

    await deployOntoApi(harness);

    expect(harness.aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it.each(PRESENTED)('lets API Gateway invoke when the keys name this account and API (%s)', async (form) => {
    const harness = createHarness();
    harness.aws.apiGatewaySourceKeys = form;

    await deployOntoApi(harness);

    expect(harness.aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it.each(PRESENTED)(
    "refuses another account's API that names the role, when the keys are supplied (%s)",
    async (form) => {
      const harness = createHarness();
      harness.aws.apiGatewaySourceKeys = form;
      await deployOntoApi(harness);

      pointAnotherApiAtTheFunction(harness.aws, 'otherapi01', OTHER_ACCOUNT, INVOKER_ROLE_ARN);

      expect(harness.aws.apiGatewayCanInvoke('otherapi01', AUTHORIZER)).toBe(false);
      expect(harness.aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
    },
  );

  it.each(PRESENTED)(
    'refuses another API of this account that names the role, when the keys are supplied (%s)',
    async (form) => {
      const harness = createHarness();
      harness.aws.apiGatewaySourceKeys = form;
      await deployOntoApi(harness);

      pointAnotherApiAtTheFunction(harness.aws, `${API}0`, ACCOUNT_ID, INVOKER_ROLE_ARN);

      expect(harness.aws.apiGatewayCanInvoke(`${API}0`, AUTHORIZER)).toBe(false);
      expect(harness.aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
    },
  );

  it('cannot tell another API apart when API Gateway supplies no keys; the resource-policy mode can', async () => {
    const withRole = createHarness();
    withRole.aws.apiGatewaySourceKeys = 'absent';
    await deployOntoApi(withRole);
    pointAnotherApiAtTheFunction(withRole.aws, 'otherapi01', OTHER_ACCOUNT, INVOKER_ROLE_ARN);
    // The documented limit of the IfExists conditions: with no keys there is nothing to compare.
    expect(withRole.aws.apiGatewayCanInvoke('otherapi01', AUTHORIZER)).toBe(true);

    const withResourcePolicy = createHarness();
    withResourcePolicy.aws.apiGatewaySourceKeys = 'absent';
    await deployOntoApi(withResourcePolicy, 'resource-policy');
    pointAnotherApiAtTheFunction(withResourcePolicy.aws, 'otherapi01', OTHER_ACCOUNT, undefined);
    pointAnotherApiAtTheFunction(withResourcePolicy.aws, `${API}0`, ACCOUNT_ID, undefined);
    expect(withResourcePolicy.aws.apiGatewayCanInvoke('otherapi01', AUTHORIZER)).toBe(false);
    expect(withResourcePolicy.aws.apiGatewayCanInvoke(`${API}0`, AUTHORIZER)).toBe(false);
    expect(withResourcePolicy.aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });

  it('rewrites the trust an earlier deploy wrote with plain StringEquals/ArnLike, and changes nothing else', async () => {
    const harness = createHarness();
    const { aws, context, out } = harness;
    await deployOntoApi(harness);
    const role = aws.roles.get(INVOKER);
    if (role) role.trust = JSON.stringify(TRUST_BEFORE_IF_EXISTS);
    aws.apiGatewaySourceKeys = 'absent';
    // The outage the earlier trust risks: with no keys, every request would get a 500.
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(false);
    aws.resetHistory();
    out.length = 0;

    await runDeploy(context, deployConfig({ 'rest-api-id': API, attach: true }), fakeZip());

    expect(aws.mutatingOperations()).toEqual(['UpdateAssumeRolePolicy']);
    expect(out).toContain(`  updated    role ${INVOKER} (${INVOKER_ROLE_ARN})`);
    expect(JSON.parse(aws.roles.get(INVOKER)?.trust ?? '{}').Statement[0].Condition).toEqual({
      StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT_ID },
      ArnLikeIfExists: { 'aws:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${API}/*` },
    });
    expect(aws.apiGatewayCanInvoke(API, AUTHORIZER)).toBe(true);
  });
});
