import { type AuthorizerOptions, createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import { createAuthorizerHandler } from '../src/handler.js';
import {
  CONNECT_ARN,
  evaluatePolicy,
  httpApiEvent,
  lambdaContext,
  METHOD_ARN,
  ROUTE_ARN,
  requestEvent,
  STAGE_ARN,
  tokenEvent,
  webSocketConnectEvent,
} from './helpers/index.js';

const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'key-1');
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUDIENCE);
});
afterAll(() => server.close());

function setup(
  options: Partial<AuthorizerOptions> = {},
  httpApiResponse?: 'simple' | 'iam',
  tokenSource?: string,
) {
  const lines: string[] = [];
  const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUDIENCE, ...options });
  const handler = createAuthorizerHandler({
    authorizer,
    httpApiResponse,
    log: { write: (line) => lines.push(line) },
    ...(tokenSource === undefined ? {} : { tokenSource }),
  });
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { handler, logs };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { cause?: { code?: string } }> {
  const outcome = await promise.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.result)}`);
  return outcome.error as Error & { cause?: { code?: string } };
}

describe('REST TOKEN events', () => {
  it('answers a valid token with core policy for the whole stage and the authorizer context', async () => {
    const { handler, logs } = setup({ contextClaims: ['email'] });
    const token = mint(key, { claims: { email: 'a@example.com' } });
    const result = await handler(tokenEvent(`Bearer ${token}`), lambdaContext('req-allow'));
    expect(result).toEqual({
      principalId: 'user-123',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${STAGE_ARN}/*`] }],
      },
      context: { sub: 'user-123', scope: 'read:pets', email: 'a@example.com' },
    });
    expect(logs()).toEqual([
      expect.objectContaining({
        decision: 'allow',
        reason: 'OK',
        eventKind: 'token',
        requestId: 'req-allow',
        kid: 'key-1',
        alg: 'RS256',
        iss: server.issuer,
      }),
    ]);
  });

  it('allows exactly the called method ARN in method policy mode', async () => {
    const { handler } = setup({ policyMode: 'method' });
    const result = await handler(tokenEvent(`Bearer ${mint(key)}`), lambdaContext());
    expect(result).toMatchObject({
      policyDocument: { Statement: [{ Effect: 'Allow', Resource: [METHOD_ARN] }] },
    });
  });

  it('builds a correct policy for the placeholder methodArn serverless-offline sends', async () => {
    const { handler } = setup();
    const offlineArn = 'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/GET/pets';
    const result = await handler(tokenEvent(`Bearer ${mint(key)}`, offlineArn), lambdaContext());
    expect(result).toMatchObject({
      policyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Resource: ['arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/*'],
          },
        ],
      },
    });
    expect(evaluatePolicy(result, offlineArn)).toBe('Allow');
  });

  it('derives the partition from the methodArn (aws-cn)', async () => {
    const { handler } = setup();
    const arn = 'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/GET/pets';
    const result = await handler(tokenEvent(`Bearer ${mint(key)}`, arn), lambdaContext());
    expect(result).toMatchObject({
      policyDocument: {
        Statement: [{ Resource: ['arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/*'] }],
      },
    });
  });

  it('rejects a missing token with Unauthorized (401), reason TOKEN_MISSING', async () => {
    const { handler, logs } = setup();
    const error = await rejection(handler(tokenEvent(undefined), lambdaContext()));
    expect(error.message).toBe('Unauthorized');
    expect(error.cause?.code).toBe('TOKEN_MISSING');
    expect(logs()).toEqual([expect.objectContaining({ decision: 'unauthorized', reason: 'TOKEN_MISSING' })]);
  });

  it('rejects an expired token with Unauthorized (401), reason TOKEN_EXPIRED', async () => {
    const { handler, logs } = setup();
    const expired = mint(key, { claims: { iat: 1_000_000, exp: 1_000_600 } });
    const error = await rejection(handler(tokenEvent(`Bearer ${expired}`), lambdaContext()));
    expect(error.message).toBe('Unauthorized');
    expect(error.cause?.code).toBe('TOKEN_EXPIRED');
    expect(logs()[0]).toMatchObject({
      decision: 'unauthorized',
      reason: 'TOKEN_EXPIRED',
      eventKind: 'token',
    });
  });

  it('rejects another scheme with Unauthorized, reason SCHEME_INVALID', async () => {
    const { handler } = setup();
    const error = await rejection(handler(tokenEvent(`Basic ${mint(key)}`), lambdaContext()));
    expect(error.message).toBe('Unauthorized');
    expect(error.cause?.code).toBe('SCHEME_INVALID');
  });

  it('answers a token without the route scope with a Deny covering the called method (403)', async () => {
    const { handler, logs } = setup({ routes: { 'GET /pets': ['read:pets'], 'POST /pets': ['write:pets'] } });
    const postArn = `${STAGE_ARN}/POST/pets`;
    const result = await handler(tokenEvent(`Bearer ${mint(key)}`, postArn), lambdaContext());
    expect(evaluatePolicy(result, postArn)).toBe('Deny');
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
    expect(logs()[0]).toMatchObject({
      decision: 'deny',
      reason: 'INSUFFICIENT_SCOPE',
      missingScopes: ['write:pets'],
    });
  });

  it('denies a route no rule matches, reason ROUTE_NOT_ALLOWED', async () => {
    const { handler, logs } = setup({ routes: { 'GET /pets': ['read:pets'] } });
    const arn = `${STAGE_ARN}/DELETE/owners/1`;
    const result = await handler(tokenEvent(`Bearer ${mint(key)}`, arn), lambdaContext());
    expect(evaluatePolicy(result, arn)).toBe('Deny');
    expect(logs()[0]).toMatchObject({ decision: 'deny', reason: 'ROUTE_NOT_ALLOWED' });
  });

  it('denies a path parameter ending in a line break under an admin-only rule, in both policy modes', async () => {
    for (const policyMode of ['api', 'method'] as const) {
      const { handler, logs } = setup({
        routes: { 'DELETE /admin/users/{id}': ['admin'] },
        unmatchedRoutes: 'allow',
        policyMode,
      });
      for (const id of ['42\n', '42\r', '42\u2028']) {
        const arn = `${STAGE_ARN}/DELETE/admin/users/${id}`;
        const result = await handler(tokenEvent(`Bearer ${mint(key)}`, arn), lambdaContext());
        expect(evaluatePolicy(result, arn), `${policyMode} ${JSON.stringify(id)}`).toBe('Deny');
        expect(logs().at(-1)).toMatchObject({ decision: 'deny', reason: 'INSUFFICIENT_SCOPE' });
      }
    }
  });

  it('denies a verb outside the seven when route rules are set, reason ROUTE_NOT_ALLOWED', async () => {
    const { handler, logs } = setup({
      routes: { 'ANY /admin/{proxy+}': ['admin'] },
      unmatchedRoutes: 'allow',
    });
    const token = mint(key, { claims: { scope: 'admin' } });
    const arn = `${STAGE_ARN}/TRACE/admin/users`;
    const result = await handler(tokenEvent(`Bearer ${token}`, arn), lambdaContext());
    expect(evaluatePolicy(result, arn)).toBe('Deny');
    expect(evaluatePolicy(result, `${STAGE_ARN}/DELETE/admin/users`)).toBe('Allow');
    expect(logs()[0]).toMatchObject({ decision: 'deny', reason: 'ROUTE_NOT_ALLOWED' });
  });

  it('denies every route when a globally required scope is missing', async () => {
    const { handler } = setup({ requiredScopes: ['admin'] });
    const result = await handler(tokenEvent(`Bearer ${mint(key)}`), lambdaContext());
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Deny');
  });

  it('rejects a malformed methodArn with an error that is not Unauthorized (500)', async () => {
    const { handler, logs } = setup();
    const error = await rejection(handler(tokenEvent(`Bearer ${mint(key)}`, 'not-an-arn'), lambdaContext()));
    expect(error.message).not.toBe('Unauthorized');
    expect(logs()[0]).toMatchObject({ decision: 'error', reason: 'EVENT_INVALID' });
  });
});

describe('REST REQUEST events', () => {
  it.each([
    ['Authorization', 'headers'],
    ['authorization', 'headers'],
    ['AUTHORIZATION', 'headers'],
    ['Authorization', 'multiValueHeaders'],
  ])('reads the %s header from %s', async (name, where) => {
    const { handler, logs } = setup();
    const value = `Bearer ${mint(key)}`;
    const event =
      where === 'headers'
        ? requestEvent({ headers: { [name]: value } })
        : requestEvent({ multiValueHeaders: { [name]: [value] } });
    const result = await handler(event, lambdaContext());
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
    expect(logs()[0]).toMatchObject({ decision: 'allow', eventKind: 'request' });
  });

  it('rejects a request without an Authorization header with Unauthorized, reason TOKEN_MISSING', async () => {
    const { handler } = setup();
    const error = await rejection(handler(requestEvent({ headers: { accept: '*/*' } }), lambdaContext()));
    expect(error.message).toBe('Unauthorized');
    expect(error.cause?.code).toBe('TOKEN_MISSING');
  });

  it('rejects two different Authorization values with Unauthorized, reason TOKEN_MALFORMED', async () => {
    const { handler, logs } = setup();
    const event = requestEvent({
      headers: { Authorization: `Bearer ${mint(key)}` },
      multiValueHeaders: { Authorization: [`Bearer ${mint(key, { claims: { sub: 'other' } })}`] },
    });
    const error = await rejection(handler(event, lambdaContext()));
    expect(error.message).toBe('Unauthorized');
    expect(error.cause?.code).toBe('TOKEN_MALFORMED');
    expect(logs()).toEqual([
      expect.objectContaining({ decision: 'unauthorized', reason: 'TOKEN_MALFORMED', eventKind: 'request' }),
    ]);
  });
});

describe('HTTP API payload 2.0 events', () => {
  it('answers a valid token with the simple response by default', async () => {
    const { handler, logs } = setup();
    const result = await handler(
      httpApiEvent({ headers: { authorization: `Bearer ${mint(key)}` } }),
      lambdaContext(),
    );
    expect(result).toEqual({ isAuthorized: true, context: { sub: 'user-123', scope: 'read:pets' } });
    expect(logs()[0]).toMatchObject({ decision: 'allow', eventKind: 'http-v2' });
  });

  it('answers an IAM policy for the routeArn when configured with iam', async () => {
    const { handler } = setup({}, 'iam');
    const result = await handler(
      httpApiEvent({ headers: { authorization: `Bearer ${mint(key)}` } }),
      lambdaContext(),
    );
    expect(evaluatePolicy(result, ROUTE_ARN)).toBe('Allow');
    expect(result).toHaveProperty('principalId', 'user-123');
  });

  it('answers an invalid token with { isAuthorized: false }, logging the reason code', async () => {
    const { handler, logs } = setup();
    const wrongAudience = mint(key, { claims: { aud: 'https://other.example.com' } });
    const result = await handler(
      httpApiEvent({ headers: { authorization: `Bearer ${wrongAudience}` } }),
      lambdaContext(),
    );
    expect(result).toEqual({ isAuthorized: false });
    expect(logs()[0]).toMatchObject({
      decision: 'unauthorized',
      reason: 'AUDIENCE_INVALID',
      eventKind: 'http-v2',
    });
  });

  it('answers a missing token with { isAuthorized: false }', async () => {
    const { handler, logs } = setup();
    expect(await handler(httpApiEvent({}), lambdaContext())).toEqual({ isAuthorized: false });
    expect(logs()[0]).toMatchObject({ decision: 'unauthorized', reason: 'TOKEN_MISSING' });
  });

  it('answers two different Authorization headers with { isAuthorized: false }, logging TOKEN_MALFORMED', async () => {
    const { handler, logs } = setup();
    const event = httpApiEvent({ headers: { authorization: `Bearer ${mint(key)}` } });
    const result = await handler(
      { ...event, headers: { ...event.headers, Authorization: 'Bearer other' } },
      lambdaContext(),
    );
    expect(result).toEqual({ isAuthorized: false });
    expect(logs()).toEqual([
      expect.objectContaining({ decision: 'unauthorized', reason: 'TOKEN_MALFORMED', eventKind: 'http-v2' }),
    ]);
  });

  it('rejects an invalid token with Unauthorized when configured with iam', async () => {
    const { handler } = setup({}, 'iam');
    const error = await rejection(
      handler(httpApiEvent({ headers: { authorization: 'Bearer x.y.z' } }), lambdaContext()),
    );
    expect(error.message).toBe('Unauthorized');
    expect(error.cause?.code).toBe('TOKEN_MALFORMED');
  });

  it('answers { isAuthorized: false } when the token lacks the route scope', async () => {
    const { handler, logs } = setup({ routes: { 'GET /pets': ['read:pets', 'list:pets'] } });
    const result = await handler(
      httpApiEvent({ headers: { authorization: `Bearer ${mint(key)}` } }),
      lambdaContext(),
    );
    expect(result).toEqual({ isAuthorized: false, context: { sub: 'user-123', scope: 'read:pets' } });
    expect(logs()[0]).toMatchObject({ decision: 'deny', missingScopes: ['list:pets'] });
  });
});

describe('WebSocket $connect events', () => {
  const connectPolicy = (effect: 'Allow' | 'Deny') => ({
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: [CONNECT_ARN] }],
  });

  it('allows $connect for a token in the query string, with the context the connection keeps', async () => {
    const { handler, logs } = setup({}, undefined, 'query:token,protocol');
    const result = await handler(webSocketConnectEvent({ query: { token: mint(key) } }), lambdaContext());
    expect(result).toEqual({
      principalId: 'user-123',
      policyDocument: connectPolicy('Allow'),
      context: { sub: 'user-123', scope: 'read:pets' },
    });
    expect(logs()).toEqual([
      expect.objectContaining({ decision: 'allow', reason: 'OK', eventKind: 'request' }),
    ]);
  });

  it('allows $connect for a token offered as the subprotocol after "jwt"', async () => {
    const { handler } = setup({}, undefined, 'query:token,protocol');
    const event = webSocketConnectEvent({ headers: { 'Sec-WebSocket-Protocol': `jwt, ${mint(key)}` } });
    expect(await handler(event, lambdaContext())).toMatchObject({ policyDocument: connectPolicy('Allow') });
  });

  it('applies a $connect rule: 403 without its scope, reason INSUFFICIENT_SCOPE', async () => {
    const { handler, logs } = setup(
      { routes: { 'GET /pets': ['read:pets'], $connect: ['chat'] } },
      undefined,
      'protocol',
    );
    const event = webSocketConnectEvent({ headers: { 'Sec-WebSocket-Protocol': `jwt, ${mint(key)}` } });
    expect(await handler(event, lambdaContext())).toMatchObject({ policyDocument: connectPolicy('Deny') });
    expect(logs()).toEqual([expect.objectContaining({ decision: 'deny', reason: 'INSUFFICIENT_SCOPE' })]);
  });

  it('denies $connect past the 8 KB result limit, reason RESULT_TOO_LARGE', async () => {
    const { handler, logs } = setup(
      { contextClaims: ['profile'], maxTokenBytes: 32_768 },
      undefined,
      'query:token',
    );
    const token = mint(key, { claims: { profile: 'p'.repeat(9000) } });
    const result = await handler(webSocketConnectEvent({ query: { token } }), lambdaContext());
    expect(result).toEqual({ principalId: 'user-123', policyDocument: connectPolicy('Deny'), context: {} });
    expect(logs()).toEqual([expect.objectContaining({ decision: 'deny', reason: 'RESULT_TOO_LARGE' })]);
  });

  it('rejects $connect without a token with Unauthorized (401), reason TOKEN_MISSING', async () => {
    const { handler, logs } = setup({}, undefined, 'query:token,protocol');
    const err = await rejection(handler(webSocketConnectEvent({}), lambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(logs()).toEqual([expect.objectContaining({ decision: 'unauthorized', reason: 'TOKEN_MISSING' })]);
  });

  it('rejects $connect with two different tokens with Unauthorized (401), reason TOKEN_MALFORMED', async () => {
    const { handler, logs } = setup({}, undefined, 'query:token,protocol');
    const event = webSocketConnectEvent({
      query: { token: mint(key) },
      headers: { 'Sec-WebSocket-Protocol': `jwt, ${mint(key, { claims: { sub: 'other' } })}` },
    });
    const err = await rejection(handler(event, lambdaContext()));
    expect(err.message).toBe('Unauthorized');
    expect(logs()).toEqual([
      expect.objectContaining({ decision: 'unauthorized', reason: 'TOKEN_MALFORMED' }),
    ]);
  });
});

describe('failures that are not the caller’s', () => {
  it('answers unavailable keys with an error that is not Unauthorized (500), never a policy', async () => {
    const down = await startJwksServer({ kind: 'status', status: 503 });
    try {
      const lines: string[] = [];
      const authorizer = createAuthorizer({ issuer: down.issuer, audience: AUDIENCE });
      const handler = createAuthorizerHandler({ authorizer, log: { write: (line) => lines.push(line) } });
      const token = createMinter(down.issuer, AUDIENCE)(key);
      for (const event of [
        tokenEvent(`Bearer ${token}`),
        requestEvent({ headers: { Authorization: `Bearer ${token}` } }),
        httpApiEvent({ headers: { authorization: `Bearer ${token}` } }),
      ]) {
        const error = await rejection(handler(event, lambdaContext()));
        expect(error.message).not.toBe('Unauthorized');
        expect(error.cause?.code).toBe('JWKS_UNAVAILABLE');
      }
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged.map((line) => [line.decision, line.reason, line.level])).toEqual([
        ['error', 'JWKS_UNAVAILABLE', 'error'],
        ['error', 'JWKS_UNAVAILABLE', 'error'],
        ['error', 'JWKS_UNAVAILABLE', 'error'],
      ]);
      expect(logged[0]?.error).toContain('answered 503');
    } finally {
      await down.close();
    }
  });

  it('rejects an event that is no authorizer event with EVENT_INVALID (500)', async () => {
    const { handler, logs } = setup();
    const error = await rejection(handler({ httpMethod: 'GET', path: '/pets' }, lambdaContext()));
    expect(error.message).not.toBe('Unauthorized');
    expect(logs()[0]).toMatchObject({ decision: 'error', reason: 'EVENT_INVALID' });
    expect(logs()[0]).not.toHaveProperty('eventKind');
  });
});

describe('decision lines', () => {
  it('writes one line per invocation with its own outcome when invocations overlap', async () => {
    const { handler, logs } = setup({ routes: { 'GET /pets': ['read:pets'], 'POST /pets': ['write:pets'] } });
    const valid = `Bearer ${mint(key)}`;
    const expired = `Bearer ${mint(key, { claims: { iat: 1_000_000, exp: 1_000_600 } })}`;
    const cases: [string, unknown, string, string][] = [
      ['allow', tokenEvent(valid), 'allow', 'OK'],
      ['scope', tokenEvent(valid, `${STAGE_ARN}/POST/pets`), 'deny', 'INSUFFICIENT_SCOPE'],
      ['expired', httpApiEvent({ headers: { authorization: expired } }), 'unauthorized', 'TOKEN_EXPIRED'],
      ['missing', httpApiEvent({}), 'unauthorized', 'TOKEN_MISSING'],
      ['malformed', tokenEvent('Bearer a.b.c'), 'unauthorized', 'TOKEN_MALFORMED'],
      ['route', tokenEvent(valid, `${STAGE_ARN}/DELETE/owners`), 'deny', 'ROUTE_NOT_ALLOWED'],
    ];
    await Promise.allSettled(cases.map(([id, event]) => handler(event, lambdaContext(id))));
    const byId = new Map(logs().map((line) => [line.requestId, [line.decision, line.reason]]));
    expect(logs()).toHaveLength(cases.length);
    for (const [id, , decision, reason] of cases)
      expect([id, byId.get(id)]).toEqual([id, [decision, reason]]);
  });

  it('logs nothing from an earlier invocation when the same context object is reused', async () => {
    const { handler, logs } = setup();
    const context = lambdaContext('reused');
    await handler(tokenEvent(`Bearer ${mint(key)}`), context);
    expect(await handler(httpApiEvent({}), context)).toEqual({ isAuthorized: false });
    await handler(httpApiEvent({ headers: { authorization: `Bearer ${mint(key)}` } }), context);
    const lines = logs();
    expect(lines.map((line) => [line.decision, line.reason, line.kid])).toEqual([
      ['allow', 'OK', 'key-1'],
      ['unauthorized', 'TOKEN_MISSING', undefined],
      ['allow', 'OK', 'key-1'],
    ]);
    expect(lines[1]).not.toHaveProperty('subHash');
  });

  it('writes each line as canonical JSON carrying the EMF block', async () => {
    const lines: string[] = [];
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUDIENCE });
    const handler = createAuthorizerHandler({ authorizer, log: { write: (line) => lines.push(line) } });
    await handler(tokenEvent(`Bearer ${mint(key)}`), lambdaContext('emf'));
    await rejection(handler(tokenEvent(undefined), lambdaContext('emf-401')));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(JSON.stringify(parsed)).toBe(line);
      expect(parsed).toMatchObject({
        Decisions: 1,
        Latency: parsed.latencyMs,
        _aws: { CloudWatchMetrics: [{ Namespace: 'JwtAuthorizer', Dimensions: [['decision']] }] },
      });
    }
  });
});

describe('overlapping invocations sharing one context object', () => {
  // Local runners, tests and some emulators pass one context object to concurrent invocations.
  // The JWKS fetch is held until both invocations have started, so their verifications interleave.
  function setupGated() {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const body = new TextEncoder().encode(JSON.stringify(jwksOf(key)));
    const fetcher = {
      fetch: async () => {
        await gate;
        return body.buffer.slice(0);
      },
    };
    const lines: string[] = [];
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUDIENCE,
      jwksUri: server.jwksUri,
      routes: { 'GET /admin': ['admin'], 'GET /public': [] },
      jwks: { fetcher },
    });
    const handler = createAuthorizerHandler({ authorizer, log: { write: (line) => lines.push(line) } });
    const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { handler, logs, release };
  }

  const alice = () => `Bearer ${mint(key, { claims: { sub: 'alice', scope: 'read:pets' } })}`;
  const bob = () => `Bearer ${mint(key, { claims: { sub: 'bob', scope: 'admin' } })}`;

  it("gives each invocation its own token's principal and decision", async () => {
    const { handler, logs, release } = setupGated();
    const shared = lambdaContext('shared');
    const pending = [
      handler(tokenEvent(alice(), `${STAGE_ARN}/GET/admin`), shared),
      handler(tokenEvent(bob(), `${STAGE_ARN}/GET/public`), shared),
    ];
    release();
    const [forAlice, forBob] = await Promise.all(pending);
    expect(forAlice).toHaveProperty('principalId', 'alice');
    expect(evaluatePolicy(forAlice, `${STAGE_ARN}/GET/admin`)).toBe('Deny');
    expect(forBob).toHaveProperty('principalId', 'bob');
    expect(evaluatePolicy(forBob, `${STAGE_ARN}/GET/public`)).toBe('Allow');
    expect(
      logs()
        .map((line) => `${line.decision} ${line.reason}`)
        .sort(),
    ).toEqual(['allow OK', 'deny INSUFFICIENT_SCOPE']);
    expect(new Set(logs().map((line) => line.subHash)).size).toBe(2);
  });

  it('keeps a refusal and an Allow apart, and never reads what the shared object carries', async () => {
    const { handler, logs, release } = setupGated();
    const spoofed = { claims: { sub: 'bob', scope: 'admin' }, scopes: ['admin'], issuer: server.issuer };
    const shared = Object.assign(lambdaContext('shared'), {
      jwt: spoofed,
      authorizerEvent: { kind: 'token', arn: `${STAGE_ARN}/GET/admin` },
      authorizerRejection: undefined,
    });
    const pending = [
      rejection(handler(tokenEvent('Bearer a.b.c', `${STAGE_ARN}/GET/admin`), shared)),
      handler(tokenEvent(bob(), `${STAGE_ARN}/GET/public`), shared),
      handler(httpApiEvent({}), shared),
    ];
    release();
    const [refused, forBob, anonymous] = await Promise.all(pending);
    expect((refused as Awaited<ReturnType<typeof rejection>>).cause?.code).toBe('TOKEN_MALFORMED');
    expect(forBob).toHaveProperty('principalId', 'bob');
    expect(anonymous).toEqual({ isAuthorized: false });
    expect(
      logs()
        .map((line) => `${line.decision} ${line.reason}`)
        .sort(),
    ).toEqual(['allow OK', 'unauthorized TOKEN_MALFORMED', 'unauthorized TOKEN_MISSING']);
    expect(shared.jwt).toBe(spoofed);
  });
});

describe('Cognito access tokens (JWT_CLIENT_ID)', () => {
  it('allows an access token of the configured app client and refuses another client with 401', async () => {
    const { handler, logs } = setup({ audience: undefined, clientId: 'app-client-1' });
    const cognito = (clientId: string) =>
      mint(key, { claims: { aud: undefined, token_use: 'access', client_id: clientId, scope: 'read:pets' } });
    const result = await handler(
      tokenEvent(`Bearer ${cognito('app-client-1')}`),
      lambdaContext('req-cognito'),
    );
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
    const refused = await rejection(
      handler(tokenEvent(`Bearer ${cognito('app-client-9')}`), lambdaContext('req-other')),
    );
    expect(refused.message).toBe('Unauthorized');
    expect(logs().map((line) => [line.decision, line.reason])).toEqual([
      ['allow', 'OK'],
      ['unauthorized', 'AUDIENCE_INVALID'],
    ]);
  });
});

describe('handler options', () => {
  const authorizer = () => createAuthorizer({ issuer: 'https://tenant.example.com/', audience: AUDIENCE });

  it.each([
    [
      'httpApiResponses',
      { httpApiResponses: 'iam' },
      'unknown option `httpApiResponses`; did you mean `httpApiResponse`?',
    ],
    ['logs', { logs: {} }, 'unknown option `logs`; did you mean `log`?'],
    [
      'log.writer',
      { log: { writer: () => undefined } },
      'unknown option `log.writer`; did you mean `log.write`?',
    ],
    [
      'log.metricNamespace',
      { log: { metricNamespace: 'X' } },
      'unknown option `log.metricNamespace`; did you mean `log.metricsNamespace`?',
    ],
    [
      'tokenSources',
      { tokenSources: 'protocol' },
      'unknown option `tokenSources`; did you mean `tokenSource`?',
    ],
    [
      'an httpApiResponse outside simple and iam',
      { httpApiResponse: 'full' },
      'httpApiResponse must be "simple" or "iam", got "full"',
    ],
  ])('refuses %s with CONFIG_INVALID, naming the closest known option', (_name, options, message) => {
    expect(() => createAuthorizerHandler({ authorizer: authorizer(), ...options } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message }),
    );
  });
});
