import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '../src/repo-root.js';
import { makeTempDir } from './helpers/harness.js';

describe('findRepoRoot', () => {
  it('walks up to the directory holding pnpm-workspace.yaml', () => {
    const root = makeTempDir({ 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n' });
    const deep = join(root, 'packages', 'deploy-scripts', 'dist');
    mkdirSync(deep, { recursive: true });
    expect(findRepoRoot(deep)).toBe(root);
  });

  it('returns undefined outside a workspace', () => {
    expect(findRepoRoot(makeTempDir())).toBeUndefined();
  });
});
