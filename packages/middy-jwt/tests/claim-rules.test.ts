import { ClaimError, type TokenError } from '@jwt-authorizer/authorizer-core';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import { type JwtAuthOptions, type JwtHttpError, jwtAuth, requireScopes } from '../src/index.js';
import { createLambdaContext } from './helpers/events.js';
import { restEvent } from './helpers/http-events.js';

const AUDIENCE = 'https://api.example.com';
const key = generateTestKey('RS256');
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUDIENCE);
});
afterAll(async () => {
  await server.close();
});

interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

function buildFunction(options: Partial<JwtAuthOptions>, inner?: Parameters<typeof requireScopes>[0]) {
  const logged: unknown[] = [];
  const route = middy()
    .use(inner === undefined ? [] : [requireScopes(inner)])
    .handler(async (_event: unknown, context: object) => ({
      statusCode: 200,
      body: JSON.stringify((context as { jwt?: { context: unknown } }).jwt?.context ?? null),
    }));
  const handler = middy()
    .use(httpErrorHandler({ logger: (err) => logged.push(err) }))
    .use(jwtAuth({ issuer: server.issuer, audience: AUDIENCE, ...options } as JwtAuthOptions))
    .handler((event, context) => route(event as never, context as never));
  const invoke = async (event: unknown) =>
    (await handler(event as never, createLambdaContext() as never)) as HttpResult;
  return { invoke, logged };
}

function bearer(claims: Record<string, unknown>, header?: Record<string, unknown>): Record<string, string> {
  return { Authorization: `Bearer ${mint(key, { claims, header })}` };
}

describe('jwtAuth with claim rules', () => {
  const routes = {
    'GET /pets/{id}': { scopes: { anyOf: ['read:pets', 'admin'] } },
    'DELETE /pets/{id}': { scopes: ['write:pets'], claims: { 'cognito:groups': { containsAny: ['vets'] } } },
  };

  it('lets a token through whose claims satisfy the route', async () => {
    const { invoke } = buildFunction({ routes });
    const ok = await invoke(
      restEvent({ method: 'DELETE', headers: bearer({ scope: 'write:pets', 'cognito:groups': ['vets'] }) }),
    );
    expect(ok.statusCode).toBe(200);
  });

  it('answers a claim mismatch with a plain 403 CLAIM_MISMATCH, no insufficient_scope challenge', async () => {
    const { invoke, logged } = buildFunction({ routes });
    const refused = await invoke(
      restEvent({ method: 'DELETE', headers: bearer({ scope: 'write:pets', 'cognito:groups': ['owners'] }) }),
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.headers?.['WWW-Authenticate']).toBeUndefined();
    const err = logged[0] as JwtHttpError;
    expect(err.code).toBe('CLAIM_MISMATCH');
    expect(err.cause).toBeInstanceOf(ClaimError);
    expect((err.cause as ClaimError).failedClaims).toEqual(['cognito:groups']);
    expect(String((err.cause as Error).message)).not.toContain('owners');
  });

  it('answers missing scopes, any-of included, with 403 insufficient_scope', async () => {
    const { invoke } = buildFunction({ routes });
    const refused = await invoke(restEvent({ headers: bearer({ scope: 'other' }) }));
    expect(refused.statusCode).toBe(403);
    expect(refused.headers?.['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="read:pets admin"',
    );
  });

  it('refuses a token failing requiredClaims with 401 invalid_token, CLAIM_INVALID naming the claim', async () => {
    const { invoke, logged } = buildFunction({ requiredClaims: { claims: { email_verified: true } } });
    expect((await invoke(restEvent({ headers: bearer({ email_verified: true }) }))).statusCode).toBe(200);
    const refused = await invoke(restEvent({ headers: bearer({ email_verified: 'true' }) }));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    const cause = (logged[0] as JwtHttpError).cause as TokenError;
    expect(cause.code).toBe('CLAIM_INVALID');
    expect(cause.claim).toBe('email_verified');
  });

  it('enforces requiredClaims any-of scopes without route rules', async () => {
    const { invoke } = buildFunction({ requiredClaims: { scopes: { anyOf: ['a', 'b'] } } });
    expect((await invoke(restEvent({ headers: bearer({ scope: 'b' }) }))).statusCode).toBe(200);
    const refused = await invoke(restEvent({ headers: bearer({ scope: 'c' }) }));
    expect(refused.statusCode).toBe(403);
    expect(refused.headers?.['WWW-Authenticate']).toContain('scope="a b"');
  });

  it('refuses a JWT that is no access token with 401 TOKEN_TYPE_INVALID', async () => {
    const { invoke, logged } = buildFunction({ tokenTypes: ['at+jwt'] });
    expect((await invoke(restEvent({ headers: bearer({}, { typ: 'at+jwt' }) }))).statusCode).toBe(200);
    expect((await invoke(restEvent({ headers: bearer({}, { typ: 'JWT' }) }))).statusCode).toBe(401);
    expect(((logged[0] as JwtHttpError).cause as TokenError).code).toBe('TOKEN_TYPE_INVALID');
  });

  it('hands handlers the context names of contextClaims through context.jwt.context', async () => {
    const { invoke } = buildFunction({
      contextClaims: { tenant: 'https://example.com/tenant', roles: '/realm_access/roles' },
    });
    const ok = await invoke(
      restEvent({
        headers: bearer({ 'https://example.com/tenant': 'acme', realm_access: { roles: ['admin'] } }),
      }),
    );
    expect(JSON.parse(ok.body ?? '')).toEqual({
      scope: 'read:pets',
      sub: 'user-123',
      tenant: 'acme',
      roles: '["admin"]',
    });
  });
});

describe('requireScopes with a rule', () => {
  it('checks any-of scopes and claim conditions of the token jwtAuth verified', async () => {
    const { invoke, logged } = buildFunction(
      {},
      { scopes: { anyOf: ['audit', 'admin'] }, claims: { '/realm_access/roles': { contains: 'auditor' } } },
    );
    const good = { scope: 'audit', realm_access: { roles: ['auditor'] } };
    expect((await invoke(restEvent({ headers: bearer(good) }))).statusCode).toBe(200);
    const noScope = await invoke(restEvent({ headers: bearer({ ...good, scope: 'read' }) }));
    expect(noScope.statusCode).toBe(403);
    expect(noScope.headers?.['WWW-Authenticate']).toContain(
      'error="insufficient_scope", scope="audit admin"',
    );
    const noRole = await invoke(
      restEvent({ headers: bearer({ ...good, realm_access: { roles: 'auditor' } }) }),
    );
    expect(noRole.statusCode).toBe(200);
    const wrongRole = await invoke(
      restEvent({ headers: bearer({ ...good, realm_access: { roles: ['user'] } }) }),
    );
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.headers?.['WWW-Authenticate']).toBeUndefined();
    expect((logged.at(-1) as JwtHttpError).code).toBe('CLAIM_MISMATCH');
  });

  it('refuses a bad rule at configuration, naming the setting path', () => {
    expect(() => requireScopes({ claims: { role: { regex: 'adm' } } } as never)).toThrow(
      /requireScopes\.claims\.role: unknown condition "regex"/,
    );
    expect(() => requireScopes({ scopes: { anyOf: [] } })).toThrow(
      /requireScopes\.scopes\.anyOf must not be empty/,
    );
    expect(() => requireScopes([])).toThrow(/give at least one scope/);
  });
});
