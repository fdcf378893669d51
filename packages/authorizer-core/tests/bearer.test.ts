import { describe, expect, it } from 'vitest';
import { TokenError } from '../src/index.js';
import { extractBearerToken } from '../src/internal.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TokenError);
    return (err as TokenError).code;
  }
  return undefined;
}

describe('extractBearerToken', () => {
  it('returns the token after a Bearer scheme in any case', () => {
    expect(extractBearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(extractBearerToken('bearer a.b.c')).toBe('a.b.c');
    expect(extractBearerToken('BEARER a.b.c')).toBe('a.b.c');
  });

  it('tolerates surrounding and repeated spaces', () => {
    expect(extractBearerToken('  Bearer    a.b.c  ')).toBe('a.b.c');
  });

  it.each([
    ['undefined', undefined, 'TOKEN_MISSING'],
    ['null', null, 'TOKEN_MISSING'],
    ['an empty string', '', 'TOKEN_MISSING'],
    ['whitespace only', '   \t ', 'TOKEN_MISSING'],
    ['the scheme alone', 'Bearer', 'TOKEN_MISSING'],
    ['the scheme and spaces', 'Bearer    ', 'TOKEN_MISSING'],
    ['a Basic scheme', 'Basic dXNlcjpwYXNz', 'SCHEME_INVALID'],
    ['a bare token without scheme', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', 'SCHEME_INVALID'],
    ['a scheme glued to the token', 'Bearera.b.c', 'SCHEME_INVALID'],
    ['two tokens', 'Bearer a.b.c d.e.f', 'TOKEN_MALFORMED'],
    ['a token followed by a tab and more', 'Bearer a.b.c\tx', 'TOKEN_MALFORMED'],
    ['a value over 8 KiB', `Bearer ${'a'.repeat(8200)}`, 'TOKEN_TOO_LARGE'],
    ['multi-byte characters over 8 KiB in bytes', `Bearer ${'é'.repeat(4100)}`, 'TOKEN_TOO_LARGE'],
  ])('rejects %s', (_name, value, code) => {
    expect(codeOf(() => extractBearerToken(value as string | undefined))).toBe(code);
  });

  it('honours a custom size cap', () => {
    expect(codeOf(() => extractBearerToken(`Bearer ${'a'.repeat(100)}`, { maxTokenBytes: 64 }))).toBe(
      'TOKEN_TOO_LARGE',
    );
    expect(extractBearerToken(`Bearer ${'a'.repeat(50)}`, { maxTokenBytes: 64 })).toHaveLength(50);
  });

  it('never puts the value in the error message', () => {
    const secret = 'Bearer aaa.bbb.ccc ddd';
    try {
      extractBearerToken(secret);
    } catch (err) {
      expect((err as Error).message).not.toContain('aaa.bbb.ccc');
    }
    expect.assertions(1);
  });
});
