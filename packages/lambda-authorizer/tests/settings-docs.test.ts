import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '@jwt-authorizer/authorizer-core';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './helpers/index.js';

// The settings table is the one source: .env.sample and the READMEs must say what it holds.
const REPO = join(PACKAGE_DIR, '..', '..');
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');
const DOCS = [
  'README.md',
  'packages/authorizer-core/README.md',
  'packages/middy-jwt/README.md',
  'packages/lambda-authorizer/README.md',
  'packages/deploy-scripts/README.md',
  'packages/lambda-authorizer/.env.sample',
];

/** The rows of the first Markdown table after `heading` whose header starts with `firstColumn`. */
function tableAfter(text: string, heading: string, firstColumn: string): string[][] {
  const start = text.indexOf(heading);
  expect(start, `${heading} not found`).toBeGreaterThanOrEqual(0);
  const lines = text.slice(start).split('\n');
  const header = lines.findIndex((line) => line.startsWith(`| ${firstColumn}`));
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('the settings table and its documentation', () => {
  it('.env.sample lists every setting once, under its description, with its default; only the required ones set', () => {
    const lines = read('packages/lambda-authorizer/.env.sample').split('\n');
    const assigned = lines.filter((line) => /^(# )?[A-Z][A-Z0-9_]*=/.test(line));
    expect(assigned.map((line) => line.replace(/^# /, '').split('=')[0])).toEqual(
      SETTINGS.map((s) => s.variable),
    );
    for (const setting of SETTINGS) {
      const index = lines.findIndex((line) => line.replace(/^# /, '').startsWith(`${setting.variable}=`));
      const line = lines[index] as string;
      expect(lines[index - 1], setting.variable).toBe(`# ${setting.description}`);
      expect(line.startsWith('# '), `${setting.variable} commented out`).toBe(!setting.required);
      if (setting.defaultValue !== undefined)
        expect(line).toBe(`# ${setting.variable}=${setting.defaultValue}`);
    }
    expect(lines).toContain('# JWKS_URI=https://YOUR_TENANT.auth0.com/.well-known/jwks.json');
  });

  it('the lambda-authorizer README table holds each setting with its default and description', () => {
    const rows = tableAfter(read('packages/lambda-authorizer/README.md'), '## Configuration', 'Variable');
    expect(rows.map((row) => unquote(row[0] as string))).toEqual(SETTINGS.map((s) => s.variable));
    for (const [variable, defaultCell, , meaning] of rows) {
      const setting = SETTINGS.find((s) => s.variable === unquote(variable as string));
      const expected = setting?.required
        ? 'required'
        : setting?.defaultValue === undefined
          ? 'none'
          : `\`${setting.defaultValue}\``;
      expect(defaultCell, variable).toBe(expected);
      expect(meaning, variable).toBe(setting?.description);
    }
  });

  it('the middy-jwt README maps each variable to its option path', () => {
    const rows = tableAfter(read('packages/middy-jwt/README.md'), '## `fromEnv(', 'variable');
    expect(
      rows.map(([variable, option]) => [unquote(variable as string), unquote(option as string)]),
    ).toEqual(SETTINGS.map((s) => [s.variable, s.setting]));
  });

  it.each(DOCS)('%s names no JWT_ variable the table does not know', (path) => {
    // The documented misspelling, shown as the error it gives, is the one allowed.
    const text = read(path).replace(/JWT_REQUIRED_SCOPE( \(in [^)]*\))? is not a setting/g, '');
    const known = new Set(SETTINGS.map((s) => s.variable));
    const unknown = [...text.matchAll(/\bJWT_[A-Z0-9_]*[A-Z0-9]\b/g)]
      .map((m) => m[0])
      .filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });
});
