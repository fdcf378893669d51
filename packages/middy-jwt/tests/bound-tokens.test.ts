import { type AuthorizerOptions, createAuthorizer } from '@jwt-authorizer/authorizer-core';
import {
  createClientCertificate,
  createMinter,
  type DpopKey,
  generateDpopKey,
  generateTestKey,
  httpApiEvent,
  type JwksServer,
  jwksOf,
  restEvent,
  signDpopProof,
  startJwksServer,
  thumbprintOf,
} from '@jwt-authorizer/test-fixtures';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JwtAuthOptions, type JwtHttpError, jwtAuth, jwtAuthorizer } from '../src/index.js';
import { createLambdaContext, METHOD_ARN, ROUTE_ARN, tokenEvent } from './helpers/events.js';

// Sender-constrained tokens through the middlewares: real keys, real proofs, openssl certificates.
const AUDIENCE = 'https://api.example.com';
const REST_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets/42';
const key = generateTestKey('RS256');
const proofKey = generateDpopKey('ES256');
const strangerKey = generateDpopKey('ES256');
const cert = createClientCertificate('client');
const otherCert = createClientCertificate('other');
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;
let dpopToken: string;
let mtlsToken: string;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUDIENCE);
  dpopToken = mint(key, { claims: { cnf: { jkt: thumbprintOf(proofKey) } } });
  mtlsToken = mint(key, { claims: { cnf: { 'x5t#S256': cert.thumbprint } } });
});
afterAll(() => server.close());

function proof(url = REST_URL, method = 'GET', signer: DpopKey = proofKey, token = dpopToken) {
  return signDpopProof(signer, { htm: method, htu: url, accessToken: token });
}

interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
}

function buildFunction(options: Partial<JwtAuthOptions> = {}) {
  const logged: JwtHttpError[] = [];
  const handler = middy()
    .use(httpErrorHandler({ logger: (err) => logged.push(err as JwtHttpError) }))
    .use(jwtAuth({ issuer: server.issuer, audience: AUDIENCE, hydrate: false, ...options } as JwtAuthOptions))
    .handler(async () => ({ statusCode: 200, body: 'ok' }));
  const invoke = async (event: unknown) =>
    (await handler(event as never, createLambdaContext() as never)) as HttpResult;
  return { invoke, logged };
}

function withClientCert(event: ReturnType<typeof restEvent>, pem: string) {
  return {
    ...event,
    requestContext: { ...event.requestContext, identity: { clientCert: { clientCertPem: pem } } },
  };
}

describe('jwtAuth: DPoP (RFC 9449)', () => {
  it('accepts a DPoP-bound token under the DPoP scheme with a proof for the URL the client called', async () => {
    const { invoke } = buildFunction();
    const event = restEvent({ headers: { Authorization: `DPoP ${dpopToken}`, DPoP: proof() } });
    expect((await invoke(event)).statusCode).toBe(200);
  });

  it('accepts one on an HTTP API (payload 2.0): domainName and rawPath', async () => {
    const { invoke } = buildFunction();
    const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/pets/42';
    const event = httpApiEvent({
      rawPath: '/dev/pets/42',
      stage: 'dev',
      headers: { authorization: `DPoP ${dpopToken}`, dpop: proof(url) },
    });
    expect((await invoke(event)).statusCode).toBe(200);
  });

  it('rebuilds the URL from dpop.publicBaseUrl and the API path behind a proxy or base path', async () => {
    const { invoke } = buildFunction({ dpop: { publicBaseUrl: 'https://public.example.com/shop' } });
    const event = restEvent({
      basePath: 'v1',
      headers: { Authorization: `DPoP ${dpopToken}`, DPoP: proof('https://public.example.com/shop/pets/42') },
    });
    expect((await invoke(event)).statusCode).toBe(200);
  });

  it.each<[string, () => Record<string, string> | Record<string, string[]>, string, string]>([
    [
      'no DPoP header',
      () => ({ Authorization: `DPoP ${dpopToken}` }),
      'DPOP_PROOF_INVALID',
      'invalid_dpop_proof',
    ],
    [
      'a proof for another URL',
      () => ({ Authorization: `DPoP ${dpopToken}`, DPoP: proof(`${REST_URL}/x`) }),
      'DPOP_PROOF_INVALID',
      'invalid_dpop_proof',
    ],
    [
      'a proof for another method',
      () => ({ Authorization: `DPoP ${dpopToken}`, DPoP: proof(REST_URL, 'POST') }),
      'DPOP_PROOF_INVALID',
      'invalid_dpop_proof',
    ],
    [
      'a proof by another key',
      () => ({ Authorization: `DPoP ${dpopToken}`, DPoP: proof(REST_URL, 'GET', strangerKey) }),
      'DPOP_BINDING_MISMATCH',
      'invalid_token',
    ],
    [
      'an unbound token under the DPoP scheme',
      () => {
        const plain = mint(key);
        return { Authorization: `DPoP ${plain}`, DPoP: proof(REST_URL, 'GET', proofKey, plain) };
      },
      'DPOP_BINDING_MISMATCH',
      'invalid_token',
    ],
    [
      'the bound token as Bearer',
      () => ({ Authorization: `Bearer ${dpopToken}`, DPoP: proof() }),
      'TOKEN_BOUND',
      'invalid_token',
    ],
  ])('answers 401 for %s, with a DPoP challenge', async (_name, headers, code, error) => {
    const { invoke, logged } = buildFunction();
    const response = await invoke(restEvent({ headers: headers() as Record<string, string> }));
    expect(response.statusCode).toBe(401);
    expect(logged[0]?.code).toBe(code);
    expect(response.headers?.['WWW-Authenticate']).toBe(
      `DPoP realm="api", error="${error}", algs="ES256 ES384 ES512 RS256 RS384 RS512 EdDSA"`,
    );
  });

  it('answers 401 DPOP_REPLAYED for a proof sent twice', async () => {
    const { invoke, logged } = buildFunction();
    const event = restEvent({ headers: { Authorization: `DPoP ${dpopToken}`, DPoP: proof() } });
    expect((await invoke(event)).statusCode).toBe(200);
    expect((await invoke(event)).statusCode).toBe(401);
    expect(logged[0]?.code).toBe('DPOP_REPLAYED');
  });

  it('refuses two different DPoP headers', async () => {
    const { invoke, logged } = buildFunction();
    const event = restEvent({
      headers: { Authorization: `DPoP ${dpopToken}` },
      multiValueHeaders: { DPoP: [proof(), proof()] },
    });
    expect((await invoke(event)).statusCode).toBe(401);
    expect(logged[0]?.code).toBe('DPOP_PROOF_INVALID');
  });

  it('refuses a DPoP-bound token read from a cookie (TOKEN_BOUND): a cookie is a bearer credential', async () => {
    const { invoke, logged } = buildFunction({ tokenSource: { cookie: 'session' } });
    const response = await invoke(restEvent({ headers: { Cookie: `session=${dpopToken}`, DPoP: proof() } }));
    expect(response.statusCode).toBe(401);
    expect(logged[0]?.code).toBe('TOKEN_BOUND');
  });

  it('answers 403 with a DPoP challenge for a DPoP request lacking a scope', async () => {
    const { invoke } = buildFunction({ requiredScopes: ['admin'] });
    const response = await invoke(
      restEvent({ headers: { Authorization: `DPoP ${dpopToken}`, DPoP: proof() } }),
    );
    expect(response.statusCode).toBe(403);
    expect(response.headers?.['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", error="insufficient_scope", scope="admin", algs="/,
    );
  });
});

describe('jwtAuth: certificate-bound tokens (RFC 8705)', () => {
  it('accepts the token with its certificate (REST identity.clientCert)', async () => {
    const { invoke } = buildFunction();
    const event = withClientCert(restEvent({ headers: { Authorization: `Bearer ${mtlsToken}` } }), cert.pem);
    expect((await invoke(event)).statusCode).toBe(200);
  });

  it('accepts it on an HTTP API (authentication.clientCert)', async () => {
    const { invoke } = buildFunction();
    const base = httpApiEvent({ headers: { authorization: `Bearer ${mtlsToken}` } });
    const event = {
      ...base,
      requestContext: { ...base.requestContext, authentication: { clientCert: { clientCertPem: cert.pem } } },
    };
    expect((await invoke(event)).statusCode).toBe(200);
  });

  it.each([
    ['another certificate', (e: ReturnType<typeof restEvent>) => withClientCert(e, otherCert.pem)],
    ['no certificate', (e: ReturnType<typeof restEvent>) => e],
  ])('answers 401 CERTIFICATE_MISMATCH with %s', async (_name, decorate) => {
    const { invoke, logged } = buildFunction();
    const response = await invoke(decorate(restEvent({ headers: { Authorization: `Bearer ${mtlsToken}` } })));
    expect(response.statusCode).toBe(401);
    expect(logged[0]?.code).toBe('CERTIFICATE_MISMATCH');
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token"');
  });

  it('senderConstrained required: an unbound token gets 401 TOKEN_UNBOUND', async () => {
    const { invoke, logged } = buildFunction({ senderConstrained: 'required' });
    expect((await invoke(restEvent({ headers: { Authorization: `Bearer ${mint(key)}` } }))).statusCode).toBe(
      401,
    );
    expect(logged[0]?.code).toBe('TOKEN_UNBOUND');
  });
});

// jwtAuthorizer: REST REQUEST and HTTP API authorizer events.
function authorizerHandler(
  extra: Partial<AuthorizerOptions> = {},
  httpApiResponse: 'simple' | 'iam' = 'simple',
) {
  const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUDIENCE, ...extra });
  return middy()
    .use(jwtAuthorizer({ authorizer, hydrate: false, httpApiResponse }))
    .handler(async (_event: unknown, context) =>
      context.authorizerEvent.kind === 'http-v2' && httpApiResponse === 'simple'
        ? authorizer.authorizeSimple(context.jwt, context.authorizerEvent.arn).result
        : authorizer.authorize(context.jwt, context.authorizerEvent.arn).result,
    );
}

function restRequestEvent(headers: Record<string, string>, requestContext: Record<string, unknown> = {}) {
  return {
    type: 'REQUEST' as const,
    methodArn: METHOD_ARN,
    resource: '/pets/{id}',
    path: '/pets/42',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: null,
    pathParameters: { id: '42' },
    requestContext: {
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      path: '/prod/pets/42',
      httpMethod: 'GET',
      stage: 'prod',
      ...requestContext,
    },
  };
}

function httpV2Event(headers: Record<string, string>, requestContext: Record<string, unknown> = {}) {
  return {
    version: '2.0',
    type: 'REQUEST' as const,
    routeArn: ROUTE_ARN,
    routeKey: 'GET /pets/{id}',
    rawPath: '/pets/42',
    headers,
    pathParameters: { id: '42' },
    requestContext: {
      domainName: 'api.example.com',
      http: { method: 'GET', path: '/pets/42' },
      stage: '$default',
      ...requestContext,
    },
  };
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    const result = (await promise) as {
      isAuthorized?: boolean;
      policyDocument?: { Statement: { Effect: string }[] };
    };
    return result.isAuthorized ?? result.policyDocument?.Statement[0]?.Effect;
  } catch (err) {
    const code =
      (err as { code?: string }).code ?? ((err as Error).cause as { code?: string } | undefined)?.code;
    return `${(err as Error).message}:${String(code)}`;
  }
}

describe('jwtAuthorizer: DPoP and certificate-bound tokens', () => {
  it('allows a REST REQUEST event with a DPoP-bound token and its proof', async () => {
    const event = restRequestEvent({ Authorization: `DPoP ${dpopToken}`, DPoP: proof() });
    expect(await outcome(authorizerHandler()(event as never, createLambdaContext()))).toBe('Allow');
  });

  it('refuses a REST REQUEST event with a proof for another URL (401)', async () => {
    const event = restRequestEvent({ Authorization: `DPoP ${dpopToken}`, DPoP: proof(`${REST_URL}/other`) });
    expect(await outcome(authorizerHandler()(event as never, createLambdaContext()))).toBe(
      'Unauthorized:DPOP_PROOF_INVALID',
    );
  });

  it('allows an HTTP API event with a DPoP proof and answers { isAuthorized: false } to a replay', async () => {
    const handler = authorizerHandler();
    const event = httpV2Event({
      authorization: `DPoP ${dpopToken}`,
      dpop: proof('https://api.example.com/pets/42'),
    });
    expect(await outcome(handler(event as never, createLambdaContext()))).toBe(true);
    expect(await outcome(handler(event as never, createLambdaContext()))).toBe(false);
  });

  it('checks the HTTP API client certificate (authentication.clientCert)', async () => {
    const handler = authorizerHandler({}, 'iam');
    const good = httpV2Event(
      { authorization: `Bearer ${mtlsToken}` },
      { authentication: { clientCert: { clientCertPem: cert.pem } } },
    );
    const bad = httpV2Event(
      { authorization: `Bearer ${mtlsToken}` },
      { authentication: { clientCert: { clientCertPem: otherCert.pem } } },
    );
    expect(await outcome(handler(good as never, createLambdaContext()))).toBe('Allow');
    expect(await outcome(handler(bad as never, createLambdaContext()))).toBe(
      'Unauthorized:CERTIFICATE_MISMATCH',
    );
  });

  it('checks the REST client certificate (identity.clientCert)', async () => {
    const event = restRequestEvent(
      { Authorization: `Bearer ${mtlsToken}` },
      { identity: { clientCert: { clientCertPem: cert.pem } } },
    );
    expect(await outcome(authorizerHandler()(event as never, createLambdaContext()))).toBe('Allow');
  });

  it('refuses a DPoP-bound token read from the query (tokenSource): it is a bearer credential', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUDIENCE });
    const handler = middy()
      .use(jwtAuthorizer({ authorizer, hydrate: false, tokenSource: { query: 'token' } }))
      .handler(
        async (_event: unknown, context) =>
          authorizer.authorize(context.jwt, context.authorizerEvent.arn).result,
      );
    const event = { ...restRequestEvent({ DPoP: proof() }), queryStringParameters: { token: dpopToken } };
    expect(await outcome(handler(event as never, createLambdaContext()))).toBe('Unauthorized:TOKEN_BOUND');
    const plain = { ...restRequestEvent({}), queryStringParameters: { token: mint(key) } };
    expect(await outcome(handler(plain as never, createLambdaContext()))).toBe('Allow');
  });

  it('refuses a bound token in a TOKEN event: it carries no proof and no certificate', async () => {
    const handler = authorizerHandler();
    expect(await outcome(handler(tokenEvent(`Bearer ${dpopToken}`) as never, createLambdaContext()))).toBe(
      'Unauthorized:TOKEN_BOUND',
    );
    expect(await outcome(handler(tokenEvent(`DPoP ${dpopToken}`) as never, createLambdaContext()))).toBe(
      'Unauthorized:DPOP_PROOF_INVALID',
    );
  });

  it('fails a TOKEN event with senderConstrained required as a configuration error (500), naming the fix', async () => {
    const handler = authorizerHandler({ senderConstrained: 'required' });
    const failure = await outcome(handler(tokenEvent(`Bearer ${mint(key)}`) as never, createLambdaContext()));
    expect(failure).toMatch(/^senderConstrained "required" needs a REQUEST authorizer.*:CONFIG_INVALID$/);
  });
});
