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
    ['a route without a path', { ...BASE, routes: { GET: [] } }, /must look like "GET \/path"/],
    [
      'a route with an unknown method',
      { ...BASE, routes: { 'FETCH /x': [] } },
      /method must be an HTTP method/,
    ],
    ['a route with "?"', { ...BASE, routes: { 'GET /x?y': [] } }, /"\?" is not allowed/],
    ['a route with unbalanced braces', { ...BASE, routes: { 'GET /x/{id': [] } }, /unbalanced braces/],
    ['route scopes that are not an array', { ...BASE, routes: { 'GET /x': 'read' } }, /must be an array/],
    ['a malformed rule', { ...BASE, routes: [{ path: '/x' }] }, /Each route rule must be/],
    ['a negative result cache size', { ...BASE, resultCacheSize: -5 }, /resultCacheSize/],
  ])('rejects %s', (_name, options, message) => {
    expect(messageOf(options)).toMatch(message);
  });

  it('createAuthorizer fails the same way', () => {
    expect(() => createAuthorizer({ audience: 'a' })).toThrow(ConfigurationError);
  });
});
