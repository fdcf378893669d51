import { execFileSync, spawnSync } from 'node:child_process';
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

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { env, cwd, encoding: 'utf8', timeout: 30_000 });
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
        '--dotenv',
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
      ['deploy', '--dotenv', 'partial.env', '--zip', 'custom-authorizer.zip', '--region', 'us-east-1'],
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
        '--dotenv',
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

  it('prints help and exits 0', () => {
    const { code, stdout } = run(['destroy', '--help'], bareEnv(), dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: destroy/);
  });
});
