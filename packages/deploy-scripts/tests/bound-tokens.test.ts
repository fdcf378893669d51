import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DeployConfig, DestroyConfig } from '../src/config.js';
import { resolveDestroyConfig } from '../src/config.js';
import { runDeploy } from '../src/deploy.js';
import { runDestroy } from '../src/destroy.js';
import { DeployError } from '../src/errors.js';
import {
  buildDeployCalls,
  buildDestroyCalls,
  formatDeploySummary,
  formatTrustPolicies,
} from '../src/plan.js';
import { type Facts, formatCalls, selectCalls } from '../src/step.js';
import { ACCOUNT_ID, createHarness, deployConfig, fakeZip, REGION, SETTINGS } from './helpers/harness.js';

const API = 'a1b2c3d4e5';
const HTTP = 'h1t2t3p4a5';
const ROLE = 'jwtRsaCustomAuthorizerRole';
const TABLE = 'dpop-replay';
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${TABLE}`;
const INTROSPECTION = {
  JWT_INTROSPECTION_URL: 'https://idp.example.com/oauth/introspect',
  JWT_INTROSPECTION_CLIENT_ID: 'authorizer',
};

type Harness = ReturnType<typeof createHarness>;
const operations = (calls: string[]) => calls.map((call) => call.slice(call.indexOf(':') + 1));

async function deployAndCompare(harness: Harness, config: DeployConfig): Promise<Facts> {
  harness.aws.resetHistory();
  const facts: Facts = {};
  await runDeploy(harness.context, config, fakeZip(), facts);
  expect(harness.aws.sentOperations()).toEqual(
    operations(selectCalls(buildDeployCalls(config, REGION, fakeZip()), facts)),
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

function boundPolicy(harness: Harness): { Statement: Record<string, unknown>[] } | undefined {
  const text = harness.aws.roles.get(ROLE)?.inline.get('bound-token-resources');
  return text === undefined ? undefined : JSON.parse(text);
}

describe('deploy with JWT_DPOP_REPLAY_TABLE and JWT_INTROSPECTION_CLIENT_SECRET_ID', () => {
  const settings = {
    ...SETTINGS,
    ...INTROSPECTION,
    JWT_DPOP_REPLAY_TABLE: TABLE,
    JWT_INTROSPECTION_CLIENT_SECRET_ID: 'authorizer/introspection',
  };

  it('creates the table (key jti, on-demand, tagged, TTL on expiresAt), grants exactly it and the secret, and turns caching off; a second run only reads', async () => {
    const harness = createHarness();
    harness.aws.addRestApi(API);
    const config = deployConfig({ 'rest-api-id': API, 'authorizer-type': 'request' }, settings);

    const facts = await deployAndCompare(harness, config);

    expect(facts).toMatchObject({ replayTableExists: false, replayTableTtlOn: false });
    const table = harness.aws.tables.get(TABLE);
    expect(table?.description).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'jti', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'jti', AttributeType: 'S' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    });
    expect(table?.ttl).toEqual({ attribute: 'expiresAt', enabled: true });
    expect(table?.tags).toEqual([{ Key: 'created-by', Value: 'jwt-authorizer deploy' }]);
    expect(boundPolicy(harness)?.Statement).toEqual([
      { Sid: 'DpopReplayTable', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE_ARN },
      {
        Sid: 'IntrospectionSecret',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:authorizer/introspection-??????`,
      },
    ]);
    const [authorizer] = [...(harness.aws.restApis.get(API)?.authorizers.values() ?? [])];
    expect(authorizer).toMatchObject({ type: 'REQUEST', authorizerResultTtlInSeconds: 0 });
    expect(harness.err.join('\n')).toContain('DPoP is on');

    const again = await deployAndCompare(harness, config);
    expect(again).toMatchObject({
      replayTableExists: true,
      replayTableTtlOn: true,
      boundTokenPolicyMatches: true,
    });
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('shows the table, the grant and why caching is off in the plan and the dry run', () => {
    const config = deployConfig({ 'http-api-id': HTTP }, settings);
    const summary = formatDeploySummary(config, REGION, undefined).join('\n');
    expect(summary).toContain(
      'table        dpop-replay (JWT_DPOP_REPLAY_TABLE): DPoP replay table (key jti, on-demand, TTL on expiresAt)',
    );
    expect(summary).toContain('dynamodb:PutItem, secretsmanager:GetSecretValue, on exactly the resource');
    expect(summary).toContain(
      'caching      off (TTL 0 instead of 300 s): DPoP is on (JWT_SENDER_CONSTRAINED is not off): each request carries its own proof',
    );
    const calls = formatCalls(buildDeployCalls(config, REGION, undefined)).join('\n');
    expect(calls).toContain('dynamodb:CreateTable');
    expect(calls).toContain('dynamodb:UpdateTimeToLive');
    expect(calls).toContain('iam:PutRolePolicy');
    const documents = formatTrustPolicies(config, REGION).join('\n');
    expect(documents).toContain('"Action": "secretsmanager:GetSecretValue"');
    expect(documents).toContain(`arn:aws:dynamodb:${REGION}:<account>:table/${TABLE}`);
  });

  it('keeps caching for bearer-only APIs (JWT_SENDER_CONSTRAINED=off) and for TOKEN authorizers', () => {
    const off = formatDeploySummary(
      deployConfig({ 'http-api-id': HTTP }, { ...SETTINGS, JWT_SENDER_CONSTRAINED: 'off' }),
      REGION,
      undefined,
    ).join('\n');
    expect(off).not.toContain('DPoP is on');
    const token = formatDeploySummary(deployConfig({ 'rest-api-id': API }, SETTINGS), REGION, undefined).join(
      '\n',
    );
    expect(token).toContain('TTL 300 s');
  });

  it('checks an existing table, turns its TTL on, and destroy keeps it: deploy did not create it', async () => {
    const harness = createHarness();
    harness.aws.addTable(TABLE);
    const config = deployConfig({}, settings);

    const facts = await deployAndCompare(harness, config);
    expect(facts).toMatchObject({ replayTableExists: true, replayTableTtlOn: false });
    expect(harness.aws.mutatingOperations()).toContain('UpdateTimeToLive');
    expect(harness.aws.mutatingOperations()).not.toContain('CreateTable');
    expect(harness.aws.tables.get(TABLE)?.ttl).toEqual({ attribute: 'expiresAt', enabled: true });

    const gone = await destroyAndCompare(harness, resolveDestroyConfig({ yes: true }, settings));
    expect(gone).toMatchObject({ replayTableExists: true, replayTableMadeByDeploy: false });
    expect(harness.aws.tables.has(TABLE)).toBe(true);
    expect(harness.out.join('\n')).toContain('kept: deploy did not create it');
  });

  it('destroy deletes the table deploy created, with the role and its policy', async () => {
    const harness = createHarness();
    await runDeploy(harness.context, deployConfig({}, settings), fakeZip());
    expect(harness.aws.tables.has(TABLE)).toBe(true);

    const facts = await destroyAndCompare(harness, resolveDestroyConfig({ yes: true }, settings));

    expect(facts).toMatchObject({ replayTableExists: true, replayTableMadeByDeploy: true });
    expect(harness.aws.tables.has(TABLE)).toBe(false);
    expect(harness.aws.roles.has(ROLE)).toBe(false);
    const again = await destroyAndCompare(harness, resolveDestroyConfig({ yes: true }, settings));
    expect(again).toMatchObject({ replayTableExists: false });
  });

  it.each([
    [
      'a table with another partition key',
      { key: 'id' },
      /has the key id \(HASH\); the replay table needs the partition key jti \(string\) and no sort key/,
    ],
    ['a table with a sort key', { sortKey: 'at' }, /has the key jti \(HASH\), at \(RANGE\)/],
    [
      'a table whose TTL is on another attribute',
      { ttl: { attribute: 'ttl', enabled: true } },
      /has TTL on ttl, but the replay store writes expiresAt/,
    ],
  ])('refuses %s, naming the setting and changing nothing', async (_name, table, message) => {
    const harness = createHarness();
    harness.aws.addTable(TABLE, table);
    const attempt = runDeploy(harness.context, deployConfig({}, settings), fakeZip());
    await expect(attempt).rejects.toBeInstanceOf(DeployError);
    await expect(attempt).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(message),
    });
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });

  it('stops with ACCESS_DENIED when the deploying identity may not describe the table', async () => {
    const harness = createHarness();
    harness.aws.failNext(
      'DescribeTable',
      new DynamoDBServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'User is not authorized to perform: dynamodb:DescribeTable',
      }),
    );
    await expect(runDeploy(harness.context, deployConfig({}, settings), fakeZip())).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: expect.stringContaining('dynamodb:DescribeTable'),
    });
  });

  it.each([
    [
      'ssm:/authorizer/introspection-secret',
      {
        Action: 'ssm:GetParameter',
        Resource: `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/authorizer/introspection-secret`,
      },
    ],
    [
      'arn:aws:secretsmanager:eu-west-1:210987654321:secret:intro-AbCdEf',
      {
        Action: 'secretsmanager:GetSecretValue',
        Resource: [
          'arn:aws:secretsmanager:eu-west-1:210987654321:secret:intro-AbCdEf',
          'arn:aws:secretsmanager:eu-west-1:210987654321:secret:intro-AbCdEf-??????',
        ],
      },
    ],
  ])('grants read on exactly %s, and updates the grant when the id changes', async (secretId, statement) => {
    const harness = createHarness();
    const first = { ...SETTINGS, ...INTROSPECTION, JWT_INTROSPECTION_CLIENT_SECRET_ID: 'authorizer/old' };
    await runDeploy(harness.context, deployConfig({}, first), fakeZip());

    const facts = await deployAndCompare(
      harness,
      deployConfig({}, { ...first, JWT_INTROSPECTION_CLIENT_SECRET_ID: secretId }),
    );

    expect(facts).toMatchObject({ boundTokenPolicyMatches: false });
    expect(harness.aws.mutatingOperations()).toEqual(['PutRolePolicy', 'UpdateFunctionConfiguration']);
    expect(boundPolicy(harness)?.Statement).toEqual([
      { Sid: 'IntrospectionSecret', Effect: 'Allow', ...statement },
    ]);
  });
});
