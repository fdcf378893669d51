import { describe, expect, it } from 'vitest';
import { compileClaimChecks, compileClaimCondition, compileClaimReader } from '../src/claim-conditions.js';
import type { AuthorizerError } from '../src/index.js';
import { compileRule, evaluateRule, resolveOptions } from '../src/internal.js';

function test(condition: unknown, value: unknown): boolean {
  return compileClaimCondition(condition, 'claims.x')(value);
}

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    return { code: (err as AuthorizerError).code, message: (err as Error).message };
  }
  return { code: 'ACCEPTED', message: '' };
}

// Each kind with matching, non-matching, wrong-type and missing claims (undefined = absent).
const CASES: ReadonlyArray<[string, unknown, ReadonlyArray<[unknown, boolean]>]> = [
  [
    'a string literal',
    'acme',
    [
      ['acme', true],
      ['other', false],
      ['ACME', false],
      [['acme'], false],
      [{ acme: true }, false],
      [undefined, false],
      [null, false],
    ],
  ],
  [
    'a boolean literal (type-strict)',
    true,
    [
      [true, true],
      [false, false],
      ['true', false],
      [1, false],
      [undefined, false],
    ],
  ],
  [
    'a number literal (type-strict)',
    1,
    [
      [1, true],
      [1.0, true],
      [2, false],
      ['1', false],
      [true, false],
      [undefined, false],
    ],
  ],
  [
    'a null literal',
    null,
    [
      [null, true],
      [undefined, false],
      ['null', false],
      [0, false],
    ],
  ],
  [
    'oneOf',
    { oneOf: ['client-a', 'client-b', 7] },
    [
      ['client-a', true],
      ['client-b', true],
      [7, true],
      ['7', false],
      ['client-c', false],
      [['client-a'], false],
      [undefined, false],
    ],
  ],
  [
    'contains',
    { contains: 'admin' },
    [
      [['users', 'admin'], true],
      ['users admin', true],
      ['admin', true],
      [['users'], false],
      ['administrators', false],
      ['users,admin', false],
      [['Admin'], false],
      [{ admin: true }, false],
      [true, false],
      [undefined, false],
    ],
  ],
  [
    'contains a number',
    { contains: 3 },
    [
      [[1, 2, 3], true],
      [['3'], false],
      ['3', false],
    ],
  ],
  [
    'containsAny',
    { containsAny: ['admin', 'editor'] },
    [
      [['editor'], true],
      [['x', 'admin'], true],
      ['x editor', true],
      [['x'], false],
      [[], false],
      ['', false],
      ['admin-editor', false],
      [42, false],
      [undefined, false],
    ],
  ],
  [
    'containsAll',
    { containsAll: ['read', 'write'] },
    [
      [['write', 'x', 'read'], true],
      ['read write', true],
      ['read  write', true],
      [['read'], false],
      ['read', false],
      [{ read: 1, write: 1 }, false],
      [null, false],
      [undefined, false],
    ],
  ],
  [
    'present: true',
    { present: true },
    [
      ['x', true],
      [null, true],
      [false, true],
      ['', true],
      [undefined, false],
    ],
  ],
  [
    'present: false',
    { present: false },
    [
      [undefined, true],
      [null, false],
      ['', false],
    ],
  ],
];

describe('claim conditions', () => {
  for (const [name, condition, cases] of CASES) {
    it(`${name}: matches, mismatches, wrong types and absent claims`, () => {
      for (const [value, expected] of cases) {
        expect(test(condition, value), JSON.stringify(value) ?? 'absent').toBe(expected);
      }
    });
  }

  it('never finds the empty word of a space-separated string', () => {
    expect(test({ contains: '' }, 'a  b')).toBe(false);
    expect(test({ contains: '' }, [''])).toBe(true);
  });
});

describe('claim names', () => {
  const claims = {
    'https://example.com/roles': ['admin'],
    'cognito:groups': ['vets'],
    realm_access: { roles: ['user', 'admin'] },
    'a/b': { 'c~d': 'deep' },
    list: [{ id: 'first' }, { id: 'second' }],
    '': 'empty-named',
  };

  it('takes a name not starting with / literally, dots, colons and slashes included', () => {
    expect(compileClaimReader('https://example.com/roles', 's')(claims)).toEqual(['admin']);
    expect(compileClaimReader('cognito:groups', 's')(claims)).toEqual(['vets']);
    expect(compileClaimReader('realm_access.roles', 's')(claims)).toBeUndefined();
  });

  it('reads a JSON Pointer with ~1 and ~0 escapes and array indexes', () => {
    expect(compileClaimReader('/realm_access/roles', 's')(claims)).toEqual(['user', 'admin']);
    expect(compileClaimReader('/realm_access/roles/1', 's')(claims)).toBe('admin');
    expect(compileClaimReader('/a~1b/c~0d', 's')(claims)).toBe('deep');
    expect(compileClaimReader('/list/1/id', 's')(claims)).toBe('second');
    expect(compileClaimReader('/', 's')(claims)).toBe('empty-named');
  });

  it('finds nothing for absent steps, bad indexes and inherited properties', () => {
    for (const pointer of [
      '/realm_access/missing',
      '/realm_access/roles/2',
      '/realm_access/roles/01',
      '/realm_access/roles/-',
      '/realm_access/roles/length',
      '/list/0/id/x',
      '/constructor',
      '/__proto__',
      '/realm_access/toString',
      '/a~1b/c~0d/0',
    ]) {
      expect(compileClaimReader(pointer, 's')(claims), pointer).toBeUndefined();
    }
    expect(compileClaimReader('constructor', 's')(claims)).toBeUndefined();
    expect(compileClaimReader('hasOwnProperty', 's')(claims)).toBeUndefined();
  });

  it('refuses a malformed pointer and an empty name at configuration, naming the setting', () => {
    expect(refusal(() => compileClaimReader('/a~2b', 'routes["GET /x"].claims["/a~2b"]'))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('routes["GET /x"].claims["/a~2b"]'),
    });
    expect(refusal(() => compileClaimReader('/a~', 's')).code).toBe('CONFIG_INVALID');
    expect(refusal(() => compileClaimChecks({ '': 'x' }, 'requiredClaims.claims')).code).toBe(
      'CONFIG_INVALID',
    );
  });
});

describe('bad rule documents are refused at configuration, naming the setting path', () => {
  const ROUTE = 'routes["GET /pets"]';
  const cases: ReadonlyArray<[string, unknown, string | RegExp]> = [
    [
      'an unknown condition',
      { claims: { tenant: { equals: 'acme' } } },
      `${ROUTE}.claims.tenant: unknown condition "equals"`,
    ],
    [
      'a misspelt condition',
      { claims: { g: { containAny: ['a'] } } },
      /unknown condition "containAny"; did you mean "containsAny"/,
    ],
    [
      'a regex condition',
      { claims: { g: { regex: '^admin' } } },
      /unknown condition "regex".*regular expressions are not supported/,
    ],
    [
      'an anchored regex-looking literal',
      { claims: { role: '^admin.*$' } },
      `${ROUTE}.claims.role: "^admin.*$" looks like a regular expression`,
    ],
    ['a /…/ regex-looking literal', { claims: { role: '/adm.n/i' } }, /looks like a regular expression/],
    [
      'a .* in a oneOf value',
      { claims: { role: { oneOf: ['ok', 'admin.*'] } } },
      `${ROUTE}.claims.role.oneOf[1]`,
    ],
    ['a regex-looking contains', { claims: { g: { contains: '\\d+' } } }, /looks like a regular expression/],
    ['an empty oneOf', { claims: { role: { oneOf: [] } } }, `${ROUTE}.claims.role.oneOf must not be empty`],
    ['an empty containsAny', { claims: { g: { containsAny: [] } } }, /containsAny must not be empty/],
    ['an empty containsAll', { claims: { g: { containsAll: [] } } }, /containsAll must not be empty/],
    ['an empty claims map', { claims: {} }, `${ROUTE}.claims must name at least one claim`],
    ['an empty anyOf', { scopes: { anyOf: [] } }, `${ROUTE}.scopes.anyOf must not be empty`],
    ['an empty allOf', { scopes: { allOf: [] } }, `${ROUTE}.scopes.allOf must not be empty`],
    ['an empty scopes object', { scopes: {} }, `${ROUTE}.scopes must give allOf, anyOf or both`],
    ['an empty rule', {}, `${ROUTE} must give scopes or claims`],
    ['a oneOf that is not an array', { claims: { role: { oneOf: 'admin' } } }, /oneOf must be an array/],
    [
      'present that is not a boolean',
      { claims: { role: { present: 'yes' } } },
      /present must be true or false/,
    ],
    [
      'an object literal',
      { claims: { role: { oneOf: [{ a: 1 }] } } },
      /oneOf\[0\] must be a string, number, boolean or null/,
    ],
    ['an array literal', { claims: { role: ['a', 'b'] } }, /write \{"oneOf": \[\.\.\.\]\}/],
    [
      'two conditions in one object',
      { claims: { role: { oneOf: ['a'], present: true } } },
      /exactly one condition/,
    ],
    ['a non-finite number', { claims: { n: Number.NaN } }, /finite number/],
    ['an unknown key in the rule', { scope: ['a'] }, `${ROUTE}: unknown key "scope"; did you mean "scopes"?`],
    [
      'an unknown key in scopes',
      { scopes: { allof: ['a'] } },
      `${ROUTE}.scopes: unknown key "allof"; did you mean "allOf"?`,
    ],
    ['a malformed scope name', { scopes: { anyOf: ['a b'] } }, /scopes\.anyOf must hold scope names/],
    ['scopes of the wrong type', { scopes: 'read' }, /scopes must be a list of scopes/],
    ['claims of the wrong type', { claims: ['tenant'] }, /claims must be an object/],
    ['a rule of the wrong type', 'read:pets', /must be a list of scopes or an object/],
  ];
  for (const [name, rule, message] of cases) {
    it(`refuses ${name}`, () => {
      const outcome = refusal(() =>
        resolveOptions({
          issuer: 'https://issuer.example.com',
          audience: 'api',
          routes: { 'GET /pets': rule as [] },
        }),
      );
      expect(outcome.code).toBe('CONFIG_INVALID');
      if (typeof message === 'string') expect(outcome.message).toContain(message);
      else expect(outcome.message).toMatch(message);
    });
  }

  it('names a claim with odd characters by its JSON string, and the array form by index', () => {
    expect(
      refusal(() =>
        resolveOptions({
          issuer: 'https://issuer.example.com',
          audience: 'api',
          routes: [{ route: 'GET /x', claims: { 'cognito:groups': { containsAny: [] } } }],
        }),
      ).message,
    ).toContain('routes[0].claims["cognito:groups"].containsAny must not be empty');
    expect(
      refusal(() =>
        resolveOptions({
          issuer: 'https://issuer.example.com',
          audience: 'api',
          requiredClaims: { claims: { email_verified: { equal: true } } } as never,
        }),
      ).message,
    ).toContain('requiredClaims.claims.email_verified: unknown condition "equal"');
  });

  it('refuses a list given as requiredClaims, pointing at requiredScopes', () => {
    for (const requiredClaims of ['email_verified', null, 7]) {
      expect(
        refusal(() =>
          resolveOptions({
            issuer: 'https://issuer.example.com',
            audience: 'api',
            requiredClaims: requiredClaims as never,
          }),
        ).message,
      ).toMatch(/^requiredClaims must be an object/);
    }
    expect(
      refusal(() =>
        resolveOptions({
          issuer: 'https://issuer.example.com',
          audience: 'api',
          requiredClaims: ['a'] as never,
        }),
      ).message,
    ).toMatch(/use requiredScopes/);
  });

  it('accepts values that merely contain dots, dollars or slashes inside', () => {
    expect(() =>
      compileRule(
        { claims: { tenant: 'acme.example.com', path: 'a/b', price: 'US$5', url: 'https://x.example/' } },
        'r',
      ),
    ).not.toThrow();
  });
});

describe('evaluateRule', () => {
  it('reports missing all-of scopes, the whole any-of set when none is held, and failed claims by name', () => {
    const rule = compileRule(
      {
        scopes: { allOf: ['a', 'b'], anyOf: ['x', 'y'] },
        claims: { tenant: 'acme', '/org/tier': { oneOf: ['gold'] } },
      },
      'r',
    );
    expect(evaluateRule(rule, ['a', 'y'], { tenant: 'other', org: { tier: 'gold' } })).toEqual({
      missingScopes: ['b'],
      failedClaims: ['tenant'],
    });
    expect(evaluateRule(rule, ['a', 'b'], { tenant: 'acme', org: { tier: 'gold' } })).toEqual({
      missingScopes: ['x', 'y'],
      failedClaims: [],
    });
    expect(evaluateRule(rule, ['a', 'b', 'x'], { tenant: 'acme', org: { tier: 'gold' } })).toEqual({
      missingScopes: [],
      failedClaims: [],
    });
    // Without claims every condition fails: deny by default.
    expect(evaluateRule(rule, ['a', 'b', 'x'], undefined).failedClaims).toEqual(['tenant', '/org/tier']);
  });
});
