import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  restEvent,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JwtAuthOptions, JwtHttpError, jwtAuth, requireScopes } from '../src/index.js';
import { createLambdaContext } from './helpers/events.js';

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

/**
 * One function serving several routes, as @middy/http-router runs them: jwtAuth on the outer
 * chain, each route a Middy handler of its own with its requirement, called with the same context.
 */
function buildRouter(options: Partial<JwtAuthOptions> = {}) {
  const listPets = middy()
    .use(requireScopes('read:pets'))
    .handler(async () => ({ statusCode: 200, body: 'list' }));
  const createPet = middy()
    .use(requireScopes(['write:pets', 'audit'], { realm: options.realm ?? 'api' }))
    .handler(async () => ({ statusCode: 201, body: 'created' }));
  const routes: Record<string, (event: unknown, context: unknown) => Promise<unknown>> = {
    GET: (event, context) => listPets(event as never, context as never),
    POST: (event, context) => createPet(event as never, context as never),
  };
  const handler = middy()
    .use(httpErrorHandler({ logger: false }))
    .use(jwtAuth({ issuer: server.issuer, audience: AUDIENCE, ...options } as JwtAuthOptions))
    .handler(async (event, context) => {
      const route = routes[(event as { httpMethod: string }).httpMethod];
      return route ? route(event, context) : { statusCode: 405 };
    });
  return async (event: unknown) =>
    (await handler(event as never, createLambdaContext() as never)) as HttpResult;
}

describe('requireScopes after jwtAuth', () => {
  it('lets each route require its own scopes', async () => {
    const invoke = buildRouter();
    const reader = mint(key, { claims: { scope: 'read:pets' } });
    const writer = mint(key, { claims: { scope: 'read:pets write:pets audit' } });
    const headers = (token: string) => ({ Authorization: `Bearer ${token}` });
    expect(await invoke(restEvent({ headers: headers(reader), method: 'GET' }))).toMatchObject({
      statusCode: 200,
    });
    const refused = await invoke(restEvent({ headers: headers(reader), method: 'POST', path: '/pets' }));
    expect(refused.statusCode).toBe(403);
    expect(refused.headers?.['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="write:pets audit"',
    );
    expect(refused.body).toBe('Forbidden');
    const created = await invoke(restEvent({ headers: headers(writer), method: 'POST', path: '/pets' }));
    expect(created).toMatchObject({ statusCode: 201, body: 'created' });
  });

  it('answers 401 when optional authentication let a request without a token through', async () => {
    const invoke = buildRouter({ credentialsRequired: false, realm: 'pets' });
    const response = await invoke(restEvent({ method: 'POST', path: '/pets' }));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="pets"');
  });
});

describe('requireScopes without jwtAuth', () => {
  it('refuses a jwt that jwtAuth did not verify, whatever it claims', async () => {
    const handler = middy()
      .use(requireScopes('admin'))
      .handler(async () => ({ statusCode: 200 }));
    const context = {
      ...createLambdaContext(),
      jwt: {
        claims: { sub: 'x', iss: 'x', exp: 9e9 },
        scopes: ['admin'],
        issuer: 'x',
        header: { alg: 'RS256', kid: 'k' },
      },
    };
    const err = await handler(restEvent() as never, context as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JwtHttpError);
    expect((err as JwtHttpError).statusCode).toBe(401);
    expect((err as JwtHttpError).code).toBe('TOKEN_MISSING');
  });
});

describe('requireScopes configuration', () => {
  it.each([
    ['no scope', []],
    ['an empty scope name', ['']],
    ['a scope with a space', ['read pets']],
    ['a scope with a quote', ['read"pets']],
    ['a non-string scope', [42]],
  ])('refuses %s with CONFIG_INVALID', (_name, scopes) => {
    expect(() => requireScopes(scopes as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses an unknown option, naming the closest known one', () => {
    expect(() => requireScopes('a', { relm: 'api' } as never)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'unknown option `relm`; did you mean `realm`?',
      }),
    );
    expect(() => requireScopes('a', 'admin' as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: 'requireScopes options must be an object' }),
    );
  });

  it('refuses a realm with a backslash with CONFIG_INVALID', () => {
    expect(() => requireScopes('a', { realm: 'a\\b' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
