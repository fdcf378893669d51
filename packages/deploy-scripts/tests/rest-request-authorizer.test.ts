import { describe, expect, it } from 'vitest';
import { runDeploy } from '../src/deploy.js';
import { buildDeployCalls } from '../src/plan.js';
import { type Facts, selectCalls } from '../src/step.js';
import { createHarness, deployConfig, fakeZip, SETTINGS } from './helpers/harness.js';

const API = 'r1e2s3t4a5';

describe('deploy --rest-api-id --authorizer-type request', () => {
  it('makes a REQUEST authorizer on the token source, then only reads on a re-deploy', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    // Bearer tokens only: with DPoP on, caching would be off (see the DPoP tests below).
    const settings = { ...SETTINGS, JWT_TOKEN_SOURCE: 'query:token', JWT_SENDER_CONSTRAINED: 'off' };
    const config = deployConfig({ 'rest-api-id': API, 'authorizer-type': 'request' }, settings);
    await runDeploy(harness.context, config, fakeZip());

    const [authorizer] = [...(harness.aws.restApis.get(API)?.authorizers.values() ?? [])];
    expect(authorizer).toMatchObject({
      type: 'REQUEST',
      identitySource: 'method.request.querystring.token',
      authorizerResultTtlInSeconds: 300,
    });
    expect(authorizer?.identityValidationExpression).toBeUndefined();

    harness.aws.resetHistory();
    const facts: Facts = {};
    await runDeploy(harness.context, config, fakeZip(), facts);
    expect(harness.aws.sentOperations()).toEqual(
      selectCalls(buildDeployCalls(config, 'us-east-1', fakeZip()), facts).map((call) => call.split(':')[1]),
    );
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('switches an existing TOKEN authorizer to REQUEST and deploys the stage', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    await runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip());

    harness.aws.resetHistory();
    await runDeploy(
      harness.context,
      deployConfig({ 'rest-api-id': API, 'authorizer-type': 'request' }),
      fakeZip(),
    );

    expect(harness.aws.mutatingOperations()).toEqual(['UpdateAuthorizer', 'CreateDeployment']);
    const [authorizer] = [...(harness.aws.restApis.get(API)?.authorizers.values() ?? [])];
    expect(authorizer).toMatchObject({
      type: 'REQUEST',
      identitySource: 'method.request.header.Authorization',
    });
    expect(authorizer?.identityValidationExpression).toBeUndefined();
  });

  it('with two token places: no identity source and TTL 0, with a warning', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);

    await runDeploy(
      harness.context,
      deployConfig(
        { 'rest-api-id': API, 'authorizer-type': 'request' },
        { ...SETTINGS, JWT_TOKEN_SOURCE: 'header:Authorization,query:token' },
      ),
      fakeZip(),
    );

    const [authorizer] = [...(harness.aws.restApis.get(API)?.authorizers.values() ?? [])];
    expect(authorizer?.identitySource).toBeUndefined();
    expect(authorizer?.authorizerResultTtlInSeconds).toBe(0);
    expect(harness.err.join('\n')).toContain('authorizer caching is off (TTL 0, not 300 s)');
  });

  it('a TOKEN authorizer with a token source other than one header is a configuration problem', () => {
    const config = deployConfig({ 'rest-api-id': API }, { ...SETTINGS, JWT_TOKEN_SOURCE: 'query:token' });
    expect(config.problems).toContainEqual(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('--authorizer-type request'),
      }),
    );
  });

  it('a TOKEN authorizer reads the one header JWT_TOKEN_SOURCE names', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    await runDeploy(
      harness.context,
      deployConfig({ 'rest-api-id': API }, { ...SETTINGS, JWT_TOKEN_SOURCE: 'header:X-Access-Token' }),
      fakeZip(),
    );
    const [authorizer] = [...(harness.aws.restApis.get(API)?.authorizers.values() ?? [])];
    expect(authorizer).toMatchObject({
      type: 'TOKEN',
      identitySource: 'method.request.header.X-Access-Token',
    });
  });
});
