import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, METHOD_ARN, PACKAGE_DIR, runNode, STAGE_ARN, tokenEvent } from './helpers/index.js';

// scripts/invoke.mjs, the tutorial's `npm test`, run from a project folder holding .env and event.json.
// It runs from a copy of the scripts in an empty repository (packages/lambda-authorizer with the
// build linked in), so the defaults it falls back to (the package's .env and event.json, the root's
// .env) are the test's, never a developer's files.
const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'invoke-key');
const HANDLER = join(PACKAGE_DIR, 'dist', 'index.mjs');
let issuer: JwksServer;
let project: string;
let repoCopy: string;
let packageCopy: string;
let invokeScript: string;

beforeAll(async () => {
  issuer = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
});
afterAll(() => issuer.close());
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'authorizer-invoke-'));
  repoCopy = mkdtempSync(join(tmpdir(), 'authorizer-invoke-repo-'));
  packageCopy = join(repoCopy, 'packages', 'lambda-authorizer');
  mkdirSync(join(packageCopy, 'scripts'), { recursive: true });
  symlinkSync(join(PACKAGE_DIR, 'dist'), join(packageCopy, 'dist'));
  for (const file of ['invoke.mjs', 'cli.mjs', 'explain.mjs']) {
    copyFileSync(join(PACKAGE_DIR, 'scripts', file), join(packageCopy, 'scripts', file));
  }
  writeFileSync(join(packageCopy, 'package.json'), '{"type":"module"}\n');
  invokeScript = join(packageCopy, 'scripts', 'invoke.mjs');
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(repoCopy, { recursive: true, force: true });
});

function writeDotenv(audience = AUDIENCE, dir = project) {
  writeFileSync(
    join(dir, '.env'),
    `JWKS_URI=${issuer.jwksUri}\nAUDIENCE=${audience}\t\nTOKEN_ISSUER=${issuer.issuer}\n`,
  );
}

function writeEvent(event: unknown, dir = project) {
  writeFileSync(join(dir, 'event.json'), JSON.stringify(event, null, 2));
}

/**
 * Runs the script as its package script does: `node -- scripts/invoke.mjs …`, so Node leaves
 * --env-file alone. `--env-file .env` (the project's) comes first unless `envFile` is null: a later
 * one in `args` wins, as the last value does.
 */
function invoke(
  args: string[],
  env: Record<string, string> = {},
  cwd = project,
  envFile: string | null = '.env',
) {
  const dotenv = envFile === null ? [] : ['--env-file', envFile];
  return runNode(['--', invokeScript, ...dotenv, ...args, '--handler', HANDLER], { cwd, env: cleanEnv(env) });
}

describe('pnpm --filter lambda-authorizer run invoke -- --event event.json', () => {
  it('prints the policy the bundled handler returns, as the tutorial shows, and exits 0', async () => {
    writeDotenv();
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key)}`));
    const run = await invoke(['--', '--event', 'event.json']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`.env: read ${join(project, '.env')}\n`)).toBe(true);
    const message = run.stdout.slice(run.stdout.indexOf('Message\n-------\n') + 16);
    expect(JSON.parse(message)).toEqual({
      principalId: 'user-123',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${STAGE_ARN}/*`] }],
      },
      context: { scope: 'read:pets', sub: 'user-123' },
    });
    expect(message).toContain('\n    "principalId"');
  });

  it('lets the environment win over .env', async () => {
    writeDotenv('https://wrong.example.com');
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key)}`));
    const run = await invoke(['--event', 'event.json'], { AUDIENCE, JWT_POLICY_MODE: 'method' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`"Resource": [\n                    "${METHOD_ARN}"`);
  });

  it('prints Unauthorized with the reason code and exits 1 for an expired token', async () => {
    writeDotenv();
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key, { claims: { exp: 1000 } })}`));
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Error\n-----\nUnauthorized (reason: TOKEN_EXPIRED)\n');
  });

  it('adds the failed check with what was expected and what the token has, never the token', async () => {
    writeDotenv();
    const token = createMinter(issuer.issuer, AUDIENCE)(key, {
      claims: { aud: 'https://other.example.com' },
    });
    writeEvent(tokenEvent(`Bearer ${token}`));
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `Error\n-----\nUnauthorized (reason: AUDIENCE_INVALID)\n  ✗ aud  expected ${AUDIENCE}, token has https://other.example.com  [AUDIENCE_INVALID]\n`,
    );
    expect(run.stdout).not.toContain(token.split('.')[2]);
  });

  it('runs the shipped event.json.sample: its ACCESS_TOKEN placeholder is refused', async () => {
    writeDotenv();
    copyFileSync(join(PACKAGE_DIR, 'event.json.sample'), join(project, 'event.json'));
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Unauthorized (reason: TOKEN_MALFORMED)');
  });

  it('says how to create event.json when it is missing, in one line and exit 2', async () => {
    writeDotenv();
    const run = await invoke([]);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    const missing = join(project, 'event.json');
    expect(run.stderr).toBe(
      `error: ${missing} not found: create it with cp packages/lambda-authorizer/event.json.sample ${missing}, or pass --event PATH\n`,
    );
  });

  it('refuses an event file that is not JSON with exit 2', async () => {
    writeDotenv();
    writeFileSync(join(project, 'event.json'), '{ "type": "TOKEN", ');
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: \S+event\.json is not valid JSON \(.*\)\n$/);
  });

  it('refuses a --env-file that does not exist with exit 2', async () => {
    writeEvent(tokenEvent('Bearer x'));
    const run = await invoke(['--event', 'event.json', '--env-file', 'staging.env']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: --env-file staging.env not found in ${project}\n`);
  });

  it('reports a failed cold start naming the missing variable', async () => {
    writeFileSync(join(project, '.env'), '# nothing set\n');
    writeEvent(tokenEvent('Bearer x'));
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Cold start failed\n-----------------\nTOKEN_ISSUER is required');
    expect(run.stdout).toContain('(reason: CONFIG_INVALID)');
  });

  it('reads settings from another file with --env-file', async () => {
    writeFileSync(join(project, 'staging.env'), `TOKEN_ISSUER=${issuer.issuer}\nAUDIENCE=${AUDIENCE}\n`);
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key)}`));
    const run = await invoke(['--event', 'event.json', '--env-file', 'staging.env']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`.env: read ${join(project, 'staging.env')}\n`)).toBe(true);
    expect(run.stdout).toContain('"Effect": "Allow"');
  });

  it('refuses a malformed .env line by number, without its content, and exits 1', async () => {
    writeFileSync(join(project, '.env'), `TOKEN_ISSUER=${issuer.issuer}\nJWT_REQUIRED_SCOPES read:secret\n`);
    writeEvent(tokenEvent('Bearer x'));
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `Error\n-----\nThe .env file ${join(project, '.env')}: line 2 is not NAME=value (reason: CONFIG_INVALID)\n`,
    );
  });

  it("without --env-file reads the repository root's .env when the package has none, and says so", async () => {
    writeDotenv(AUDIENCE, repoCopy);
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key)}`));
    const run = await invoke(['--event', 'event.json'], {}, project, null);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`.env: read ${join(repoCopy, '.env')}\n`)).toBe(true);
    // The caller's folder holds a .env too: it is not among the places looked at.
    writeDotenv('https://wrong.example.com');
    expect((await invoke(['--event', 'event.json'], {}, project, null)).stdout).toContain(
      '"Effect": "Allow"',
    );
  });

  it('says that no .env was read, and where it looked, when there is none', async () => {
    writeEvent(tokenEvent('Bearer x'));
    const run = await invoke(['--event', 'event.json'], { TOKEN_ISSUER: issuer.issuer }, project, null);
    expect(run.code).toBe(1);
    expect(
      run.stdout.startsWith(
        `.env: none read (looked for ${join(packageCopy, '.env')}, ${join(repoCopy, '.env')})\n`,
      ),
    ).toBe(true);
    expect(run.stdout).toContain('AUDIENCE is required');
  });
});

describe('invoke: the command line', () => {
  it('prints its help on --help and -h, listing every flag, and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const run = await invoke([flag]);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      for (const label of [
        '--event PATH',
        '--env-file PATH',
        '--handler PATH',
        '--timeout-ms MS',
        '--verbose',
        '-h, --help',
      ]) {
        expect(run.stdout).toContain(label);
      }
      expect(run.stdout).toContain('Exit codes: 0');
    }
  });

  it('accepts every flag its help names', async () => {
    const help = (await invoke(['--help'])).stdout;
    const options = help.slice(
      help.indexOf('\nOptions:\n'),
      help.indexOf('\n\n', help.indexOf('\nOptions:\n') + 1),
    );
    const named = new Set(
      [...options.matchAll(/(?<![\w-])--([a-z][a-z-]*)(?: ([A-Z]+))?/g)].map((m) => [m[1], m[2]].join(' ')),
    );
    expect(named.size).toBeGreaterThanOrEqual(6);
    for (const entry of named) {
      const [name, value] = entry.split(' ');
      if (name === 'help') continue;
      const run = await invoke([value ? `--${name}=1` : `--${name}`]);
      expect(run.stderr, `--${name}`).not.toContain('Unknown option');
    }
  });

  it.each([
    [
      ['--evnt', 'event.json'],
      'error: Unknown option --evnt for invoke: did you mean --event? (see `invoke --help`)',
    ],
    [['--dotenv', '.env'], 'error: Unknown option --dotenv for invoke (see `invoke --help`)'],
    [
      ['--verbose=yes'],
      "error: --verbose takes no value (got '--verbose=yes'): write --verbose alone (see `invoke --help`)",
    ],
    [['--event'], 'error: --event needs a value: --event PATH (see `invoke --help`)'],
    [['--event', '--verbose'], 'error: --event needs a value: --event PATH (see `invoke --help`)'],
    [['event.json'], "error: Unexpected argument 'event.json' for invoke (see `invoke --help`)"],
    [
      ['--timeout-ms', 'soon'],
      'error: --timeout-ms must be a whole number of milliseconds (see `invoke --help`)',
    ],
  ])('refuses %o with one line, no stack trace and exit 2', async (args, line) => {
    const run = await invoke(args);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('reads --event and --env-file from the directory pnpm was run in, not the package folder', async () => {
    writeDotenv();
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key)}`));
    // The package folder has a .env, first in the search order: the file named wins, and only it is read.
    writeFileSync(join(packageCopy, '.env'), 'JWT_REQUIRED_SCOPES=admin\n');
    const run = await invoke(
      ['--event', 'event.json', '--env-file', '.env'],
      { INIT_CWD: project, npm_package_json: join(packageCopy, 'package.json') },
      packageCopy,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"Effect": "Allow"');
  });

  it('falls back to the package folder’s event.json and .env when the caller’s folder has none', async () => {
    writeDotenv(AUDIENCE, packageCopy);
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key)}`), packageCopy);
    const run = await invoke([], {}, project, null);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`.env: read ${join(packageCopy, '.env')}\n`)).toBe(true);
    expect(run.stdout).toContain('"Effect": "Allow"');
  });

  it('prints the handler’s own log lines only with --verbose', async () => {
    writeDotenv();
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key, { claims: { exp: 1000 } })}`));
    const quiet = await invoke(['--event', 'event.json']);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout.replace(/\d+ days ago/, 'N days ago')).toBe(
      `.env: read ${join(project, '.env')}\nError\n-----\nUnauthorized (reason: TOKEN_EXPIRED)\n` +
        '  ✗ exp  1970-01-01T00:16:40Z, N days ago (expected in the future)  [TOKEN_EXPIRED]\n',
    );
    const verbose = await invoke(['--event', 'event.json', '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stdout).toMatch(
      /^\.env: read .*\nLog\n---\n\{"level":"info","msg":"authorizer decision","decision":"unauthorized","reason":"TOKEN_EXPIRED"/,
    );
    expect(verbose.stdout).toContain('Error\n-----\nUnauthorized (reason: TOKEN_EXPIRED)\n');
    // The decision log keeps the reason code alone: the expected and actual values are local only.
    const log = verbose.stdout.slice(verbose.stdout.indexOf('Log\n'), verbose.stdout.indexOf('Error\n'));
    expect(log).not.toContain('1970-01-01');
    expect(log).not.toContain('expected');
  });
});
