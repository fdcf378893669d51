import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import { cleanEnv, METHOD_ARN, PACKAGE_DIR, runNode, STAGE_ARN, tokenEvent } from './helpers/index.js';

// scripts/invoke.mjs, the tutorial's `npm test`, run from a project folder holding .env and event.json.
const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'invoke-key');
const INVOKE = join(PACKAGE_DIR, 'scripts', 'invoke.mjs');
const HANDLER = join(PACKAGE_DIR, 'dist', 'index.mjs');
let issuer: JwksServer;
let project: string;

beforeAll(async () => {
  issuer = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
});
afterAll(() => issuer.close());
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'authorizer-invoke-'));
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

function writeDotenv(audience = AUDIENCE) {
  writeFileSync(
    join(project, '.env'),
    `JWKS_URI=${issuer.jwksUri}\nAUDIENCE=${audience}\t\nTOKEN_ISSUER=${issuer.issuer}\n`,
  );
}

function writeEvent(event: unknown) {
  writeFileSync(join(project, 'event.json'), JSON.stringify(event, null, 2));
}

function invoke(args: string[], env: Record<string, string> = {}) {
  // --dotenv first: a later one in args wins, as parseArgs keeps the last value.
  return runNode([INVOKE, '--dotenv', '.env', ...args, '--handler', HANDLER], {
    cwd: project,
    env: cleanEnv(env),
  });
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

  it('runs the shipped event.json.sample: its ACCESS_TOKEN placeholder is refused', async () => {
    writeDotenv();
    copyFileSync(join(PACKAGE_DIR, 'event.json.sample'), join(project, 'event.json'));
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Unauthorized (reason: TOKEN_MALFORMED)');
  });

  it('says how to create event.json when it is missing', async () => {
    writeDotenv();
    const run = await invoke([]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('event.json not found: create it with cp event.json.sample event.json');
  });

  it('refuses an event file that is not JSON', async () => {
    writeDotenv();
    writeFileSync(join(project, 'event.json'), '{ "type": "TOKEN", ');
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('event.json is not valid JSON');
  });

  it('reports a failed cold start naming the missing variable', async () => {
    writeFileSync(join(project, '.env'), '# nothing set\n');
    writeEvent(tokenEvent('Bearer x'));
    const run = await invoke(['--event', 'event.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Cold start failed\n-----------------\nTOKEN_ISSUER is required');
    expect(run.stdout).toContain('(reason: CONFIG_INVALID)');
  });

  it('stops naming the file when the .env file given does not exist', async () => {
    writeEvent(tokenEvent('Bearer x'));
    const run = await invoke(['--event', 'event.json', '--dotenv', 'missing.env']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`The .env file ${join(project, 'missing.env')} does not exist`);
  });

  it('reads settings from another file with --dotenv', async () => {
    writeFileSync(join(project, 'staging.env'), `TOKEN_ISSUER=${issuer.issuer}\nAUDIENCE=${AUDIENCE}\n`);
    writeEvent(tokenEvent(`Bearer ${createMinter(issuer.issuer, AUDIENCE)(key)}`));
    const run = await invoke(['--event', 'event.json', '--dotenv', 'staging.env']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"Effect": "Allow"');
  });
});
