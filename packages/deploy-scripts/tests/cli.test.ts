import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCodeSha256 } from '../src/lambda-zip.js';
import { makeTempDir } from './helpers/harness.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageDir, 'dist', 'cli.js');

/** An environment with no AWS credentials, profile, region or config file at all. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = makeTempDir();
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/** Runs the built CLI as `node dist/cli.js …`, or as the package scripts do, `node -- dist/cli.js …`. */
function run(args: string[], env: NodeJS.ProcessEnv, cwd: string, asScript = false) {
  const node = asScript ? ['--', cli] : [cli];
  const result = spawnSync(process.execPath, [...node, ...args], {
    env,
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // The test runs the built CLI, so build it (incremental: quick when nothing changed).
  execFileSync(join(packageDir, '..', '..', 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
    cwd: packageDir,
    stdio: 'inherit',
  });
}, 60_000);

describe('dist/cli.js', () => {
  const dir = makeTempDir({
    'settings.env':
      'TOKEN_ISSUER=https://tenant.auth0.com/\nAUDIENCE=https://api.example.com/\nJWT_ROUTES={"GET /hidden-value": []}\n',
    'partial.env': 'AUDIENCE=https://api.example.com/\n',
    'custom-authorizer.zip': 'not really a zip',
  });

  it('prints the full deploy plan with no AWS credentials and exits 0', () => {
    const { code, stdout, stderr } = run(
      [
        'deploy',
        '--',
        '--dry-run',
        '--env-file',
        'settings.env',
        '--zip',
        'custom-authorizer.zip',
        '--rest-api-id',
        'a1b2c3d4e5',
      ],
      bareEnv(),
      dir,
    );

    expect(code).toBe(0);
    expect(stdout).toContain('Deploy plan (region us-east-1)');
    expect(stdout).toContain(
      'environment  TOKEN_ISSUER=https://tenant.auth0.com/, AUDIENCE=https://api.example.com/',
    );
    expect(stdout).toContain(`CodeSha256 ${computeCodeSha256(new TextEncoder().encode('not really a zip'))}`);
    for (const call of [
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'lambda:CreateFunction',
      'apigateway:CreateAuthorizer',
    ]) {
      expect(stdout).toContain(call);
    }
    expect(stderr).toBe(
      'warning: no AWS region configured: the plan uses us-east-1; a real deploy needs --region or AWS_REGION\n',
    );
    expect(stdout + stderr).not.toContain('hidden-value');
  });

  it('stops a deploy without TOKEN_ISSUER with one line and exit 2, before any AWS call', () => {
    const { code, stdout, stderr } = run(
      ['deploy', '--env-file', 'partial.env', '--zip', 'custom-authorizer.zip', '--region', 'us-east-1'],
      bareEnv(),
      dir,
    );

    expect(code).toBe(2);
    expect(stdout).toBe(`.env: read ${join(dir, 'partial.env')}\n`);
    expect(stderr).toBe(
      'error: TOKEN_ISSUER is not set: add TOKEN_ISSUER=... to .env (packages/lambda-authorizer/.env or the repo root) or the environment\n',
    );
  });

  it('lets the environment win over the env file', () => {
    const { code, stdout } = run(
      [
        'deploy',
        '--dry-run',
        '--env-file',
        'partial.env',
        '--zip',
        'custom-authorizer.zip',
        '--region',
        'eu-west-1',
      ],
      bareEnv({ TOKEN_ISSUER: 'https://from-env.auth0.com/', AUDIENCE: 'env-audience' }),
      dir,
    );

    expect(code).toBe(0);
    expect(stdout).toContain('environment  TOKEN_ISSUER=https://from-env.auth0.com/, AUDIENCE=env-audience');
  });

  it.each([
    ['deploy', 'Usage: deploy'],
    ['invoke', 'Usage: invoke'],
    ['destroy', 'Usage: destroy'],
    ['--help', 'Usage: node packages/deploy-scripts/dist/cli.js'],
  ])('prints the help of %s on --help and -h and exits 0', (command, usage) => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = run(command === '--help' ? [flag] : [command, flag], bareEnv(), dir);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout.startsWith(usage)).toBe(true);
      expect(stdout).toContain('Exit codes: 0 success');
    }
  });

  it.each([
    [
      ['invoke', '--evnt', 'event.json'],
      'error: Unknown option --evnt for invoke: did you mean --event? (see `invoke --help`)',
    ],
    [
      ['deploy', '--dry-run=yes'],
      "error: --dry-run takes no value (got '--dry-run=yes'): write --dry-run alone (see `deploy --help`)",
    ],
    [
      ['deploy', '--dry-run', '--region'],
      'error: --region needs a value: --region REGION (see `deploy --help`)',
    ],
    [
      ['deploy', '--dry-run', '--runtime', 'nodejs20.x'],
      "error: --runtime must be nodejs24.x or nodejs22.x (got 'nodejs20.x'): did you mean nodejs24.x?",
    ],
    [
      ['destroy', '--dotenv', 'x.env'],
      'error: Unknown option --dotenv for destroy: did you mean --env-file? (see `destroy --help`)',
    ],
  ])('refuses %o with one line on stderr, nothing on stdout and exit 2', (args, line) => {
    const { code, stdout, stderr } = run(args, bareEnv(), dir);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('shows the runtime in the plan: nodejs24.x by default, nodejs22.x on request', () => {
    const args = ['deploy', '--dry-run', '--env-file', 'settings.env', '--zip', 'custom-authorizer.zip'];
    expect(run(args, bareEnv(), dir).stdout).toContain(
      'function     jwtRsaCustomAuthorizer: nodejs24.x, index.handler',
    );
    expect(run([...args, '--runtime', 'nodejs22.x'], bareEnv(), dir).stdout).toContain(
      'function     jwtRsaCustomAuthorizer: nodejs22.x, index.handler',
    );
  });
});

describe('dist/cli.js run as a package script (pnpm --filter deploy-scripts run …)', () => {
  const caller = makeTempDir({
    'conf/settings.env': 'TOKEN_ISSUER=https://caller.auth0.com/\nAUDIENCE=caller-audience\n',
    'build/custom-authorizer.zip': 'zip from the caller directory',
  });
  const args = [
    'deploy',
    '--dry-run',
    '--env-file',
    'conf/settings.env',
    '--zip',
    'build/custom-authorizer.zip',
  ];

  it('reads --env-file and --zip from the directory pnpm was run in (INIT_CWD), not the package', () => {
    // What pnpm does: the script runs in the package directory, INIT_CWD is where the user typed.
    const env = bareEnv({ INIT_CWD: caller, npm_package_json: join(packageDir, 'package.json') });
    const { code, stdout, stderr } = run(args, env, packageDir, true);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('error') });
    expect(stdout).toContain('environment  TOKEN_ISSUER=https://caller.auth0.com/, AUDIENCE=caller-audience');
    expect(stdout).toContain(
      `CodeSha256 ${computeCodeSha256(new TextEncoder().encode('zip from the caller directory'))}`,
    );
  });

  it('ignores an INIT_CWD inherited by a process started outside the package script', () => {
    const env = bareEnv({ INIT_CWD: caller, npm_package_json: join(caller, 'elsewhere', 'package.json') });
    const { code, stderr } = run(args, env, packageDir, true);
    expect(code).toBe(2);
    expect(stderr).toBe('error: --env-file conf/settings.env does not exist: fix the path\n');
  });
});

describe('the README', () => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('Bad flags, each one line:'));
  const rows = [...table.matchAll(/^\| `([^`]+)` +\| `([^`]+)` +\|$/gm)].map(
    (match) => [match[1], match[2]] as [string, string],
  );

  it('shows each bad-flag message exactly as the CLI prints it, with exit 2', () => {
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const dir = makeTempDir();
    for (const [input, message] of rows) {
      const args = input.split(' ');
      const { code, stdout, stderr } = run(args, bareEnv(), dir);
      const expected = message.replace('(see …)', `(see \`${args[0]} --help\`)`);
      expect({ input, code, stdout, stderr }).toEqual({
        input,
        code: 2,
        stdout: '',
        stderr: `error: ${expected}\n`,
      });
    }
  });
});
