import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TokenLocation } from '../src/index.js';
import {
  checkTokenSource,
  DEFAULT_TOKEN_SOURCE,
  formatTokenSource,
  parseTokenSource,
} from '../src/internal.js';

const TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Characters a configuration can carry that no name may hold. */
const HOSTILE = [
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\t',
  ' ',
  ',',
  ':',
  ';',
  '=',
  '"',
  '\\',
  '/',
  '?',
  'é',
  '\u0000',
  '€',
];

describe('parseTokenSource', () => {
  it('reads an ordered list, lower-casing header names and kinds, ignoring blanks around entries', () => {
    expect(parseTokenSource(' Header:X-Api-Token , query:token,COOKIE: at ,protocol ')).toEqual([
      { kind: 'header', name: 'x-api-token' },
      { kind: 'query', name: 'token' },
      { kind: 'cookie', name: 'at' },
      { kind: 'protocol' },
    ]);
    expect(parseTokenSource('protocol,header:authorization')).toEqual([
      { kind: 'protocol' },
      { kind: 'header', name: 'authorization' },
    ]);
  });

  it('keeps the case of query and cookie names, which API Gateway matches exactly', () => {
    expect(parseTokenSource('query:Token,cookie:AT')).toEqual([
      { kind: 'query', name: 'Token' },
      { kind: 'cookie', name: 'AT' },
    ]);
  });

  it.each([
    ['an empty list', ''],
    ['blanks only', '  \t '],
    ['an empty entry', 'header:authorization,,query:token'],
    ['a trailing comma', 'query:token,'],
    ['an unknown kind', 'body:token'],
    ['a kind without a name', 'header'],
    ['a kind with an empty name', 'query:'],
    ['protocol with a name', 'protocol:jwt'],
    ['a name with a space', 'header:x token'],
    ['a name with a line break', 'query:to\nken'],
    ['a name with U+2028', 'cookie:a\u2028b'],
    ['a name with "="', 'cookie:a=b'],
    ['a name with a second colon', 'header:x:y'],
    ['a non-ASCII name', 'query:tökén'],
    ['the same place twice', 'query:token,query:token'],
    ['the same header in another case', 'header:Authorization,header:authorization'],
    ['protocol twice', 'protocol,protocol'],
    ['the subprotocol header as a bearer header', 'header:Sec-WebSocket-Protocol'],
  ])('refuses %s with CONFIG_INVALID naming the setting', (_name, text) => {
    expect(() => parseTokenSource(text, 'JWT_TOKEN_SOURCE')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('JWT_TOKEN_SOURCE'),
      }),
    );
  });

  it('refuses a value that is not a string', () => {
    expect(() => parseTokenSource(42 as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('round-trips through formatTokenSource', () => {
    const text = 'header:authorization,query:token,cookie:at,protocol';
    expect(formatTokenSource(parseTokenSource(text))).toBe(text);
    expect(formatTokenSource(DEFAULT_TOKEN_SOURCE)).toBe('header:authorization');
  });

  it('accepts exactly the lists of well-formed distinct entries, whatever else the text holds (property)', () => {
    const name = fc.string({ unit: fc.constantFrom(...TCHAR, ...HOSTILE), minLength: 0, maxLength: 8 });
    const entry = fc.oneof(
      fc
        .tuple(fc.constantFrom('header', 'query', 'cookie', 'protocol', 'Header', 'body', ''), name)
        .map(([kind, n]) => `${kind}:${n}`),
      fc.constantFrom('protocol', ' protocol ', 'header', '*', '%0A', '?'),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), (entries) => {
        const text = entries.join(',');
        let parsed: TokenLocation[] | undefined;
        try {
          parsed = parseTokenSource(text);
        } catch (err) {
          expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
        }
        if (parsed === undefined) return;
        // Accepted: one location per entry, every name plain token characters, no duplicates,
        // and the formatted form parses back to the same list.
        expect(parsed).toHaveLength(text.split(',').length);
        for (const location of parsed) {
          if (location.kind !== 'protocol') expect(location.name).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
        }
        const keys = parsed.map((location) => formatTokenSource([location]));
        expect(new Set(keys).size).toBe(keys.length);
        expect(parseTokenSource(formatTokenSource(parsed))).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkTokenSource', () => {
  it('validates a parsed list and returns it frozen, header names lower-cased', () => {
    const checked = checkTokenSource([{ kind: 'header', name: 'X-Token' }, { kind: 'protocol' }]);
    expect(checked).toEqual([{ kind: 'header', name: 'x-token' }, { kind: 'protocol' }]);
    expect(Object.isFrozen(checked)).toBe(true);
    expect(Object.isFrozen(checked[0])).toBe(true);
  });

  it.each([
    ['an empty list', []],
    ['not an array', { kind: 'protocol' }],
    ['a string entry', ['header:authorization']],
    ['null', [null]],
    ['an unknown kind', [{ kind: 'body', name: 'x' }]],
    ['a name that is not a string', [{ kind: 'query', name: 7 }]],
    ['a name with a comma', [{ kind: 'header', name: 'a,b' }]],
    ['a kind carrying a name', [{ kind: 'header:x', name: 'y' }]],
    ['protocol with a name', [{ kind: 'protocol', name: 'jwt' }]],
    [
      'a duplicate',
      [
        { kind: 'cookie', name: 'a' },
        { kind: 'cookie', name: 'a' },
      ],
    ],
  ])('refuses %s with CONFIG_INVALID', (_name, list) => {
    expect(() => checkTokenSource(list as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
