import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { describe, expect, it } from 'vitest';
import { fromEnv } from '../src/index.js';

const BASE = { TOKEN_ISSUER: 'https://tenant.auth0.com/', AUDIENCE: 'https://api.example.com' };

function configError(env: Record<string, string | undefined>): ConfigurationError {
  try {
    fromEnv(env);
  } catch (err) {
    if (err instanceof ConfigurationError) return err;
    throw err;
  }
  throw new Error('expected fromEnv to throw');
}

describe('fromEnv', () => {
  it('reads JWT_CONFIG_FILE and JWT_ROUTES_FILE relative to baseDir, and leaves the handler-only setting out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'from-env-'));
    try {
      writeFileSync(
        join(dir, 'authorizer.json'),
        JSON.stringify({
          issuers: [{ issuer: 'https://a.example.com/', audience: 'a' }],
          routesFile: 'routes.json',
        }),
      );
      writeFileSync(join(dir, 'routes.json'), JSON.stringify({ 'GET /pets': ['read:pets'] }));
      const options = fromEnv(
        { JWT_CONFIG_FILE: 'authorizer.json', JWT_HTTP_API_RESPONSE: 'iam' },
        { baseDir: dir },
      );
      expect(options).toEqual({
        issuers: [{ issuer: 'https://a.example.com/', audience: 'a' }],
        routes: { 'GET /pets': ['read:pets'] },
      });
      const error = configError({ ...BASE, JWT_ROUTES_FILE: 'missing.json' });
      expect({ variable: error.variable, setting: error.setting }).toEqual({
        variable: 'JWT_ROUTES_FILE',
        setting: 'routesFile',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a misspelt JWT_ variable, naming it and the closest known one', () => {
    const err = configError({ ...BASE, JWT_REQUIRED_SCOPE: 'admin' });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.variable).toBe('JWT_REQUIRED_SCOPE');
    expect(err.message).toContain('did you mean JWT_REQUIRED_SCOPES?');
  });

  it('refuses JWT_INTROSPECTION_CLIENT_SECRET_ID, which only the authorizer Lambda reads', () => {
    const err = configError({
      ...BASE,
      JWT_INTROSPECTION_URL: 'https://idp.example.com/introspect',
      JWT_INTROSPECTION_CLIENT_ID: 'authorizer',
      JWT_INTROSPECTION_CLIENT_SECRET_ID: 'ssm:/authorizer/introspection-secret',
    });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.variable).toBe('JWT_INTROSPECTION_CLIENT_SECRET_ID');
    expect(err.message).toContain('pass it as introspection.clientSecret');
  });

  it('reads the two required variables', () => {
    expect(fromEnv(BASE)).toEqual({
      issuer: 'https://tenant.auth0.com/',
      audience: 'https://api.example.com',
    });
  });

  it('reads every variable into the options the core accepts', () => {
    const options = fromEnv({
      TOKEN_ISSUER: 'https://tenant.auth0.com/',
      AUDIENCE: 'https://api.example.com, https://admin.example.com',
      JWKS_URI: 'https://tenant.auth0.com/keys.json',
      JWT_ALGORITHMS: 'RS256, ES256',
      JWT_CLOCK_SKEW_SECONDS: '30',
      JWT_MAX_TOKEN_AGE_SECONDS: '86400',
      JWT_MAX_TOKEN_BYTES: '4096',
      JWT_REQUIRED_SCOPES: 'read:pets write:pets,admin',
      JWT_ROUTES: '{"GET /pets/{id}": ["read:pets"]}',
      JWT_UNMATCHED_ROUTES: 'allow',
      JWT_POLICY_MODE: 'method',
      JWT_CONTEXT_CLAIMS: 'email,org_id',
      JWT_JWKS_TIMEOUT_MS: '1500',
      JWT_JWKS_MAX_AGE_SECONDS: '300',
      JWT_JWKS_COOLDOWN_MS: '0',
      JWT_HTTP_API_RESPONSE: 'iam',
    });
    expect(options).toEqual({
      issuer: 'https://tenant.auth0.com/',
      audience: ['https://api.example.com', 'https://admin.example.com'],
      jwksUri: 'https://tenant.auth0.com/keys.json',
      algorithms: ['RS256', 'ES256'],
      clockSkewSeconds: 30,
      maxTokenAgeSeconds: 86400,
      maxTokenBytes: 4096,
      requiredScopes: ['read:pets', 'write:pets', 'admin'],
      routes: { 'GET /pets/{id}': ['read:pets'] },
      unmatchedRoutes: 'allow',
      policyMode: 'method',
      contextClaims: ['email', 'org_id'],
      jwks: { timeoutMs: 1500, maxAgeSeconds: 300, cooldownMs: 0 },
    });
    expect(() => createAuthorizer(options)).not.toThrow();
  });

  it('reads several issuers and route rules given as an array', () => {
    const options = fromEnv({
      TOKEN_ISSUER: 'https://a.example.com/,https://b.example.com/',
      AUDIENCE: 'api',
      JWT_ROUTES: '[{"route":"GET /pets","scopes":["read:pets"]}]',
    });
    expect(options.issuer).toEqual(['https://a.example.com/', 'https://b.example.com/']);
    expect(options.routes).toEqual([{ route: 'GET /pets', scopes: ['read:pets'] }]);
  });

  it('reads JWT_CLIENT_ID for Cognito access tokens, with or without AUDIENCE', () => {
    const onlyClient = fromEnv({ TOKEN_ISSUER: BASE.TOKEN_ISSUER, JWT_CLIENT_ID: 'app-1, app-2' });
    expect(onlyClient).toEqual({ issuer: BASE.TOKEN_ISSUER, clientId: ['app-1', 'app-2'] });
    expect(() => createAuthorizer(onlyClient)).not.toThrow();
    expect(fromEnv({ ...BASE, JWT_CLIENT_ID: 'app-1' })).toEqual({
      issuer: BASE.TOKEN_ISSUER,
      audience: BASE.AUDIENCE,
      clientId: 'app-1',
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(fromEnv({ ...BASE, JWKS_URI: '', JWT_ALGORITHMS: '  ', JWT_CLOCK_SKEW_SECONDS: '' })).toEqual({
      issuer: BASE.TOKEN_ISSUER,
      audience: BASE.AUDIENCE,
    });
  });

  it('reads process.env by default', () => {
    const saved = { ...process.env };
    try {
      process.env.TOKEN_ISSUER = 'https://env.example.com/';
      process.env.AUDIENCE = 'env-api';
      expect(fromEnv()).toEqual({ issuer: 'https://env.example.com/', audience: 'env-api' });
    } finally {
      process.env = saved;
    }
  });

  it.each([
    ['TOKEN_ISSUER missing', { AUDIENCE: 'api' }, 'TOKEN_ISSUER'],
    ['TOKEN_ISSUER empty', { TOKEN_ISSUER: '', AUDIENCE: 'api' }, 'TOKEN_ISSUER'],
    ['TOKEN_ISSUER only commas', { TOKEN_ISSUER: ' , ', AUDIENCE: 'api' }, 'TOKEN_ISSUER'],
    [
      'TOKEN_ISSUER over plain http',
      { TOKEN_ISSUER: 'http://tenant.example.com/', AUDIENCE: 'api' },
      'TOKEN_ISSUER',
    ],
    ['TOKEN_ISSUER not a URL', { TOKEN_ISSUER: 'tenant', AUDIENCE: 'api' }, 'TOKEN_ISSUER'],
    ['AUDIENCE missing', { TOKEN_ISSUER: BASE.TOKEN_ISSUER }, 'AUDIENCE'],
    [
      'AUDIENCE missing and JWT_CLIENT_ID blank',
      { TOKEN_ISSUER: BASE.TOKEN_ISSUER, JWT_CLIENT_ID: ' , ' },
      'JWT_CLIENT_ID',
    ],
    [
      'JWKS_URI with several issuers',
      { ...BASE, TOKEN_ISSUER: 'https://a.example/,https://b.example/', JWKS_URI: 'https://a.example/jwks' },
      'JWKS_URI',
    ],
    ['JWKS_URI over plain http', { ...BASE, JWKS_URI: 'http://keys.example.com/jwks.json' }, 'JWKS_URI'],
    ['JWT_ALGORITHMS with HS256', { ...BASE, JWT_ALGORITHMS: 'RS256,HS256' }, 'JWT_ALGORITHMS'],
    ['JWT_ALGORITHMS with none', { ...BASE, JWT_ALGORITHMS: 'none' }, 'JWT_ALGORITHMS'],
    ['JWT_CLOCK_SKEW_SECONDS "abc"', { ...BASE, JWT_CLOCK_SKEW_SECONDS: 'abc' }, 'JWT_CLOCK_SKEW_SECONDS'],
    ['JWT_CLOCK_SKEW_SECONDS "1.5"', { ...BASE, JWT_CLOCK_SKEW_SECONDS: '1.5' }, 'JWT_CLOCK_SKEW_SECONDS'],
    [
      'JWT_CLOCK_SKEW_SECONDS too large',
      { ...BASE, JWT_CLOCK_SKEW_SECONDS: '100000' },
      'JWT_CLOCK_SKEW_SECONDS',
    ],
    [
      'JWT_MAX_TOKEN_AGE_SECONDS "-1"',
      { ...BASE, JWT_MAX_TOKEN_AGE_SECONDS: '-1' },
      'JWT_MAX_TOKEN_AGE_SECONDS',
    ],
    [
      'JWT_MAX_TOKEN_AGE_SECONDS "0"',
      { ...BASE, JWT_MAX_TOKEN_AGE_SECONDS: '0' },
      'JWT_MAX_TOKEN_AGE_SECONDS',
    ],
    ['JWT_MAX_TOKEN_BYTES "1.5s"', { ...BASE, JWT_MAX_TOKEN_BYTES: '1.5s' }, 'JWT_MAX_TOKEN_BYTES'],
    ['JWT_MAX_TOKEN_BYTES too small', { ...BASE, JWT_MAX_TOKEN_BYTES: '10' }, 'JWT_MAX_TOKEN_BYTES'],
    ['JWT_REQUIRED_SCOPES only separators', { ...BASE, JWT_REQUIRED_SCOPES: ' , ' }, 'JWT_REQUIRED_SCOPES'],
    ['JWT_ROUTES not JSON', { ...BASE, JWT_ROUTES: '{GET /pets: [read]}' }, 'JWT_ROUTES'],
    ['JWT_ROUTES a JSON string', { ...BASE, JWT_ROUTES: '"GET /pets"' }, 'JWT_ROUTES'],
    ['JWT_ROUTES a bad route', { ...BASE, JWT_ROUTES: '{"pets": ["read:pets"]}' }, 'JWT_ROUTES'],
    ['JWT_ROUTES scopes not an array', { ...BASE, JWT_ROUTES: '{"GET /pets": "read:pets"}' }, 'JWT_ROUTES'],
    ['JWT_ROUTES a bad rule', { ...BASE, JWT_ROUTES: '[{"path":"/pets"}]' }, 'JWT_ROUTES'],
    ['JWT_UNMATCHED_ROUTES "maybe"', { ...BASE, JWT_UNMATCHED_ROUTES: 'maybe' }, 'JWT_UNMATCHED_ROUTES'],
    ['JWT_POLICY_MODE "stage"', { ...BASE, JWT_POLICY_MODE: 'stage' }, 'JWT_POLICY_MODE'],
    ['JWT_JWKS_TIMEOUT_MS "0"', { ...BASE, JWT_JWKS_TIMEOUT_MS: '0' }, 'JWT_JWKS_TIMEOUT_MS'],
    ['JWT_JWKS_TIMEOUT_MS "3s"', { ...BASE, JWT_JWKS_TIMEOUT_MS: '3s' }, 'JWT_JWKS_TIMEOUT_MS'],
    ['JWT_JWKS_MAX_AGE_SECONDS "0"', { ...BASE, JWT_JWKS_MAX_AGE_SECONDS: '0' }, 'JWT_JWKS_MAX_AGE_SECONDS'],
    ['JWT_JWKS_COOLDOWN_MS "-5"', { ...BASE, JWT_JWKS_COOLDOWN_MS: '-5' }, 'JWT_JWKS_COOLDOWN_MS'],
  ])('rejects %s with CONFIG_INVALID naming the variable', (_name, env, variable) => {
    const err = configError(env);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message.startsWith(variable)).toBe(true);
  });
});
