import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadSettings,
  mergeSettings,
  readFunctionEnvironment,
  readSettings,
  resolveDeployConfig,
  resolveInvokeConfig,
} from '../src/config.js';
import { makeTempDir, SETTINGS } from './helpers/harness.js';

const paths = { repoRoot: '/repo', cwd: '/work/here' };

describe('readSettings', () => {
  it('reads the repo .env and lets the environment win', () => {
    const repoRoot = makeTempDir({
      '.env': 'TOKEN_ISSUER=https://file.auth0.com/\nAUDIENCE=file-audience\n',
    });
    const settings = readSettings({
      env: { AUDIENCE: 'env-audience', TOKEN_ISSUER: '' },
      repoRoot,
      cwd: repoRoot,
    });
    expect(settings).toMatchObject({ TOKEN_ISSUER: 'https://file.auth0.com/', AUDIENCE: 'env-audience' });
  });

  it("prefers the authorizer package's .env (as invoke and the demo do), reads only one, and says which", () => {
    const repoRoot = makeTempDir({ '.env': 'TOKEN_ISSUER=https://root.auth0.com/\nAUDIENCE=root\n' });
    expect(readSettings({ env: {}, repoRoot, cwd: repoRoot })).toMatchObject({ AUDIENCE: 'root' });
    const both = makeTempDir({
      '.env': 'AUDIENCE=root\nJWT_ROUTES={}\n',
      'packages/lambda-authorizer/.env': 'AUDIENCE=package\n',
    });
    const loaded = loadSettings({ env: {}, repoRoot: both, cwd: both });
    expect(loaded.settings).toEqual({ AUDIENCE: 'package' });
    expect(loaded.description).toBe(`.env: read ${join(both, 'packages/lambda-authorizer/.env')}`);
    expect(loaded.origin('AUDIENCE')).toBe(join(both, 'packages/lambda-authorizer/.env'));
    const none = makeTempDir();
    expect(loadSettings({ env: {}, repoRoot: none, cwd: none }).description).toBe(
      `.env: none read (looked for ${join(none, 'packages/lambda-authorizer/.env')}, ${join(none, '.env')})`,
    );
  });

  it('works without a .env and fails clearly for a missing --env-file', () => {
    const repoRoot = makeTempDir();
    expect(readSettings({ env: { A: '1' }, repoRoot, cwd: repoRoot })).toEqual({ A: '1' });
    expect(() => readSettings({ env: {}, dotenvPath: 'nope.env', repoRoot, cwd: repoRoot })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: '--env-file nope.env does not exist: fix the path',
      }),
    );
  });

  it('merges with non-empty environment values first', () => {
    expect(mergeSettings({ A: 'env', B: undefined, C: '' }, { A: 'file', B: 'file', C: 'file' })).toEqual({
      A: 'env',
      B: 'file',
      C: 'file',
    });
  });
});

describe('readFunctionEnvironment', () => {
  it('reports a misspelt JWT_ variable instead of forwarding it', () => {
    const { problems } = readFunctionEnvironment({ ...SETTINGS, JWT_REQUIRED_SCOPE: 'admin' });
    expect(problems.map((problem) => problem.code)).toEqual(['CONFIG_INVALID']);
    expect(problems[0]?.message).toContain('JWT_REQUIRED_SCOPE');
    expect(problems[0]?.message).toContain('did you mean JWT_REQUIRED_SCOPES?');
  });

  it('passes TOKEN_ISSUER, AUDIENCE, JWKS_URI and every JWT_ variable, nothing else', () => {
    const { environment, problems } = readFunctionEnvironment({
      ...SETTINGS,
      JWT_CLOCK_SKEW_SECONDS: '30',
      JWT_ROUTES: '{"GET /pets": ["read:pets"]}',
      AWS_SECRET_ACCESS_KEY: 'never',
      PATH: '/usr/bin',
    });
    expect(problems).toEqual([]);
    expect(environment).toEqual({
      ...SETTINGS,
      JWT_CLOCK_SKEW_SECONDS: '30',
      JWT_ROUTES: '{"GET /pets": ["read:pets"]}',
    });
  });

  it('names each missing required setting', () => {
    const { problems } = readFunctionEnvironment({});
    expect(problems.map((problem) => [problem.code, problem.message])).toEqual([
      [
        'CONFIG_MISSING',
        'TOKEN_ISSUER is not set: add TOKEN_ISSUER=... to .env (packages/lambda-authorizer/.env or the repo root) or the environment',
      ],
      [
        'CONFIG_MISSING',
        'AUDIENCE is not set: add AUDIENCE=... to .env (packages/lambda-authorizer/.env or the repo root) or the environment',
      ],
    ]);
  });

  it('accepts JWT_CLIENT_ID in place of AUDIENCE (Cognito access tokens) and passes it on', () => {
    const { environment, problems } = readFunctionEnvironment({
      TOKEN_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
      JWT_CLIENT_ID: 'app-client-1',
    });
    expect(problems).toEqual([]);
    expect(environment).toMatchObject({ JWT_CLIENT_ID: 'app-client-1' });
    expect(
      readFunctionEnvironment({ TOKEN_ISSUER: SETTINGS.TOKEN_ISSUER, JWT_CLIENT_ID: ' ' }).problems,
    ).toHaveLength(1);
  });

  it.each([
    ['TOKEN_ISSUER', 'tenant.auth0.com', 'TOKEN_ISSUER: issuer must be an absolute URL'],
    ['TOKEN_ISSUER', 'http://tenant.auth0.com/', 'TOKEN_ISSUER: issuer must use https'],
    ['JWKS_URI', 'jwks.json', 'JWKS_URI: jwksUri must be an absolute URL'],
    ['TOKEN_ISSUER', 'http://localhost:8080/', 'TOKEN_ISSUER (in the environment) must be an https URL'],
    [
      'TOKEN_ISSUER',
      'https://localhost:8443/',
      'TOKEN_ISSUER (in the environment) is localhost, this machine',
    ],
    ['JWKS_URI', 'http://127.0.0.1:9000/jwks', 'JWKS_URI (in the environment) must be an https URL'],
    ['JWKS_URI', 'https://[::1]/jwks', 'JWKS_URI (in the environment) is [::1], this machine'],
    ['TOKEN_ISSUER', 'https://YOUR_TENANT.auth0.com/', 'still holds the placeholder YOUR_TENANT'],
    ['AUDIENCE', 'https://YOUR_API_IDENTIFIER', 'still holds the placeholder YOUR_API_IDENTIFIER'],
    ['JWT_ROUTES', '{bad json', 'JWT_ROUTES must be JSON'],
    [
      'JWT_CLOCK_SKEW_SECONDS',
      '99999',
      'JWT_CLOCK_SKEW_SECONDS: clockSkewSeconds must be a number from 0 to 600',
    ],
    ['JWT_POLICY_MODE', 'stage', 'JWT_POLICY_MODE must be "api" or "method"'],
  ])('rejects %s=%s', (name, value, message) => {
    const { problems } = readFunctionEnvironment({ ...SETTINGS, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(message) });
  });

  it('refuses to deploy the introspection secret as a plain environment variable, without quoting it', () => {
    const { problems } = readFunctionEnvironment({
      ...SETTINGS,
      JWT_INTROSPECTION_URL: 'https://tenant.example.com/oauth/introspect',
      JWT_INTROSPECTION_CLIENT_ID: 'authorizer',
      JWT_INTROSPECTION_CLIENT_SECRET: 'plain-secret',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(
        "JWT_INTROSPECTION_CLIENT_SECRET (in the environment) would put the introspection secret in the function's environment in plain text",
      ),
    });
    expect(problems[0]?.message).not.toContain('plain-secret');
  });

  it('puts the routes file into the zip, resolved against the .env folder, and points the variable at it', () => {
    const dir = makeTempDir({ 'pkg/routes.json': '{"GET /pets": ["read:pets"]}', 'pkg/.env': '' });
    const { environment, files, problems } = readFunctionEnvironment(
      { ...SETTINGS, JWT_ROUTES_FILE: 'routes.json' },
      {
        cwd: '/elsewhere',
        origin: (name) => (name === 'JWT_ROUTES_FILE' ? join(dir, 'pkg/.env') : undefined),
      },
    );
    expect(problems).toEqual([]);
    expect(files).toEqual([
      { setting: 'JWT_ROUTES_FILE', path: join(dir, 'pkg/routes.json'), zipName: 'settings/routes.json' },
    ]);
    expect(environment.JWT_ROUTES_FILE).toBe('settings/routes.json');
  });

  it('bundles a two-issuer config file with its static JWKS file, and refuses an issuer variable next to it', () => {
    const dir = makeTempDir({
      'conf/authorizer.json': JSON.stringify({
        issuers: [
          { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A', clientId: 'app-a' },
          { issuer: 'https://private.example.com/', audience: 'api', jwksFile: 'keys/private.json' },
        ],
        policyMode: 'method',
      }),
      'conf/keys/private.json': JSON.stringify({ keys: [] }),
    });
    const config = join(dir, 'conf/authorizer.json');
    const { environment, files, problems } = readFunctionEnvironment({ JWT_CONFIG_FILE: config });
    expect(problems).toEqual([]);
    expect(files.map((file) => [file.setting, file.zipName])).toEqual([
      ['JWT_CONFIG_FILE', 'settings/authorizer.json'],
      ['issuers[1].jwksFile', 'settings/keys/private.json'],
    ]);
    expect(environment).toEqual({ JWT_CONFIG_FILE: 'settings/authorizer.json' });

    const conflict = readFunctionEnvironment({
      JWT_CONFIG_FILE: config,
      TOKEN_ISSUER: 'https://other.example.com/',
    });
    expect(conflict.problems).toHaveLength(1);
    expect(conflict.problems[0]?.message).toContain(`TOKEN_ISSUER conflicts with issuers in ${config}`);
  });

  it('refuses a config file naming an http issuer or a JWKS file outside its folder', () => {
    const dir = makeTempDir({
      'conf/http.json': JSON.stringify({ issuers: [{ issuer: 'http://127.0.0.1:9000/', audience: 'a' }] }),
      'conf/placeholder.json': JSON.stringify({
        issuers: [{ issuer: 'https://YOUR_TENANT.auth0.com/', audience: 'a' }],
      }),
      'conf/outside.json': JSON.stringify({
        issuers: [{ issuer: 'https://idp.example.com/', audience: 'a', jwksFile: '../keys.json' }],
      }),
      'keys.json': JSON.stringify({ keys: [] }),
    });
    expect(
      readFunctionEnvironment({ JWT_CONFIG_FILE: join(dir, 'conf/http.json') }).problems[0]?.message,
    ).toContain(`issuers[0].issuer (in ${join(dir, 'conf/http.json')}) must be an https URL`);
    expect(
      readFunctionEnvironment({ JWT_CONFIG_FILE: join(dir, 'conf/placeholder.json') }).problems[0]?.message,
    ).toContain(
      `issuers[0].issuer (in ${join(dir, 'conf/placeholder.json')}) still holds the placeholder YOUR_TENANT`,
    );
    expect(
      readFunctionEnvironment({ ...SETTINGS, JWT_ROUTES: '{"GET /TENANT/pets": ["read:pets"]}' }).problems,
    ).toEqual([]);
    expect(
      readFunctionEnvironment({ JWT_CONFIG_FILE: join(dir, 'conf/outside.json') }).problems[0]?.message,
    ).toContain("outside the config file's folder");
  });
});

describe('resolveDeployConfig', () => {
  it('uses the tutorial defaults', () => {
    const config = resolveDeployConfig({}, SETTINGS, paths);
    expect(config).toMatchObject({
      functionName: 'jwtRsaCustomAuthorizer',
      runtime: 'nodejs24.x',
      handler: 'index.handler',
      timeoutSeconds: 30,
      memoryMb: 256,
      ttlSeconds: 300,
      identityValidationExpression: '^Bearer [-0-9a-zA-Z\\._]*$',
      invokePermission: 'role',
      zipPath: '/repo/packages/lambda-authorizer/dist/custom-authorizer.zip',
      buildZip: true,
      restApiId: undefined,
    });
  });

  it('takes names from the settings and flags over settings', () => {
    const config = resolveDeployConfig(
      { 'function-name': 'flagFn', zip: 'out/a.zip' },
      {
        ...SETTINGS,
        FUNCTION_NAME: 'envFn',
        ROLE_NAME: 'envRole',
        REST_API_ID: 'api1',
        AWS_REGION: 'eu-west-1',
      },
      paths,
    );
    expect(config).toMatchObject({
      functionName: 'flagFn',
      roleName: 'envRole',
      restApiId: 'api1',
      region: 'eu-west-1',
      zipPath: join('/work/here', 'out/a.zip'),
      buildZip: false,
    });
  });

  it.each([
    [{ memory: '64' }, '--memory must be a whole number of MB from 128 to 10240'],
    [{ timeout: '1.5' }, '--timeout must be a whole number of seconds from 1 to 900'],
    [{ ttl: '3601' }, '--ttl must be a whole number of seconds from 0 to 3600'],
    [{ 'max-attempts': '0' }, '--max-attempts must be a whole number of attempts from 1 to 20'],
    [{ 'invoke-permission': 'both' }, "--invoke-permission must be 'role' or 'resource-policy'"],
    [{ attach: true }, '--attach needs an API'],
    [{ runtime: 'nodejs20.x' }, "--runtime must be nodejs24.x or nodejs22.x (got 'nodejs20.x')"],
    [
      { runtime: 'nodejs24' },
      "--runtime must be nodejs24.x or nodejs22.x (got 'nodejs24'): did you mean nodejs24.x?",
    ],
    [{ runtime: 'python3.13' }, "--runtime must be nodejs24.x or nodejs22.x (got 'python3.13')"],
    [{ runtime: 'nodejs22.x\nx' }, "(got 'nodejs22.x\\u000ax')"],
  ])('rejects %o', (values, message) => {
    expect(() => resolveDeployConfig(values, SETTINGS, paths)).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(message) }),
    );
  });
});

describe('resolveDeployConfig --runtime', () => {
  it.each(['nodejs24.x', 'nodejs22.x'])('accepts %s', (runtime) => {
    expect(resolveDeployConfig({ runtime }, SETTINGS, paths).runtime).toBe(runtime);
  });

  it('names the allowed runtimes and nothing else in one line', () => {
    const error = (() => {
      try {
        resolveDeployConfig({ runtime: 'java21' }, SETTINGS, paths);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('no error');
    })();
    expect(error.message).toBe("--runtime must be nodejs24.x or nodejs22.x (got 'java21')");
  });
});

describe('resolveInvokeConfig', () => {
  it('needs --event and resolves it against the caller directory', () => {
    expect(() => resolveInvokeConfig({}, {}, paths)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(resolveInvokeConfig({ event: 'event.json' }, {}, paths).eventPath).toBe('/work/here/event.json');
  });
});

describe('the door flags', () => {
  const paths = { repoRoot: '/repo', cwd: '/repo' };
  const settings = {
    TOKEN_ISSUER: 'https://tenant.auth0.com/',
    AUDIENCE: 'https://api.example.com/',
  };
  it.each([
    [{ 'rest-api-id': 'a1', 'http-api-id': 'b2' }, 'deploy one API per run'],
    [{ 'http-api-id': 'b2', routes: 'GET /pets' }, 'add --attach'],
    [{ 'rest-api-id': 'a1', attach: true, routes: 'GET /pets' }, 'pass --http-api-id'],
    [{ 'http-api-id': 'b2', 'authorizer-type': 'request' }, 'for REST APIs'],
    [{ 'rest-api-id': 'a1', 'authorizer-type': 'lambda' }, "must be 'token' or 'request'"],
    [{ 'websocket-api-id': 'c3', 'cors-origin': '*' }, 'WebSocket connections have no CORS'],
    [{ 'rest-api-id': 'a1', 'cors-origin': 'https://a.example.com,https://b.example.com' }, 'one static'],
    [{ 'http-api-id': 'b2', 'invoke-permission': 'role' }, 'is for REST APIs'],
    [{ 'http-api-id': 'B2!' }, 'lower-case letters and digits'],
  ])('rejects %o with USAGE', (values, message) => {
    expect(() => resolveDeployConfig(values, settings, paths)).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(message) }),
    );
  });

  it('reports a malformed JWT_TOKEN_SOURCE or JWT_HTTP_API_RESPONSE as one problem naming it', () => {
    for (const [variable, value] of [
      ['JWT_TOKEN_SOURCE', 'body:token'],
      ['JWT_HTTP_API_RESPONSE', 'policy'],
    ] as const) {
      const config = resolveDeployConfig({ 'http-api-id': 'b2' }, { ...settings, [variable]: value }, paths);
      expect(config.problems).toHaveLength(1);
      expect(config.problems[0]).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(config.problems[0]?.message).toContain(variable);
    }
  });

  it('joins a repeated --cors-origin', async () => {
    const { parseCliArgs } = await import('../src/args.js');
    const { values } = parseCliArgs([
      'deploy',
      '--http-api-id',
      'b2',
      '--cors-origin',
      'https://a.example.com',
      '--cors-origin=https://b.example.com',
    ]);
    expect(resolveDeployConfig(values, settings, paths).corsOrigins).toEqual([
      'https://a.example.com',
      'https://b.example.com',
    ]);
  });
});
