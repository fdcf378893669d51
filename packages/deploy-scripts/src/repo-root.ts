import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds the monorepo root: the nearest directory at or above `startDir` holding `pnpm-workspace.yaml`.
 *
 * @returns the root's path, or `undefined` outside the repo
 */
export function findRepoRoot(startDir: string): string | undefined {
  let dir = startDir;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
