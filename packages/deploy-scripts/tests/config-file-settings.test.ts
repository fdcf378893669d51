import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings as readCoreSettings, type TokenLocation } from '@jwt-authorizer/authorizer-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeployConfig, resolveDeployConfig, resolveDestroyConfig } from '../src/config.js';
import { runDeploy } from '../src/deploy.js';
import { runDestroy } from '../src/destroy.js';
import { buildDeployCalls, formatDeploySummary } from '../src/plan.js';
import { type Facts, selectCalls } from '../src/step.js';
import {
  ACCOUNT_ID,
  createHarness,
  deployConfig,
  fakeZip,
  makeTempDir,
  REGION,
  SETTINGS,
} from './helpers/harness.js';

// The deployed function reads tokenSource, senderConstrained and dpopReplayTable from the JSON file
// JWT_CONFIG_FILE names as well as from its variables: deploy must wire API Gateway for the same values.

const REST = 'r1e2s3t4a5';
const HTTP = 'h1t2t3p4a5';
const WS = 'w1s2o3c4k5';
const ROLE = 'jwtRsaCustomAuthorizerRole';
const TABLE = 'dpop-replay-from-file';

type Harness = ReturnType<typeof createHarness>;
const operations = (calls: string[]) => calls.map((call) => call.slice(call.indexOf(':') + 1));

/** Writes the config file and returns the settings that name it, with its path. */
function withConfigFile(
  content: Record<string, unknown>,
  variables: Record<string, string> = {},
): { settings: Record<string, string>; file: string } {
  const dir = makeTempDir({ 'settings/config.json': JSON.stringify(content) });
  const file = join(dir, 'settings/config.json');
  return { settings: { ...SETTINGS, JWT_CONFIG_FILE: file, ...variables }, file };
}

async function deployAndCompare(harness: Harness, config: DeployConfig): Promise<Facts> {
  harness.aws.resetHistory();
  const facts: Facts = {};
  await runDeploy(harness.context, config, fakeZip(), facts);
  expect(harness.aws.sentOperations()).toEqual(
    operations(selectCalls(buildDeployCalls(config, REGION, fakeZip()), facts)),
  );
  return facts;
}

const restAuthorizer = (harness: Harness) =>
  [...(harness.aws.restApis.get(REST)?.authorizers.values() ?? [])][0];

describe('tokenSource in the config file', () => {
  it('makes the HTTP API identity source the file names', async () => {
    const { settings } = withConfigFile({ tokenSource: 'query:access_token', senderConstrained: 'off' });
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP);

    await deployAndCompare(harness, deployConfig({ 'http-api-id': HTTP }, settings));

    expect([...api.authorizers.values()][0]).toMatchObject({
      IdentitySource: ['$request.querystring.access_token', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('makes the REST REQUEST identity source the file names', async () => {
    const { settings, file } = withConfigFile({ tokenSource: 'query:token', senderConstrained: 'off' });
    const harness = createHarness();
    harness.aws.addRestApi(REST);
    const config = deployConfig({ 'rest-api-id': REST, 'authorizer-type': 'request' }, settings);

    expect(formatDeploySummary(config, REGION, undefined).join('\n')).toContain(
      `REQUEST, method.request.querystring.token from tokenSource (in ${file})=query:token, TTL 300 s`,
    );
    await deployAndCompare(harness, config);

    expect(restAuthorizer(harness)).toMatchObject({
      type: 'REQUEST',
      identitySource: 'method.request.querystring.token',
      authorizerResultTtlInSeconds: 300,
    });
  });

  it('needs a REQUEST authorizer on a REST API, naming the file key', () => {
    const { settings, file } = withConfigFile({ tokenSource: 'query:token' });
    const config = deployConfig({ 'rest-api-id': REST }, settings);
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(config.problems[0]?.message).toContain(`tokenSource (in ${file})=query:token`);
    expect(config.problems[0]?.message).toContain('--authorizer-type request');
  });

  it('is the WebSocket token source too: deploy adds no JWT_TOKEN_SOURCE over it', async () => {
    const { settings } = withConfigFile({ tokenSource: 'protocol' });
    const harness = createHarness();
    const api = harness.aws.addV2Api(WS, { protocol: 'WEBSOCKET' });

    await deployAndCompare(harness, deployConfig({ 'websocket-api-id': WS }, settings));

    expect([...api.authorizers.values()][0]?.IdentitySource).toEqual([
      'route.request.header.Sec-WebSocket-Protocol',
    ]);
    const variables =
      harness.aws.functions.get('jwtRsaCustomAuthorizer')?.configuration.Environment?.Variables;
    expect(variables?.JWT_TOKEN_SOURCE).toBeUndefined();
    expect(variables?.JWT_CONFIG_FILE).toBe('settings/config.json');
  });

  it('shows the effective value and where it came from in the plan', () => {
    const { settings, file } = withConfigFile({
      tokenSource: 'query:access_token',
      senderConstrained: 'off',
    });
    const summary = formatDeploySummary(deployConfig({ 'http-api-id': HTTP }, settings), REGION, undefined);
    expect(summary.join('\n')).toContain(
      `identity source $request.querystring.access_token, $context.routeKey from tokenSource (in ${file})=query:access_token`,
    );
  });
});

describe('senderConstrained in the config file', () => {
  it('"off" keeps the result cache on', async () => {
    const { settings } = withConfigFile({ senderConstrained: 'off' });
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP);

    await deployAndCompare(harness, deployConfig({ 'http-api-id': HTTP }, settings));

    expect([...api.authorizers.values()][0]).toMatchObject({ AuthorizerResultTtlInSeconds: 300 });
    expect(harness.err).toEqual([]);
  });

  it('"required" turns the cache off (TTL 0), naming the file key', async () => {
    const { settings, file } = withConfigFile({ senderConstrained: 'required' });
    const harness = createHarness();
    harness.aws.addRestApi(REST);

    await deployAndCompare(
      harness,
      deployConfig({ 'rest-api-id': REST, 'authorizer-type': 'request' }, settings),
    );

    expect(restAuthorizer(harness)).toMatchObject({ type: 'REQUEST', authorizerResultTtlInSeconds: 0 });
    expect(harness.err.join('\n')).toContain(`DPoP is on (senderConstrained (in ${file}) is required)`);
  });
});

describe('dpopReplayTable in the config file', () => {
  it('creates the table, grants the function exactly it, and destroy removes it', async () => {
    const { settings } = withConfigFile({ dpopReplayTable: TABLE });
    const harness = createHarness();
    const config = deployConfig({ 'http-api-id': HTTP }, settings);
    harness.aws.addV2Api(HTTP);

    const facts = await deployAndCompare(harness, config);

    expect(facts).toMatchObject({ replayTableExists: false });
    expect(harness.aws.tables.get(TABLE)?.ttl).toEqual({ attribute: 'expiresAt', enabled: true });
    const policy = JSON.parse(harness.aws.roles.get(ROLE)?.inline.get('bound-token-resources') ?? '{}');
    expect(policy.Statement).toEqual([
      {
        Sid: 'DpopReplayTable',
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${TABLE}`,
      },
    ]);

    await runDestroy(
      harness.context,
      resolveDestroyConfig({ yes: true, 'http-api-id': HTTP }, settings, { cwd: '/repo' }),
    );
    expect(harness.aws.tables.has(TABLE)).toBe(false);
  });

  it('shows the table and where it was named in the plan', () => {
    const { settings, file } = withConfigFile({ dpopReplayTable: TABLE });
    const summary = formatDeploySummary(deployConfig({ 'http-api-id': HTTP }, settings), REGION, undefined);
    expect(summary.join('\n')).toContain(
      `table        ${TABLE} (dpopReplayTable (in ${file})): DPoP replay table`,
    );
    expect(summary.join('\n')).toContain('dynamodb:PutItem, on exactly the resource');
  });

  it('a table with the wrong key is refused naming the file key', async () => {
    const { settings, file } = withConfigFile({ dpopReplayTable: TABLE });
    const harness = createHarness();
    harness.aws.addTable(TABLE, { key: 'id' });
    await expect(runDeploy(harness.context, deployConfig({}, settings), fakeZip())).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`dpopReplayTable (in ${file}): table ${TABLE} has the key id (HASH)`),
    });
    expect(harness.aws.mutatingOperations()).toEqual([]);
  });
});

describe('the environment over the config file', () => {
  it('a variable wins over the file key, as in the function', async () => {
    const { settings } = withConfigFile(
      { tokenSource: 'query:token', senderConstrained: 'required', dpopReplayTable: TABLE },
      {
        JWT_TOKEN_SOURCE: 'header:X-Access-Token',
        JWT_SENDER_CONSTRAINED: 'off',
        JWT_DPOP_REPLAY_TABLE: 'replay-from-env',
      },
    );
    const harness = createHarness();
    const api = harness.aws.addV2Api(HTTP);
    const config = deployConfig({ 'http-api-id': HTTP }, settings);

    expect(formatDeploySummary(config, REGION, undefined).join('\n')).toContain(
      'from JWT_TOKEN_SOURCE=header:x-access-token',
    );
    await deployAndCompare(harness, config);

    expect([...api.authorizers.values()][0]).toMatchObject({
      IdentitySource: ['$request.header.X-Access-Token', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect([...harness.aws.tables.keys()]).toEqual(['replay-from-env']);
  });
});

describe('where a variable came from', () => {
  it('names the .env file a variable was read from', () => {
    const { settings, file } = withConfigFile(
      { tokenSource: 'header:authorization' },
      { JWT_TOKEN_SOURCE: 'query:token' },
    );
    const config = resolveDeployConfig({ 'rest-api-id': REST, 'no-build': true }, settings, {
      repoRoot: '/repo',
      cwd: '/repo',
      origin: (variable) => (variable === 'JWT_TOKEN_SOURCE' ? '/repo/.env' : undefined),
    });
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]?.message).toContain(
      'JWT_TOKEN_SOURCE (in /repo/.env)=query:token needs a REQUEST authorizer',
    );
    expect(config.problems[0]?.message).not.toContain(file);
  });
});

describe('a malformed value in the config file', () => {
  it.each([
    ['tokenSource', 'body:token'],
    ['tokenSource', 'query:to\nken'],
    ['tokenSource', 42],
    ['senderConstrained', 'sometimes'],
    ['senderConstrained', true],
    ['dpopReplayTable', 'arn:aws:dynamodb:x/table'],
    ['dpopReplayTable', 7],
    ['dpopReplayTable', 'replay\u2028table'],
  ])('%s = %j is one CONFIG_INVALID naming the file key', (key, value) => {
    const { settings, file } = withConfigFile({ [key]: value });
    const config = deployConfig({ 'http-api-id': HTTP }, settings);
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(config.problems[0]?.message).toContain(file);
    expect(config.problems[0]?.message).toContain(key);
    expect(config.problems[0]?.message).not.toMatch(/[\n\r\u2028\u2029]/);
  });
});

describe('the token source deploy wires, against the reader the function runs', () => {
  const HOSTILE = ['\n', '\r', '\u2028', '\u2029', '\t', '%0a', '*', '?', 'é', ';', 'body:'];
  const place = fc.oneof(
    fc.constant('protocol'),
    fc
      .tuple(
        fc.constantFrom('header', 'query', 'cookie', 'Header'),
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/),
      )
      .map(([kind, name]) => `${kind}:${name}`),
  );
  const list = fc.array(place, { minLength: 1, maxLength: 3 }).map((places) => places.join(', '));
  // A list as written, or one with a hostile piece put somewhere into it.
  const value = fc.oneof(
    list,
    fc
      .tuple(list, fc.constantFrom(...HOSTILE), fc.nat())
      .map(
        ([text, bad, at]) => text.slice(0, at % (text.length + 1)) + bad + text.slice(at % (text.length + 1)),
      ),
  );

  it('is the value the function reads, from the place it reads it, or one problem naming that place', () => {
    fc.assert(
      fc.property(value, fc.option(value, { nil: undefined }), (fromFile, fromEnv) => {
        const variables: Record<string, string> = fromEnv === undefined ? {} : { JWT_TOKEN_SOURCE: fromEnv };
        const { settings, file } = withConfigFile({ tokenSource: fromFile }, variables);
        const envWins = fromEnv !== undefined && fromEnv.trim() !== '';
        let read: readonly TokenLocation[] | Error;
        try {
          read = readCoreSettings(settings, {
            baseDir: '/repo',
            readFile: (path) => readFileSync(path, 'utf8'),
          }).tokenSource;
        } catch (error) {
          read = error as Error;
        }

        const config = deployConfig({ 'http-api-id': HTTP }, settings);

        if (read instanceof Error) {
          expect(config.problems).toHaveLength(1);
          expect(config.problems[0]).toMatchObject({ code: 'CONFIG_INVALID' });
          const message = config.problems[0]?.message ?? '';
          expect(message).toContain(envWins ? 'JWT_TOKEN_SOURCE' : `${file}: tokenSource`);
          expect(message).not.toMatch(/[\n\r\u2028\u2029]/);
        } else {
          expect(config.problems).toEqual([]);
          expect(config.tokenSources).toEqual(read);
          expect(config.tokenSourceOrigin).toBe(envWins ? 'JWT_TOKEN_SOURCE' : `tokenSource (in ${file})`);
        }
      }),
      { numRuns: 80 },
    );
  });
});

describe('a malformed JWT_TOKEN_SOURCE', () => {
  it('is reported once', () => {
    const doors: Record<string, string>[] = [
      { 'http-api-id': HTTP },
      { 'rest-api-id': REST },
      { 'websocket-api-id': WS },
    ];
    for (const values of doors) {
      const config = deployConfig(values, { ...SETTINGS, JWT_TOKEN_SOURCE: 'body:token' });
      expect(config.problems).toHaveLength(1);
      expect(config.problems[0]).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(config.problems[0]?.message).toContain('JWT_TOKEN_SOURCE');
    }
  });
});
