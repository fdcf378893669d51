import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDiscoveryDocument } from '../src/discovery.js';
import { ConfigurationError, KeysUnavailableError } from '../src/errors.js';
import { assertSecureUrl } from '../src/fetcher.js';
import { quote } from '../src/quote.js';

// What a one-line message must never hold raw: control characters (line breaks, tabs), the line and
// paragraph separators, format characters (a right-to-left override, zero-width spaces) and lone
// surrogates.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const HOSTILE = [
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\t',
  '\u0000',
  '\u007f',
  '%0A',
  '%',
  '*',
  '?',
  '"',
  '\\',
  'ü',
  '🔑',
  '\ud800',
];
const hostileText = fc.string({
  unit: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 1 })),
  maxLength: 40,
});

describe('quote', () => {
  it('escapes everything that would split or disguise a line, and JSON.parse gives the value back', () => {
    fc.assert(
      fc.property(hostileText, (value) => {
        const quoted = quote(value);
        expect(quoted).not.toMatch(UNSAFE);
        expect(JSON.parse(quoted)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('cuts long values at whole code points and says so', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 1, max: 20 }), (value, maxLength) => {
        const quoted = quote(value, maxLength);
        expect(quoted).not.toMatch(UNSAFE);
        const points = Array.from(value);
        if (points.length <= maxLength) {
          expect(JSON.parse(quoted)).toBe(value);
        } else {
          expect(quoted.endsWith('…"')).toBe(true);
          expect(JSON.parse(`${quoted.slice(0, -2)}"`)).toBe(points.slice(0, maxLength).join(''));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('escapes the separators and format characters JSON.stringify leaves raw', () => {
    expect(quote('a\u2028b\u2029c\u202ed')).toBe('"a\\u2028b\\u2029c\\u202ed"');
    expect(JSON.stringify('a\u2028b')).toBe('"a\u2028b"');
    expect(quote('🔑'.repeat(3), 2)).toBe('"🔑🔑…"');
    // A format character outside the BMP: escaped as its two code units, as JSON reads it back.
    expect(quote('a\u{1bca0}b')).toBe('"a\\ud82f\\udca0b"');
    expect(JSON.parse(quote('a\u{1bca0}b'))).toBe('a\u{1bca0}b');
    expect(quote(42)).toBe('"42"');
    expect(quote(Object.create(null))).toBe('"object"');
  });
});

describe('messages quoting values from settings and the network', () => {
  it('assertSecureUrl never echoes a hostile URL raw', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'https://', 'http://idp.example.com/', 'ftp://x/'),
        hostileText,
        (prefix, rest) => {
          try {
            assertSecureUrl(`${prefix}${rest}`, 'jwksUri');
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigurationError);
            expect((err as Error).message).not.toMatch(UNSAFE);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a discovery document naming a hostile issuer or jwks_uri gives a one-line message', () => {
    fc.assert(
      fc.property(hostileText, hostileText, (issuerTail, uriTail) => {
        const body = new TextEncoder().encode(
          JSON.stringify({
            issuer: `https://other.example.com/${issuerTail}`,
            jwks_uri: `https://idp.example.com/${uriTail}`,
          }),
        );
        for (const issuer of ['https://idp.example.com/', `https://other.example.com/${issuerTail}`]) {
          try {
            readDiscoveryDocument(
              body.buffer as ArrayBuffer,
              issuer,
              'https://idp.example.com/.well-known/openid-configuration',
            );
          } catch (err) {
            expect(err).toBeInstanceOf(KeysUnavailableError);
            expect((err as Error).message).not.toMatch(UNSAFE);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
