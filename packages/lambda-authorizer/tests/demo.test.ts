import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, PACKAGE_DIR, runNode } from './helpers/index.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'authorizer-demo-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the demo (pnpm demo)', () => {
  it('shows an Allow with its policy and context, a 401 and a 403, then exits 0', async () => {
    const run = await runNode(['scripts/demo.mjs'], { cwd: PACKAGE_DIR, env: cleanEnv({}) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const sections = run.stdout.split('\n=== ');
    const section = (title: string) => sections.find((text) => text.startsWith(title)) ?? '';
    expect(section('Local issuer')).toMatch(/issuer {5}http:\/\/127\.0\.0\.1:\d+\//);
    expect(section('Local issuer')).toContain('/oauth2/v1/keys');
    expect(section('Local issuer')).toContain('.env       none read');
    expect(section('1. REST TOKEN event')).toContain('decision   Allow');
    expect(section('1. REST TOKEN event')).toContain('"Effect": "Allow"');
    expect(section('1. REST TOKEN event')).toContain('context    {"scope":"read:pets","sub":"demo-user"');
    expect(section('1. REST TOKEN event')).toContain('API Gateway answers 200');
    expect(section('2. REST REQUEST event')).toContain('reason TOKEN_EXPIRED');
    expect(section('2. REST REQUEST event')).toContain('API Gateway answers 401');
    expect(section('3. HTTP API')).toContain('isAuthorized: false');
    expect(section('3. HTTP API')).toContain('"missingScopes":["write:pets"]');
    expect(section('3. HTTP API')).toContain('API Gateway answers 403');
    expect(run.stdout).toContain('Demo passed');
    // No token is printed: a JWT starts with the base64url of '{"alg"'.
    expect(run.stdout).not.toContain('eyJhbGci');
  });

  it('ignores a developer’s JWT_* variables and the .env file where it is run', async () => {
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, '.env'), 'JWT_REQUIRED_SCOPES=admin\nJWT_ROUTES_FILE=missing.json\n');
    const run = await runNode([join(PACKAGE_DIR, 'scripts/demo.mjs')], {
      cwd: project,
      env: cleanEnv({
        JWKS_URI: 'https://127.0.0.1:9/never.json',
        JWT_POLICY_MODE: 'method',
        JWT_UNMATCHED_ROUTES: 'allow',
        JWT_HTTP_API_RESPONSE: 'iam',
      }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Demo passed');
  });

  it('prints the decision lines whole, metrics block included, with --verbose', async () => {
    const quiet = await runNode(['scripts/demo.mjs'], { cwd: PACKAGE_DIR, env: cleanEnv({}) });
    const verbose = await runNode(['scripts/demo.mjs', '--verbose'], { cwd: PACKAGE_DIR, env: cleanEnv({}) });
    expect(quiet.code).toBe(0);
    expect(verbose.code).toBe(0);
    expect(quiet.stdout).not.toContain('"_aws"');
    expect(verbose.stdout).toContain('"_aws":{"Timestamp":');
    expect(verbose.stdout).not.toContain('eyJhbGci');
  });

  it('exits non-zero when an outcome is not the expected one', async () => {
    const wrong = join(work, 'allow-everything.mjs');
    writeFileSync(wrong, 'export const handler = async () => ({ isAuthorized: true, context: {} });\n');
    const run = await runNode(['scripts/demo.mjs'], {
      cwd: PACKAGE_DIR,
      env: cleanEnv({ DEMO_HANDLER: wrong }),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('API Gateway answers 200 (expected 401)');
    expect(run.stdout).toContain('Demo FAILED: 2 unexpected outcome(s)');
  });
});
