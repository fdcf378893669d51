import { spawn } from 'node:child_process';
import { dirname } from 'node:path';

export interface Run {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a fresh shell: no `npm_config_*`, `npm_package_*` or `npm_lifecycle_*`
 * variables from the pnpm script this test runs in (they would configure the consumer's npm with the
 * workspace's settings), and the Node running this test first on PATH, so npm, tsc and esbuild run
 * on it.
 */
export function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|TURBO_|VITEST|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$)/i.test(name)) continue;
    env[name] = value;
  }
  env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
  env.npm_config_update_notifier = 'false';
  return { ...env, ...extra };
}

/** Runs a command to its end; never rejects on a non-zero exit (the caller asserts on it). */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? freshEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Throws with the command's output unless it exited 0. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<Run> {
  const result = await run(command, args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited with ${result.exitCode}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}
