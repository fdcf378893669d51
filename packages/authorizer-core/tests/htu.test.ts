import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeHtu } from '../src/htu.js';

const BASE = 'https://api.example.com';
const HOSTILE = ['\n', '\r', '\t', ' ', '\u2028', '\u2029', '\u0000', '\u007f', '\u0085', '\u00a0'];

describe('normalizeHtu', () => {
  it('lower-cases scheme and host, drops the default port, the query and the fragment', () => {
    expect(normalizeHtu('HTTPS://API.Example.COM:443/Pets?x=1#f')).toBe('https://api.example.com/Pets');
    expect(normalizeHtu('http://127.0.0.1:80/a')).toBe('http://127.0.0.1/a');
    expect(normalizeHtu('https://api.example.com:8443/a')).toBe('https://api.example.com:8443/a');
  });

  it('normalizes percent-escapes: hex case, unreserved characters decoded, %2F kept apart from /', () => {
    expect(normalizeHtu(`${BASE}/%7euser/%2fa`)).toBe(`${BASE}/~user/%2Fa`);
    expect(normalizeHtu(`${BASE}/a%2Fb`)).not.toBe(normalizeHtu(`${BASE}/a/b`));
  });

  it('writes characters RFC 3986 does not allow unencoded as escapes, on either side', () => {
    for (const [raw, escaped] of [
      ['|', '%7C'],
      ['^', '%5E'],
      ['"', '%22'],
      ['\u00e9', '%C3%A9'],
      ['\\', '%5C'],
      ['\n', '%0A'],
    ]) {
      expect(normalizeHtu(`${BASE}/a${raw}b`)).toBe(normalizeHtu(`${BASE}/a${escaped}b`, true));
    }
    // A backslash is not a slash, whatever the URL parser makes of it.
    expect(normalizeHtu(`${BASE}/a\\b`)).not.toBe(normalizeHtu(`${BASE}/a/b`));
  });

  it('refuses a URL holding a lone surrogate', () => {
    expect(normalizeHtu(`${BASE}/a\ud800b`)).toBeUndefined();
  });

  it('refuses what is not an absolute http(s) URL, or carries credentials', () => {
    for (const value of [
      '/pets',
      'ftp://a.example/x',
      'javascript:alert(1)',
      'https://user:pw@api.example.com/',
      '',
    ]) {
      expect(normalizeHtu(value, true)).toBeUndefined();
    }
  });

  it('refuses, in strict mode, any blank or control character the URL parser would drop', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.constantFrom(...HOSTILE),
        fc.string({ maxLength: 8 }),
        (before, hostile, after) => {
          expect(normalizeHtu(`${BASE}/${before}${hostile}${after}`, true)).toBeUndefined();
        },
      ),
    );
  });

  it('never lets a hostile character vanish from a request URL: /a<hostile>b differs from /ab', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HOSTILE, '*', '%', '\u00e9', '\u{1f600}', '\\', '|', '^'), (hostile) => {
        expect(normalizeHtu(`${BASE}/a${hostile}b`)).not.toBe(normalizeHtu(`${BASE}/ab`));
      }),
    );
  });

  // A path as units: unreserved characters, `/`, and percent-escapes of any byte but `.` (whose
  // dot-segment resolution is the URL parser's own business), in random hex case.
  type Unit = { raw: string } | { byte: number; upper: boolean };
  const unit: fc.Arbitrary<Unit> = fc.oneof(
    fc.record({ raw: fc.constantFrom(..."aZ09-_~/*!$&'()+,;=:@".split('')) }),
    fc.record({ byte: fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x2e), upper: fc.boolean() }),
  );
  const spell = (units: Unit[]) =>
    units
      .map((u) =>
        'raw' in u
          ? u.raw
          : `%${u.byte.toString(16).padStart(2, '0')[u.upper ? 'toUpperCase' : 'toLowerCase']()}`,
      )
      .join('');
  // What the path means: unreserved bytes are themselves however written; every other escape is
  // its byte, distinct from the raw character (`%2F` is not `/`).
  const meaning = (units: Unit[]) =>
    units
      .map((u) => {
        if ('raw' in u) return u.raw;
        const char = String.fromCharCode(u.byte);
        return /[A-Za-z0-9\-._~]/.test(char)
          ? char
          : `%${u.byte.toString(16).padStart(2, '0').toUpperCase()}`;
      })
      .join('');

  it('compares two paths equal exactly when they mean the same (property)', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), fc.array(unit, { maxLength: 12 }), (a, b) => {
        const same = normalizeHtu(`${BASE}/${spell(a)}`, true) === normalizeHtu(`${BASE}/${spell(b)}`, true);
        expect(same).toBe(meaning(a) === meaning(b));
      }),
      { numRuns: 500 },
    );
  });

  it('ignores any query and fragment, whatever they hold (property)', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), fc.string(), fc.string(), (path, query, fragment) => {
        const bare = normalizeHtu(`${BASE}/${spell(path)}`);
        expect(normalizeHtu(`${BASE}/${spell(path)}?${query}#${fragment}`)).toBe(bare);
      }),
    );
  });
});
