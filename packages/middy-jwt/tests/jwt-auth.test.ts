import { inspect } from 'node:util';
import { type AuthorizerOptions, createAuthorizer } from '@jwt-authorizer/authorizer-core';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  b64url,
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  mintHs256WithPublicKey,
  nowSeconds,
  signParts,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import defaultExport, { type JwtAuthOptions, JwtHttpError, jwtAuth } from '../src/index.js';
import { createLambdaContext } from './helpers/events.js';
import { albEvent, httpApiEvent, restEvent } from './helpers/http-events.js';

const AUDIENCE = 'https://api.example.com';
const key = generateTestKey('RS256');
const outsider = generateTestKey('RS256');
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

/** A function behind API Gateway: http-error-handler first, as Middy's docs order it, then jwtAuth. */
function buildFunction(options: Partial<JwtAuthOptions> = {}) {
  const logged: unknown[] = [];
  const handler = middy()
    .use(httpErrorHandler({ logger: (err) => logged.push(err) }))
    .use(jwtAuth({ issuer: server.issuer, audience: AUDIENCE, ...options } as JwtAuthOptions))
    .handler(async (_event, context) => ({
      statusCode: 200,
      body: JSON.stringify({ sub: context.jwt?.claims.sub ?? null, scopes: context.jwt?.scopes ?? null }),
    }));
  const invoke = async (event: unknown, context = createLambdaContext()) =>
    (await handler(event as never, context as never)) as HttpResult;
  return { invoke, logged };
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function loggedError(logged: unknown[]): JwtHttpError {
  expect(logged).toHaveLength(1);
  expect(logged[0]).toBeInstanceOf(JwtHttpError);
  return logged[0] as JwtHttpError;
}

describe('jwtAuth accepts a valid token from every kind of HTTP event', () => {
  it.each([
    ['API Gateway REST', () => restEvent({ headers: bearer(mint(key)) })],
    [
      'API Gateway REST, lower-case header',
      () => restEvent({ headers: { authorization: `Bearer ${mint(key)}` } }),
    ],
    [
      'API Gateway REST, multiValueHeaders only',
      () => restEvent({ multiValueHeaders: { Authorization: [`Bearer ${mint(key)}`] } }),
    ],
    ['HTTP API payload 2.0', () => httpApiEvent({ headers: { authorization: `Bearer ${mint(key)}` } })],
    [
      'a function URL',
      () =>
        httpApiEvent({
          headers: { authorization: `Bearer ${mint(key)}` },
          domainName: 'x.lambda-url.eu-west-1.on.aws',
        }),
    ],
    ['ALB', () => albEvent({ headers: { authorization: `Bearer ${mint(key)}` } })],
    [
      'ALB with multi-value headers',
      () => albEvent({ multiValueHeaders: { authorization: [`Bearer ${mint(key)}`] } }),
    ],
  ])('%s', async (_name, event) => {
    const { invoke, logged } = buildFunction();
    const response = await invoke(event());
    expect(response).toEqual({
      statusCode: 200,
      body: JSON.stringify({ sub: 'user-123', scopes: ['read:pets'] }),
    });
    expect(logged).toEqual([]);
  });

  it('is also the default export', () => {
    expect(defaultExport).toBe(jwtAuth);
  });
});

describe('jwtAuth answers 401 for a missing or invalid token', () => {
  it.each([
    ['a REST event without headers', () => restEvent()],
    ['an HTTP API event without the header', () => httpApiEvent()],
    ['an ALB event with a blank header', () => albEvent({ headers: { authorization: '   ' } })],
  ])('401 without an error attribute for %s', async (_name, event) => {
    const { invoke, logged } = buildFunction();
    const response = await invoke(event());
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="api"');
    expect(response.body).toBe('Unauthorized');
    expect(loggedError(logged).code).toBe('TOKEN_MISSING');
  });

  it('401 without an error attribute for another scheme (RFC 6750 3.1)', async () => {
    const { invoke, logged } = buildFunction();
    const response = await invoke(restEvent({ headers: { Authorization: 'Basic dXNlcjpwYXNz' } }));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="api"');
    expect(loggedError(logged).code).toBe('SCHEME_INVALID');
  });

  const invalid: Array<[string, () => string, string]> = [
    [
      'a token signed by a key outside the JWKS',
      () => mint(outsider, { header: { kid: key.kid } }),
      'SIGNATURE_INVALID',
    ],
    ['a token with an unknown kid', () => mint(outsider), 'KID_UNKNOWN'],
    ['an expired token', () => mint(key, { claims: { exp: nowSeconds() - 60 } }), 'TOKEN_EXPIRED'],
    [
      'a token not valid yet',
      () => mint(key, { claims: { nbf: nowSeconds() + 600 } }),
      'TOKEN_NOT_YET_VALID',
    ],
    [
      'a token from another issuer',
      () => createMinter('https://evil.example.com/', AUDIENCE)(key),
      'ISSUER_INVALID',
    ],
    [
      'a token for another audience',
      () => mint(key, { claims: { aud: 'https://other.example.com' } }),
      'AUDIENCE_INVALID',
    ],
    ['a token without exp', () => mint(key, { claims: { exp: undefined } }), 'EXP_MISSING'],
    [
      'an HS256 token keyed with the public key',
      () => mintHs256WithPublicKey(key, { iss: server.issuer, aud: AUDIENCE, exp: nowSeconds() + 60 }),
      'ALG_NOT_ALLOWED',
    ],
    [
      'a token with alg none',
      () => `${b64url({ alg: 'none', kid: key.kid })}.${b64url({ iss: server.issuer })}.AAAA`,
      'ALG_NOT_ALLOWED',
    ],
    ['a token that is not a JWT', () => 'not-a-jwt', 'TOKEN_MALFORMED'],
    ['a token larger than maxTokenBytes', () => 'x'.repeat(9000), 'TOKEN_TOO_LARGE'],
  ];
  it.each(invalid)('401 invalid_token for %s', async (_name, token, code) => {
    const { invoke, logged } = buildFunction();
    const response = await invoke(restEvent({ headers: bearer(token()) }));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(response.body).toBe('Unauthorized');
    const err = loggedError(logged);
    expect(err.code).toBe(code);
    expect((err.cause as { code?: string }).code).toBe(code);
  });

  it('uses the configured realm', async () => {
    const { invoke } = buildFunction({ realm: 'pets-api' });
    const response = await invoke(restEvent({ headers: bearer('not-a-jwt') }));
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="pets-api", error="invalid_token"');
  });

  it('answers 401 whether http-error-handler is used before or after jwtAuth', async () => {
    const handler = middy()
      .use(jwtAuth({ issuer: server.issuer, audience: AUDIENCE }))
      .use(httpErrorHandler({ logger: false }))
      .handler(async () => ({ statusCode: 200 }));
    const response = (await handler(restEvent() as never, createLambdaContext() as never)) as HttpResult;
    expect(response.statusCode).toBe(401);
  });

  it('never puts the token or its claims in the response or the logged error', async () => {
    const { invoke, logged } = buildFunction();
    // A payload that is not JSON: the JSON parser's message quotes its first characters.
    const header = b64url({ alg: 'RS256', kid: key.kid });
    const payload = b64url('SSN-12345');
    const token = signParts(header, payload, key);
    const response = await invoke(restEvent({ headers: bearer(token) }));
    expect(response.statusCode).toBe(401);
    const everything = `${JSON.stringify(response)}\n${inspect(logged, { depth: null })}`;
    expect(everything).not.toContain('SSN-12345');
    expect(everything).not.toContain(payload);
    expect(everything).not.toContain(token.split('.')[2]);
    expect(loggedError(logged).code).toBe('TOKEN_MALFORMED');
  });
});

describe('jwtAuth answers 400 for two different tokens', () => {
  it.each([
    [
      'two header names differing in case',
      () =>
        restEvent({
          headers: {
            Authorization: `Bearer ${mint(key)}`,
            authorization: `Bearer ${mint(key, { claims: { sub: 'b' } })}`,
          },
        }),
    ],
    [
      'headers and multiValueHeaders disagreeing',
      () =>
        restEvent({
          headers: bearer(mint(key)),
          multiValueHeaders: { Authorization: [`Bearer ${mint(key, { claims: { sub: 'b' } })}`] },
        }),
    ],
    [
      'two values in multiValueHeaders',
      () => albEvent({ multiValueHeaders: { authorization: [`Bearer ${mint(key)}`, 'Bearer other'] } }),
    ],
    [
      'two headers joined by payload 2.0',
      () => httpApiEvent({ headers: { authorization: `Bearer ${mint(key)},Bearer other` } }),
    ],
  ])('%s', async (_name, event) => {
    const { invoke, logged } = buildFunction();
    const response = await invoke(event());
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_request"');
    expect(response.body).toBe('Bad Request');
    expect(loggedError(logged).code).toBe('CREDENTIALS_CONFLICT');
  });

  it('accepts the same token sent twice', async () => {
    const { invoke } = buildFunction();
    const token = mint(key);
    const response = await invoke(
      restEvent({
        headers: bearer(token),
        multiValueHeaders: { authorization: [`Bearer ${token}`, `Bearer ${token}`] },
      }),
    );
    expect(response.statusCode).toBe(200);
  });
});

describe('jwtAuth answers 403 for missing scopes', () => {
  it('names the scopes the token lacks', async () => {
    const { invoke, logged } = buildFunction({ requiredScopes: ['read:pets', 'write:pets', 'admin'] });
    const response = await invoke(restEvent({ headers: bearer(mint(key)) }));
    expect(response.statusCode).toBe(403);
    expect(response.headers?.['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="write:pets admin"',
    );
    expect(response.body).toBe('Forbidden');
    expect(loggedError(logged).code).toBe('INSUFFICIENT_SCOPE');
  });

  it('passes a token holding the scopes in scp or permissions', async () => {
    const { invoke } = buildFunction({ requiredScopes: ['write:pets'] });
    for (const claims of [
      { scp: ['write:pets'] },
      { permissions: ['write:pets'] },
      { scope: 'a write:pets' },
    ]) {
      const response = await invoke(restEvent({ headers: bearer(mint(key, { claims })) }));
      expect(response.statusCode).toBe(200);
    }
  });

  it('applies route rules to the method and path of the event', async () => {
    const { invoke } = buildFunction({
      routes: { 'POST /pets': ['write:pets'], 'GET /pets/{id}': ['read:pets'] },
    });
    const reader = mint(key);
    const post = await invoke(restEvent({ headers: bearer(reader), method: 'POST', path: '/pets' }));
    expect(post.statusCode).toBe(403);
    expect(post.headers?.['WWW-Authenticate']).toContain('scope="write:pets"');
    const get = await invoke(restEvent({ headers: bearer(reader), method: 'GET', path: '/pets/7' }));
    expect(get.statusCode).toBe(200);
    const unmatched = await invoke(restEvent({ headers: bearer(reader), method: 'DELETE', path: '/pets/7' }));
    expect(unmatched.statusCode).toBe(403);
    expect(unmatched.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="insufficient_scope"');
  });

  it('strips the stage from payload 2.0 paths of the $default route before matching route rules', async () => {
    const { invoke } = buildFunction({ routes: { 'GET /pets/{id}': ['read:pets'] } });
    const token = mint(key);
    const staged = await invoke(
      httpApiEvent({ headers: bearer(token), rawPath: '/dev/pets/9', stage: 'dev', routeKey: '$default' }),
    );
    expect(staged.statusCode).toBe(200);
    const other = await invoke(
      httpApiEvent({ headers: bearer(token), rawPath: '/dev/owners/9', stage: 'dev', routeKey: '$default' }),
    );
    expect(other.statusCode).toBe(403);
  });

  it('denies when route rules are set and the event names no route', async () => {
    const { invoke } = buildFunction({ routes: { 'GET /pets': ['read:pets'] } });
    const response = await invoke({ headers: bearer(mint(key)) });
    expect(response.statusCode).toBe(403);
  });

  it('allows unmatched routes when unmatchedRoutes is allow', async () => {
    const { invoke } = buildFunction({ routes: { 'POST /pets': ['write:pets'] }, unmatchedRoutes: 'allow' });
    const response = await invoke(restEvent({ headers: bearer(mint(key)), method: 'GET', path: '/owners' }));
    expect(response.statusCode).toBe(200);
  });
});

describe('jwtAuth refuses methods outside the seven a route rule can name', () => {
  it('answers 403 for TRACE under an ANY rule, even with unmatchedRoutes allow and every scope', async () => {
    const { invoke } = buildFunction({
      routes: { 'ANY /admin/{proxy+}': ['admin'] },
      unmatchedRoutes: 'allow',
    });
    const admin = mint(key, { claims: { scope: 'admin' } });
    for (const [method, path] of [
      ['TRACE', '/admin/users'],
      ['PROPFIND', '/admin/users'],
      ['TRACE', '/public'],
    ] as const) {
      const response = await invoke(
        restEvent({ headers: bearer(admin), method, path, resource: path, pathParameters: null }),
      );
      expect(response.statusCode, `${method} ${path}`).toBe(403);
    }
    const allowed = await invoke(
      restEvent({
        headers: bearer(admin),
        method: 'DELETE',
        path: '/public',
        resource: '/public',
        pathParameters: null,
      }),
    );
    expect(allowed.statusCode).toBe(200);
  });
});

describe('jwtAuth matches route rules against the API resource path, never a base path or the stage', () => {
  const adminOnly = { routes: { 'DELETE /admin/{proxy+}': ['admin'] }, unmatchedRoutes: 'allow' as const };
  const proxy = { proxy: 'users/1' };

  it('REST: the same request is refused with and without a custom-domain base path', async () => {
    const { invoke } = buildFunction(adminOnly);
    const token = mint(key);
    for (const basePath of [undefined, 'v1', 'v1/beta']) {
      const event = restEvent({
        headers: bearer(token),
        method: 'DELETE',
        path: '/admin/users/1',
        resource: '/admin/{proxy+}',
        pathParameters: proxy,
        basePath,
      });
      const response = await invoke(event);
      expect(response.statusCode, `base path ${basePath}`).toBe(403);
      expect(response.headers?.['WWW-Authenticate']).toContain('scope="admin"');
    }
    const admin = mint(key, { claims: { scope: 'admin' } });
    const allowed = await invoke(
      restEvent({
        headers: bearer(admin),
        method: 'DELETE',
        path: '/admin/users/1',
        resource: '/admin/{proxy+}',
        pathParameters: proxy,
        basePath: 'v1',
      }),
    );
    expect(allowed.statusCode).toBe(200);
  });

  it('REST: fills {name} parameters, and matches literal resources through a base path', async () => {
    const { invoke } = buildFunction({
      routes: { 'GET /pets/{id}': ['read:pets'], 'POST /pets': ['write:pets'] },
    });
    const reader = mint(key);
    const get = await invoke(
      restEvent({
        headers: bearer(reader),
        path: '/pets/7',
        resource: '/pets/{id}',
        pathParameters: { id: '7' },
        basePath: 'v2',
      }),
    );
    expect(get.statusCode).toBe(200);
    const post = await invoke(
      restEvent({ headers: bearer(reader), method: 'POST', path: '/pets', basePath: 'v2' }),
    );
    expect(post.statusCode).toBe(403);
    expect(post.headers?.['WWW-Authenticate']).toContain('scope="write:pets"');
  });

  it('HTTP API payload 1.0: the resource and path parameters, not the base-path-prefixed path', async () => {
    const { invoke } = buildFunction(adminOnly);
    const event = {
      ...restEvent({
        headers: bearer(mint(key)),
        method: 'DELETE',
        path: '/admin/users/1',
        resource: '/admin/{proxy+}',
        pathParameters: proxy,
        basePath: 'v1',
      }),
      version: '1.0',
    };
    expect((await invoke(event)).statusCode).toBe(403);
  });

  it('HTTP API payload 2.0: the routeKey path and path parameters, with and without a base path or stage', async () => {
    const { invoke } = buildFunction(adminOnly);
    const token = mint(key);
    for (const [rawPath, stage] of [
      ['/admin/users/1', '$default'],
      ['/v1/admin/users/1', '$default'],
      ['/dev/admin/users/1', 'dev'],
      ['/v1/admin/users/1', 'dev'],
    ] as const) {
      const event = httpApiEvent({
        headers: bearer(token),
        method: 'DELETE',
        rawPath,
        stage,
        routeKey: 'DELETE /admin/{proxy+}',
        pathParameters: proxy,
      });
      expect((await invoke(event)).statusCode, `${stage} ${rawPath}`).toBe(403);
    }
    const anyRoute = await invoke(
      httpApiEvent({
        headers: bearer(token),
        method: 'DELETE',
        rawPath: '/v1/admin/users/1',
        routeKey: 'ANY /admin/{proxy+}',
        pathParameters: proxy,
      }),
    );
    expect(anyRoute.statusCode).toBe(403);
  });

  it('fails closed (403, even with unmatchedRoutes allow) when a template names a parameter the event lacks', async () => {
    const { invoke } = buildFunction(adminOnly);
    const token = mint(key);
    for (const pathParameters of [null, {}, { other: 'x' }] as Array<Record<string, string> | null>) {
      const rest = restEvent({
        headers: bearer(token),
        method: 'DELETE',
        path: '/admin/users/1',
        resource: '/admin/{proxy+}',
        pathParameters,
      });
      const response = await invoke(rest);
      expect(response.statusCode).toBe(403);
      expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="insufficient_scope"');
    }
    const v2 = httpApiEvent({
      headers: bearer(token),
      method: 'DELETE',
      rawPath: '/admin/users/1',
      routeKey: 'DELETE /admin/{proxy+}',
    });
    expect((await invoke(v2)).statusCode).toBe(403);
  });

  it('refuses a path parameter holding a line break or another separator under an admin-only rule', async () => {
    const { invoke } = buildFunction({
      routes: { 'DELETE /admin/users/{id}': ['admin'] },
      unmatchedRoutes: 'allow',
    });
    const token = mint(key);
    for (const id of ['42\n', '42\r\n', '42\u2028', '42\u2029', '42\t', '42/x']) {
      const rest = restEvent({
        headers: bearer(token),
        method: 'DELETE',
        path: `/admin/users/${id}`,
        resource: '/admin/users/{id}',
        pathParameters: { id },
      });
      expect((await invoke(rest)).statusCode, `REST ${JSON.stringify(id)}`).toBe(403);
      const v2 = httpApiEvent({
        headers: bearer(token),
        method: 'DELETE',
        rawPath: `/admin/users/${id}`,
        routeKey: 'DELETE /admin/users/{id}',
        pathParameters: { id },
      });
      expect((await invoke(v2)).statusCode, `payload 2.0 ${JSON.stringify(id)}`).toBe(403);
      const url = httpApiEvent({
        headers: bearer(token),
        method: 'DELETE',
        rawPath: `/admin/users/${id}`,
        domainName: 'abc.lambda-url.eu-west-1.on.aws',
      });
      expect((await invoke(url)).statusCode, `function URL ${JSON.stringify(id)}`).toBe(403);
    }
  });

  it('checks a percent-encoded request path (ALB, function URL) both as sent and decoded', async () => {
    const { invoke } = buildFunction({
      routes: { 'DELETE /admin/users/{id}': ['admin'] },
      unmatchedRoutes: 'allow',
    });
    const token = mint(key);
    for (const path of [
      '/admin%2Fusers/42',
      '/admin/us%65rs/42',
      '/%61dmin/users/42',
      '/admin/users%2F42',
      '/admin%zz/users/1',
    ]) {
      const alb = await invoke(albEvent({ headers: bearer(token), method: 'DELETE', path }));
      expect(alb.statusCode, `ALB ${path}`).toBe(403);
      const url = httpApiEvent({
        headers: bearer(token),
        method: 'DELETE',
        rawPath: path,
        domainName: 'abc.lambda-url.eu-west-1.on.aws',
      });
      expect((await invoke(url)).statusCode, `function URL ${path}`).toBe(403);
    }
    const admin = mint(key, { claims: { scope: 'admin' } });
    expect(
      (await invoke(albEvent({ headers: bearer(admin), method: 'DELETE', path: '/admin%2Fusers/42' })))
        .statusCode,
    ).toBe(200);
    expect(
      (await invoke(albEvent({ headers: bearer(token), method: 'GET', path: '/public/a%20b' }))).statusCode,
    ).toBe(200);
  });

  it('property: no percent-encoding of a protected path, with hostile parameters, slips past its rule', async () => {
    const { invoke } = buildFunction({
      routes: { 'DELETE /admin/users/{id}': ['admin'] },
      unmatchedRoutes: 'allow',
    });
    const token = mint(key);
    const pieces = [
      '42',
      'a',
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      '\t',
      ' ',
      '%0A',
      '%2F',
      '%25',
      '*',
      '?',
      '/',
      'ü',
      '🔑',
    ];
    const id = fc.array(fc.constantFrom(...pieces), { maxLength: 5 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(
        id,
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.boolean(),
        async (value, encodeAt, alb) => {
          // Encode a chosen subset of the path's characters, `/` and letters included.
          const path = [...`/admin/users/${value}`]
            .map((c, i) =>
              encodeAt[i % encodeAt.length]
                ? encodeURIComponent(c).replace(/^[A-Za-z0-9]$/, (l) => `%${l.charCodeAt(0).toString(16)}`)
                : c,
            )
            .join('');
          const event = alb
            ? albEvent({ headers: bearer(token), method: 'DELETE', path })
            : httpApiEvent({
                headers: bearer(token),
                method: 'DELETE',
                rawPath: path,
                domainName: 'abc.lambda-url.eu-west-1.on.aws',
              });
          expect((await invoke(event)).statusCode, JSON.stringify(path)).toBe(403);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the request path for ALB and function URL events', async () => {
    const { invoke } = buildFunction(adminOnly);
    const token = mint(key);
    expect(
      (await invoke(albEvent({ headers: bearer(token), method: 'DELETE', path: '/admin/users/1' })))
        .statusCode,
    ).toBe(403);
    expect(
      (await invoke(albEvent({ headers: bearer(token), method: 'DELETE', path: '/public/1' }))).statusCode,
    ).toBe(200);
    const url = httpApiEvent({
      headers: bearer(token),
      method: 'DELETE',
      rawPath: '/admin/users/1',
      domainName: 'abc.lambda-url.eu-west-1.on.aws',
    });
    expect((await invoke(url)).statusCode).toBe(403);
  });
});

describe('jwtAuth answers 500 when the keys are unavailable', () => {
  it('hides the reason from the client and keeps it in the cause', async () => {
    const failing = await startJwksServer({ kind: 'status', status: 503 });
    try {
      const { invoke, logged } = buildFunction({ issuer: failing.issuer, hydrate: false });
      const response = await invoke(
        restEvent({ headers: bearer(createMinter(failing.issuer, AUDIENCE)(key)) }),
      );
      expect(response.statusCode).toBe(500);
      expect(response.headers?.['WWW-Authenticate']).toBeUndefined();
      expect(response.body ?? '').not.toMatch(/jwks|503/i);
      const err = loggedError(logged);
      expect(err.code).toBe('JWKS_UNAVAILABLE');
      expect(err.expose).toBe(false);
    } finally {
      await failing.close();
    }
  });

  it('answers 500 for an unexpected verifier failure', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUDIENCE });
    const broken = { ...authorizer, verifyAuthorization: () => Promise.reject(new RangeError('boom')) };
    const { invoke, logged } = buildFunction({
      issuer: undefined,
      audience: undefined,
      authorizer: broken,
      hydrate: false,
    });
    const response = await invoke(restEvent({ headers: bearer(mint(key)) }));
    expect(response.statusCode).toBe(500);
    expect(loggedError(logged).code).toBe('AUTHORIZER_FAILED');
  });
});

describe('jwtAuth with credentialsRequired: false', () => {
  it('lets a request without a token through with context.jwt undefined', async () => {
    const { invoke } = buildFunction({ credentialsRequired: false });
    const response = await invoke(restEvent());
    expect(response).toEqual({ statusCode: 200, body: JSON.stringify({ sub: null, scopes: null }) });
  });

  it('still refuses a bad token, and still verifies a good one', async () => {
    const { invoke } = buildFunction({ credentialsRequired: false });
    const bad = await invoke(restEvent({ headers: bearer(mint(outsider)) }));
    expect(bad.statusCode).toBe(401);
    expect(bad.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    const basic = await invoke(restEvent({ headers: { Authorization: 'Basic dXNlcjpwYXNz' } }));
    expect(basic.statusCode).toBe(401);
    const good = await invoke(restEvent({ headers: bearer(mint(key)) }));
    expect(JSON.parse(good.body ?? '{}').sub).toBe('user-123');
  });
});

describe('jwtAuth never trusts a jwt it did not verify', () => {
  it('overwrites a jwt placed on the context beforehand', async () => {
    const { invoke } = buildFunction({ credentialsRequired: false });
    const spoofed = {
      claims: { sub: 'admin', iss: 'x', exp: 9e9 },
      scopes: ['admin'],
      droppedScopes: 0,
      context: { sub: 'admin', scope: 'admin' },
      issuer: 'x',
      header: { alg: 'RS256', kid: 'k' },
    };
    const context = { ...createLambdaContext(), jwt: spoofed };
    const anonymous = await invoke(restEvent(), context);
    expect(JSON.parse(anonymous.body ?? '{}').sub).toBeNull();
    // Shadowed by the invocation's own context, never read, and never overwritten with a token.
    expect(context.jwt).toBe(spoofed);

    const context2 = { ...createLambdaContext(), jwt: spoofed };
    const verified = await invoke(restEvent({ headers: bearer(mint(key)) }), context2);
    expect(JSON.parse(verified.body ?? '{}').sub).toBe('user-123');
  });

  it('clears the previous request jwt when the same context object is reused', async () => {
    const { invoke } = buildFunction({ credentialsRequired: false });
    const context = createLambdaContext();
    await invoke(restEvent({ headers: bearer(mint(key)) }), context);
    const second = await invoke(restEvent(), context);
    expect(JSON.parse(second.body ?? '{}').sub).toBeNull();
  });

  it('ignores claims an upstream authorizer or the client put in the event', async () => {
    const { invoke } = buildFunction();
    const event = restEvent();
    const forged = {
      ...event,
      requestContext: { ...event.requestContext, authorizer: { claims: { sub: 'admin' } } },
      jwt: { claims: { sub: 'admin' } },
    };
    const response = await invoke(forged);
    expect(response.statusCode).toBe(401);
  });
});

describe('jwtAuth with overlapping invocations sharing one context object', () => {
  // Local runners, tests and some emulators pass one context object to concurrent invocations. Each
  // handler waits until both have started, as one doing I/O would, before reading context.jwt.
  function buildGated(options: Partial<JwtAuthOptions> = {}) {
    let entered = 0;
    let release = () => {};
    const bothEntered = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = middy()
      .use(httpErrorHandler({ logger: false }))
      .use(
        jwtAuth({ issuer: server.issuer, audience: AUDIENCE, hydrate: false, ...options } as JwtAuthOptions),
      )
      .handler(async (_event, context) => {
        entered += 1;
        if (entered === 2) release();
        await bothEntered;
        return { statusCode: 200, body: String(context.jwt?.claims.sub ?? null) };
      });
    return (event: unknown, context: unknown) =>
      handler(event as never, context as never) as Promise<HttpResult>;
  }

  it('hands each handler the token of its own request', async () => {
    const invoke = buildGated();
    const shared = createLambdaContext();
    const [alice, bob] = await Promise.all([
      invoke(restEvent({ headers: bearer(mint(key, { claims: { sub: 'alice' } })) }), shared),
      invoke(restEvent({ headers: bearer(mint(key, { claims: { sub: 'bob' } })) }), shared),
    ]);
    expect([alice.body, bob.body]).toEqual(['alice', 'bob']);
  });

  it('never lets an anonymous request see the token of an overlapping one, nor a jwt on the shared object', async () => {
    const invoke = buildGated({ credentialsRequired: false });
    const spoofed = { claims: { sub: 'admin' }, scopes: ['admin'], issuer: 'x', header: { alg: 'RS256' } };
    const shared = { ...createLambdaContext(), jwt: spoofed };
    const [anonymous, bob] = await Promise.all([
      invoke(restEvent(), shared),
      invoke(restEvent({ headers: bearer(mint(key, { claims: { sub: 'bob' } })) }), shared),
    ]);
    expect([anonymous.body, bob.body]).toEqual(['null', 'bob']);
  });

  it('shadows a getter or a read-only jwt on the shared object', async () => {
    const { invoke } = buildFunction({ credentialsRequired: false });
    const spoofed = { claims: { sub: 'admin' }, scopes: ['admin'], issuer: 'x', header: { alg: 'RS256' } };
    const withGetter = Object.defineProperty(createLambdaContext(), 'jwt', {
      get: () => spoofed,
      set: () => {},
    });
    expect(JSON.parse((await invoke(restEvent(), withGetter)).body ?? '{}').sub).toBeNull();
    const readOnly = Object.defineProperty(createLambdaContext(), 'jwt', { value: spoofed, writable: false });
    const anonymous = await invoke(restEvent(), readOnly);
    expect(JSON.parse(anonymous.body ?? '{}').sub).toBeNull();
    const verified = await invoke(restEvent({ headers: bearer(mint(key)) }), readOnly);
    expect(JSON.parse(verified.body ?? '{}').sub).toBe('user-123');
  });
});

describe('jwtAuth token sources', () => {
  it('reads a named cookie from payload 2.0 cookies and from the Cookie header', async () => {
    const { invoke } = buildFunction({ tokenSource: { cookie: 'access_token' } });
    const token = mint(key);
    const v2 = await invoke(httpApiEvent({ cookies: ['theme=dark', `access_token=${token}`] }));
    expect(v2.statusCode).toBe(200);
    const v1 = await invoke(restEvent({ headers: { Cookie: `theme=dark; access_token=${token}` } }));
    expect(v1.statusCode).toBe(200);
    const alb = await invoke(albEvent({ multiValueHeaders: { cookie: [`access_token=${token}`] } }));
    expect(alb.statusCode).toBe(200);
  });

  it('refuses two different cookies of that name with 400 and ignores the Authorization header', async () => {
    const { invoke } = buildFunction({ tokenSource: { cookie: 'access_token' } });
    const twice = await invoke(
      httpApiEvent({ cookies: [`access_token=${mint(key)}`, 'access_token=other'] }),
    );
    expect(twice.statusCode).toBe(400);
    const headerOnly = await invoke(restEvent({ headers: bearer(mint(key)) }));
    expect(headerOnly.statusCode).toBe(401);
    expect(headerOnly.headers?.['WWW-Authenticate']).toBe('Bearer realm="api"');
  });

  it('reads a query parameter, and refuses two different values with 400', async () => {
    const { invoke } = buildFunction({ tokenSource: { query: 'access_token' } });
    const token = mint(key);
    expect((await invoke(restEvent({ query: { access_token: token } }))).statusCode).toBe(200);
    expect((await invoke(httpApiEvent({ query: { access_token: token } }))).statusCode).toBe(200);
    const twice = await invoke(
      restEvent({ query: { access_token: token }, multiValueQuery: { access_token: [token, 'x'] } }),
    );
    expect(twice.statusCode).toBe(400);
    const joined = await invoke(httpApiEvent({ query: { access_token: `${token},x` } }));
    expect(joined.statusCode).toBe(400);
    const bad = await invoke(restEvent({ query: { access_token: 'a.b.c' } }));
    expect(bad.statusCode).toBe(401);
    expect(bad.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token"');
  });

  it('reads a custom header, in any case', async () => {
    const { invoke } = buildFunction({ tokenSource: { header: 'X-Access-Token' } });
    expect(
      (await invoke(restEvent({ headers: { 'x-access-token': `Bearer ${mint(key)}` } }))).statusCode,
    ).toBe(200);
    expect((await invoke(restEvent({ headers: bearer(mint(key)) }))).statusCode).toBe(401);
  });

  it('reads an ordered list of places: any one of them, the same token twice, never two different ones', async () => {
    const { invoke } = buildFunction({ tokenSource: 'header:authorization,cookie:access_token' });
    const token = mint(key);
    expect((await invoke(restEvent({ headers: bearer(token) }))).statusCode).toBe(200);
    expect((await invoke(httpApiEvent({ cookies: [`access_token=${token}`] }))).statusCode).toBe(200);
    const same = await invoke(restEvent({ headers: { ...bearer(token), Cookie: `access_token=${token}` } }));
    expect(same.statusCode).toBe(200);
    const different = await invoke(
      restEvent({
        headers: { ...bearer(token), Cookie: `access_token=${mint(key, { claims: { sub: 'other' } })}` },
      }),
    );
    expect(different.statusCode).toBe(400);
    expect(different.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_request"');
    expect((await invoke(restEvent())).statusCode).toBe(401);
  });

  it('reads the token a function returns', async () => {
    const token = mint(key);
    const { invoke } = buildFunction({
      tokenSource: (event) => ((event as { body?: string }).body === 'with-token' ? token : undefined),
    });
    expect((await invoke({ ...restEvent(), body: 'with-token' })).statusCode).toBe(200);
    expect((await invoke(restEvent())).statusCode).toBe(401);
  });
});

describe('jwtAuth instances and the JWKS', () => {
  it('keeps two instances with different issuers apart in one process', async () => {
    const keyB = generateTestKey('ES256');
    const serverB = await startJwksServer({ kind: 'jwks', body: jwksOf(keyB) });
    try {
      const a = buildFunction();
      const b = buildFunction({ issuer: serverB.issuer, algorithms: ['ES256'] });
      const tokenA = mint(key);
      const tokenB = createMinter(serverB.issuer, AUDIENCE)(keyB);
      expect((await a.invoke(restEvent({ headers: bearer(tokenA) }))).statusCode).toBe(200);
      expect((await b.invoke(restEvent({ headers: bearer(tokenB) }))).statusCode).toBe(200);
      expect((await a.invoke(restEvent({ headers: bearer(tokenB) }))).statusCode).toBe(401);
      expect((await b.invoke(restEvent({ headers: bearer(tokenA) }))).statusCode).toBe(401);
      expect(a.logged.map((e) => (e as JwtHttpError).code)).toEqual(['ALG_NOT_ALLOWED']);
      expect(b.logged.map((e) => (e as JwtHttpError).code)).toEqual(['ALG_NOT_ALLOWED']);
    } finally {
      await serverB.close();
    }
  });

  it('fetches the JWKS once, at creation, for many requests', async () => {
    const own = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
    try {
      const { invoke } = buildFunction({ issuer: own.issuer, resultCacheSize: 0 });
      await expect.poll(() => own.requests).toBe(1);
      const ownMint = createMinter(own.issuer, AUDIENCE);
      const responses = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          invoke(restEvent({ headers: bearer(ownMint(key, { claims: { sub: `u${i}` } })) })),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array(25).fill(200));
      expect(own.requests).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('shares one authorizer and adds its own required scopes to the authorizer ones', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUDIENCE,
      requiredScopes: ['read:pets'],
    });
    const handler = middy()
      .use(httpErrorHandler({ logger: false }))
      .use(jwtAuth({ authorizer, requiredScopes: ['write:pets'] }))
      .handler(async () => ({ statusCode: 204 }));
    const call = async (scope: string) =>
      (await handler(
        restEvent({ headers: bearer(mint(key, { claims: { scope } })) }) as never,
        createLambdaContext() as never,
      )) as HttpResult;
    expect((await call('read:pets write:pets')).statusCode).toBe(204);
    expect((await call('write:pets')).headers?.['WWW-Authenticate']).toContain('scope="read:pets"');
    expect((await call('read:pets')).headers?.['WWW-Authenticate']).toContain('scope="write:pets"');
  });
});

describe('jwtAuth configuration', () => {
  const base: AuthorizerOptions = { issuer: 'https://tenant.auth0.com/', audience: AUDIENCE };
  const shared = createAuthorizer(base);
  it.each([
    ['no options', undefined],
    ['no issuer', { audience: AUDIENCE }],
    ['no audience', { issuer: 'https://tenant.auth0.com/' }],
    ['a realm with a quote', { ...base, realm: 'a"b' }],
    ['an empty realm', { ...base, realm: '' }],
    ['credentialsRequired as a string', { ...base, credentialsRequired: 'no' }],
    ['two token sources', { ...base, tokenSource: { cookie: 'a', query: 'b' } }],
    ['a token source name with a space', { ...base, tokenSource: { cookie: 'a b' } }],
    ['a token source string that names no kind', { ...base, tokenSource: 'authorization' }],
    ['a token source list with an unknown kind', { ...base, tokenSource: 'header:authorization,body:t' }],
    ['a required scope with a quote', { ...base, requiredScopes: ['read"pets'] }],
    ['a route scope with a backslash', { ...base, routes: { 'GET /pets': ['read\\pets'] } }],
    ['an authorizer with verification options', { authorizer: shared, issuer: 'https://other.example.com/' }],
    ['an authorizer that is not one', { authorizer: {} }],
    ['an authorizer with malformed requiredScopes', { authorizer: shared, requiredScopes: 'read:pets' }],
    ['an authorizer with a scope with a space', { authorizer: shared, requiredScopes: ['read pets'] }],
  ])('refuses %s with CONFIG_INVALID', (_name, options) => {
    expect(() => jwtAuth(options as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it.each([
    [
      'a misspelt core option',
      { ...base, requiredScope: ['admin'] },
      'unknown option `requiredScope`; did you mean `requiredScopes`?',
    ],
    [
      'a misspelt route option',
      { ...base, route: { 'GET /x': ['a'] } },
      'unknown option `route`; did you mean `routes`?',
    ],
    [
      'a misspelt own option',
      { ...base, credentialRequired: false },
      'unknown option `credentialRequired`; did you mean `credentialsRequired`?',
    ],
    [
      'a misspelt option beside an authorizer',
      { authorizer: shared, requiredScope: ['admin'] },
      'unknown option `requiredScope`; did you mean `requiredScopes`?',
    ],
    [
      'a misspelt token source key',
      { ...base, tokenSource: { headers: 'x-token' } },
      'unknown option `tokenSource.headers`; did you mean `tokenSource.header`?',
    ],
    [
      'a misspelt nested core option',
      { ...base, jwks: { timeout: 5 } },
      'unknown option `jwks.timeout`; did you mean `jwks.timeoutMs`?',
    ],
  ])('refuses %s, naming the closest known option', (_name, options, message) => {
    expect(() => jwtAuth(options as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message }),
    );
  });

  it('refuses a hydrate that is not a boolean', () => {
    expect(() => jwtAuth({ ...base, hydrate: 'false' } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: 'hydrate must be true or false' }),
    );
  });
});
