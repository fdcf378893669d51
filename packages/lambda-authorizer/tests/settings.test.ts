import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHandlerSettings } from '../src/settings.js';

const BASE = {
  TOKEN_ISSUER: 'https://tenant.auth0.com/',
  AUDIENCE: 'https://api.example.com',
};

let baseDir: string;
beforeAll(() => {
  baseDir = mkdtempSync(join(tmpdir(), 'authorizer-settings-'));
  writeFileSync(join(baseDir, 'routes.json'), JSON.stringify({ 'GET /pets': ['read:pets'] }));
  writeFileSync(
    join(baseDir, 'rules.json'),
    JSON.stringify([{ route: 'POST /pets', scopes: ['write:pets'] }]),
  );
  writeFileSync(join(baseDir, 'broken.json'), '{"GET /pets": [');
  writeFileSync(join(baseDir, 'string.json'), '"GET /pets"');
  writeFileSync(join(baseDir, 'bad-verb.json'), JSON.stringify({ 'FETCH /pets': ['read:pets'] }));
  writeFileSync(join(baseDir, 'bad-scopes.json'), JSON.stringify({ 'GET /pets': 'read:pets' }));
  mkdirSync(join(baseDir, 'config'));
  writeFileSync(join(baseDir, 'config', 'routes.json'), JSON.stringify({ 'DELETE /pets/{id}': ['admin'] }));
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

function read(env: Record<string, string | undefined>) {
  return readHandlerSettings(env, { baseDir });
}

function configurationError(env: Record<string, string | undefined>): ConfigurationError {
  try {
    read(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('readHandlerSettings', () => {
  it('reads the tutorial’s three variables, with the simple HTTP API response by default', () => {
    const settings = read({ ...BASE, JWKS_URI: 'https://tenant.auth0.com/.well-known/jwks.json' });
    expect(settings.httpApiResponse).toBe('simple');
    expect(settings.authorizerOptions).toMatchObject({
      issuer: 'https://tenant.auth0.com/',
      audience: 'https://api.example.com',
      jwksUri: 'https://tenant.auth0.com/.well-known/jwks.json',
    });
  });

  it('reads comma-separated issuers and audiences and every optional setting', () => {
    const settings = read({
      TOKEN_ISSUER: 'https://a.example.com/, https://b.example.com/',
      AUDIENCE: 'api-1,api-2',
      JWT_ALGORITHMS: 'RS256,ES256',
      JWT_CLOCK_SKEW_SECONDS: '30',
      JWT_REQUIRED_SCOPES: 'read:pets write:pets',
      JWT_ROUTES: '{"GET /pets/{id}": ["read:pets"]}',
      JWT_POLICY_MODE: 'method',
      JWT_CONTEXT_CLAIMS: 'email,azp',
      JWT_HTTP_API_RESPONSE: 'IAM',
      JWT_JWKS_TIMEOUT_MS: '1500',
    });
    expect(settings.httpApiResponse).toBe('iam');
    expect(settings.authorizerOptions).toMatchObject({
      issuer: ['https://a.example.com/', 'https://b.example.com/'],
      audience: ['api-1', 'api-2'],
      algorithms: ['RS256', 'ES256'],
      clockSkewSeconds: 30,
      requiredScopes: ['read:pets', 'write:pets'],
      routes: { 'GET /pets/{id}': ['read:pets'] },
      policyMode: 'method',
      contextClaims: ['email', 'azp'],
      jwks: { timeoutMs: 1500 },
    });
  });

  it('reads route rules from a JSON file relative to the handler’s folder', () => {
    expect(read({ ...BASE, JWT_ROUTES_FILE: 'routes.json' }).authorizerOptions.routes).toEqual({
      'GET /pets': ['read:pets'],
    });
    expect(read({ ...BASE, JWT_ROUTES_FILE: './config/routes.json' }).authorizerOptions.routes).toEqual({
      'DELETE /pets/{id}': ['admin'],
    });
    expect(read({ ...BASE, JWT_ROUTES_FILE: 'rules.json' }).authorizerOptions.routes).toEqual([
      { route: 'POST /pets', scopes: ['write:pets'] },
    ]);
  });

  it('reads route rules from an absolute path', () => {
    const settings = read({ ...BASE, JWT_ROUTES_FILE: join(baseDir, 'routes.json') });
    expect(createAuthorizer(settings.authorizerOptions).options.routes?.map((r) => r.route)).toEqual([
      'GET /pets',
    ]);
  });

  it('counts empty values as unset', () => {
    const settings = read({ ...BASE, JWT_ROUTES_FILE: '', JWT_HTTP_API_RESPONSE: ' ', JWT_ROUTES: '' });
    expect(settings.httpApiResponse).toBe('simple');
    expect(settings.authorizerOptions.routes).toBeUndefined();
  });

  it.each([
    ['TOKEN_ISSUER missing', { AUDIENCE: 'api' }, 'TOKEN_ISSUER'],
    ['TOKEN_ISSUER empty', { TOKEN_ISSUER: '', AUDIENCE: 'api' }, 'TOKEN_ISSUER'],
    ['TOKEN_ISSUER not a URL', { TOKEN_ISSUER: 'tenant', AUDIENCE: 'api' }, 'TOKEN_ISSUER'],
    [
      'TOKEN_ISSUER plain http',
      { TOKEN_ISSUER: 'http://tenant.example.com/', AUDIENCE: 'api' },
      'TOKEN_ISSUER',
    ],
    ['AUDIENCE missing', { TOKEN_ISSUER: BASE.TOKEN_ISSUER }, 'AUDIENCE'],
    ['JWKS_URI plain http', { ...BASE, JWKS_URI: 'http://tenant.auth0.com/jwks.json' }, 'JWKS_URI'],
    [
      'JWKS_URI with several issuers',
      {
        ...BASE,
        TOKEN_ISSUER: 'https://a.example.com/,https://b.example.com/',
        JWKS_URI: 'https://a.example.com/j',
      },
      'JWKS_URI',
    ],
    ['JWT_ALGORITHMS HS256', { ...BASE, JWT_ALGORITHMS: 'HS256' }, 'JWT_ALGORITHMS'],
    ['JWT_CLOCK_SKEW_SECONDS abc', { ...BASE, JWT_CLOCK_SKEW_SECONDS: 'abc' }, 'JWT_CLOCK_SKEW_SECONDS'],
    ['JWT_CLOCK_SKEW_SECONDS -1', { ...BASE, JWT_CLOCK_SKEW_SECONDS: '-1' }, 'JWT_CLOCK_SKEW_SECONDS'],
    [
      'JWT_MAX_TOKEN_AGE_SECONDS 1.5s',
      { ...BASE, JWT_MAX_TOKEN_AGE_SECONDS: '1.5s' },
      'JWT_MAX_TOKEN_AGE_SECONDS',
    ],
    ['JWT_MAX_TOKEN_BYTES too small', { ...BASE, JWT_MAX_TOKEN_BYTES: '10' }, 'JWT_MAX_TOKEN_BYTES'],
    ['JWT_ROUTES not JSON', { ...BASE, JWT_ROUTES: '{GET /pets}' }, 'JWT_ROUTES'],
    ['JWT_ROUTES bad route', { ...BASE, JWT_ROUTES: '{"pets": ["read"]}' }, 'JWT_ROUTES'],
    ['JWT_UNMATCHED_ROUTES maybe', { ...BASE, JWT_UNMATCHED_ROUTES: 'maybe' }, 'JWT_UNMATCHED_ROUTES'],
    ['JWT_POLICY_MODE stage', { ...BASE, JWT_POLICY_MODE: 'stage' }, 'JWT_POLICY_MODE'],
    ['JWT_JWKS_TIMEOUT_MS 3s', { ...BASE, JWT_JWKS_TIMEOUT_MS: '3s' }, 'JWT_JWKS_TIMEOUT_MS'],
    ['JWT_JWKS_MAX_AGE_SECONDS x', { ...BASE, JWT_JWKS_MAX_AGE_SECONDS: 'x' }, 'JWT_JWKS_MAX_AGE_SECONDS'],
    ['JWT_JWKS_COOLDOWN_MS -5', { ...BASE, JWT_JWKS_COOLDOWN_MS: '-5' }, 'JWT_JWKS_COOLDOWN_MS'],
    ['JWT_HTTP_API_RESPONSE xml', { ...BASE, JWT_HTTP_API_RESPONSE: 'xml' }, 'JWT_HTTP_API_RESPONSE'],
    [
      'JWT_ROUTES and JWT_ROUTES_FILE both set',
      { ...BASE, JWT_ROUTES: '{}', JWT_ROUTES_FILE: 'routes.json' },
      'JWT_ROUTES_FILE',
    ],
    ['JWT_ROUTES_FILE missing file', { ...BASE, JWT_ROUTES_FILE: 'nope.json' }, 'JWT_ROUTES_FILE'],
    ['JWT_ROUTES_FILE a folder', { ...BASE, JWT_ROUTES_FILE: 'config' }, 'JWT_ROUTES_FILE'],
    ['JWT_ROUTES_FILE not JSON', { ...BASE, JWT_ROUTES_FILE: 'broken.json' }, 'JWT_ROUTES_FILE'],
    ['JWT_ROUTES_FILE not an object', { ...BASE, JWT_ROUTES_FILE: 'string.json' }, 'JWT_ROUTES_FILE'],
    ['JWT_ROUTES_FILE unknown verb', { ...BASE, JWT_ROUTES_FILE: 'bad-verb.json' }, 'JWT_ROUTES_FILE'],
    ['JWT_ROUTES_FILE scopes not a list', { ...BASE, JWT_ROUTES_FILE: 'bad-scopes.json' }, 'JWT_ROUTES_FILE'],
  ])('fails with CONFIG_INVALID naming the variable: %s', (_case, env, variable) => {
    const error = configurationError(env);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(variable);
  });

  it('says where a relative JWT_ROUTES_FILE was looked for', () => {
    expect(configurationError({ ...BASE, JWT_ROUTES_FILE: 'nope.json' }).message).toContain(
      join(baseDir, 'nope.json'),
    );
  });
});
