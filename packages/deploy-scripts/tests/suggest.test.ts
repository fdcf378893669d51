import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance, quoteInput } from '../src/suggest.js';

const FLAGS = ['dry-run', 'zip', 'no-build', 'region', 'profile', 'runtime', 'rest-api-id', 'env-file'];

/** Characters a command line can carry that a one-line message must not pass through raw. */
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
  '\u001b',
  '-',
  '=',
);
const text = fc
  .array(fc.oneof(hostile, fc.string({ maxLength: 3 }), fc.constantFrom(...FLAGS)), { maxLength: 8 })
  .map((parts) => parts.join(''));

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['region', 'region', 0],
    ['regoin', 'region', 1],
    ['regin', 'region', 1],
    ['reggion', 'region', 1],
    ['rogion', 'region', 1],
    ['zip', 'region', 5],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('is symmetric, zero only for equal strings, and at most the longer length', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const distance = editDistance(a, b);
        expect(editDistance(b, a)).toBe(distance);
        expect(distance === 0).toBe(a === b);
        expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('closestMatch', () => {
  it.each([
    ['regoin', 'region'],
    ['dry', 'dry-run'],
    ['dryrun', 'dry-run'],
    ['envfile', 'env-file'],
    ['Region', 'region'],
    ['rest-api', 'rest-api-id'],
    ['colour', undefined],
    ['', undefined],
    ['r', undefined],
  ])('suggests %o → %o', (input, expected) => {
    expect(closestMatch(input, FLAGS)).toBe(expected);
  });

  it('returns one of the candidates or nothing, whatever the input', () => {
    fc.assert(
      fc.property(text, (input) => {
        const match = closestMatch(input, FLAGS);
        if (match !== undefined) expect(FLAGS).toContain(match);
      }),
    );
  });

  it('finds a candidate one edit away from any single-edit typo of a flag', () => {
    const typo = fc
      .tuple(
        fc.constantFrom(...FLAGS.filter((flag) => flag.length >= 4)),
        fc.nat(),
        fc.constantFrom('drop', 'swap', 'replace'),
        fc.constantFrom('x', 'q', '-'),
      )
      .map(([flag, at, kind, char]) => {
        const i = at % (flag.length - 1);
        if (kind === 'drop') return flag.slice(0, i) + flag.slice(i + 1);
        if (kind === 'swap') return flag.slice(0, i) + flag[i + 1] + flag[i] + flag.slice(i + 2);
        return flag.slice(0, i) + char + flag.slice(i + 1);
      });
    fc.assert(
      fc.property(typo, (input) => {
        const match = closestMatch(input, FLAGS);
        expect(match).toBeDefined();
        expect(editDistance(input, match as string) <= 1 || (match as string).startsWith(input)).toBe(true);
      }),
    );
  });
});

describe('quoteInput', () => {
  it('escapes line breaks, separators and control characters, and cuts long input', () => {
    expect(quoteInput('--re\ngion')).toBe('--re\\u000agion');
    expect(quoteInput('a\r\u2028\u2029\tb\u001b')).toBe('a\\u000d\\u2028\\u2029\\u0009b\\u001b');
    expect(quoteInput('x'.repeat(100))).toBe(`${'x'.repeat(60)}…`);
    expect(quoteInput('a\u{1bca0}b')).toBe('a\\u{1bca0}b');
    expect(quoteInput('--zip=%0a*?é')).toBe('--zip=%0a*?é');
  });

  it('never lets a line break or separator through', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (input) => {
        expect(quoteInput(input)).not.toMatch(/[\n\r\u2028\u2029\u0085\t]/);
      }),
    );
  });
});
