import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readZip } from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORE_SOURCE = 'packages/authorizer-core/src/claims.ts';
const ORIGINAL = "'The token has expired'";
const CHANGED = "'The token has expired (changed after the first bundle)'";

let checkout: string;

/**
 * The child pnpm must not take this run's settings for its own: the npm_/pnpm_ variables of the
 * script running the tests, and TURBO_HASH, which tells the bundle script that turbo built the
 * workspace packages already.
 */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|pnpm_|turbo_hash$)/i.test(name)),
  );
}

function pnpm(args: readonly string[]) {
  return spawnSync('pnpm', args, { cwd: checkout, env: childEnv(), encoding: 'utf8', timeout: 90_000 });
}

function bundleInCheckout() {
  const run = pnpm(['--filter', 'lambda-authorizer', 'run', 'bundle']);
  const zipPath = join(checkout, 'packages/lambda-authorizer/dist/custom-authorizer.zip');
  const zip = existsSync(zipPath) ? readFileSync(zipPath) : Buffer.alloc(0);
  const code =
    zip.length > 0
      ? readZip(zip)
          .map((entry) => entry.data.toString('utf8'))
          .join('\n')
      : '';
  return { run, sha256: createHash('sha256').update(zip).digest('hex'), code };
}

beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), 'authorizer-checkout-'));
  // The working tree as git sees it (tracked and new files, nothing ignored): what a clean clone
  // holds, with no dist and no node_modules.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(REPO_ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(checkout, file));
  }
  // Only what the bundle needs (the root tools and the handler's workspace packages): the
  // serverless example's framework alone is several hundred packages. --prefer-offline, not
  // --offline: the lockfile fixes every version, and a machine whose pnpm cache lacks a package's
  // metadata (ERR_PNPM_NO_OFFLINE_META, seen for newly added clients) may fetch it from the registry.
  const install = pnpm([
    'install',
    '--prefer-offline',
    '--frozen-lockfile',
    '--filter',
    'jwt-authorizer',
    '--filter',
    '@jwt-authorizer/lambda-authorizer...',
  ]);
  if (install.status !== 0) throw new Error(`pnpm install failed:\n${install.stdout}${install.stderr}`);
}, 120_000);

afterAll(() => {
  if (checkout) rmSync(checkout, { recursive: true, force: true });
});

describe('pnpm --filter lambda-authorizer run bundle, on a clean checkout', () => {
  it('builds the workspace packages it bundles, so a change to core reaches the zip', () => {
    const first = bundleInCheckout();
    expect(first.run.status, first.run.stdout + first.run.stderr).toBe(0);
    expect(first.code).toContain(ORIGINAL.slice(1, -1));

    const sourcePath = join(checkout, CORE_SOURCE);
    const source = readFileSync(sourcePath, 'utf8');
    expect(source).toContain(ORIGINAL);
    writeFileSync(sourcePath, source.replace(ORIGINAL, CHANGED));

    const second = bundleInCheckout();
    expect(second.run.status, second.run.stdout + second.run.stderr).toBe(0);
    expect(second.sha256).not.toBe(first.sha256);
    expect(second.code).toContain(CHANGED.slice(1, -1));
    expect(first.code).not.toContain(CHANGED.slice(1, -1));
  }, 90_000);
});
