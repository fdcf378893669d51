import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeployError } from './errors.js';

/** The function's deployment package. */
export interface LambdaZip {
  path: string;
  bytes: Uint8Array;
  /** Base64 SHA-256 of the bytes: the form Lambda reports as `CodeSha256`. */
  sha256: string;
}

/**
 * Computes a zip's hash the way Lambda reports `CodeSha256`: base64 of the SHA-256 digest.
 */
export function computeCodeSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/**
 * Reads the deployment zip and hashes it.
 *
 * @throws DeployError `ZIP_NOT_FOUND` when there is no file at `path`
 */
export function readLambdaZip(path: string): LambdaZip {
  if (!existsSync(path)) {
    throw new DeployError(
      'ZIP_NOT_FOUND',
      `No zip at ${path}: build it with \`pnpm --filter @jwt-authorizer/lambda-authorizer run bundle\` or pass --zip PATH`,
    );
  }
  const bytes = readFileSync(path);
  return { path, bytes, sha256: computeCodeSha256(bytes) };
}

/** The outcome of a zip build. */
export interface ZipBuildResult {
  ok: boolean;
  /** What the build printed, when it was captured (not in verbose mode). */
  output: string;
}

/**
 * Builds the zip with turbo (`turbo run bundle --filter=@jwt-authorizer/lambda-authorizer`), so the
 * lambda-authorizer build it depends on runs first and an unchanged zip comes from turbo's cache.
 * Quiet by default: turbo's output is captured (the caller prints it only when the build failed);
 * with `verbose` it streams to stderr, so stdout carries only the deploy's own lines.
 *
 * @example
 * ```ts
 * const build = buildLambdaZip(repoRoot, { verbose: false });
 * if (!build.ok) console.error(build.output);
 * ```
 */
export function buildLambdaZip(repoRoot: string, options: { verbose: boolean }): ZipBuildResult {
  const local = join(repoRoot, 'node_modules', '.bin', 'turbo');
  const result = spawnSync(
    existsSync(local) ? local : 'turbo',
    [
      'run',
      'bundle',
      '--filter=@jwt-authorizer/lambda-authorizer',
      options.verbose ? '--output-logs=full' : '--output-logs=errors-only',
    ],
    {
      cwd: repoRoot,
      stdio: options.verbose ? ['ignore', 2, 'inherit'] : ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    },
  );
  const output = options.verbose ? '' : `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, output };
}
