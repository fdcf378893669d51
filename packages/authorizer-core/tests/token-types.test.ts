import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NEVER_ACCESS_TOKEN_TYPES, normalizeTokenType } from '../src/internal.js';
import { assertAccessTokenType, resolveTokenTypes } from '../src/token-types.js';

// Pieces of a typ header: case variants, the application/ prefix, look-alikes (the Kelvin sign
// lower-cases to "k" in Unicode, the dotted capital I to "i" plus a combining dot), line breaks,
// Unicode separators, tabs, spaces, %-sequences, wildcards and non-ASCII letters.
const PIECES = [
  'at',
  'AT',
  'At',
  '+',
  'jwt',
  'JWT',
  'application/',
  'Application/',
  'APPLICATION/',
  'logout',
  'LOGOUT',
  'to',
  'ken',
  'to\u212Aen',
  '-introspection+jwt',
  'İ',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\t',
  ' ',
  '%2B',
  '*',
  '?',
  'ü',
  '🔑',
  '/',
];
const typ = fc.array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 5 }).map((p) => p.join(''));

/** RFC 8725 §3.11 / RFC 7515 §4.1.9: ASCII case-insensitive, `application/` optional. */
function model(value: string, accepted: string): boolean {
  const lower = value.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return lower === accepted || lower === `application/${accepted}`;
}

function accepts(policy: ReturnType<typeof resolveTokenTypes>, value: unknown): boolean {
  try {
    assertAccessTokenType(policy, { typ: value }, {});
    return true;
  } catch (err) {
    expect((err as { code?: string }).code).toBe('TOKEN_TYPE_INVALID');
    return false;
  }
}

describe('property: typ comparison', () => {
  it("['at+jwt'] accepts exactly the ASCII case variants of at+jwt, with or without application/", () => {
    const policy = resolveTokenTypes(['at+jwt']);
    fc.assert(
      fc.property(typ, (value) => {
        expect(accepts(policy, value), JSON.stringify(value)).toBe(model(value, 'at+jwt'));
      }),
      { numRuns: 3000 },
    );
  });

  it('the default refuses exactly the never-access types and their variants', () => {
    const policy = resolveTokenTypes(undefined);
    fc.assert(
      fc.property(
        typ,
        fc.constantFrom(...NEVER_ACCESS_TOKEN_TYPES),
        fc.boolean(),
        (value, never, useNever) => {
          const candidate = useNever ? value.replace(/at\+jwt/i, never) : value;
          const refused = NEVER_ACCESS_TOKEN_TYPES.some((t) => model(candidate, t));
          expect(accepts(policy, candidate), JSON.stringify(candidate)).toBe(!refused);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('folds ASCII letters only', () => {
    expect(normalizeTokenType('Application/AT+JWT')).toBe('at+jwt');
    expect(normalizeTokenType('to\u212Aen-introspection+jwt')).not.toBe('token-introspection+jwt');
    expect(normalizeTokenType('İd_token+jwt')).not.toBe('id_token+jwt');
  });
});
