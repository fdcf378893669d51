import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const SOURCE = /\.(?:[cm]?ts|[cm]?js)$/;

/** The workspace folder a path belongs to: `packages/NAME` or `bench`. */
function ownerOf(path: string): string | undefined {
  const parts = relative(ROOT, path).split(sep);
  if (parts[0] === 'packages' && parts[1] !== undefined) return `packages/${parts[1]}`;
  return parts[0] === 'bench' ? 'bench' : undefined;
}

/**
 * The relative imports of `file` (static, dynamic, re-exports) that reach into another workspace
 * package's `tests/` folder. Fixtures shared between packages belong in @jwt-authorizer/test-fixtures,
 * a declared dependency, not in a package's tests.
 */
export function foreignTestImports(file: string, text: string): string[] {
  const owner = ownerOf(file);
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\1/g)) {
    const specifier = match[2] as string;
    const target = resolve(dirname(file), specifier);
    const targetOwner = ownerOf(target);
    if (targetOwner === undefined || targetOwner === owner) continue;
    const inside = relative(join(ROOT, targetOwner), target).split(sep);
    if (inside[0] === 'tests') found.push(specifier);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (SOURCE.test(entry.name)) files.push(path);
  }
  return files;
}

describe('the workspace layout', () => {
  it('lets no package or the bench import another package’s tests folder', () => {
    // This file is left out: its own examples below are offences on purpose.
    const files = [...sourceFiles(join(ROOT, 'packages')), ...sourceFiles(join(ROOT, 'bench'))].filter(
      (file) => file !== import.meta.filename,
    );
    expect(files.length).toBeGreaterThan(50);
    const offences = files.flatMap((file) =>
      foreignTestImports(file, readFileSync(file, 'utf8')).map((spec) => `${relative(ROOT, file)}: ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('flags a reach into another package’s tests, and only that', () => {
    const file = join(ROOT, 'packages/middy-jwt/tests/jwt-auth.test.ts');
    const text = [
      "import { createMinter } from '../../authorizer-core/tests/helpers/index.js';",
      "export { x } from '../../lambda-authorizer/tests/helpers/events.js';",
      "const m = await import('../../../bench/tests/harness.test.mjs');",
      "import '../../consumer-tests/tests/helpers/snippets.js';",
      "import { restEvent } from './helpers/events.js';",
      "import { jwtAuth } from '../src/index.js';",
      "import { createAuthorizer } from '../../authorizer-core/src/index.js';",
      "import { readZip } from '@jwt-authorizer/test-fixtures';",
    ].join('\n');
    expect(foreignTestImports(file, text)).toEqual([
      '../../authorizer-core/tests/helpers/index.js',
      '../../lambda-authorizer/tests/helpers/events.js',
      '../../../bench/tests/harness.test.mjs',
      '../../consumer-tests/tests/helpers/snippets.js',
    ]);
  });
});
