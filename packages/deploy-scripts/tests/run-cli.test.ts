import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { AwsClientOptions } from '../src/aws-clients.js';
import { computeCodeSha256 } from '../src/lambda-zip.js';
import { type CliDependencies, runCli } from '../src/run-cli.js';
import { addFilesToZip } from '../src/zip-files.js';
import { createHarness, makeTempDir } from './helpers/harness.js';

const DOTENV = [
  'TOKEN_ISSUER=https://tenant.auth0.com/',
  'AUDIENCE=https://api.example.com/',
  'JWT_ROUTES={"GET /do-not-print-this-value": ["read:pets"]}',
].join('\n');

function setUp(
  options: { dotenv?: string; region?: string | undefined; buildOk?: boolean; buildOutput?: string } = {},
) {
  const harness = createHarness();
  const repoRoot = makeTempDir({ '.env': options.dotenv ?? DOTENV, 'authorizer.zip': 'zip bytes' });
  const clientOptions: AwsClientOptions[] = [];
  const deps: CliDependencies = {
    env: {},
    cwd: repoRoot,
    repoRoot,
    out: (line) => harness.out.push(line),
    err: (line) => harness.err.push(line),
    createClients: (config) => {
      clientOptions.push(config);
      return harness.clients;
    },
    resolveRegion: async ({ region }) => region ?? ('region' in options ? options.region : 'us-east-1'),
    buildZip: vi.fn(() => ({ ok: options.buildOk ?? true, output: options.buildOutput ?? '' })),
    confirm: undefined,
    sleep: async () => {},
    waiterMaxWaitSeconds: 5,
  };
  const output = () => [...harness.out, ...harness.err].join('\n');
  return { ...harness, deps, repoRoot, clientOptions, output };
}

describe('runCli deploy', () => {
  it('deploys with a given zip and reports the ARNs', async () => {
    const { deps, aws, out, err, clientOptions, output } = setUp();

    const code = await runCli(
      ['deploy', '--zip', 'authorizer.zip', '--region', 'eu-west-1', '--profile', 'p', '--max-attempts', '5'],
      deps,
    );

    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(clientOptions).toEqual([{ region: 'eu-west-1', profile: 'p', maxAttempts: 5 }]);
    expect(deps.buildZip).not.toHaveBeenCalled();
    expect(aws.functions.get('jwtRsaCustomAuthorizer')?.configuration.Environment?.Variables).toMatchObject({
      JWT_ROUTES: '{"GET /do-not-print-this-value": ["read:pets"]}',
    });
    expect(out[0]).toBe(`.env: read ${join(deps.repoRoot, '.env')}`);
    expect(out[1]).toBe('Deploy plan (region eu-west-1, profile p)');
    expect(out).toContain('Done');
    expect(output()).not.toContain('do-not-print-this-value');
  });

  it('builds the zip through turbo unless --zip or --no-build is given', async () => {
    const { deps, repoRoot } = setUp();
    deps.buildZip = vi.fn(() => ({ ok: true, output: '' }));

    expect(await runCli(['deploy', '--dry-run'], deps)).toBe(0);
    expect(await runCli(['deploy', '--dry-run', '--verbose'], deps)).toBe(0);
    expect(await runCli(['deploy', '--dry-run', '--no-build'], deps)).toBe(0);
    expect(await runCli(['deploy', '--dry-run', '--zip', 'authorizer.zip'], deps)).toBe(0);

    expect(vi.mocked(deps.buildZip).mock.calls).toEqual([
      [repoRoot, { verbose: false }],
      [repoRoot, { verbose: true }],
    ]);
  });

  it('stops with one line when the zip cannot be built, after the build output it had kept back', async () => {
    const { deps, err } = setUp({ buildOk: false, buildOutput: 'src/index.ts(3,1): error TS1005\n\n' });

    expect(await runCli(['deploy'], deps)).toBe(2);
    expect(err).toEqual([
      'src/index.ts(3,1): error TS1005',
      'error: Building the zip failed (turbo run bundle --filter=@jwt-authorizer/lambda-authorizer): fix the build, or pass --zip PATH',
    ]);
  });

  it.each([
    [
      'a missing TOKEN_ISSUER',
      'AUDIENCE=a',
      [],
      'error: TOKEN_ISSUER is not set: add TOKEN_ISSUER=... to .env (packages/lambda-authorizer/.env or the repo root) or the environment',
    ],
    [
      'an issuer that is not a URL',
      'TOKEN_ISSUER=tenant.auth0.com\nAUDIENCE=a',
      [],
      '.env): issuer must be an absolute URL, got "tenant.auth0.com"',
    ],
    ['a missing zip', DOTENV, ['--zip', 'nope.zip'], 'error: No zip at'],
    [
      'a bad flag',
      DOTENV,
      ['--memory', 'lots'],
      "error: --memory must be a whole number of MB from 128 to 10240 (got 'lots')",
    ],
  ])('rejects %s with one line, exit 2 and no AWS client', async (_, dotenv, flags, message) => {
    const { deps, err, clientOptions } = setUp({ dotenv });

    const code = await runCli(['deploy', ...flags], deps);

    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(message);
    expect(clientOptions).toEqual([]);
  });

  it('fails with one line when no region is configured anywhere', async () => {
    const { deps, err } = setUp({ region: undefined });

    expect(await runCli(['deploy', '--zip', 'authorizer.zip'], deps)).toBe(2);
    expect(err).toEqual([
      'error: No AWS region configured: pass --region, set AWS_REGION, or add region to the profile',
    ]);
  });

  it('fails with one line when there are no credentials', async () => {
    const { deps, aws, err } = setUp();
    aws.failNext(
      'GetRole',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );

    expect(await runCli(['deploy', '--zip', 'authorizer.zip'], deps)).toBe(1);
    expect(err).toEqual([
      'error: No AWS credentials found for iam:GetRole: set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ]);
  });

  it('says what it had already created when a later call fails', async () => {
    const { deps, aws, err } = setUp();
    aws.failNext(
      'CreateFunction',
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );

    expect(await runCli(['deploy', '--zip', 'authorizer.zip'], deps)).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/^error: Access denied for lambda:CreateFunction: grant/),
      'note: this run had already created role jwtRsaCustomAuthorizerRole, created role jwtRsaCustomAuthorizerRole-invoker; run the command again to finish, or destroy to remove them',
    ]);
  });

  it('never prints a JWT_ setting value, even when an AWS error quotes it', async () => {
    const { deps, aws, err } = setUp();
    aws.failNext(
      'CreateFunction',
      Object.assign(
        new Error('Value {"GET /do-not-print-this-value": ["read:pets"]} at environment failed'),
        {
          name: 'ValidationException',
        },
      ),
    );

    expect(await runCli(['deploy', '--zip', 'authorizer.zip'], deps)).toBe(1);
    expect(err[0]).toBe(
      'error: lambda:CreateFunction failed: ValidationException: Value *** at environment failed',
    );
  });

  it('reports an unknown REST API id without creating anything', async () => {
    const { deps, aws, err } = setUp();

    expect(await runCli(['deploy', '--zip', 'authorizer.zip', '--rest-api-id', 'nope'], deps)).toBe(1);
    expect(err).toEqual([
      "error: REST API 'nope' not found in us-east-1: check --rest-api-id (or REST_API_ID) and --region",
    ]);
    expect(aws.mutatingOperations()).toEqual([]);
  });
});

describe('runCli deploy with files named by settings', () => {
  it('puts the routes file into the zip it uploads, points JWT_ROUTES_FILE there and says so in the plan', async () => {
    const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
    const { deps, aws, out } = setUp({
      dotenv: 'TOKEN_ISSUER=https://tenant.auth0.com/\nAUDIENCE=a\nJWT_ROUTES_FILE=routes.json\n',
    });
    writeFileSync(join(deps.repoRoot, 'routes.json'), '{"GET /pets": ["read:pets"]}');
    writeFileSync(join(deps.repoRoot, 'empty.zip'), emptyZip);

    expect(await runCli(['deploy', '--dry-run', '--zip', 'empty.zip'], deps)).toBe(0);
    expect(out).toContain(
      `  zip adds     settings/routes.json from ${join(deps.repoRoot, 'routes.json')} (JWT_ROUTES_FILE)`,
    );

    expect(await runCli(['deploy', '--zip', 'empty.zip'], deps)).toBe(0);
    const configuration = aws.functions.get('jwtRsaCustomAuthorizer')?.configuration;
    expect(configuration?.Environment?.Variables?.JWT_ROUTES_FILE).toBe('settings/routes.json');
    const expected = addFilesToZip({ path: 'empty.zip', bytes: emptyZip, sha256: '' }, [
      {
        setting: 'JWT_ROUTES_FILE',
        path: join(deps.repoRoot, 'routes.json'),
        zipName: 'settings/routes.json',
      },
    ]);
    expect(configuration?.CodeSha256).toBe(expected.sha256);
    expect(configuration?.CodeSha256).not.toBe(computeCodeSha256(emptyZip));
  });
});

describe('runCli deploy --dry-run', () => {
  it.each([[['deploy', '--dry-run']], [['deploy', '--', '--dry-run']]])(
    'prints the full plan for %o without any AWS client',
    async (argv) => {
      const { deps, out, clientOptions, output } = setUp();
      deps.buildZip = () => ({ ok: true, output: '' });

      const code = await runCli([...argv, '--zip', 'authorizer.zip', '--rest-api-id', 'a1b2c3d4e5'], deps);

      expect(code).toBe(0);
      expect(clientOptions).toEqual([]);
      expect(out[0]).toBe(`.env: read ${join(deps.repoRoot, '.env')}`);
      expect(out[1]).toBe('Dry run: lists the calls deploy would make; makes none and needs no credentials.');
      for (const call of [
        'iam:CreateRole',
        'lambda:CreateFunction',
        'apigateway:CreateAuthorizer',
        'apigateway:CreateDeployment',
      ]) {
        expect(output()).toContain(call);
      }
      expect(output()).toContain('"Version": "2012-10-17"');
      expect(output()).toContain('Trust policy of jwtRsaCustomAuthorizerRole-invoker (invoker role):');
      expect(output()).toContain('"aws:SourceArn": "arn:aws:execute-api:us-east-1:<account>:a1b2c3d4e5/*"');
      expect(output()).toContain('JWT_ROUTES (value not shown)');
      expect(output()).not.toContain('do-not-print-this-value');
    },
  );

  it('still prints the plan without settings, region or zip, then exits 2 on what a real deploy would stop on', async () => {
    const { deps, err, output } = setUp({ dotenv: '', region: undefined, buildOk: false });

    const code = await runCli(['deploy', '--dry-run'], deps);

    expect(code).toBe(2);
    expect(output()).toContain('lambda:UpdateFunctionConfiguration');
    expect(err).toEqual([
      expect.stringContaining('warning: Building the zip failed'),
      expect.stringContaining('warning: no zip at'),
      'warning: no AWS region configured: the plan uses us-east-1; a real deploy needs --region or AWS_REGION',
      expect.stringContaining('error: TOKEN_ISSUER is not set'),
      expect.stringContaining('error: AUDIENCE is not set'),
    ]);
  });

  it('refuses a .env line that is not NAME=value by its number, without its content, and exits 2', async () => {
    const { deps, out, err, aws } = setUp({
      dotenv: 'TOKEN_ISSUER=https://tenant.auth0.com/\nAUDIENCE=a\nJWT_REQUIRED_SCOPES s3cret-scope\n',
    });

    expect(await runCli(['deploy', '--dry-run', '--zip', 'authorizer.zip'], deps)).toBe(2);
    expect(err).toEqual([`error: The .env file ${join(deps.repoRoot, '.env')}: line 3 is not NAME=value`]);
    expect(out).toEqual([]);
    expect(aws.mutatingOperations()).toEqual([]);
  });

  it('prints nothing on stdout for a bad flag, not even the .env line', async () => {
    const { deps, out, err } = setUp();

    expect(await runCli(['deploy', '--dry-run', '--runtime', 'nodejs20.x'], deps)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([expect.stringContaining('error: --runtime must be nodejs24.x or nodejs22.x')]);
  });

  it('lists every problem, the placeholder and the misspelt variable, before exiting 2', async () => {
    const { deps, err } = setUp({
      dotenv: 'TOKEN_ISSUER=https://YOUR_TENANT.auth0.com/\nAUDIENCE=a\nJWT_REQUIRED_SCOPE=admin\n',
    });

    expect(await runCli(['deploy', '--dry-run', '--zip', 'authorizer.zip'], deps)).toBe(2);
    expect(err.filter((line) => line.startsWith('error: '))).toEqual([
      expect.stringContaining('TOKEN_ISSUER (in '),
      expect.stringContaining('did you mean JWT_REQUIRED_SCOPES?'),
    ]);
  });

  it.each([
    [
      'a misspelt variable',
      'JWT_REQUIRED_SCOPE=admin',
      'JWT_REQUIRED_SCOPE (in ',
      'did you mean JWT_REQUIRED_SCOPES?',
    ],
    ['routes that are not JSON', 'JWT_ROUTES={bad json', 'JWT_ROUTES (in ', 'must be JSON'],
    [
      'a placeholder',
      'JWKS_URI=https://YOUR_TENANT.auth0.com/.well-known/jwks.json',
      'JWKS_URI (in ',
      'placeholder YOUR_TENANT',
    ],
    ['an http issuer', 'TOKEN_ISSUER=http://idp.example.com/', 'TOKEN_ISSUER (in ', 'https'],
    [
      'a localhost issuer over http',
      'TOKEN_ISSUER=http://localhost:8080/',
      'TOKEN_ISSUER (in ',
      'must be an https URL',
    ],
    ['a loopback issuer', 'TOKEN_ISSUER=https://127.0.0.1:8443/', 'TOKEN_ISSUER (in ', 'this machine'],
    ['a routes file that does not exist', 'JWT_ROUTES_FILE=routes.json', 'JWT_ROUTES_FILE', 'cannot be read'],
  ])('prints the plan for %s, then exits 2 naming the variable and its file', async (_, line, name, fix) => {
    const { deps, err, out, clientOptions } = setUp({
      dotenv: `AUDIENCE=a\nTOKEN_ISSUER=https://idp.example.com/\n${line}\n`,
    });

    const code = await runCli(['deploy', '--dry-run', '--zip', 'authorizer.zip'], deps);

    expect(code).toBe(2);
    expect(clientOptions).toEqual([]);
    expect(out.join('\n')).toContain('lambda:CreateFunction');
    expect(err.at(-1)).toContain(`error: ${name}`);
    expect(err.at(-1)).toContain(fix);
    if (name.endsWith('(in ')) expect(err.at(-1)).toContain(join(deps.repoRoot, '.env'));
  });
});

describe('runCli destroy and invoke', () => {
  it('asks for --yes when there is no terminal to confirm on', async () => {
    const { deps, err, clientOptions } = setUp();

    expect(await runCli(['destroy'], deps)).toBe(2);
    expect(err).toEqual(['error: destroy asks for confirmation and there is no terminal: pass --yes']);
    expect(clientOptions).toEqual([]);
  });

  it('deletes nothing when the answer is no, and everything when it is yes', async () => {
    const { deps, aws, out } = setUp();
    await runCli(['deploy', '--zip', 'authorizer.zip'], deps);
    aws.resetHistory();
    const questions: string[] = [];
    deps.confirm = async (question) => {
      questions.push(question);
      return false;
    };

    expect(await runCli(['destroy'], deps)).toBe(1);
    expect(out.at(-1)).toBe('Nothing deleted.');
    expect(aws.sentOperations()).toEqual([]);

    deps.confirm = async () => true;
    expect(await runCli(['destroy'], deps)).toBe(0);
    expect(aws.functions.size).toBe(0);
    expect(questions).toEqual([
      'Delete function jwtRsaCustomAuthorizer, role jwtRsaCustomAuthorizerRole-invoker (if deploy created it), role jwtRsaCustomAuthorizerRole in us-east-1? [y/N] ',
    ]);
  });

  it('prints the destroy plan on --dry-run without any AWS client', async () => {
    const { deps, out, clientOptions } = setUp();

    expect(await runCli(['destroy', '--dry-run', '--rest-api-id', 'a1'], deps)).toBe(0);
    expect(clientOptions).toEqual([]);
    expect(out).toContain(
      'Would remove: authorizer jwt-rsa-custom-authorizer on REST API a1, the gateway responses deploy put on REST API a1, function jwtRsaCustomAuthorizer, role jwtRsaCustomAuthorizerRole-invoker (if deploy created it), role jwtRsaCustomAuthorizerRole',
    );
    expect(out.join('\n')).toContain('apigateway:DeleteAuthorizer');
    expect(out.join('\n')).toContain('iam:DeleteRole');
  });

  it('invokes the function with the event file, resolved from the caller directory', async () => {
    const { deps, aws, out, repoRoot } = setUp();
    await runCli(['deploy', '--zip', join(repoRoot, 'authorizer.zip')], deps);
    aws.invokeResult = {
      payload: { principalId: 'u', policyDocument: { Statement: [{ Effect: 'Deny', Resource: 'x' }] } },
    };
    const dir = makeTempDir({ 'event.json': '{"type":"TOKEN"}' });

    expect(await runCli(['invoke', '--event', 'event.json'], { ...deps, cwd: dir })).toBe(0);
    expect(out.at(-1)).toBe('Policy: Deny on "x"');
  });
});

describe('runCli help and usage', () => {
  it.each([['deploy'], ['invoke'], ['destroy']])('prints the help of %s', async (command) => {
    const { deps, out } = setUp();
    expect(await runCli([command, '--help'], deps)).toBe(0);
    expect(out[0]).toMatch(new RegExp(`^Usage: ${command}`));
  });

  it('rejects an unknown command with exit 2', async () => {
    const { deps, err } = setUp();
    expect(await runCli(['ship'], deps)).toBe(2);
    expect(err).toEqual(["error: Unknown command 'ship': use deploy, invoke or destroy (see --help)"]);
  });
});

describe('runCli with an HTTP or WebSocket API', () => {
  it('prints each door in the --dry-run plan without any AWS client', async () => {
    const { deps, out, clientOptions } = setUp();

    expect(
      await runCli(['deploy', '--dry-run', '--http-api-id', 'h1', '--attach', '--routes', 'GET /pets'], deps),
    ).toBe(0);
    // Deploy gives the WebSocket function JWT_TOKEN_SOURCE=query:token, a setting the table knows.
    expect(await runCli(['deploy', '--dry-run', '--websocket-api-id', 'w1', '--attach'], deps)).toBe(0);
    expect(await runCli(['destroy', '--dry-run', '--websocket-api-id', 'w1'], deps)).toBe(0);

    expect(clientOptions).toEqual([]);
    const printed = out.join('\n');
    expect(printed).toContain('apigatewayv2:CreateAuthorizer');
    expect(printed).toContain('routes       GET /pets: CUSTOM with the authorizer');
    expect(printed).toContain('identity source route.request.querystring.token');
    expect(printed).toContain(
      'SourceArn=arn:aws:execute-api:us-east-1:<account>:w1/authorizers/<authorizer id>',
    );
    expect(printed).toContain('Would remove: authorizer jwt-rsa-custom-authorizer on WebSocket API w1');
  });

  it('deploys to an HTTP API and reports the authorizer id', async () => {
    const { deps, aws, out, err } = setUp();
    aws.addV2Api('h1');

    const code = await runCli(['deploy', '--zip', 'authorizer.zip', '--http-api-id', 'h1', '--attach'], deps);

    expect(code).toBe(0);
    // DPoP is on by default (JWT_SENDER_CONSTRAINED=optional): the only warning says caching is off, and why.
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('authorizer caching is off (TTL 0, not 300 s): DPoP is on');
    const [authorizer] = [...(aws.v2Apis.get('h1')?.authorizers.values() ?? [])];
    expect(out).toContain(`  authorizer id  ${authorizer?.AuthorizerId}`);
  });
});
