import { describe, expect, it } from 'vitest';
import type { DeployConfig, DestroyConfig } from '../src/config.js';
import { resolveDestroyConfig } from '../src/config.js';
import { runDeploy } from '../src/deploy.js';
import { DEPLOY_STEPS } from '../src/deploy-steps.js';
import { runDestroy } from '../src/destroy.js';
import { buildDeployCalls, buildDestroyCalls } from '../src/plan.js';
import { type Facts, selectCalls } from '../src/step.js';
import {
  ACCOUNT_ID,
  createHarness,
  deployConfig,
  type FakeAws,
  fakeZip,
  SETTINGS,
} from './helpers/harness.js';

const API = 'a1b2c3d4e5';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/jwtRsaCustomAuthorizerRole`;
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:jwtRsaCustomAuthorizer`;
const LOGS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

type Harness = ReturnType<typeof createHarness>;
const operations = (calls: string[]) => calls.map((call) => call.slice(call.indexOf(':') + 1));

/**
 * Runs deploy against the fake and checks that the calls it sent are, in order, exactly the planned
 * calls whose conditions hold over what it found; returns what it found.
 */
async function deployAndCompare(harness: Harness, config: DeployConfig, zip = fakeZip()): Promise<Facts> {
  harness.aws.resetHistory();
  const facts: Facts = {};
  await runDeploy(harness.context, config, zip, facts);
  const planned = selectCalls(buildDeployCalls(config, 'us-east-1', zip), facts);
  expect(harness.aws.sentOperations()).toEqual(operations(planned));
  return facts;
}

async function destroyAndCompare(harness: Harness, config: DestroyConfig): Promise<Facts> {
  harness.aws.resetHistory();
  const facts: Facts = {};
  await runDestroy(harness.context, config, facts);
  expect(harness.aws.sentOperations()).toEqual(operations(selectCalls(buildDestroyCalls(config), facts)));
  return facts;
}

/** The account as the single-role deploy left it: one role for Lambda and API Gateway, deployed. */
function seedSingleRoleDeploy(aws: FakeAws) {
  aws.addRestApi(API, {
    methods: { '/pets': { GET: { httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: 'auth0' } } },
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
        Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN }],
      },
    },
    description: 'Runs the JWT authorizer function and lets API Gateway invoke it (jwt-authorizer)',
  });
  aws.functions.set('jwtRsaCustomAuthorizer', {
    configuration: {
      FunctionName: 'jwtRsaCustomAuthorizer',
      FunctionArn: FUNCTION_ARN,
      Runtime: 'nodejs24.x',
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
  const authorizer = {
    id: 'auth0',
    name: 'jwt-rsa-custom-authorizer',
    type: 'TOKEN' as const,
    authType: 'custom',
    authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FUNCTION_ARN}/invocations`,
    authorizerCredentials: ROLE_ARN,
    identitySource: 'method.request.header.Authorization',
    identityValidationExpression: '^Bearer [-0-9a-zA-Z\\._]*$',
    authorizerResultTtlInSeconds: 300,
  };
  aws.restApis.get(API)?.authorizers.set('auth0', authorizer);
  aws.restApis.get(API)?.deployments.push({ id: 'dep0', authorizers: [structuredClone(authorizer)] });
}

describe('deploy makes exactly the planned calls whose conditions hold, in order', () => {
  it('on a first deploy with a REST API, attaching to its open methods', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API, {
      methods: {
        '/pets': { GET: { authorizationType: 'NONE' }, OPTIONS: { authorizationType: 'NONE' } },
        '/admin': { POST: { authorizationType: 'NONE' }, PUT: { authorizationType: 'AWS_IAM' } },
      },
    });

    const facts = await deployAndCompare(harness, deployConfig({ 'rest-api-id': API, attach: true }));

    expect(facts).toEqual({
      stageExists: true,
      executionRoleExists: false,
      executionRoleTrustDiffers: false,
      executionRoleHasInvokePolicy: false,
      invokerRoleExists: false,
      functionExists: false,
      authorizerExists: false,
      unprotectedMethods: 2,
      gatewayResponsesToPut: 4,
    });
    expect(harness.aws.mutatingOperations()).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'CreateRole',
      'PutRolePolicy',
      'CreateFunction',
      'CreateAuthorizer',
      'UpdateMethod',
      'UpdateMethod',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'CreateDeployment',
    ]);
  });

  it('on a re-deploy with nothing changed: reads only', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    const config = deployConfig({ 'rest-api-id': API });
    await runDeploy(harness.context, config, fakeZip());

    const facts = await deployAndCompare(harness, config);

    expect(facts).toEqual({
      stageExists: true,
      executionRoleExists: true,
      logsPolicyAttached: true,
      executionRoleTrustDiffers: false,
      executionRoleHasInvokePolicy: false,
      invokerRoleExists: true,
      invokerTrustMatches: true,
      invokerPolicyMatches: true,
      functionExists: true,
      functionBusy: false,
      codeDiffers: false,
      configurationDiffers: false,
      authorizerExists: true,
      authorizerDiffers: false,
      gatewayResponsesToPut: 0,
    });
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('on a re-deploy with new code, settings and TTL: updates, waits and redeploys the stage', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    await runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip('v1'));

    const facts = await deployAndCompare(
      harness,
      deployConfig({ 'rest-api-id': API, ttl: '0', memory: '512' }),
      fakeZip('v2'),
    );

    expect(facts).toMatchObject({ codeDiffers: true, configurationDiffers: true, authorizerDiffers: true });
    expect(harness.aws.mutatingOperations()).toEqual([
      'UpdateFunctionCode',
      'UpdateFunctionConfiguration',
      'UpdateAuthorizer',
      'CreateDeployment',
    ]);
  });

  it('with --redeploy: deploys the stage though nothing changed', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    await runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip());

    await deployAndCompare(harness, deployConfig({ 'rest-api-id': API, redeploy: true }));

    expect(harness.aws.mutatingOperations()).toEqual(['CreateDeployment']);
  });

  it('in resource-policy mode, first deploy and a re-deploy', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    const config = deployConfig({ 'rest-api-id': API, 'invoke-permission': 'resource-policy' });

    const first = await deployAndCompare(harness, config);
    const again = await deployAndCompare(harness, config);

    expect(first).toMatchObject({ invokerRoleMadeByDeploy: false, permissionPresent: false });
    expect(again).toMatchObject({
      permissionPresent: true,
      permissionMatches: true,
      authorizerDiffers: false,
    });
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('switching from role to resource-policy mode: removes the invoker role after the stage moved off it', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    await runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip());

    const facts = await deployAndCompare(
      harness,
      deployConfig({ 'rest-api-id': API, 'invoke-permission': 'resource-policy' }),
    );

    expect(facts).toMatchObject({
      invokerRoleMadeByDeploy: true,
      invokerRoleManagedPolicies: 0,
      invokerRoleInlinePolicies: 1,
    });
    expect(harness.aws.mutatingOperations()).toEqual([
      'AddPermission',
      'UpdateAuthorizer',
      'CreateDeployment',
      'DeleteRolePolicy',
      'DeleteRole',
    ]);
  });

  it('switching from resource-policy back to role mode with new code, attached methods kept', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API, { methods: { '/': { GET: { authorizationType: 'NONE' } } } });
    await runDeploy(
      harness.context,
      deployConfig({ 'rest-api-id': API, attach: true, 'invoke-permission': 'resource-policy' }),
      fakeZip('v1'),
    );

    const facts = await deployAndCompare(
      harness,
      deployConfig({ 'rest-api-id': API, attach: true }),
      fakeZip('v2'),
    );

    expect(facts).toMatchObject({ invokerRoleExists: false, codeDiffers: true, unprotectedMethods: 0 });
    expect(harness.aws.mutatingOperations()).toEqual([
      'CreateRole',
      'PutRolePolicy',
      'UpdateFunctionCode',
      'UpdateAuthorizer',
      'CreateDeployment',
    ]);
  });

  it('replaces a permission statement whose SourceArn differs', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    const config = deployConfig({ 'rest-api-id': API, 'invoke-permission': 'resource-policy' });
    await runDeploy(harness.context, config, fakeZip());
    const [statement] = harness.aws.functions.get('jwtRsaCustomAuthorizer')?.statements ?? [];
    if (statement?.Condition) statement.Condition.ArnLike['AWS:SourceArn'] = 'arn:aws:execute-api:*';

    const facts = await deployAndCompare(harness, config);

    expect(facts).toMatchObject({ permissionPresent: true, permissionMatches: false });
    expect(harness.aws.mutatingOperations()).toEqual(['RemovePermission', 'AddPermission']);
  });

  it('without a REST API: no API Gateway call', async () => {
    const harness = createHarness();

    const facts = await deployAndCompare(harness, deployConfig());

    expect(Object.keys(facts).sort()).toEqual([
      'executionRoleExists',
      'executionRoleHasInvokePolicy',
      'executionRoleTrustDiffers',
      'functionExists',
      'invokerRoleExists',
    ]);
    expect(harness.aws.mutatingOperations()).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'CreateRole',
      'PutRolePolicy',
      'CreateFunction',
    ]);
  });

  it('migrating from the single role: the role is narrowed after the stage deployment', async () => {
    const harness = createHarness();
    seedSingleRoleDeploy(harness.aws);

    const facts = await deployAndCompare(harness, deployConfig({ 'rest-api-id': API }));

    expect(facts).toMatchObject({
      executionRoleExists: true,
      logsPolicyAttached: true,
      executionRoleTrustDiffers: true,
      executionRoleHasInvokePolicy: true,
      invokerRoleExists: false,
      authorizerDiffers: true,
    });
    // The earlier deploy put no gateway responses: they are put now, before the stage deployment.
    expect(harness.aws.mutatingOperations()).toEqual([
      'CreateRole',
      'PutRolePolicy',
      'UpdateAuthorizer',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'CreateDeployment',
      'UpdateAssumeRolePolicy',
      'DeleteRolePolicy',
    ]);
  });

  it('migrating from the single role to resource-policy mode, and without a REST API id', async () => {
    const toResourcePolicy = createHarness();
    seedSingleRoleDeploy(toResourcePolicy.aws);
    await deployAndCompare(
      toResourcePolicy,
      deployConfig({ 'rest-api-id': API, 'invoke-permission': 'resource-policy' }),
    );
    expect(toResourcePolicy.aws.mutatingOperations().slice(-2)).toEqual([
      'UpdateAssumeRolePolicy',
      'DeleteRolePolicy',
    ]);

    const withoutApi = createHarness();
    seedSingleRoleDeploy(withoutApi.aws);
    await deployAndCompare(withoutApi, deployConfig());
    expect(withoutApi.aws.mutatingOperations().slice(-2)).toEqual([
      'UpdateAssumeRolePolicy',
      'DeleteRolePolicy',
    ]);
  });
});

describe('destroy makes exactly the planned calls whose conditions hold, in order', () => {
  const destroyConfig = (values: Record<string, string | boolean> = {}) =>
    resolveDestroyConfig({ yes: true, ...values }, {});

  it('after a deploy with a REST API in resource-policy mode', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API, { methods: { '/pets': { GET: { authorizationType: 'NONE' } } } });
    await runDeploy(
      harness.context,
      deployConfig({ 'rest-api-id': API, attach: true, 'invoke-permission': 'resource-policy' }),
      fakeZip(),
    );

    const facts = await destroyAndCompare(harness, destroyConfig({ 'rest-api-id': API }));

    expect(facts).toEqual({
      authorizerExists: true,
      methodsUsingAuthorizer: 1,
      gatewayResponsesByDeploy: 4,
      permissionPresent: true,
      functionExists: true,
      invokerRoleMadeByDeploy: false,
      executionRoleExists: true,
      executionRoleManagedPolicies: 1,
      executionRoleInlinePolicies: 0,
    });
  });

  it('after a deploy in role mode, and again when everything is gone', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    await runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip());

    const first = await destroyAndCompare(harness, destroyConfig({ 'rest-api-id': API }));
    const again = await destroyAndCompare(harness, destroyConfig());

    expect(first).toMatchObject({ invokerRoleMadeByDeploy: true, invokerRoleInlinePolicies: 1 });
    expect(again).toEqual({
      functionExists: false,
      invokerRoleMadeByDeploy: false,
      executionRoleExists: false,
    });
    expect(harness.aws.mutatingOperations()).toEqual(['DeleteFunction']);
  });
});

describe('the deploy steps', () => {
  it('the function step names the files the settings put into the zip, in its summary and its code uploads', () => {
    const files = [
      { setting: 'JWT_ROUTES_FILE', path: '/repo/routes.json', zipName: 'settings/routes.json' },
      { setting: 'JWT_CONFIG_FILE', path: '/repo/issuers.json', zipName: 'settings/issuers.json' },
    ];
    const config = { ...deployConfig(), files };
    const target = { region: 'us-east-1', accountId: '<account>', zip: undefined };
    const step = DEPLOY_STEPS.find((candidate) => candidate.name === 'function');
    expect(step?.summary?.(config, target)).toEqual(
      expect.arrayContaining([
        '  zip adds     settings/routes.json from /repo/routes.json (JWT_ROUTES_FILE)',
        '  zip adds     settings/issuers.json from /repo/issuers.json (JWT_CONFIG_FILE)',
      ]),
    );
    const uploads = buildDeployCalls(config, 'us-east-1', undefined).filter((call) =>
      ['CreateFunction', 'UpdateFunctionCode'].includes(call.operation),
    );
    expect(uploads).toHaveLength(2);
    for (const call of uploads) {
      expect(call.detail).toContain('the zip with settings/routes.json, settings/issuers.json');
    }
    const plain = buildDeployCalls(deployConfig(), 'us-east-1', undefined).find(
      (call) => call.operation === 'UpdateFunctionCode',
    );
    expect(plain?.detail).toMatch(/^the zip, CodeSha256/);
  });

  it('plan nothing for a config they do not apply to', async () => {
    const config = deployConfig();
    const idle = DEPLOY_STEPS.filter(
      (step) =>
        step.plan(config, { region: 'us-east-1', accountId: '<account>', zip: undefined }).length === 0,
    ).map((step) => step.name);
    expect(idle).toEqual([
      'rest-api',
      'v2-api',
      'replay-table',
      'bound-token-grants',
      'invoker-role-lookup',
      'invoke-permission',
      'authorizer',
      'v2-authorizer',
      'v2-permission',
      'methods',
      'gateway-responses',
      'v2-routes',
      'v2-cors',
      'stage-deployment',
      'v2-deployment',
      'invoker-role-removal',
    ]);
  });
});
