import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closestMatch,
  editDistance,
  type FlagTable,
  formatFlags,
  parseFlags,
  quoteInput,
  resolveInvocationDir,
  UsageError,
} from '../scripts/cli.mjs';
import { cleanEnv, PACKAGE_DIR, runNode } from './helpers/index.js';

// scripts/cli.mjs: the command-line rules shared by invoke, demo and cold-start.
const FLAGS: FlagTable = {
  event: { value: 'PATH', help: 'the event' },
  'env-file': { value: 'PATH', help: 'the settings' },
  verbose: { help: 'more output' },
  help: { short: 'h', help: 'show this help' },
};
const NAMES = Object.keys(FLAGS);
const hostile = fc.constantFrom(
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\t',
  '%0a',
  '%',
  '*',
  '?',
  'é',
  '漢',
  '\u0000',
  '-',
  '=',
);
const text = fc
  .array(fc.oneof(hostile, fc.string({ maxLength: 3 }), fc.constantFrom(...NAMES)), { maxLength: 8 })
  .map((parts) => parts.join(''));

function usageError(argv: string[]): string {
  try {
    parseFlags(argv, FLAGS, 'invoke');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('closestMatch and editDistance', () => {
  it.each([
    ['evnt', 'event'],
    ['env', 'env-file'],
    ['envfile', 'env-file'],
    ['verbos', 'verbose'],
    ['dotenv', undefined],
    ['', undefined],
  ])('suggests %o → %o', (input, expected) => {
    expect(closestMatch(input, NAMES)).toBe(expected);
  });

  it('is symmetric and returns only candidates, whatever the input', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        const match = closestMatch(a, NAMES);
        if (match !== undefined) expect(NAMES).toContain(match);
      }),
    );
  });
});

describe('parseFlags', () => {
  it('reads --name value, --name=value, switches and short aliases, dropping pnpm’s --', () => {
    expect(
      parseFlags(['--', '--event', 'e.json', '--env-file=-odd.env', '--verbose', '-h'], FLAGS, 'invoke'),
    ).toEqual({
      event: 'e.json',
      'env-file': '-odd.env',
      verbose: true,
      help: true,
    });
  });

  it('collects every value of a flag that may repeat', () => {
    const table: FlagTable = { include: { value: 'PATH', multiple: true, help: 'a file' } };
    expect(parseFlags(['--include', 'a.json', '--include=b.json'], table, 'bundle')).toEqual({
      include: ['a.json', 'b.json'],
    });
    expect(parseFlags(['--include', 'a.json', '--include', 'a.json'], table, 'bundle')).toEqual({
      include: ['a.json', 'a.json'],
    });
  });

  it.each([
    [['--evnt', 'x'], 'Unknown option --evnt for invoke: did you mean --event? (see `invoke --help`)'],
    [['-x'], 'Unknown option -x for invoke (see `invoke --help`)'],
    [
      ['--verbose=yes'],
      "--verbose takes no value (got '--verbose=yes'): write --verbose alone (see `invoke --help`)",
    ],
    [['--event'], '--event needs a value: --event PATH (see `invoke --help`)'],
    [['--event='], '--event needs a value: --event PATH (see `invoke --help`)'],
    [['--event', '-h'], '--event needs a value: --event PATH (see `invoke --help`)'],
    [['stray'], "Unexpected argument 'stray' for invoke (see `invoke --help`)"],
    [
      ['--ev\u2028ent'],
      'Unknown option --ev\\u2028ent for invoke: did you mean --event? (see `invoke --help`)',
    ],
  ])('refuses %o', (argv, message) => {
    expect(usageError(argv)).toBe(message);
  });

  it('answers any unknown flag with one line naming at most a real flag', () => {
    const flag = text
      .map((body) => `--${body}`)
      .filter((arg) => arg !== '--' && !NAMES.includes(arg.slice(2).split('=')[0] as string));
    fc.assert(
      fc.property(flag, (arg) => {
        const message = usageError([arg]);
        expect(message).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
        const suggested = /did you mean --([^?]+)\?/.exec(message)?.[1];
        if (suggested !== undefined) expect(NAMES).toContain(suggested);
      }),
    );
  });
});

describe('quoteInput', () => {
  it('escapes line breaks, separators and control characters and never lets one through', () => {
    expect(quoteInput('a\r\n\u2028\u2029\t\u001bb')).toBe('a\\u000d\\u000a\\u2028\\u2029\\u0009\\u001bb');
    expect(quoteInput('a\u{1bca0}b')).toBe('a\\u{1bca0}b');
    expect(quoteInput('%0a*?é漢')).toBe('%0a*?é漢');
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary' })), (input) => {
        expect(quoteInput(input)).not.toMatch(/[\n\r\u2028\u2029\u0085\t]/);
      }),
    );
  });
});

describe('formatFlags', () => {
  it('lists every flag of the table with its value and alias, and each listed flag parses', () => {
    const help = formatFlags(FLAGS);
    expect(help.split('\n')).toEqual([
      '  --event PATH     the event',
      '  --env-file PATH  the settings',
      '  --verbose        more output',
      '  -h, --help       show this help',
    ]);
    for (const match of help.matchAll(/--([a-z-]+)( [A-Z]+)?/g)) {
      expect(() =>
        parseFlags([match[2] ? `--${match[1]}=x` : `--${match[1]}`], FLAGS, 'invoke'),
      ).not.toThrow();
    }
  });
});

describe('resolveInvocationDir', () => {
  it('uses INIT_CWD only when the process runs as the package’s script', () => {
    const pkg = '/repo/packages/lambda-authorizer';
    const script = { INIT_CWD: '/repo', npm_package_json: `${pkg}/package.json` };
    expect(resolveInvocationDir(script, pkg)).toBe('/repo');
    expect(resolveInvocationDir(script, '/elsewhere')).toBe('/elsewhere');
    expect(resolveInvocationDir({ INIT_CWD: '/repo' }, pkg)).toBe(pkg);
    expect(resolveInvocationDir({}, pkg)).toBe(pkg);
  });
});

describe('the demo and cold-start scripts', () => {
  const run = (script: string, args: string[]) =>
    runNode([join(PACKAGE_DIR, 'scripts', script), ...args], { cwd: PACKAGE_DIR, env: cleanEnv({}) });

  it.each([
    ['demo.mjs', ['--verbose', '-h, --help']],
    ['cold-start.mjs', ['--runs N', '--zip PATH', '-h, --help']],
  ])('%s prints its help with every flag and exits 0', async (script, labels) => {
    const result = await run(script, ['--help']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    for (const label of labels) expect(result.stdout).toContain(label);
    expect(result.stdout).toContain('Exit codes: 0');
  });

  it.each([
    [
      'demo.mjs',
      ['--verbos'],
      'error: Unknown option --verbos for demo: did you mean --verbose? (see `demo --help`)',
    ],
    [
      'demo.mjs',
      ['--verbose=1'],
      "error: --verbose takes no value (got '--verbose=1'): write --verbose alone (see `demo --help`)",
    ],
    [
      'cold-start.mjs',
      ['--run', '3'],
      'error: Unknown option --run for cold-start: did you mean --runs? (see `cold-start --help`)',
    ],
    ['cold-start.mjs', ['--runs'], 'error: --runs needs a value: --runs N (see `cold-start --help`)'],
    [
      'cold-start.mjs',
      ['--runs', 'many'],
      'error: --runs must be a whole number of at least 1 (see `cold-start --help`)',
    ],
  ])('%s refuses %o with one line and exit 2', async (script, args, line) => {
    expect(await run(script, args)).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('cold-start reads --zip from the directory the command was run in', async () => {
    const result = await runNode([join(PACKAGE_DIR, 'scripts', 'cold-start.mjs'), '--zip', 'missing.zip'], {
      cwd: PACKAGE_DIR,
      env: cleanEnv({ INIT_CWD: '/nonexistent-caller', npm_package_json: join(PACKAGE_DIR, 'package.json') }),
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: /nonexistent-caller/missing.zip not found: run pnpm --filter lambda-authorizer run bundle first\n',
    });
  });
});
