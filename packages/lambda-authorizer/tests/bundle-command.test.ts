import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../scripts/bundle.mjs';
import { cleanEnv, PACKAGE_DIR } from './helpers/index.js';

const OPTIONS_LINE = 'options: --outdir DIR, --include FILE, --analyze, --quiet, --help';

/** Runs `node scripts/bundle.mjs ...args`; TURBO_HASH skips the workspace build (bundle-fresh tests it). */
function runBundleCommand(args: readonly string[]) {
  return spawnSync(process.execPath, ['scripts/bundle.mjs', ...args], {
    cwd: PACKAGE_DIR,
    env: cleanEnv({ TURBO_HASH: 'bundle-command-test' }),
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/** The escaping the error line promises: control characters and line separators as \uXXXX. */
function escaped(text: string): string {
  return [...text]
    .map((char) => {
      const code = char.codePointAt(0) ?? 0;
      const breaks = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
      return breaks ? `\\u${code.toString(16).padStart(4, '0')}` : char;
    })
    .join('');
}

describe('bundle, the command', () => {
  it('prints its options with --help and exits 0', () => {
    const run = runBundleCommand(['--help']);
    expect(run.status).toBe(0);
    for (const option of ['--outdir DIR', '--include FILE', '--analyze', '--quiet', '--help']) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stderr).toBe('');
  });

  it.each([
    [['--outdri', 'dist'], "bundle: Unknown option '--outdri'"],
    [['--outdir'], "bundle: Option '--outdir <value>' argument missing"],
    [['routes.json'], "bundle: Unexpected argument 'routes.json'"],
    [['--analyze=yes'], "bundle: Option '--analyze' does not take an argument"],
  ])('refuses %j with one line that names it and lists the options, exit 2', (args, message) => {
    const run = runBundleCommand(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.endsWith(`(${OPTIONS_LINE})\n`)).toBe(true);
    expect(run.stderr.split('\n')).toEqual([expect.any(String), '']);
  });

  it('writes nothing when it refuses an argument', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'bundle-command-')), 'out');
    try {
      const run = runBundleCommand(['--outdir', outdir, '--bogus']);
      expect(run.status).toBe(2);
      expect(existsSync(outdir)).toBe(false);
    } finally {
      rmSync(join(outdir, '..'), { recursive: true, force: true });
    }
  });

  it('keeps the error to one line that still names the option, whatever characters it carries', () => {
    const hostile = fc.constantFrom(
      '\n',
      '\r',
      '\r\n',
      '\u2028',
      '\u2029',
      '\t',
      '\u0000',
      '\u001b[31m',
      '\u0085',
    );
    const plain = fc.constantFrom('%0a', '%', '*', '?', 'é', '日本', '"', "'", '-', ' ', 'outdir');
    const unknownOption = fc
      .array(fc.oneof(hostile, plain, fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 })
      .map((parts) => `--x${parts.join('')}`)
      .filter((arg) => !arg.includes('='));
    fc.assert(
      fc.property(unknownOption, (arg) => {
        const parsed = parseCommandLine([arg]);
        if (!('error' in parsed)) throw new Error(`accepted ${JSON.stringify(arg)}`);
        expect(parsed.error).toBe(escaped(parsed.error));
        expect(parsed.error).toContain(`'${escaped(arg)}'`);
        expect(parsed.error.endsWith(`(${OPTIONS_LINE})`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('takes every documented option', () => {
    const parsed = parseCommandLine([
      '--outdir',
      'out',
      '--include',
      'a.json',
      '--include',
      'b.json',
      '--analyze',
      '--quiet',
    ]);
    expect(parsed).toEqual({
      values: { outdir: 'out', include: ['a.json', 'b.json'], analyze: true, quiet: true },
    });
  });
});
