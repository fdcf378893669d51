import {
  BadRequestException,
  NotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-api-gateway';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveDestroyConfig } from '../src/config.js';
import { runDeploy } from '../src/deploy.js';
import { runDestroy } from '../src/destroy.js';
import { parseCorsOrigins } from '../src/door-config.js';
import { buildGatewayResponses } from '../src/gateway-responses.js';
import { buildDeployCalls } from '../src/plan.js';
import { type Facts, selectCalls } from '../src/step.js';
import { parseTokenSources } from '../src/token-source.js';
import { createHarness, deployConfig, fakeZip, SETTINGS } from './helpers/harness.js';

const API = 'g1a2t3e4w5';
const meta = { httpStatusCode: 400, requestId: 'r', attempts: 1 };
const responsesOf = (harness: ReturnType<typeof createHarness>) =>
  harness.aws.restApis.get(API)?.gatewayResponses ?? new Map();

describe('REST gateway responses', () => {
  it('puts 401, 403 and the two 500s with WWW-Authenticate and a JSON body, and deploys them', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);

    await runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip());

    const responses = responsesOf(harness);
    expect(responses.get('UNAUTHORIZED')).toEqual({
      responseType: 'UNAUTHORIZED',
      statusCode: '401',
      responseParameters: { 'gatewayresponse.header.WWW-Authenticate': `'Bearer error="invalid_token"'` },
      responseTemplates: {
        'application/json':
          '{"error":"invalid_token","error_description":$context.error.messageString,"request_id":"$context.requestId"}',
      },
      defaultResponse: false,
    });
    expect(responses.get('ACCESS_DENIED')).toMatchObject({
      statusCode: '403',
      responseParameters: {
        'gatewayresponse.header.WWW-Authenticate': `'Bearer error="insufficient_scope"'`,
      },
    });
    for (const type of ['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR']) {
      expect(responses.get(type)).toMatchObject({ statusCode: '500', responseParameters: {} });
    }
    // The stage serves them: they were put before its deployment.
    expect(harness.aws.restApis.get(API)?.deployments.at(-1)?.gatewayResponses).toHaveLength(4);
  });

  it('with --cors-origin: the CORS headers on every response; unchanged re-deploy reads only; a new origin updates and redeploys', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    const settings = { ...SETTINGS, JWT_TOKEN_SOURCE: 'header:X-Access-Token' };
    const config = deployConfig({ 'rest-api-id': API, 'cors-origin': 'https://app.example.com' }, settings);
    await runDeploy(harness.context, config, fakeZip());

    for (const response of responsesOf(harness).values()) {
      expect(response.responseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Access-Control-Allow-Headers': "'X-Access-Token,Content-Type'",
        'gatewayresponse.header.Access-Control-Expose-Headers': "'WWW-Authenticate'",
        'gatewayresponse.header.Vary': "'Origin'",
      });
    }

    harness.aws.resetHistory();
    const facts: Facts = {};
    await runDeploy(harness.context, config, fakeZip(), facts);
    expect(facts.gatewayResponsesToPut).toBe(0);
    expect(harness.aws.sentOperations()).toEqual(
      selectCalls(buildDeployCalls(config, 'us-east-1', fakeZip()), facts).map((call) => call.split(':')[1]),
    );
    expect(harness.aws.mutatingOperations()).toEqual([]);

    harness.aws.resetHistory();
    await runDeploy(
      harness.context,
      deployConfig({ 'rest-api-id': API, 'cors-origin': '*' }, settings),
      fakeZip(),
    );
    expect(harness.aws.mutatingOperations()).toEqual([
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'PutGatewayResponse',
      'CreateDeployment',
    ]);
    const unauthorized = responsesOf(harness).get('UNAUTHORIZED');
    expect(unauthorized?.responseParameters?.['gatewayresponse.header.Access-Control-Allow-Origin']).toBe(
      "'*'",
    );
    expect(unauthorized?.responseParameters?.['gatewayresponse.header.Vary']).toBeUndefined();
  });

  it("leaves a response someone else set alone, and destroy resets only deploy's", async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    const theirs = {
      responseType: 'UNAUTHORIZED' as const,
      statusCode: '401',
      responseParameters: {},
      responseTemplates: { 'application/json': '{"message":"log in first"}' },
      defaultResponse: false,
    };
    responsesOf(harness).set('UNAUTHORIZED', structuredClone(theirs));

    await runDeploy(
      harness.context,
      deployConfig({ 'rest-api-id': API, 'cors-origin': 'https://app.example.com' }),
      fakeZip(),
    );

    expect(responsesOf(harness).get('UNAUTHORIZED')).toEqual(theirs);
    expect(harness.out).toContain(
      '  skipped    gateway response UNAUTHORIZED (set by someone else: left alone)',
    );
    expect(harness.aws.mutatingOperations().filter((name) => name === 'PutGatewayResponse')).toHaveLength(3);

    harness.aws.resetHistory();
    const facts: Facts = {};
    await runDestroy(harness.context, resolveDestroyConfig({ yes: true, 'rest-api-id': API }, {}), facts);
    expect(facts.gatewayResponsesByDeploy).toBe(3);
    expect([...responsesOf(harness).keys()]).toEqual(['UNAUTHORIZED']);
    expect(responsesOf(harness).get('UNAUTHORIZED')).toEqual(theirs);
  });

  it.each([
    [
      new BadRequestException({ $metadata: meta, message: 'Invalid mapping expression specified' }),
      'AWS_ERROR',
    ],
    [new TooManyRequestsException({ $metadata: meta, message: 'Too Many Requests' }), 'THROTTLED'],
  ])('PutGatewayResponse failing with %o gives %s, before the stage is deployed', async (error, code) => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    harness.aws.failNext('PutGatewayResponse', error);

    await expect(
      runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip()),
    ).rejects.toMatchObject({
      code,
      message: expect.stringContaining('gatewayresponses'),
    });
    expect(harness.aws.mutatingOperations()).not.toContain('CreateDeployment');
  });

  it('destroy: a response reset meanwhile (NotFoundException) is not an error', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    await runDeploy(harness.context, deployConfig({ 'rest-api-id': API }), fakeZip());
    harness.aws.failNext(
      'DeleteGatewayResponse',
      new NotFoundException({ $metadata: meta, message: 'Invalid Gateway Response type specified' }),
    );

    await runDestroy(harness.context, resolveDestroyConfig({ yes: true, 'rest-api-id': API }, {}));

    expect(harness.aws.functions.size).toBe(0);
  });
});

describe('buildGatewayResponses', () => {
  it('writes every header as one static single-quoted value, whatever origin and token header were accepted', () => {
    const origin = fc.oneof(
      fc.constant('*'),
      fc
        .tuple(fc.constantFrom('http', 'https'), fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 })))
        .map(([scheme, host, port]) => `${scheme}://${host}${port === null ? '' : `:${port}`}`),
      fc.string(),
      fc
        .tuple(
          fc.domain(),
          fc.constantFrom("'", '\n', '\r', '\u2028', '\u2029', '\t', '%27', '*', '?', 'é', ' '),
          fc.domain(),
        )
        .map(([before, bad, after]) => `https://${before}${bad}${after}`),
    );
    const header = fc.oneof(fc.stringMatching(/^[-.0-9A-Za-z_]{1,16}$/), fc.string());
    fc.assert(
      fc.property(origin, header, (rawOrigin, rawHeader) => {
        let corsOrigins: string[];
        let tokenSources: ReturnType<typeof parseTokenSources>;
        try {
          corsOrigins = parseCorsOrigins(rawOrigin);
          tokenSources = parseTokenSources(`header:${rawHeader}`);
        } catch {
          return; // refused at the door: never reaches API Gateway
        }
        const tokenHeaders = tokenSources.flatMap((source) =>
          source.kind === 'header' ? [source.name] : [],
        );
        for (const response of buildGatewayResponses({ corsOrigins, tokenHeaders })) {
          for (const value of Object.values(response.responseParameters)) {
            expect(value).toMatch(/^'[^'\r\n\u2028\u2029]*'$/);
          }
        }
      }),
    );
  });
});
