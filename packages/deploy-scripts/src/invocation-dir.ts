import { dirname, resolve } from 'node:path';

/**
 * The directory the user ran the command in, against which relative paths in flags are resolved.
 * A package script (`pnpm --filter deploy-scripts run deploy`) runs in the package's directory; pnpm
 * and npm then set `INIT_CWD` to where the command was typed and `npm_package_json` to the package's
 * manifest. `INIT_CWD` is used only in that case (the process runs in the manifest's directory), so a
 * value inherited by an unrelated child process started elsewhere is ignored.
 */
export function resolveInvocationDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const initCwd = env.INIT_CWD;
  const manifest = env.npm_package_json;
  if (initCwd && manifest && resolve(dirname(manifest)) === resolve(cwd)) return resolve(initCwd);
  return cwd;
}
