import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../src/dotenv.js';

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
});
