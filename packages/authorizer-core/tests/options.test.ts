import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuthorizerOptions, ConfigurationError, createAuthorizer } from '../src/index.js';
import { resolveOptions } from '../src/internal.js';

const BASE = { issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' };

function messageOf(options: unknown): string {
  try {
    resolveOptions(options as AuthorizerOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).code).toBe('CONFIG_INVALID');
    return (err as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('resolveOptions: secure defaults', () => {
  it('defaults to RS256 only, no skew, an 8 KiB cap, api-wide policies and a 1000-token result cache', () => {
    const resolved = resolveOptions(BASE);
    expect([...resolved.algorithms]).toEqual(['RS256']);
    expect(resolved.clockSkewSeconds).toBe(0);
    expect(resolved.maxTokenBytes).toBe(8192);
    expect(resolved.policyMode).toBe('api');
    expect(resolved.unmatchedRoutes).toBe('deny');
    expect(resolved.resultCacheSize).toBe(1000);
    expect(resolved.jwks).toMatchObject({
      timeoutMs: 3000,
      maxBytes: 131072,
      maxAgeSeconds: 600,
      cooldownMs: 2000,
    });
  });

  it('accepts the route map and the rule list forms', () => {
    const a = resolveOptions({ ...BASE, routes: { 'GET /pets/{id}': ['read:pets'] } });
    const b = resolveOptions({ ...BASE, routes: [{ route: 'get /pets/{id}', scopes: ['read:pets'] }] });
    expect(a.routes?.[0]).toMatchObject({ method: 'GET', arnPath: 'pets/*', scopes: ['read:pets'] });
    expect(b.routes?.[0]).toMatchObject({ method: 'GET', arnPath: 'pets/*' });
  });

  it('freezes the compiled route table (the route index and the policy caches are built once per table)', () => {
    for (const routes of [
      { 'GET /pets': ['read:pets'] },
      [{ route: 'POST /pets', scopes: ['write:pets'] }],
    ]) {
      const resolved = resolveOptions({ ...BASE, routes });
      expect(Object.isFrozen(resolved.routes)).toBe(true);
      expect(() => (resolved.routes as unknown[]).push(resolved.routes?.[0])).toThrow(TypeError);
    }
  });

  it('reads ANY and * as every method', () => {
    expect(resolveOptions({ ...BASE, routes: { 'ANY /x': [] } }).routes?.[0]?.method).toBe('*');
    expect(resolveOptions({ ...BASE, routes: { '* /x': [] } }).routes?.[0]?.method).toBe('*');
  });

  it('accepts clientId instead of audience (Cognito access tokens)', () => {
    const resolved = resolveOptions({ issuer: BASE.issuer, clientId: 'app-1' });
    expect(resolved.issuers.get('https://tenant.auth0.com')).toMatchObject({
      audiences: [],
      clientIds: ['app-1'],
    });
  });

  it('trims list entries', () => {
    expect(
      resolveOptions({ ...BASE, audience: [' a ', 'b'] }).issuers.get('https://tenant.auth0.com')?.audiences,
    ).toEqual(['a', 'b']);
  });
});

describe('resolveOptions: misconfiguration fails at start-up, naming the setting', () => {
  it.each([
    ['no options', undefined, /Options are required/],
    ['no issuer', { audience: 'a' }, /issuer is required/],
    ['an empty issuer', { issuer: '', audience: 'a' }, /issuer must be a non-empty string/],
    [
      'an issuer that is not a URL',
      { issuer: 'tenant.auth0.com', audience: 'a' },
      /issuer must be an absolute URL/,
    ],
    [
      'a plain-http remote issuer',
      { issuer: 'http://tenant.auth0.com/', audience: 'a' },
      /issuer must use https/,
    ],
    ['no audience', { issuer: BASE.issuer }, /audience is required/],
    // The URL parser drops tabs and line breaks silently: the issuer compared with iss would keep them.
    [
      'an issuer holding a line break',
      { ...BASE, issuer: 'https://tenant.auth0\n.com/' },
      /issuer must be a URL without blanks or control characters/,
    ],
    [
      'a jwksUri holding a tab',
      { ...BASE, jwksUri: 'https://tenant.auth0.com/\tjwks' },
      /jwksUri must be a URL without blanks or control characters/,
    ],
    ['an empty audience list', { issuer: BASE.issuer, audience: [] }, /audience is required/],
    ['an empty clientId', { issuer: BASE.issuer, clientId: '' }, /clientId must be a non-empty string/],
    [
      'a plain-http remote jwksUri',
      { ...BASE, jwksUri: 'http://x.example.com/jwks' },
      /jwksUri must use https/,
    ],
    [
      'one jwksUri for several issuers',
      {
        ...BASE,
        issuer: ['https://a.example.com/', 'https://b.example.com/'],
        jwksUri: 'https://a.example.com/jwks',
      },
      /jwksUri applies to a single issuer/,
    ],
    [
      'the same issuer twice',
      { ...BASE, issuer: ['https://a.example.com/', 'https://a.example.com'] },
      /listed twice/,
    ],
    ['algorithm none', { ...BASE, algorithms: ['none'] }, /"none" is not supported/],
    ['algorithm HS256', { ...BASE, algorithms: ['HS256'] }, /"HS256" is not supported/],
    ['an empty algorithm list', { ...BASE, algorithms: [] }, /algorithms must be a non-empty array/],
    [
      'a negative clock skew',
      { ...BASE, clockSkewSeconds: -1 },
      /clockSkewSeconds must be a number from 0 to 600/,
    ],
    [
      'a clock skew that is not a number',
      { ...BASE, clockSkewSeconds: '30' },
      /clockSkewSeconds must be a number/,
    ],
    ['a zero max token age', { ...BASE, maxTokenAgeSeconds: 0 }, /maxTokenAgeSeconds/],
    ['a tiny token cap', { ...BASE, maxTokenBytes: 10 }, /maxTokenBytes/],
    ['a JWKS timeout of 0', { ...BASE, jwks: { timeoutMs: 0 } }, /jwks.timeoutMs/],
    ['a NaN cool-down', { ...BASE, jwks: { cooldownMs: Number.NaN } }, /jwks.cooldownMs/],
    ['a bad policy mode', { ...BASE, policyMode: 'stage' }, /policyMode must be "api" or "method"/],
    [
      'a bad unmatched-routes value',
      { ...BASE, unmatchedRoutes: 'maybe' },
      /unmatchedRoutes must be "allow" or "deny"/,
    ],
    [
      'a required scope with a space',
      { ...BASE, requiredScopes: ['a b'] },
      /requiredScopes must hold scope names/,
    ],
    [
      'a required scope with a quote',
      { ...BASE, requiredScopes: ['a"b'] },
      /requiredScopes must hold scope names/,
    ],
    [
      'a required scope with a tab',
      { ...BASE, requiredScopes: ['a\tb'] },
      /requiredScopes must hold scope names/,
    ],
    [
      'a non-ASCII required scope',
      { ...BASE, requiredScopes: ['lesen:tiere-ü'] },
      /requiredScopes must hold scope names/,
    ],
    [
      'a route scope with a backslash',
      { ...BASE, routes: { 'GET /x': ['a\\b'] } },
      /routes\["GET \/x"\] must hold scope names/,
    ],
    ['a route without a path', { ...BASE, routes: { GET: [] } }, /must look like "GET \/path"/],
    [
      'a route with an unknown method',
      { ...BASE, routes: { 'FETCH /x': [] } },
      /method must be an HTTP method/,
    ],
    ['a route with "?"', { ...BASE, routes: { 'GET /x?y': [] } }, /"\?" is not allowed/],
    ['a route with unbalanced braces', { ...BASE, routes: { 'GET /x/{id': [] } }, /unbalanced braces/],
    [
      'route scopes that are not an array',
      { ...BASE, routes: { 'GET /x': 'read' } },
      /routes\["GET \/x"\] must be a list of scopes or an object/,
    ],
    ['a malformed rule', { ...BASE, routes: [{ path: '/x' }] }, /Each route rule must be/],
    ['a negative result cache size', { ...BASE, resultCacheSize: -5 }, /resultCacheSize/],
  ])('rejects %s', (_name, options, message) => {
    expect(messageOf(options)).toMatch(message);
  });

  it('refuses two issuers sharing a jwksUri with different static keys, or one with and one without', () => {
    const jwksUri = 'https://keys.example.com/jwks.json';
    const keysA = { keys: [{ kty: 'RSA', kid: 'a', n: 'AQAB', e: 'AQAB' }] };
    const keysB = { keys: [{ kty: 'RSA', kid: 'b', n: 'AQAB', e: 'AQAB' }] };
    const a = { issuer: 'https://a.example.com/', jwksUri };
    const b = { issuer: 'https://b.example.com/', jwksUri };
    for (const issuers of [
      [
        { ...a, jwks: keysA },
        { ...b, jwks: keysB },
      ],
      [{ ...a, jwks: keysA }, b],
      [a, { ...b, jwks: keysB }],
    ]) {
      expect(messageOf({ audience: 'api', issuers })).toMatch(
        /issuers https:\/\/a\.example\.com\/ and https:\/\/b\.example\.com\/ share the jwksUri https:\/\/keys\.example\.com\/jwks\.json/,
      );
    }
  });

  it('accepts issuers sharing a jwksUri with the same static keys, or none', () => {
    const jwksUri = 'https://keys.example.com/jwks.json';
    const keys = { keys: [{ kty: 'RSA', kid: 'a', n: 'AQAB', e: 'AQAB' }] };
    const sameKeysReordered = { keys: [{ e: 'AQAB', n: 'AQAB', kid: 'a', kty: 'RSA' }] };
    const a = { issuer: 'https://a.example.com/', jwksUri };
    const b = { issuer: 'https://b.example.com/', jwksUri };
    expect(resolveOptions({ audience: 'api', issuers: [a, b] }).issuers.size).toBe(2);
    expect(
      resolveOptions({
        audience: 'api',
        issuers: [
          { ...a, jwks: keys },
          { ...b, jwks: sameKeysReordered },
        ],
      }).issuers.size,
    ).toBe(2);
  });

  it.each([
    [
      'requiredScope',
      { ...BASE, requiredScope: ['admin'] },
      'unknown option `requiredScope`; did you mean `requiredScopes`?',
    ],
    ['route', { ...BASE, route: { 'GET /x': ['a'] } }, 'unknown option `route`; did you mean `routes`?'],
    [
      'unmatchedRoute',
      { ...BASE, unmatchedRoute: 'deny' },
      'unknown option `unmatchedRoute`; did you mean `unmatchedRoutes`?',
    ],
    [
      'jwks.timeout',
      { ...BASE, jwks: { timeout: 100 } },
      'unknown option `jwks.timeout`; did you mean `jwks.timeoutMs`?',
    ],
    [
      'issuers[1].jwks_uri',
      {
        audience: 'a',
        issuers: [
          { issuer: 'https://a.example.com/' },
          { issuer: 'https://b.example.com/', jwks_uri: 'https://b.example.com/k' },
        ],
      },
      'unknown option `issuers[1].jwks_uri`; did you mean `issuers[1].jwksUri`?',
    ],
    [
      'routes[0].scope',
      { ...BASE, routes: [{ route: 'GET /x', scopes: [], scope: ['admin'] }] },
      'unknown option `routes[0].scope`; did you mean `routes[0].scopes`?',
    ],
    // An unknown key is refused even when its value is undefined: the typo is there all the same.
    [
      'an undefined requiredScope',
      { ...BASE, requiredScope: undefined },
      'unknown option `requiredScope`; did you mean `requiredScopes`?',
    ],
  ])('refuses the unknown option %s, naming the closest known one', (_name, options, message) => {
    expect(messageOf(options)).toBe(message);
  });

  it('lists the known options when no known one is close', () => {
    expect(messageOf({ ...BASE, somethingElse: 1 })).toMatch(
      /^unknown option `somethingElse`; known options: issuer, issuers, audience, .*resultCacheSize, senderConstrained, dpop, introspection$/,
    );
    expect(messageOf({ ...BASE, jwks: { proxy: 'x' } })).toBe(
      'unknown option `jwks.proxy`; known options: timeoutMs, maxBytes, maxAgeSeconds, cooldownMs, fetcher',
    );
  });

  it('writes an unknown key with odd characters escaped', () => {
    expect(messageOf({ ...BASE, 'required\nScopes': ['a'] })).toMatch(
      /^unknown option `required\\nScopes`; did you mean `requiredScopes`\?$/,
    );
  });

  it.each([
    [
      'issuers that are not an array',
      { audience: 'a', issuers: { issuer: 'https://a.example.com/' } },
      /issuers must be an array/,
    ],
    [
      'an issuer entry that is not an object',
      { audience: 'a', issuers: ['https://a.example.com/'] },
      /issuers\[0\] must be an object/,
    ],
    ['jwks that is not an object', { ...BASE, jwks: 'https://x' }, /jwks must be an object/],
    [
      'a jwks fetcher without a fetch method',
      { ...BASE, jwks: { fetcher: {} } },
      /jwks.fetcher must be an object with a fetch\(uri\) method/,
    ],
    [
      'a jwks fetcher given as a bare function',
      { ...BASE, jwks: { fetcher: async () => new ArrayBuffer(0) } },
      /jwks.fetcher must be an object with a fetch\(uri\) method/,
    ],
    ['routes that are a string', { ...BASE, routes: 'GET /x' }, /routes must be an object/],
    ['a route rule that is not an object', { ...BASE, routes: ['GET /x'] }, /Each route rule must be/],
  ])('rejects %s', (_name, options, message) => {
    expect(messageOf(options)).toMatch(message);
  });

  it('createAuthorizer fails the same way', () => {
    expect(() => createAuthorizer({ audience: 'a' })).toThrow(ConfigurationError);
  });
});

describe('resolveOptions: every ConfigurationError names its setting', () => {
  function settingOf(options: unknown): string | undefined {
    try {
      resolveOptions(options as AuthorizerOptions);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigurationError);
      return (err as ConfigurationError).setting;
    }
    throw new Error('expected a ConfigurationError');
  }

  it.each([
    ['an unknown top-level key', { ...BASE, requiredScope: ['a'] }, 'requiredScope'],
    ['an unknown jwks key', { ...BASE, jwks: { timeout: 5 } }, 'jwks.timeout'],
    ['an unknown key of an issuer', { issuers: [{ ...BASE, jwksUrl: 'https://k' }] }, 'issuers'],
    ['an issuer that is not an object', { issuers: ['https://tenant.auth0.com/'] }, 'issuers'],
    ['issuers that are not an array', { issuers: 'https://tenant.auth0.com/' }, 'issuers'],
    [
      'an unknown key of a route rule',
      { ...BASE, routes: [{ route: 'GET /', scopes: [], scope: 'a' }] },
      'routes',
    ],
    ['a route rule without scopes', { ...BASE, routes: [{ route: 'GET /' }] }, 'routes'],
    ['routes that are not an object', { ...BASE, routes: 'GET /' }, 'routes'],
    ['a scope that is not a scope-token', { ...BASE, requiredScopes: ['say "hi"'] }, 'requiredScopes'],
    ['a route scope that is not a scope-token', { ...BASE, routes: { 'GET /': ['a\\b'] } }, 'routes'],
    ['an issuer URL with a line break', { ...BASE, issuer: 'https://tenant.auth0.com/\nx' }, 'issuer'],
    ['a jwksUri with a tab', { ...BASE, jwksUri: 'https://tenant.auth0.com/\tjwks' }, 'jwksUri'],
    [
      'two issuers sharing a jwksUri with different keys',
      {
        audience: 'a',
        issuers: [
          { issuer: 'https://a.example.com/', jwksUri: 'https://keys.example.com/', jwks: { keys: [] } },
          { issuer: 'https://b.example.com/', jwksUri: 'https://keys.example.com/' },
        ],
      },
      'jwksUri',
    ],
    ['a fetcher without fetch', { ...BASE, jwks: { fetcher: {} } }, 'jwks.fetcher'],
    ['no options at all', null, 'options'],
  ])('%s', (_name, options, setting) => {
    expect(settingOf(options)).toBe(setting);
  });

  it('whatever the options, a refusal is a ConfigurationError with a setting', () => {
    const value = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'GET /\n',
        'https://x.example.com/\u2028',
        '%0A',
        '*',
        '?',
        'é',
        'RS256',
        'HS256',
      ),
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.constant({ route: 'GET /x', scopes: ['a b'] }))),
      fc.dictionary(
        fc.constantFrom('route', 'scopes', 'GET /x', 'timeoutMs', 'fetcher', 'issuer'),
        fc.string(),
      ),
    );
    const key = fc.constantFrom(
      'issuer',
      'issuers',
      'audience',
      'clientId',
      'jwksUri',
      'algorithms',
      'requiredScopes',
      'routes',
      'jwks',
      'policyMode',
      'unmatchedRoutes',
      'contextClaims',
      'requiredScope',
      'jwks_uri',
    );
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (extra) => {
        try {
          resolveOptions({ ...BASE, ...extra } as AuthorizerOptions);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigurationError);
          expect((err as ConfigurationError).setting).toEqual(expect.any(String));
        }
      }),
    );
  });
});
