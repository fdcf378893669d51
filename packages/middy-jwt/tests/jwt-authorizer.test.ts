import { inspect } from 'node:util';
import {
  type Authorizer,
  type AuthorizerOptions,
  createAuthorizer,
  type IamAuthorizerResult,
  KeysUnavailableError,
  TokenError,
} from '@jwt-authorizer/authorizer-core';
import {
  b64url,
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signParts,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import middy from '@middy/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JwtAuthorizerContext, type JwtAuthorizerOptions, jwtAuthorizer } from '../src/index.js';
import {
  CONNECT_ARN,
  createLambdaContext,
  httpV2AuthorizerEvent,
  METHOD_ARN,
  ROUTE_ARN,
  requestEvent,
  tokenEvent,
  webSocketConnectEvent,
} from './helpers/events.js';

const AUDIENCE = 'https://api.example.com';
const key = generateTestKey('RS256');
const otherKey = generateTestKey('RS256');
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUDIENCE);
});
afterAll(async () => {
  await server.close();
});

function buildAuthorizer(extra: Partial<AuthorizerOptions> = {}): Authorizer {
  return createAuthorizer({ issuer: server.issuer, audience: AUDIENCE, ...extra });
}

/** The handler the lambda-authorizer package builds: the middleware, then only the result. */
function buildHandler(authorizer: Authorizer, options: Partial<JwtAuthorizerOptions> = {}) {
  const calls = { handler: 0 };
  const simple = (options.httpApiResponse ?? 'simple') === 'simple';
  // The context each invocation ended with, as a plugin hook sees it: the middleware gives every
  // invocation its own, so what it sets is read there, not on the object passed in.
  const ended: JwtAuthorizerContext[] = [];
  const lastContext = () => {
    const context = ended.at(-1);
    if (context === undefined) throw new Error('no invocation ended');
    return context;
  };
  const handler = middy({
    requestEnd: (request) => void ended.push(request.context as unknown as JwtAuthorizerContext),
  })
    .use(jwtAuthorizer({ authorizer, ...options }))
    .handler(async (_event, context) => {
      calls.handler += 1;
      const { kind, arn } = context.authorizerEvent;
      if (kind === 'http-v2' && simple) return authorizer.authorizeSimple(context.jwt, arn).result;
      return authorizer.authorize(context.jwt, arn).result;
    });
  return { handler, calls, lastContext };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { cause?: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { cause?: unknown };
  }
  throw new Error('expected the invocation to fail');
}

function causeCode(err: { cause?: unknown }): unknown {
  return (err.cause as { code?: unknown } | undefined)?.code;
}

describe('jwtAuthorizer on REST TOKEN events', () => {
  it('allows a valid token with an IAM policy for the stage and puts the claims on the context', async () => {
    const authorizer = buildAuthorizer();
    const seen: unknown[] = [];
    const handler = middy()
      .use(jwtAuthorizer({ authorizer }))
      .handler(async (_event, context) => {
        seen.push(context.jwt.claims.sub, context.jwt.header.kid, context.authorizerEvent);
        return authorizer.authorize(context.jwt, context.authorizerEvent.arn).result;
      });
    const result = (await handler(
      tokenEvent(`Bearer ${mint(key)}`),
      createLambdaContext(),
    )) as IamAuthorizerResult;
    expect(result.principalId).toBe('user-123');
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: ['arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*'],
      },
    ]);
    expect(seen).toEqual(['user-123', key.kid, { kind: 'token', arn: METHOD_ARN }]);
  });

  it.each([
    ['no token', undefined, 'TOKEN_MISSING'],
    ['an empty token', '', 'TOKEN_MISSING'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'SCHEME_INVALID'],
    ['a token that is not a JWT', 'Bearer not-a-jwt', 'TOKEN_MALFORMED'],
  ])('throws Unauthorized for %s', async (_name, value, code) => {
    const { handler, calls } = buildHandler(buildAuthorizer());
    const err = await rejection(handler(tokenEvent(value), createLambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(err.cause).toBeInstanceOf(TokenError);
    expect(causeCode(err)).toBe(code);
    expect(calls.handler).toBe(0);
  });

  it('throws Unauthorized for a token signed by a key outside the JWKS', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const forged = mint(otherKey, { header: { kid: key.kid } });
    const err = await rejection(handler(tokenEvent(`Bearer ${forged}`), createLambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(causeCode(err)).toBe('SIGNATURE_INVALID');
  });

  it('throws Unauthorized for an expired token and for a wrong audience', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const expired = mint(key, { claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
    const foreign = mint(key, { claims: { aud: 'https://other.example.com' } });
    const errors = await Promise.all([
      rejection(handler(tokenEvent(`Bearer ${expired}`), createLambdaContext())),
      rejection(handler(tokenEvent(`Bearer ${foreign}`), createLambdaContext())),
    ]);
    expect(errors.map((err) => [err.message, causeCode(err)])).toEqual([
      ['Unauthorized', 'TOKEN_EXPIRED'],
      ['Unauthorized', 'AUDIENCE_INVALID'],
    ]);
  });

  it('answers a Deny for the routes a valid token lacks scopes for (403)', async () => {
    const authorizer = buildAuthorizer({ routes: { 'GET /pets/{id}': ['admin:pets'] } });
    const { handler } = buildHandler(authorizer);
    const result = (await handler(
      tokenEvent(`Bearer ${mint(key)}`),
      createLambdaContext(),
    )) as IamAuthorizerResult;
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Deny',
        Resource: ['arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/pets/*'],
      },
    ]);
  });

  it('never echoes the token in the error it throws', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const token = mint(otherKey, { header: { kid: key.kid } });
    const err = await rejection(handler(tokenEvent(`Bearer ${token}`), createLambdaContext()));
    const signature = token.split('.')[2] as string;
    expect(err.message).not.toContain(signature);
    expect((err.cause as Error).message).not.toContain(signature);
  });
  it('drops library causes that quote the token from the error it throws', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    // A payload that is not JSON: the JSON parser's message quotes its first characters.
    const token = signParts(b64url({ alg: 'RS256', kid: key.kid }), b64url('SSN-12345'), key);
    const err = await rejection(handler(tokenEvent(`Bearer ${token}`), createLambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(causeCode(err)).toBe('TOKEN_MALFORMED');
    expect(inspect(err, { depth: null })).not.toContain('SSN-12345');
  });
});

describe('jwtAuthorizer on REST REQUEST and HTTP API 1.0 events', () => {
  it('reads the Authorization header whatever the case of its name', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const result = (await handler(
      requestEvent({ AUTHORIZATION: `Bearer ${mint(key)}` }),
      createLambdaContext(),
    )) as IamAuthorizerResult;
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it('reads the Authorization header from multiValueHeaders', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const result = (await handler(
      requestEvent(null, { Authorization: [`Bearer ${mint(key)}`] }),
      createLambdaContext(),
    )) as IamAuthorizerResult;
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it('throws Unauthorized when two different Authorization values are sent', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const err = await rejection(
      handler(
        requestEvent(
          { authorization: `Bearer ${mint(key)}` },
          { Authorization: [`Bearer ${mint(key, { claims: { sub: 'someone-else' } })}`] },
        ),
        createLambdaContext(),
      ),
    );
    expect(err.message).toBe('Unauthorized');
    expect(causeCode(err)).toBe('TOKEN_MALFORMED');
  });

  it('throws Unauthorized when the headers are absent', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const err = await rejection(handler(requestEvent(null), createLambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(causeCode(err)).toBe('TOKEN_MISSING');
  });

  it('accepts payload 1.0 events of HTTP APIs', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const event = { ...requestEvent({ authorization: `Bearer ${mint(key)}` }), version: '1.0' };
    const result = (await handler(event, createLambdaContext())) as IamAuthorizerResult;
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });
});

describe('jwtAuthorizer with a token source (WebSocket $connect, custom locations)', () => {
  const allowsConnect = (result: IamAuthorizerResult) =>
    result.policyDocument.Statement.length === 1 &&
    result.policyDocument.Statement[0]?.Effect === 'Allow' &&
    result.policyDocument.Statement[0]?.Resource.join() === CONNECT_ARN;

  it('allows a $connect whose token is in the query string, with a policy for $connect and the context', async () => {
    const { handler } = buildHandler(buildAuthorizer(), { tokenSource: 'query:token' });
    const event = webSocketConnectEvent({ query: { token: mint(key, { claims: { scope: 'chat' } }) } });
    const result = (await handler(event, createLambdaContext())) as IamAuthorizerResult;
    expect(allowsConnect(result)).toBe(true);
    expect(result.context).toMatchObject({ sub: 'user-123', scope: 'chat' });
  });

  it('allows a $connect whose token is offered as the subprotocol after "jwt"', async () => {
    const { handler } = buildHandler(buildAuthorizer(), { tokenSource: 'query:token,protocol' });
    const event = webSocketConnectEvent({ headers: { 'Sec-WebSocket-Protocol': `jwt, ${mint(key)}` } });
    expect(allowsConnect((await handler(event, createLambdaContext())) as IamAuthorizerResult)).toBe(true);
  });

  it('denies a $connect the route rules refuse: no $connect rule and unmatched routes denied (403)', async () => {
    const authorizer = buildAuthorizer({ routes: { 'ANY /*': [] } });
    const { handler } = buildHandler(authorizer, { tokenSource: 'protocol' });
    const event = webSocketConnectEvent({ headers: { 'Sec-WebSocket-Protocol': `jwt, ${mint(key)}` } });
    const result = (await handler(event, createLambdaContext())) as IamAuthorizerResult;
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [CONNECT_ARN] },
    ]);
  });

  it.each([
    ['no token', {}, 'TOKEN_MISSING'],
    ['the token only in a place not listed', { headers: { Authorization: 'Bearer x' } }, 'TOKEN_MISSING'],
    ['a bad token', { query: { token: 'not.a.jwt' } }, 'TOKEN_MALFORMED'],
  ])('throws Unauthorized (401) for a $connect with %s', async (_name, options, code) => {
    const { handler } = buildHandler(buildAuthorizer(), { tokenSource: 'query:token,protocol' });
    const err = await rejection(handler(webSocketConnectEvent(options), createLambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(causeCode(err)).toBe(code);
  });

  it('throws Unauthorized (401) when two places carry different tokens, and accepts the same one twice', async () => {
    const { handler, lastContext } = buildHandler(buildAuthorizer(), { tokenSource: 'query:token,protocol' });
    const token = mint(key);
    const other = mint(key, { claims: { sub: 'someone-else' } });
    const err = await rejection(
      handler(
        webSocketConnectEvent({ query: { token }, headers: { 'Sec-WebSocket-Protocol': `jwt, ${other}` } }),
        createLambdaContext(),
      ),
    );
    expect(err.message).toBe('Unauthorized');
    expect(causeCode(err)).toBe('TOKEN_MALFORMED');
    expect(lastContext().authorizerRejection?.code).toBe('TOKEN_MALFORMED');
    const same = webSocketConnectEvent({
      query: { token },
      headers: { 'Sec-WebSocket-Protocol': `jwt, ${token}` },
    });
    expect(allowsConnect((await handler(same, createLambdaContext())) as IamAuthorizerResult)).toBe(true);
  });

  it('reads a cookie of a payload 2.0 event, answering { isAuthorized: false } without one', async () => {
    const { handler } = buildHandler(buildAuthorizer(), { tokenSource: 'cookie:at' });
    const event = { ...httpV2AuthorizerEvent({}), cookies: [`at=${mint(key)}`] };
    expect(await handler(event, createLambdaContext())).toMatchObject({ isAuthorized: true });
    expect(await handler(httpV2AuthorizerEvent({}), createLambdaContext())).toEqual({ isAuthorized: false });
  });

  it('still reads a TOKEN event from its authorizationToken', async () => {
    const { handler } = buildHandler(buildAuthorizer(), { tokenSource: 'query:token' });
    const result = (await handler(
      tokenEvent(`Bearer ${mint(key)}`),
      createLambdaContext(),
    )) as IamAuthorizerResult;
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it('refuses a malformed token source at creation with CONFIG_INVALID', () => {
    expect(() => jwtAuthorizer({ authorizer: buildAuthorizer(), tokenSource: 'body:token' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('jwtAuthorizer on HTTP API payload 2.0 events', () => {
  it('answers { isAuthorized: true } with the context for a valid token (simple responses)', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const result = await handler(
      httpV2AuthorizerEvent({ authorization: `Bearer ${mint(key)}` }),
      createLambdaContext(),
    );
    expect(result).toEqual({ isAuthorized: true, context: { sub: 'user-123', scope: 'read:pets' } });
  });

  it.each([
    ['no token', {}],
    ['a bad token', { authorization: 'Bearer a.b.c' }],
  ])('answers { isAuthorized: false } for %s without calling the handler', async (_name, headers) => {
    const { handler, calls } = buildHandler(buildAuthorizer());
    const result = await handler(httpV2AuthorizerEvent(headers), createLambdaContext());
    expect(result).toEqual({ isAuthorized: false });
    expect(calls.handler).toBe(0);
  });

  it('answers { isAuthorized: false } for a route the token lacks scopes for', async () => {
    const authorizer = buildAuthorizer({ routes: { 'GET /pets/{id}': ['admin:pets'] } });
    const { handler } = buildHandler(authorizer);
    const result = await handler(
      httpV2AuthorizerEvent({ authorization: `Bearer ${mint(key)}` }),
      createLambdaContext(),
    );
    expect(result).toMatchObject({ isAuthorized: false });
  });

  it('throws Unauthorized for a missing token when IAM responses are configured', async () => {
    const { handler } = buildHandler(buildAuthorizer(), { httpApiResponse: 'iam' });
    const err = await rejection(handler(httpV2AuthorizerEvent({}), createLambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(causeCode(err)).toBe('TOKEN_MISSING');
  });

  it('answers an IAM policy for the route ARN when IAM responses are configured', async () => {
    const { handler } = buildHandler(buildAuthorizer(), { httpApiResponse: 'iam' });
    const result = (await handler(
      httpV2AuthorizerEvent({ authorization: `Bearer ${mint(key)}` }),
      createLambdaContext(),
    )) as IamAuthorizerResult;
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: ['arn:aws:execute-api:eu-west-1:123456789012:abc123/$default/*'],
      },
    ]);
    expect(ROUTE_ARN).toContain('$default');
  });
});

describe('jwtAuthorizer failures that are not the token', () => {
  it('throws a non-Unauthorized error (500) when the JWKS cannot be fetched, never an Allow', async () => {
    const failing = await startJwksServer({ kind: 'status', status: 503 });
    try {
      const authorizer = createAuthorizer({
        issuer: failing.issuer,
        audience: AUDIENCE,
        jwks: { cooldownMs: 0 },
      });
      const { handler, calls } = buildHandler(authorizer, { hydrate: false });
      const token = createMinter(failing.issuer, AUDIENCE)(key);
      for (const event of [
        tokenEvent(`Bearer ${token}`),
        httpV2AuthorizerEvent({ authorization: `Bearer ${token}` }),
      ]) {
        const err = await rejection(handler(event, createLambdaContext()));
        expect(err.message).toBe('Authorizer unavailable');
        expect(err.cause).toBeInstanceOf(KeysUnavailableError);
        expect(causeCode(err)).toBe('JWKS_UNAVAILABLE');
      }
      expect(calls.handler).toBe(0);
    } finally {
      await failing.close();
    }
  });

  it.each([
    ['a non-object', 'hello'],
    ['an event without type', { methodArn: METHOD_ARN }],
    ['a TOKEN event without methodArn', { type: 'TOKEN', authorizationToken: 'Bearer x' }],
    ['a REQUEST event without methodArn', { type: 'REQUEST', headers: {} }],
    ['a payload 2.0 event without routeArn', { version: '2.0', type: 'REQUEST', headers: {} }],
  ])('rejects %s with EVENT_INVALID (500)', async (_name, event) => {
    const { handler } = buildHandler(buildAuthorizer());
    const err = (await rejection(handler(event as never, createLambdaContext()))) as Error & {
      code?: string;
    };
    expect(err.message).not.toBe('Unauthorized');
    expect(err.code).toBe('EVENT_INVALID');
  });

  it('wraps an unexpected error named Unauthorized so it cannot pass for a 401', async () => {
    const authorizer = buildAuthorizer();
    const broken: Authorizer = {
      ...authorizer,
      verifyAuthorization: () => Promise.reject(new Error('Unauthorized')),
    };
    const { handler } = buildHandler(broken, { hydrate: false });
    const err = await rejection(handler(tokenEvent(`Bearer ${mint(key)}`), createLambdaContext()));
    expect(err.message).toBe('Authorizer failed');
  });

  it.each([
    ['no options', undefined],
    ['no authorizer', {}],
    ['an unknown httpApiResponse', { httpApiResponse: 'full' }],
  ])('refuses %s with CONFIG_INVALID', (_name, options) => {
    const withAuthorizer =
      options && 'httpApiResponse' in options ? { ...options, authorizer: buildAuthorizer() } : options;
    expect(() => jwtAuthorizer(withAuthorizer as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it.each([
    [
      'httpApiResponses',
      { httpApiResponses: 'iam' },
      'unknown option `httpApiResponses`; did you mean `httpApiResponse`?',
    ],
    ['hydrated', { hydrated: false }, 'unknown option `hydrated`; did you mean `hydrate`?'],
    [
      'a core option',
      { requiredScopes: ['admin'] },
      'unknown option `requiredScopes`; known options: authorizer, httpApiResponse, hydrate, tokenSource',
    ],
    ['a hydrate that is not a boolean', { hydrate: 'no' }, 'hydrate must be true or false'],
  ])('refuses %s, naming the closest known option', (_name, options, message) => {
    expect(() => jwtAuthorizer({ authorizer: buildAuthorizer(), ...options } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message }),
    );
  });
});

describe('jwtAuthorizer context handling', () => {
  it('overwrites a jwt placed on the context beforehand and clears it when the token fails', async () => {
    const { handler, lastContext } = buildHandler(buildAuthorizer());
    const spoofed = {
      claims: { sub: 'admin', iss: 'x', exp: 1 },
      header: { alg: 'RS256', kid: 'k' },
      issuer: 'x',
      scopes: ['admin'],
      droppedScopes: 0,
      context: { sub: 'admin', scope: 'admin' },
    };
    const context = { ...createLambdaContext(), jwt: spoofed };
    await rejection(handler(tokenEvent('Bearer not.a.token'), context));
    expect(lastContext().jwt).toBeUndefined();
    // Shadowed, never read, never written: the object passed in keeps what it had.
    expect(context.jwt).toBe(spoofed);

    const validContext = { ...createLambdaContext(), jwt: spoofed };
    const result = (await handler(tokenEvent(`Bearer ${mint(key)}`), validContext)) as IamAuthorizerResult;
    expect(result.principalId).toBe('user-123');
    expect(lastContext().jwt).not.toBe(spoofed);
    expect(lastContext().jwt.claims.sub).toBe('user-123');
    expect(validContext.jwt).toBe(spoofed);
  });

  it('does not read a jwt smuggled in the event', async () => {
    const { handler } = buildHandler(buildAuthorizer());
    const event = { ...tokenEvent(undefined), jwt: { claims: { sub: 'admin' }, scopes: ['admin'] } };
    const err = await rejection(handler(event, createLambdaContext()));
    expect(err.message).toBe('Unauthorized');
  });
});

describe('jwtAuthorizer JWKS fetching', () => {
  it('fetches the JWKS once at creation and serves many invocations from the cache', async () => {
    const own = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
    try {
      const authorizer = createAuthorizer({ issuer: own.issuer, audience: AUDIENCE, resultCacheSize: 0 });
      const { handler } = buildHandler(authorizer);
      await expect.poll(() => own.requests).toBe(1);
      const ownMint = createMinter(own.issuer, AUDIENCE);
      for (let i = 0; i < 20; i += 1) {
        const result = (await handler(
          tokenEvent(`Bearer ${ownMint(key, { claims: { sub: `user-${i}` } })}`),
          createLambdaContext(),
        )) as IamAuthorizerResult;
        expect(result.principalId).toBe(`user-${i}`);
      }
      expect(own.requests).toBe(1);
    } finally {
      await own.close();
    }
  });

  it('fetches nothing at creation when hydrate is false', async () => {
    const own = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
    try {
      const authorizer = createAuthorizer({ issuer: own.issuer, audience: AUDIENCE });
      const { handler } = buildHandler(authorizer, { hydrate: false });
      // A request to the same server, answered after any request sent before it.
      await fetch(`${own.origin}/.well-known/openid-configuration`).then((res) => res.text());
      expect(own.requests).toBe(0);
      await handler(tokenEvent(`Bearer ${createMinter(own.issuer, AUDIENCE)(key)}`), createLambdaContext());
      expect(own.requests).toBe(1);
    } finally {
      await own.close();
    }
  });
});

describe('jwtAuthorizer rejection record (lastContext().authorizerRejection)', () => {
  type Outcome = 'throws' | 'answers early';
  const expiredClaims = () => ({
    iat: Math.floor(Date.now() / 1000) - 120,
    exp: Math.floor(Date.now() / 1000) - 60,
  });
  const cases: [
    string,
    () => { event: unknown; token?: string },
    Partial<JwtAuthorizerOptions>,
    string,
    Outcome,
  ][] = [
    [
      'a TOKEN event without a token',
      () => ({ event: tokenEvent(undefined) }),
      {},
      'TOKEN_MISSING',
      'throws',
    ],
    [
      'a TOKEN event with an expired token',
      () => {
        const token = mint(key, { claims: expiredClaims() });
        return { event: tokenEvent(`Bearer ${token}`), token };
      },
      {},
      'TOKEN_EXPIRED',
      'throws',
    ],
    [
      'a REQUEST event with two different Authorization values',
      () => {
        const token = mint(key);
        return {
          event: requestEvent({ authorization: `Bearer ${token}` }, { Authorization: ['Bearer other'] }),
          token,
        };
      },
      {},
      'TOKEN_MALFORMED',
      'throws',
    ],
    [
      'a payload 2.0 event without a token (simple responses)',
      () => ({ event: httpV2AuthorizerEvent({}) }),
      {},
      'TOKEN_MISSING',
      'answers early',
    ],
    [
      'a payload 2.0 event with a forged token (simple responses)',
      () => {
        const token = mint(otherKey, { header: { kid: key.kid } });
        return { event: httpV2AuthorizerEvent({ authorization: `Bearer ${token}` }), token };
      },
      {},
      'SIGNATURE_INVALID',
      'answers early',
    ],
    [
      'a payload 2.0 event with two different Authorization headers (simple responses)',
      () => {
        const token = mint(key);
        const event = httpV2AuthorizerEvent({ authorization: `Bearer ${token}` });
        return { event: { ...event, headers: { ...event.headers, Authorization: 'Bearer other' } }, token };
      },
      {},
      'TOKEN_MALFORMED',
      'answers early',
    ],
    [
      'a payload 2.0 event with an expired token (IAM responses)',
      () => {
        const token = mint(key, { claims: expiredClaims() });
        return { event: httpV2AuthorizerEvent({ authorization: `Bearer ${token}` }), token };
      },
      { httpApiResponse: 'iam' },
      'TOKEN_EXPIRED',
      'throws',
    ],
  ];

  it.each(cases)('records the reason for %s', async (_name, build, options, code, outcome) => {
    const { handler, calls, lastContext } = buildHandler(buildAuthorizer(), options);
    const { event, token } = build();
    const context = createLambdaContext();
    const settled = await handler(event as never, context).then(
      (result) => ({ result }),
      (error: Error) => ({ error }),
    );
    const rejectionRecord = lastContext().authorizerRejection;
    expect(rejectionRecord).toBeInstanceOf(TokenError);
    expect(rejectionRecord?.code).toBe(code);
    expect(rejectionRecord?.cause).toBeUndefined();
    if (outcome === 'throws') {
      expect('error' in settled && settled.error.message).toBe('Unauthorized');
      // The same cause-free reason the thrown error carries.
      expect('error' in settled && settled.error.cause).toBe(rejectionRecord);
    } else {
      expect(settled).toEqual({ result: { isAuthorized: false } });
    }
    if (token !== undefined) {
      expect(inspect(rejectionRecord, { depth: null })).not.toContain(token.split('.')[2]);
    }
    expect(calls.handler).toBe(0);
  });

  it('records a cause-free reason when the library error would quote the token', async () => {
    const { handler, lastContext } = buildHandler(buildAuthorizer());
    const token = signParts(b64url({ alg: 'RS256', kid: key.kid }), b64url('SSN-12345'), key);
    const context = createLambdaContext();
    expect(await handler(httpV2AuthorizerEvent({ authorization: `Bearer ${token}` }), context)).toEqual({
      isAuthorized: false,
    });
    expect(lastContext().authorizerRejection?.code).toBe('TOKEN_MALFORMED');
    expect(inspect(lastContext().authorizerRejection, { depth: null })).not.toContain('SSN-12345');
  });

  it('clears the reason on the next invocation of the same context object', async () => {
    const { handler, lastContext } = buildHandler(buildAuthorizer());
    const context = createLambdaContext();
    expect(await handler(httpV2AuthorizerEvent({}), context)).toEqual({ isAuthorized: false });
    expect(lastContext().authorizerRejection?.code).toBe('TOKEN_MISSING');

    await handler(httpV2AuthorizerEvent({ authorization: `Bearer ${mint(key)}` }), context);
    expect(lastContext().authorizerRejection).toBeUndefined();

    await rejection(handler(tokenEvent('Bearer not-a-jwt'), context));
    expect(lastContext().authorizerRejection?.code).toBe('TOKEN_MALFORMED');
    const err = (await rejection(handler({ type: 'TOKEN' } as never, context))) as Error & { code?: string };
    expect(err.code).toBe('EVENT_INVALID');
    expect(lastContext().authorizerRejection).toBeUndefined();
  });

  it('takes the slots on a context object new to them, and derives a context from one that comes back', async () => {
    const { handler, lastContext } = buildHandler(buildAuthorizer());
    // Lambda's runtime passes a new context object per invocation: no object is made for it.
    const fresh = createLambdaContext();
    await handler(tokenEvent(`Bearer ${mint(key)}`), fresh as never);
    expect(lastContext()).toBe(fresh);
    expect(Object.keys(fresh)).toEqual(
      expect.arrayContaining(['jwt', 'authorizerEvent', 'authorizerRejection']),
    );
    const first = lastContext().jwt;
    // The same object again: a context of its own, whose slots shadow the ones set on it before.
    await rejection(handler(tokenEvent('Bearer not-a-jwt'), fresh as never));
    const again = lastContext();
    expect(again).not.toBe(fresh);
    expect(Object.getPrototypeOf(again)).toBe(fresh);
    expect(again.jwt).toBeUndefined();
    expect(again.authorizerRejection?.code).toBe('TOKEN_MALFORMED');
    expect(fresh.jwt).toBe(first);
    expect((fresh as { authorizerRejection?: unknown }).authorizerRejection).toBeUndefined();
    // A frozen or non-extensible object is never written on.
    const frozen = Object.freeze(createLambdaContext());
    await handler(tokenEvent(`Bearer ${mint(key)}`), frozen as never);
    expect(Object.getPrototypeOf(lastContext())).toBe(frozen);
  });

  it('keeps its slots its own whatever the shared context carries under their names', async () => {
    const { handler, lastContext } = buildHandler(buildAuthorizer());
    const spoofed = { claims: { sub: 'admin' }, scopes: ['admin'], issuer: 'x', header: { alg: 'RS256' } };
    const written: unknown[] = [];
    const trap = {
      get: () => spoofed,
      set: (value: unknown) => void written.push(value),
      configurable: true,
    };
    const contexts = [
      Object.defineProperties(createLambdaContext(), {
        jwt: trap,
        authorizerEvent: trap,
        authorizerRejection: trap,
      }),
      Object.defineProperties(createLambdaContext(), {
        jwt: { value: spoofed, writable: false },
        authorizerEvent: { value: { kind: 'token', arn: 'spoofed' }, writable: false },
        authorizerRejection: { value: new TokenError('TOKEN_EXPIRED', 'planted'), writable: false },
      }),
      Object.assign(Object.create(null) as object, createLambdaContext()),
    ];
    for (const shared of [...contexts, ...contexts]) {
      const result = (await handler(tokenEvent(`Bearer ${mint(key)}`), shared as never)) as {
        principalId: string;
      };
      expect(result.principalId).toBe('user-123');
      const context = lastContext();
      // Derived from the shared object, except for an object new to the slots (the plain one, the
      // first time), which takes them itself.
      if (context !== shared) expect(Object.getPrototypeOf(context)).toBe(shared);
      else expect(shared).toBe(contexts[2]);
      expect(context.jwt.claims.sub).toBe('user-123');
      expect(context.authorizerEvent.arn).toBe(METHOD_ARN);
      expect(context.authorizerRejection).toBeUndefined();
      expect(context.awsRequestId).toBe((shared as { awsRequestId: string }).awsRequestId);
      await rejection(handler(tokenEvent('Bearer not-a-jwt'), shared as never));
      expect(lastContext().authorizerRejection?.code).toBe('TOKEN_MALFORMED');
      expect(lastContext().jwt).toBeUndefined();
    }
    expect(written).toEqual([]);
  });

  it('never sets a reason when the token is accepted, and drops one placed on the context beforehand', async () => {
    const authorizer = buildAuthorizer({ routes: { 'GET /pets/{id}': ['admin:pets'] } });
    const { handler, lastContext } = buildHandler(authorizer);
    const planted = new TokenError('TOKEN_EXPIRED', 'planted');
    for (const event of [
      tokenEvent(`Bearer ${mint(key)}`),
      httpV2AuthorizerEvent({ authorization: `Bearer ${mint(key)}` }),
    ]) {
      const context = { ...createLambdaContext(), authorizerRejection: planted };
      // Allowed on the stage, denied on this route: either way the token itself was accepted.
      await handler(event, context);
      expect(lastContext().authorizerRejection).toBeUndefined();
      expect(lastContext().jwt?.claims.sub).toBe('user-123');
    }
  });

  it('sets no reason when the keys are unavailable (not the token’s fault)', async () => {
    const failing = await startJwksServer({ kind: 'status', status: 503 });
    try {
      const authorizer = createAuthorizer({
        issuer: failing.issuer,
        audience: AUDIENCE,
        jwks: { cooldownMs: 0 },
      });
      const { handler, lastContext } = buildHandler(authorizer, { hydrate: false });
      const context = createLambdaContext();
      const token = createMinter(failing.issuer, AUDIENCE)(key);
      const err = await rejection(
        handler(httpV2AuthorizerEvent({ authorization: `Bearer ${token}` }), context),
      );
      expect(err.message).toBe('Authorizer unavailable');
      expect(lastContext().authorizerRejection).toBeUndefined();
    } finally {
      await failing.close();
    }
  });
});
