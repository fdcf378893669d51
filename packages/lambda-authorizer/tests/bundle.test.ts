import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip } from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../scripts/bundle.mjs';
import { ZIP_PATH } from './helpers/index.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** index.mjs and every chunk it reaches by static imports (not by import()): what a cold start reads. */
function startupNames(entries: readonly { name: string; data: Buffer }[]): Set<string> {
  const byName = new Map(entries.map((entry) => [entry.name, entry.data.toString('utf8')]));
  const startup = new Set(['index.mjs']);
  const queue = ['index.mjs'];
  while (queue.length > 0) {
    const code = byName.get(queue.pop() as string) ?? '';
    for (const match of code.matchAll(/\bimport\s*(?:[^;(]*?from\s*)?["']\.\/([^"']+)["']/g)) {
      const name = String(match[1]);
      if (!startup.has(name)) {
        startup.add(name);
        queue.push(name);
      }
    }
  }
  return startup;
}
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'authorizer-bundle-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the bundle (custom-authorizer.zip)', () => {
  it('is deterministic: two builds in different folders give the same bytes as dist', async () => {
    const first = await bundle({ outdir: join(work, 'one') });
    const second = await bundle({ outdir: join(work, 'elsewhere', 'two') });
    expect(first.sha256).toBe(second.sha256);
    expect(sha256(readFileSync(first.zipPath))).toBe(first.sha256);
    expect(readFileSync(second.zipPath).equals(readFileSync(first.zipPath))).toBe(true);
    expect(sha256(readFileSync(ZIP_PATH))).toBe(first.sha256);
  });

  it('holds index.mjs and its chunks at its root: no node_modules, no source map', () => {
    const names = readZip(readFileSync(ZIP_PATH)).map((entry) => entry.name);
    expect(names).toContain('index.mjs');
    expect(names.filter((name) => !/^(?:index|chunk-[A-Z0-9]+)\.mjs$/.test(name))).toEqual([]);
  });

  it('leaves the DPoP, certificate and introspection code out of what a cold start reads', async () => {
    const report = await bundle({ outdir: join(work, 'lazy') });
    const entries = readZip(readFileSync(report.zipPath));
    const startup = startupNames(entries);
    // The bundle's line limit may break a long string literal with a line continuation (`\` and a
    // line break, which the string does not contain): the markers are searched with them joined.
    const source = (entry: { data: Buffer }) => entry.data.toString('utf8').replaceAll('\\\n', '');
    const startupCode = entries
      .filter((entry) => startup.has(entry.name))
      .map(source)
      .join('\n');
    const lazyCode = entries
      .filter((entry) => !startup.has(entry.name))
      .map(source)
      .join('\n');
    for (const marker of [
      'The DPoP proof htu does not match',
      'X509Certificate',
      'INTROSPECTION_UNAVAILABLE"',
      'DPOP_REPLAYED"',
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-secrets-manager',
      '@aws-sdk/client-ssm',
    ]) {
      expect(lazyCode).toContain(marker);
      expect(startupCode).not.toContain(marker);
    }
    expect(report.startupBytes + report.lazyBytes).toBe(
      entries
        .filter((entry) => entry.name.endsWith('.mjs'))
        .reduce((sum, entry) => sum + entry.data.length, 0),
    );
  });

  it('imports nothing but Node.js built-ins and its own chunks', () => {
    const code = readZip(readFileSync(ZIP_PATH))
      .map((entry) => entry.data.toString('utf8'))
      .join('\n');
    const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map(
      (m) => m[1],
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(
      specifiers.filter(
        (specifier) =>
          !isBuiltin(specifier ?? '') &&
          !/^\.\/chunk-[A-Z0-9]+\.mjs$/.test(specifier ?? '') &&
          // The Lambda runtime's own SDK, imported only by the replay table's and the introspection
          // secret's lazy chunks (see above).
          !['@aws-sdk/client-dynamodb', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-ssm'].includes(
            specifier ?? '',
          ),
      ),
    ).toEqual([]);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it('leaves out the explanation code (explain and invoke load it from the build, on demand)', () => {
    const code = readZip(readFileSync(ZIP_PATH))
      .find((entry) => entry.name === 'index.mjs')
      ?.data.toString('utf8');
    expect(code).toContain('authorizer decision');
    for (const text of ['accepted (trailing slash)', 'not a configured issuer', 'the JWKS is not fetched']) {
      expect(code).not.toContain(text);
    }
  });

  it('stays small: a minified bundle, a zip of a few kilobytes', () => {
    const zip = readFileSync(ZIP_PATH);
    const entries = readZip(zip);
    const startup = startupNames(entries);
    const startupBytes = entries
      .filter((entry) => startup.has(entry.name))
      .reduce((sum, entry) => sum + entry.data.length, 0);
    // About 90.6 KB read at cold start: the core with its settings table, discovery, scope-tokens,
    // option-name checks, claim-rule language, policy-size guard and token readers, and the request
    // verifier with the bound-token options; the DPoP, certificate, introspection, secret and
    // replay-table chunks (about 12.7 KB) are not. A guard against accidental growth, not a target:
    // the cold-start benchmark (import and first-call time) is what the size costs.
    expect(startupBytes).toBeLessThan(96 * 1024);
    // Every chunk together, about 42 KB zipped (each file compressed on its own).
    expect(zip.length).toBeLessThan(44 * 1024);
    for (const entry of entries) expect(entry.data.toString('utf8')).not.toMatch(/^\s{2}|\/\*\*|^\/\/ /m);
  });

  it('adds --include files at the zip root, next to index.mjs', async () => {
    const routes = join(work, 'routes.json');
    writeFileSync(routes, '{"GET /pets": ["read:pets"]}');
    const report = await bundle({ outdir: join(work, 'with-routes'), include: [routes] });
    const entries = readZip(readFileSync(report.zipPath));
    expect(entries.map((entry) => entry.name).filter((name) => !name.startsWith('chunk-'))).toEqual([
      'index.mjs',
      'routes.json',
    ]);
    expect(entries.find((entry) => entry.name === 'routes.json')?.data.toString()).toBe(
      '{"GET /pets": ["read:pets"]}',
    );
  });
});
