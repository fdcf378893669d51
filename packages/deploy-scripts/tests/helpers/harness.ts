import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IAMServiceException } from '@aws-sdk/client-iam';
import { createAwsClients } from '../../src/aws-clients.js';
import { type DeployConfig, readSettings, resolveDeployConfig } from '../../src/config.js';
import { computeCodeSha256, type LambdaZip } from '../../src/lambda-zip.js';
import { createReporter } from '../../src/reporter.js';
import type { StepContext } from '../../src/step-context.js';
import { FakeAws, REGION } from './fake-aws.js';

export { ACCOUNT_ID, FakeAws, REGION } from './fake-aws.js';

/** Static credentials so nothing ever looks for real ones. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

/** The settings a normal deploy reads from .env. */
export const SETTINGS = {
  TOKEN_ISSUER: 'https://tenant.auth0.com/',
  AUDIENCE: 'https://api.example.com/',
  JWKS_URI: 'https://tenant.auth0.com/.well-known/jwks.json',
  JWT_ALGORITHMS: 'RS256',
};

/** A fake deployment zip: bytes whose hash Lambda would report. */
export function fakeZip(content = 'zip v1'): LambdaZip {
  const bytes = new TextEncoder().encode(content);
  return { path: '/tmp/custom-authorizer.zip', bytes, sha256: computeCodeSha256(bytes) };
}

/** Mocked clients over a {@link FakeAws}, a capturing reporter and a sleep that only records (and moves the fake clock). */
export function createHarness() {
  const clients = createAwsClients({ region: REGION, overrides: { credentials: TEST_CREDENTIALS } });
  const aws = new FakeAws(clients);
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const reporter = createReporter({ out: (line) => out.push(line), err: (line) => err.push(line) });
  const context: StepContext = {
    clients,
    reporter,
    region: REGION,
    sleep: async (ms) => {
      sleeps.push(ms);
      aws.advanceClock(ms);
    },
    waiterMaxWaitSeconds: 5,
  };
  return { clients, aws, out, err, sleeps, reporter, context };
}

/** A deploy configuration as the CLI would resolve it from these flags and settings. */
export function deployConfig(
  values: Record<string, string | boolean> = {},
  settings: Record<string, string> = SETTINGS,
): DeployConfig {
  return resolveDeployConfig({ 'no-build': true, ...values }, settings, { repoRoot: '/repo', cwd: '/repo' });
}

/** Makes a temporary directory with the given files. */
export function makeTempDir(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-scripts-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/**
 * IAM's AccessDenied as the SDK throws it: IAM models no class for it, so the client raises its
 * service exception with the name and status IAM sent.
 */
export function iamAccessDenied(action: string, roleName: string): IAMServiceException {
  return new IAMServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ${action} on resource: arn:aws:iam::123456789012:role/${roleName}`,
  });
}

export { readSettings };
