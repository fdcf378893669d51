import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../scripts/bundle.mjs';
import { readZip, ZIP_PATH } from './helpers/index.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
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

  it('holds one file, index.mjs, at its root: no node_modules, no source map', () => {
    expect(readZip(readFileSync(ZIP_PATH)).map((entry) => entry.name)).toEqual(['index.mjs']);
  });

  it('imports nothing but Node.js built-ins', () => {
    const [entry] = readZip(readFileSync(ZIP_PATH));
    const code = entry?.data.toString('utf8') ?? '';
    const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map(
      (m) => m[1],
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !isBuiltin(specifier ?? ''))).toEqual([]);
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
    const [entry] = readZip(zip);
    // About 70 KB: the core with its settings table, discovery, scope-tokens and option-name checks
    // (51 KB), the claim-rule language (conditions, token types, context renames, 12 KB), and the
    // readers of every place JWT_TOKEN_SOURCE can name (query, cookie, subprotocol, 6 KB).
    expect(entry?.data.length).toBeLessThan(72 * 1024);
    expect(zip.length).toBeLessThan(26 * 1024);
    expect(entry?.data.toString('utf8')).not.toMatch(/^\s{2}|\/\*\*|^\/\/ /m);
  });

  it('adds --include files at the zip root, next to index.mjs', async () => {
    const routes = join(work, 'routes.json');
    writeFileSync(routes, '{"GET /pets": ["read:pets"]}');
    const report = await bundle({ outdir: join(work, 'with-routes'), include: [routes] });
    const entries = readZip(readFileSync(report.zipPath));
    expect(entries.map((entry) => entry.name)).toEqual(['index.mjs', 'routes.json']);
    expect(entries[1]?.data.toString()).toBe('{"GET /pets": ["read:pets"]}');
  });
});
