import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractSnippets } from './helpers/snippets.js';

describe('extractSnippets', () => {
  it('finds the ts and typescript fenced blocks with the line of their opening fence', () => {
    const markdown = [
      '# Title', // 1
      '', // 2
      '```ts', // 3
      "import a from 'a';", // 4
      '```', // 5
      '', // 6
      '```sh', // 7
      'npm i x', // 8
      '```', // 9
      '', // 10
      '~~~typescript title="x"', // 11
      'const b = 1;', // 12
      '~~~', // 13
    ].join('\n');
    expect(extractSnippets('R.md', markdown)).toEqual([
      { file: 'R.md', line: 3, code: "import a from 'a';", mode: 'run' },
      { file: 'R.md', line: 11, code: 'const b = 1;', mode: 'run' },
    ]);
  });

  it('finds blocks inside list items and quotes, and skips indented code and fences inside other blocks', () => {
    const markdown = [
      '1. Step one:', // 1
      '', // 2
      '   ```ts', // 3
      '   const inList = 1;', // 4
      '   ```', // 5
      '', // 6
      '> ```ts', // 7
      '> const inQuote = 2;', // 8
      '> ```', // 9
      '', // 10
      '    const indented = 3;', // 11
      '', // 12
      '````md', // 13
      '```ts', // 14
      'const inMarkdownExample = 4;', // 15
      '```', // 16
      '````', // 17
    ].join('\n');
    expect(extractSnippets('R.md', markdown).map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 3, code: 'const inList = 1;' },
      { line: 7, code: 'const inQuote = 2;' },
    ]);
  });

  it('reads a snippet marker only from the HTML comment right before the block', () => {
    const markdown = [
      '<!-- snippet: skip -->',
      '',
      '```ts',
      'partial(',
      '```',
      '',
      '<!-- snippet: no-run: the issuer is a placeholder -->',
      '```ts',
      'const placeholder = 1;',
      '```',
      '',
      '<!-- snippet: skip -->',
      '',
      'A paragraph between the marker and the block.',
      '',
      '```ts',
      'const checked = 2;',
      '```',
    ].join('\n');
    expect(extractSnippets('R.md', markdown).map(({ mode, code }) => ({ mode, code }))).toEqual([
      { mode: 'skip', code: 'partial(' },
      { mode: 'no-run', code: 'const placeholder = 1;' },
      { mode: 'run', code: 'const checked = 2;' },
    ]);
  });

  it('refuses an unknown snippet marker, so a typo cannot switch a check off', () => {
    expect(() => extractSnippets('R.md', '<!-- snippet: skipp -->\n\n```ts\nx;\n```\n')).toThrow(
      'R.md: unknown snippet marker "skipp" (use "skip" or "no-run")',
    );
  });

  it('counts lines the same in files with CR LF or lone CR line endings', () => {
    for (const eol of ['\r\n', '\r']) {
      const markdown = ['# T', '', '```ts', 'const a = 1;', 'const b = 2;', '```'].join(eol);
      expect(extractSnippets('R.md', markdown)).toEqual([
        { file: 'R.md', line: 3, code: 'const a = 1;\nconst b = 2;', mode: 'run' },
      ]);
    }
  });

  it('returns every block verbatim, whatever its characters, at its line', () => {
    // Code lines with hostile characters; a CR ends a line in Markdown, so it only appears as one.
    const char = fc.constantFrom(
      'a',
      'Z',
      ' ',
      '\t',
      '%',
      '%0A',
      '*',
      '?',
      '`',
      '``',
      '~',
      '<!--',
      '-->',
      '\u2028',
      '\u2029',
      'é',
      '漢',
      '😀',
      '\\',
      "'",
      '"',
      '#',
      '>',
      '-',
      '|',
    );
    const codeLine = fc
      .array(char, { maxLength: 12 })
      .map((parts) => parts.join(''))
      .filter((line) => !/^\s*(?:`{3,}|~{3,})/.test(line) && line.trim() !== '');
    const block = fc.array(codeLine, { minLength: 1, maxLength: 6 });
    const prose = fc.array(
      fc.constantFrom('Some prose.', '', '- a list item', '| a | table |', '## Heading', 'See `code` here.'),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(prose, block), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (sections, eol) => {
          const lines: string[] = [];
          const expected: { line: number; code: string }[] = [];
          for (const [before, code] of sections) {
            lines.push(...before, '');
            expected.push({ line: lines.length + 1, code: code.join('\n') });
            lines.push('```ts', ...code, '```', '');
          }
          const found = extractSnippets('R.md', lines.join(eol)).map(({ line, code }) => ({ line, code }));
          expect(found).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
