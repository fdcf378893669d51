import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeDotenv, parseDotenv } from '../src/dotenv.js';
import { ConfigurationError } from '../src/errors.js';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

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

  it.each([
    [
      'a line without "=" between two settings',
      'TOKEN_ISSUER=https://x.example.com/\nJWT_REQUIRED_SCOPES read:pets\nAUDIENCE=api\n',
      2,
    ],
    ['a last line without "="', 'AUDIENCE=api\nJWT_REQUIRED_SCOPES', 2],
    ['a name with a space', '# settings\nJWT REQUIRED_SCOPES=read:pets\n', 2],
    ['a name with a dash', 'JWT-ROUTES={}\n', 1],
    ['a line after a CRLF', 'AUDIENCE=api\r\nsecret-value\r\n', 2],
  ])('refuses %s with CONFIG_INVALID naming the line, not its content', (_name, text, line) => {
    const error = thrown(() => parseDotenv(text, '/app/.env'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toBe(`The .env file /app/.env: line ${line} is not NAME=value`);
  });

  it('refuses a quoted value that is never closed, naming the line it starts on', () => {
    const error = thrown(() => parseDotenv('AUDIENCE=api\nJWT_ROUTES=\'{"GET /x": []}\nTOKEN_ISSUER=x\n'));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toBe('The .env file .env: the quoted value of line 2 is never closed');
  });

  it('accepts export, comments, blank lines and a quoted value over several lines', () => {
    const values = parseDotenv(
      '# c\n\nexport AUDIENCE=api\nJWT_ROUTES=\'{\n  "GET /x": []\n}\'\n  TOKEN_ISSUER = https://x.example.com/\nB="a\nb"\n',
    );
    expect(values.AUDIENCE).toBe('api');
    expect(values.TOKEN_ISSUER).toBe('https://x.example.com/');
    expect(JSON.parse(values.JWT_ROUTES as string)).toEqual({ 'GET /x': [] });
    expect(values.B).toBe('a\nb');
  });

  it('whatever the text, yields identifier names or refuses it by line number without echoing it', () => {
    const hostileLine = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '\n',
            '\r\n',
            '\r',
            '\u2028',
            '\u2029',
            '\t',
            '=',
            '"',
            "'",
            '#',
            '%0A',
            '*',
            '?',
            'é',
          ),
          fc.string(),
        ),
        { maxLength: 8 },
      )
      .map((parts) => `secret${parts.join('')}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), hostileLine), (text) => {
        let values: Record<string, string>;
        try {
          values = parseDotenv(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigurationError);
          expect((err as Error).message).toMatch(
            /^The \.env file \.env: (line \d+ is not NAME=value|the quoted value of line \d+ is never closed)$/,
          );
          return;
        }
        for (const key of Object.keys(values)) expect(key).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
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
