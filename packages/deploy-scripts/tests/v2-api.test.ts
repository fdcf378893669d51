import {
  BadRequestException,
  ConflictException,
  NotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-apigatewayv2';
import { describe, expect, it } from 'vitest';
import type { DeployConfig, DestroyConfig } from '../src/config.js';
import { resolveDestroyConfig } from '../src/config.js';
import { runDeploy } from '../src/deploy.js';
import { runDestroy } from '../src/destroy.js';
import { buildDeployCalls, buildDestroyCalls } from '../src/plan.js';
import { type Facts, selectCalls } from '../src/step.js';
import { ACCOUNT_ID, createHarness, deployConfig, fakeZip, SETTINGS } from './helpers/harness.js';

const HTTP = 'h1t2t3p4a5';
// Bearer tokens only: with DPoP on (the default), an HTTP API authorizer's caching is off.
const BEARER = { ...SETTINGS, JWT_SENDER_CONSTRAINED: 'off' };
const WS = 'w1s2o3c4k5';
type Harness = ReturnType<typeof createHarness>;
const operations = (calls: string[]) => calls.map((call) => call.slice(call.indexOf(':') + 1));
const meta = { httpStatusCode: 400, requestId: 'r', attempts: 1 };

/** Runs deploy and checks that the calls sent are, in order, the planned calls whose conditions hold. */
async function deployAndCompare(harness: Harness, config: DeployConfig, zip = fakeZip()): Promise<Facts> {
  harness.aws.resetHistory();
  const facts: Facts = {};
  await runDeploy(harness.context, config, zip, facts);
  expect(harness.aws.sentOperations()).toEqual(
    operations(selectCalls(buildDeployCalls(config, 'us-east-1', zip), facts)),
  );
  return facts;
}

async function destroyAndCompare(harness: Harness, config: DestroyConfig): Promise<Facts> {
  harness.aws.resetHistory();
  const facts: Facts = {};
  await runDestroy(harness.context, config, facts);
  expect(harness.aws.sentOperations()).toEqual(operations(selectCalls(buildDestroyCalls(config), facts)));
  return facts;
}

const destroyConfig = (values: Record<string, string | boolean>, settings: Record<string, string> = {}) =>
  resolveDestroyConfig({ yes: true, ...values }, settings);

function permissionOf(harness: Harness, apiId: string) {
  return harness.aws.functions
    .get('jwtRsaCustomAuthorizer')
    ?.statements.find((statement) => statement.Sid === `apigateway-${apiId}-authorizers`);
}

describe('deploy --http-api-id', () => {
  it('first deploy with --attach: a REQUEST 2.0 authorizer, the scoped permission, every route but OPTIONS', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP, { routeKeys: ['GET /pets', 'POST /pets', 'OPTIONS /pets'] });

    const facts = await deployAndCompare(
      harness,
      deployConfig({ 'http-api-id': HTTP, attach: true }, BEARER),
    );

    expect(facts).toMatchObject({
      stageAutoDeploys: true,
      authorizerExists: false,
      permissionPresent: false,
      unprotectedRoutes: 2,
    });
    expect(harness.aws.mutatingOperations()).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'CreateFunction',
      'CreateAuthorizer',
      'AddPermission',
      'UpdateRoute',
      'UpdateRoute',
    ]);
    const [authorizer] = [...api.authorizers.values()];
    expect(authorizer).toMatchObject({
      Name: 'jwt-rsa-custom-authorizer',
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      // A cached isAuthorized carries no route: the route key keeps one route's answer off the others.
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:jwtRsaCustomAuthorizer/invocations`,
    });
    expect(permissionOf(harness, HTTP)?.Condition?.ArnLike['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${HTTP}/authorizers/${authorizer?.AuthorizerId}`,
    );
    expect(api.routes.map((route) => [route.RouteKey, route.AuthorizationType])).toEqual([
      ['GET /pets', 'CUSTOM'],
      ['POST /pets', 'CUSTOM'],
      ['OPTIONS /pets', 'NONE'],
    ]);
    // No invoker role: an HTTP API authorizer is invoked through the resource policy.
    expect([...harness.aws.roles.keys()]).toEqual(['jwtRsaCustomAuthorizerRole']);
  });

  it('an unchanged re-deploy only reads', async () => {
    const harness = createHarness();
    harness.aws.addV2Api(HTTP);
    const config = deployConfig({
      'http-api-id': HTTP,
      attach: true,
      'cors-origin': 'https://app.example.com',
    });
    await runDeploy(harness.context, config, fakeZip());

    const facts = await deployAndCompare(harness, config);

    expect(facts).toMatchObject({
      authorizerExists: true,
      authorizerDiffers: false,
      permissionPresent: true,
      permissionMatches: true,
      unprotectedRoutes: 0,
      corsDiffers: false,
    });
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('changed settings on a stage without auto-deploy: updates the authorizer and deploys the stage', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP, { stages: [{ StageName: 'prod', AutoDeploy: false }] });
    await runDeploy(harness.context, deployConfig({ 'http-api-id': HTTP, attach: true }, BEARER), fakeZip());
    expect(api.deployments).toHaveLength(1);

    const facts = await deployAndCompare(
      harness,
      deployConfig(
        { 'http-api-id': HTTP, attach: true, ttl: '60' },
        { ...BEARER, JWT_HTTP_API_RESPONSE: 'iam' },
      ),
    );

    expect(facts).toMatchObject({ stageAutoDeploys: false, authorizerDiffers: true });
    expect(harness.aws.mutatingOperations()).toEqual([
      'UpdateFunctionConfiguration',
      'UpdateAuthorizer',
      'CreateDeployment',
    ]);
    // An IAM policy is checked against each route's ARN: the token alone is the cache key.
    expect([...api.authorizers.values()][0]).toMatchObject({
      EnableSimpleResponses: false,
      AuthorizerResultTtlInSeconds: 60,
      IdentitySource: ['$request.header.Authorization'],
    });
    expect(api.deployments).toHaveLength(2);
  });

  it('--routes attaches to the routes named only, and refuses a route the API does not have', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP, { routeKeys: ['GET /pets', 'POST /pets', 'DELETE /pets'] });

    const facts = await deployAndCompare(
      harness,
      deployConfig({ 'http-api-id': HTTP, attach: true, routes: 'GET /pets,POST /pets' }),
    );

    expect(facts.unprotectedRoutes).toBe(2);
    expect(api.routes.map((route) => route.AuthorizationType)).toEqual(['CUSTOM', 'CUSTOM', 'NONE']);
    await expect(
      runDeploy(
        harness.context,
        deployConfig({ 'http-api-id': HTTP, attach: true, routes: 'GET /cats' }),
        fakeZip(),
      ),
    ).rejects.toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('leaves a route that uses another authorizer alone', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP, { routeKeys: ['GET /pets', 'GET /admin'] });
    const admin = api.routes[1];
    if (admin) Object.assign(admin, { AuthorizationType: 'AWS_IAM' });

    await deployAndCompare(harness, deployConfig({ 'http-api-id': HTTP, attach: true }));

    expect(api.routes.map((route) => route.AuthorizationType)).toEqual(['CUSTOM', 'AWS_IAM']);
    expect(harness.out.join('\n')).toContain('route GET /admin (keeps its AWS_IAM authorization)');
  });

  it('--cors-origin sets the CORS configuration, keeping fields already there', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP, {
      cors: { AllowOrigins: ['https://old.example.com'], AllowHeaders: ['x-request-id'], MaxAge: 600 },
    });

    const facts = await deployAndCompare(
      harness,
      deployConfig({
        'http-api-id': HTTP,
        'cors-origin': 'https://app.example.com,https://admin.example.com',
      }),
    );

    expect(facts.corsDiffers).toBe(true);
    expect(api.cors).toEqual({
      AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
      AllowHeaders: ['x-request-id', 'authorization', 'content-type'],
      ExposeHeaders: ['www-authenticate'],
      AllowMethods: ['*'],
      MaxAge: 600,
    });
  });

  it('a token source API Gateway cannot cache on forces TTL 0 with a warning', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP);

    await deployAndCompare(
      harness,
      deployConfig(
        { 'http-api-id': HTTP, ttl: '600' },
        { ...SETTINGS, JWT_TOKEN_SOURCE: 'header:Authorization,cookie:session' },
      ),
    );

    expect([...api.authorizers.values()][0]).toMatchObject({
      IdentitySource: [],
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(harness.err.join('\n')).toContain('authorizer caching is off (TTL 0, not 600 s)');
  });

  it('a single query parameter is the identity source, and caching stays on', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP);

    await deployAndCompare(
      harness,
      deployConfig({ 'http-api-id': HTTP }, { ...BEARER, JWT_TOKEN_SOURCE: 'query:access_token' }),
    );

    expect([...api.authorizers.values()][0]).toMatchObject({
      IdentitySource: ['$request.querystring.access_token', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(harness.err).toEqual([]);
  });

  it('destroy stops when routes use the authorizer, and with --detach removes only what deploy made', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP, { routeKeys: ['GET /pets', 'POST /pets'] });
    await runDeploy(harness.context, deployConfig({ 'http-api-id': HTTP, attach: true }), fakeZip());

    harness.aws.resetHistory();
    await expect(runDestroy(harness.context, destroyConfig({ 'http-api-id': HTTP }))).rejects.toMatchObject({
      code: 'AUTHORIZER_IN_USE',
    });
    expect(harness.aws.mutatingOperations()).toEqual([]);
    expect(api.authorizers.size).toBe(1);

    const facts = await destroyAndCompare(harness, destroyConfig({ 'http-api-id': HTTP, detach: true }));

    expect(facts).toMatchObject({
      authorizerExists: true,
      routesUsingAuthorizer: 2,
      permissionPresent: true,
    });
    expect(harness.aws.mutatingOperations()).toEqual([
      'UpdateRoute',
      'UpdateRoute',
      'DeleteAuthorizer',
      'RemovePermission',
      'DeleteFunction',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
    expect(harness.aws.v2Apis.has(HTTP)).toBe(true);
    expect(api.routes.map((route) => [route.RouteKey, route.AuthorizationType])).toEqual([
      ['GET /pets', 'NONE'],
      ['POST /pets', 'NONE'],
    ]);
    expect(api.authorizers.size).toBe(0);

    const again = await destroyAndCompare(harness, destroyConfig({ 'http-api-id': HTTP }));
    expect(again).toMatchObject({ authorizerExists: false, functionExists: false });
    // DeleteFunction is always sent; a missing function is reported as absent.
    expect(harness.aws.mutatingOperations()).toEqual(['DeleteFunction']);
  });
});

describe('deploy --websocket-api-id', () => {
  it('first deploy with --attach: $connect uses the authorizer, the token from ?token=, the stage is deployed', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(WS, { protocol: 'WEBSOCKET' });

    const facts = await deployAndCompare(harness, deployConfig({ 'websocket-api-id': WS, attach: true }));

    expect(facts).toMatchObject({ stageAutoDeploys: false, authorizerExists: false, unprotectedRoutes: 1 });
    expect(harness.aws.mutatingOperations()).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'CreateFunction',
      'CreateAuthorizer',
      'AddPermission',
      'UpdateRoute',
      'CreateDeployment',
    ]);
    const [authorizer] = [...api.authorizers.values()];
    expect(authorizer).toEqual({
      AuthorizerId: authorizer?.AuthorizerId,
      Name: 'jwt-rsa-custom-authorizer',
      AuthorizerType: 'REQUEST',
      AuthorizerUri: expect.stringContaining(':function:jwtRsaCustomAuthorizer/invocations'),
      IdentitySource: ['route.request.querystring.token'],
    });
    expect(api.routes.map((route) => [route.RouteKey, route.AuthorizationType])).toEqual([
      ['$connect', 'CUSTOM'],
      ['$default', 'NONE'],
    ]);
    // The function reads the token where the identity source says it is.
    expect(
      harness.aws.functions.get('jwtRsaCustomAuthorizer')?.configuration.Environment?.Variables
        ?.JWT_TOKEN_SOURCE,
    ).toBe('query:token');
    expect(api.deployments).toHaveLength(1);
  });

  it('an unchanged re-deploy only reads', async () => {
    const harness = createHarness();
    harness.aws.addV2Api(WS, { protocol: 'WEBSOCKET' });
    const config = deployConfig({ 'websocket-api-id': WS, attach: true });
    await runDeploy(harness.context, config, fakeZip());

    await deployAndCompare(harness, config);

    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('changed to the subprotocol: updates the function and the identity source, deploys the stage', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(WS, { protocol: 'WEBSOCKET' });
    await runDeploy(harness.context, deployConfig({ 'websocket-api-id': WS, attach: true }), fakeZip());

    const facts = await deployAndCompare(
      harness,
      deployConfig({ 'websocket-api-id': WS, attach: true }, { ...SETTINGS, JWT_TOKEN_SOURCE: 'protocol' }),
    );

    expect(facts).toMatchObject({ authorizerDiffers: true, unprotectedRoutes: 0 });
    expect(harness.aws.mutatingOperations()).toEqual([
      'UpdateFunctionConfiguration',
      'UpdateAuthorizer',
      'CreateDeployment',
    ]);
    expect([...api.authorizers.values()][0]?.IdentitySource).toEqual([
      'route.request.header.Sec-WebSocket-Protocol',
    ]);
  });

  it('--attach on an API without $connect stops with ROUTE_NOT_FOUND', async () => {
    const harness = createHarness();
    harness.aws.addV2Api(WS, { protocol: 'WEBSOCKET', routeKeys: ['$default'] });

    await expect(
      runDeploy(harness.context, deployConfig({ 'websocket-api-id': WS, attach: true }), fakeZip()),
    ).rejects.toMatchObject({ code: 'ROUTE_NOT_FOUND', message: expect.stringContaining('$connect') });
  });

  it('destroy --detach sets $connect back and removes the authorizer and the permission', async () => {
    const harness = createHarness();
    const api = harness.aws.addV2Api(WS, { protocol: 'WEBSOCKET' });
    await runDeploy(harness.context, deployConfig({ 'websocket-api-id': WS, attach: true }), fakeZip());

    await destroyAndCompare(harness, destroyConfig({ 'websocket-api-id': WS, detach: true }));

    expect(harness.aws.mutatingOperations().slice(0, 4)).toEqual([
      'UpdateRoute',
      'DeleteAuthorizer',
      'RemovePermission',
      'DeleteFunction',
    ]);
    expect(api.routes).toHaveLength(2);
    expect(api.authorizers.size).toBe(0);
    expect(permissionOf(harness, WS)).toBeUndefined();
  });
});

describe('API Gateway v2 failures', () => {
  it('an unknown API id stops before anything is made (NotFoundException)', async () => {
    const harness = createHarness();

    await expect(
      runDeploy(harness.context, deployConfig({ 'http-api-id': HTTP }), fakeZip()),
    ).rejects.toMatchObject({ code: 'API_NOT_FOUND', message: expect.stringContaining('--http-api-id') });
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('a WebSocket API passed as an HTTP API is refused by name', async () => {
    const harness = createHarness();
    harness.aws.addV2Api(WS, { protocol: 'WEBSOCKET' });

    await expect(
      runDeploy(harness.context, deployConfig({ 'http-api-id': WS }), fakeZip()),
    ).rejects.toMatchObject({
      code: 'API_NOT_FOUND',
      message: expect.stringContaining('--websocket-api-id'),
    });
  });

  it.each([
    [
      'CreateAuthorizer',
      new TooManyRequestsException({ $metadata: meta, message: 'Too Many Requests' }),
      'THROTTLED',
    ],
    [
      'UpdateRoute',
      new BadRequestException({ $metadata: meta, message: 'Invalid authorizer id' }),
      'AWS_ERROR',
    ],
    [
      'GetRoutes',
      new NotFoundException({ $metadata: meta, message: 'Invalid API identifier specified' }),
      'AWS_ERROR',
    ],
  ])('%s failing with %o gives %s', async (operation, error, code) => {
    const harness = createHarness();
    harness.aws.addV2Api(HTTP);
    harness.aws.failNext(operation, error);

    await expect(
      runDeploy(harness.context, deployConfig({ 'http-api-id': HTTP, attach: true }), fakeZip()),
    ).rejects.toMatchObject({ code, message: expect.stringContaining('apigateway:') });
  });

  it('an authorizer deleted meanwhile is not an error (NotFoundException); a conflict is (ConflictException)', async () => {
    const gone = createHarness();
    gone.aws.addV2Api(HTTP);
    await runDeploy(gone.context, deployConfig({ 'http-api-id': HTTP }), fakeZip());
    gone.aws.failNext(
      'DeleteAuthorizer',
      new NotFoundException({ $metadata: meta, message: 'Invalid Authorizer identifier specified' }),
    );
    await runDestroy(gone.context, destroyConfig({ 'http-api-id': HTTP }));
    expect(gone.aws.functions.size).toBe(0);

    const conflict = createHarness();
    conflict.aws.addV2Api(HTTP);
    await runDeploy(conflict.context, deployConfig({ 'http-api-id': HTTP }), fakeZip());
    conflict.aws.failNext(
      'DeleteAuthorizer',
      new ConflictException({ $metadata: meta, message: 'Cannot delete authorizer, is referenced in route' }),
    );
    await expect(runDestroy(conflict.context, destroyConfig({ 'http-api-id': HTTP }))).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: expect.stringContaining('ConflictException'),
    });
    expect(conflict.aws.functions.size).toBe(1);
  });
});
