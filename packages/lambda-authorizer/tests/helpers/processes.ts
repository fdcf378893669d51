import { spawn } from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node ...args` to its end and collects everything it writes. */
export function runNode(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A minimal environment: no variable of the developer's shell reaches the child. */
export function cleanEnv(settings: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, SYSTEMROOT: process.env.SYSTEMROOT, ...settings };
}
