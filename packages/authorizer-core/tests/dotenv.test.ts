import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeDotenv, parseDotenv } from '../src/dotenv.js';

describe('parseDotenv', () => {
  it('reads the tutorial .env, including a trailing tab', () => {
    const text = [
      'JWKS_URI=https://auth0user.auth0.com/.well-known/jwks.json',
      'AUDIENCE=https://auth0user.auth0.com/api/v2/\t',
      'TOKEN_ISSUER=https://auth0user.auth0.com/',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      JWKS_URI: 'https://auth0user.auth0.com/.well-known/jwks.json',
      AUDIENCE: 'https://auth0user.auth0.com/api/v2/',
      TOKEN_ISSUER: 'https://auth0user.auth0.com/',
    });
  });

  it('handles comments, export, quotes, escapes and CRLF', () => {
    const text = [
      '# comment',
      '',
      'export A=1',
      'B="two words # not a comment"',
      "C='single $quoted'",
      'D=plain # trailing comment',
      'E="line\\nbreak \\"quoted\\""',
      'F=',
      'not a line',
    ].join('\r\n');
    expect(parseDotenv(text)).toEqual({
      A: '1',
      B: 'two words # not a comment',
      C: 'single $quoted',
      D: 'plain',
      E: 'line\nbreak "quoted"',
      F: '',
    });
  });

  it('reads back any value written double-quoted, line breaks, separators and all', () => {
    const hostile = fc.constantFrom(
      '\n',
      '\r',
      '\r\n',
      '\u2028',
      '\u2029',
      '\t',
      '%0A',
      '%',
      '*',
      '?',
      '#',
      ' #',
      '"',
      "'",
      '\\',
      '=',
      'é',
      '日本',
      '$HOME',
    );
    const value = fc.array(fc.oneof(hostile, fc.string()), { maxLength: 8 }).map((parts) => parts.join(''));
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
    fc.assert(
      fc.property(name, value, (key, text) => {
        const escaped = text.replace(
          /[\\"\n\r\t]/g,
          (char) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[char] as string,
        );
        expect(parseDotenv(`# before\n${key}="${escaped}"\nZZ_AFTER=1\n`)).toEqual({
          [key]: text,
          ZZ_AFTER: '1',
        });
      }),
    );
  });

  it('never throws, and only names that are identifiers come out, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        for (const key of Object.keys(parseDotenv(text))) expect(key).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      }),
    );
  });
});

describe('mergeDotenv', () => {
  it('lets non-empty environment values win; empty or blank ones count as unset on both sides', () => {
    expect(
      mergeDotenv(
        { A: 'env', B: undefined, C: '', D: ' ', E: 'env' },
        { A: 'file', B: 'file', C: 'file', D: 'file', F: '' },
      ),
    ).toEqual({ A: 'env', B: 'file', C: 'file', D: 'file', E: 'env' });
  });
});
