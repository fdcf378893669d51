import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TokenError } from '../src/errors.js';
import { acceptHeader } from '../src/header-policy.js';

const ALLOWED = new Set(['RS256', 'ES256']);

function refusal(header: Record<string, unknown>): { code: string; message: string } | 'accepted' {
  try {
    acceptHeader(header, ALLOWED);
    return 'accepted';
  } catch (err) {
    return { code: (err as TokenError).code, message: (err as TokenError).message };
  }
}

describe('acceptHeader', () => {
  it('accepts an allowed alg with a kid and returns only those two, frozen', () => {
    const accepted = acceptHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT', cty: 'x' }, ALLOWED);
    expect(accepted).toEqual({ alg: 'ES256', kid: 'k1' });
    expect(Object.isFrozen(accepted)).toBe(true);
  });

  it.each([
    ['an alg not allowed', { alg: 'RS512', kid: 'k1' }, 'ALG_NOT_ALLOWED'],
    ['alg none', { alg: 'none', kid: 'k1' }, 'ALG_NOT_ALLOWED'],
    ['HS256', { alg: 'HS256', kid: 'k1' }, 'ALG_NOT_ALLOWED'],
    ['an alg in other case', { alg: 'rs256', kid: 'k1' }, 'ALG_NOT_ALLOWED'],
    ['no alg', { kid: 'k1' }, 'ALG_NOT_ALLOWED'],
    ['an alg that is not a string', { alg: ['RS256'], kid: 'k1' }, 'ALG_NOT_ALLOWED'],
    ['no kid', { alg: 'RS256' }, 'KID_MISSING'],
    ['an empty kid', { alg: 'RS256', kid: '' }, 'KID_MISSING'],
    ['a kid that is not a string', { alg: 'RS256', kid: 7 }, 'KID_MISSING'],
    ['an embedded jwk', { alg: 'RS256', kid: 'k1', jwk: { kty: 'RSA' } }, 'HEADER_UNSUPPORTED'],
    ['a jku', { alg: 'RS256', kid: 'k1', jku: 'https://evil.example/jwks' }, 'HEADER_UNSUPPORTED'],
    ['an x5u', { alg: 'RS256', kid: 'k1', x5u: 'https://evil.example/cert' }, 'HEADER_UNSUPPORTED'],
    ['an x5c', { alg: 'RS256', kid: 'k1', x5c: ['MIIB'] }, 'HEADER_UNSUPPORTED'],
    ['crit', { alg: 'RS256', kid: 'k1', crit: ['exp'] }, 'HEADER_UNSUPPORTED'],
    ['a null jku', { alg: 'RS256', kid: 'k1', jku: null }, 'HEADER_UNSUPPORTED'],
  ])('refuses %s', (_name, header, code) => {
    expect(refusal(header)).toMatchObject({ code });
  });

  it('names the refused parameter and the allowed algorithms, never a header value', () => {
    expect(refusal({ alg: 'RS256', kid: 'k1', jku: 'https://evil.example/jwks' })).toEqual({
      code: 'HEADER_UNSUPPORTED',
      message: 'The token header parameter "jku" is not accepted',
    });
    expect(refusal({ alg: 'XS999', kid: 'k1' })).toEqual({
      code: 'ALG_NOT_ALLOWED',
      message: 'The token algorithm is not allowed (allowed: RS256, ES256)',
    });
  });

  it('refuses every other alg, whatever characters it holds, without echoing it', () => {
    const hostile = fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\t', '%0A', '*', '?', 'é', ' ', 'RS256');
    const alg = fc.array(fc.oneof(fc.string(), hostile), { minLength: 1 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        alg.filter((value) => !ALLOWED.has(value)),
        (value) => {
          const result = refusal({ alg: value, kid: 'k1' });
          expect(result).toMatchObject({ code: 'ALG_NOT_ALLOWED' });
          expect((result as { message: string }).message).toBe(
            'The token algorithm is not allowed (allowed: RS256, ES256)',
          );
        },
      ),
    );
  });
});
