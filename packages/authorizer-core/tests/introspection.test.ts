import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { nowSeconds } from '@jwt-authorizer/test-fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveBoundTokenOptions } from '../src/bound-token-options.js';
import { createIntrospector, type IntrospectorContext } from '../src/introspection.js';
import { resolveOptions } from '../src/options.js';

/** A real introspection endpoint on 127.0.0.1 whose answer each test sets. */
type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let origin: string;
let answer: Answer;
let requests: Array<{
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
  method: string | undefined;
}>;
const sockets = new Set<Socket>();

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'https://api.example.com';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
        method: req.method,
      });
      answer(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const socket of sockets) socket.destroy();
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function json(body: unknown, status = 200): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

const activeAnswer = (over: Record<string, unknown> = {}) => ({
  active: true,
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'user-1',
  client_id: 'app',
  scope: 'read:pets write:pets',
  exp: nowSeconds() + 600,
  iat: nowSeconds(),
  ...over,
});

function makeIntrospector(over: Record<string, unknown> = {}, context: Partial<IntrospectorContext> = {}) {
  requests = [];
  const resolved = resolveOptions({ issuer: ISSUER, audience: AUDIENCE, clientId: 'cognito-app' });
  const { introspection } = resolveBoundTokenOptions({
    introspection: {
      url: `${origin}/introspect`,
      clientId: 'authorizer',
      clientSecret: 's3cret: &+%',
      timeoutMs: 3000,
      ...over,
    },
  });
  return createIntrospector(introspection as NonNullable<typeof introspection>, {
    issuers: resolved.issuers,
    clockSkewSeconds: 0,
    ...context,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'VERIFIED';
}

describe('introspection: the request', () => {
  it('POSTs the token as a form with client_secret_basic (form-encoded id and secret)', async () => {
    answer = json(activeAnswer());
    const introspector = makeIntrospector();
    await introspector.introspect('opaque-token+/=');
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(request?.body).get('token')).toBe('opaque-token+/=');
    const [id, secret] = Buffer.from(String(request?.authorization).slice('Basic '.length), 'base64')
      .toString()
      .split(':');
    expect(decodeURIComponent(String(id))).toBe('authorizer');
    expect(decodeURIComponent(String(secret).replace(/\+/g, ' '))).toBe('s3cret: &+%');
  });
});

describe('introspection: an active answer becomes a verified token', () => {
  it('maps sub, scope, client_id, aud, iss, exp and cnf', async () => {
    answer = json(activeAnswer({ cnf: { jkt: 'abc' } }));
    const verified = await makeIntrospector().introspect('opaque-1');
    expect(verified.claims).toMatchObject({
      sub: 'user-1',
      client_id: 'app',
      aud: AUDIENCE,
      iss: ISSUER,
      cnf: { jkt: 'abc' },
    });
    expect(verified.claims).not.toHaveProperty('active');
    expect(verified.scopes).toEqual(['read:pets', 'write:pets']);
    expect(verified.issuer).toBe(ISSUER);
    expect(verified.header).toEqual({ alg: 'introspection', kid: '' });
  });

  it('accepts an answer without aud when its client_id is a configured clientId', async () => {
    answer = json(activeAnswer({ aud: undefined, client_id: 'cognito-app' }));
    expect(await codeOf(makeIntrospector().introspect('opaque-2'))).toBe('VERIFIED');
  });
});

describe('introspection: refusals (401)', () => {
  it.each([
    ['active false', { active: false }, 'TOKEN_INACTIVE'],
    ['another issuer', activeAnswer({ iss: 'https://evil.example.com/' }), 'ISSUER_INVALID'],
    ['no issuer', activeAnswer({ iss: undefined }), 'ISSUER_INVALID'],
    ['another audience', activeAnswer({ aud: 'https://other.example.com' }), 'AUDIENCE_INVALID'],
    ['no aud and another client_id', activeAnswer({ aud: undefined }), 'AUDIENCE_INVALID'],
    ['no exp', activeAnswer({ exp: undefined }), 'EXP_MISSING'],
    ['an exp in the past', activeAnswer({ exp: nowSeconds() - 5 }), 'TOKEN_EXPIRED'],
    ['an nbf in the future', activeAnswer({ nbf: nowSeconds() + 60 }), 'TOKEN_NOT_YET_VALID'],
    ['scope as an array', activeAnswer({ scope: ['read:pets'] }), 'CLAIM_INVALID'],
    ['cnf as a string', activeAnswer({ cnf: 'x' }), 'CLAIM_INVALID'],
    ['exp as a string', activeAnswer({ exp: String(nowSeconds() + 60) }), 'CLAIM_INVALID'],
  ])('refuses an answer with %s (%s)', async (_name, body, code) => {
    answer = json(body);
    expect(await codeOf(makeIntrospector().introspect('opaque-r'))).toBe(code);
  });
});

describe('introspection: a broken endpoint is a 500, never an Allow', () => {
  it.each<[string, Answer]>([
    ['500', json({ error: 'server_error' }, 500)],
    ['401 (wrong client credentials)', json({ error: 'invalid_client' }, 401)],
    ['HTML', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>')],
    ['a JSON array', json([{ active: true }])],
    ['active as a string', json({ ...activeAnswer(), active: 'true' })],
    ['active missing', json({ ...activeAnswer(), active: undefined })],
    ['a redirect', (_req, res) => res.writeHead(302, { location: 'https://evil.example.com/' }).end()],
    [
      'an oversized body',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`{"active":true,"pad":"${'x'.repeat(70_000)}`);
        res.end('"}');
      },
    ],
    ['nothing (hangs)', () => undefined],
  ])('answers INTROSPECTION_UNAVAILABLE when the endpoint answers %s', async (_name, behaviour) => {
    answer = behaviour;
    // A short timeout for the endpoint that never answers; the others answer at once.
    expect(await codeOf(makeIntrospector({ timeoutMs: 500 }).introspect('opaque-broken'))).toBe(
      'INTROSPECTION_UNAVAILABLE',
    );
  });

  it('answers INTROSPECTION_UNAVAILABLE when nothing listens', async () => {
    const resolved = resolveOptions({ issuer: ISSUER, audience: AUDIENCE });
    const { introspection } = resolveBoundTokenOptions({
      introspection: { url: 'http://127.0.0.1:9/introspect', clientId: 'a', clientSecret: 'b' },
    });
    const introspector = createIntrospector(introspection as NonNullable<typeof introspection>, {
      issuers: resolved.issuers,
      clockSkewSeconds: 0,
    });
    expect(await codeOf(introspector.introspect('opaque'))).toBe('INTROSPECTION_UNAVAILABLE');
  });

  it('does not cache an unavailable answer: the next call asks again', async () => {
    answer = json({}, 503);
    const introspector = makeIntrospector();
    await codeOf(introspector.introspect('opaque-x'));
    answer = json(activeAnswer());
    expect(await codeOf(introspector.introspect('opaque-x'))).toBe('VERIFIED');
    expect(requests).toHaveLength(2);
  });

  it('never puts the token or the secret in its error messages', async () => {
    answer = (_req, res) => res.writeHead(200).end('not json: opaque-secret-token');
    try {
      await makeIntrospector().introspect('opaque-secret-token');
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toMatch(/opaque-secret-token|s3cret/);
      expect(String((err as Error).cause ?? '')).not.toMatch(/opaque-secret-token|s3cret/);
    }
  });
});

describe('introspection: caching and shared lookups', () => {
  it('reuses an active answer until the configured maximum, then asks again', async () => {
    answer = json(activeAnswer());
    let now = Date.now();
    const introspector = makeIntrospector({ cacheMaxSeconds: 30 }, { nowMs: () => now });
    await introspector.introspect('cached');
    await introspector.introspect('cached');
    expect(requests).toHaveLength(1);
    now += 31_000;
    await introspector.introspect('cached');
    expect(requests).toHaveLength(2);
  });

  it('never reuses an active answer past the token exp', async () => {
    let now = Date.now();
    answer = json(activeAnswer({ exp: Math.floor(now / 1000) + 5 }));
    const introspector = makeIntrospector({ cacheMaxSeconds: 300 }, { nowMs: () => now });
    await introspector.introspect('short');
    now += 6_000;
    answer = json({ active: false });
    expect(await codeOf(introspector.introspect('short'))).toBe('TOKEN_INACTIVE');
    expect(requests).toHaveLength(2);
  });

  it('reuses a refusal briefly (inactiveCacheSeconds)', async () => {
    answer = json({ active: false });
    let now = Date.now();
    const introspector = makeIntrospector({ inactiveCacheSeconds: 10 }, { nowMs: () => now });
    expect(await codeOf(introspector.introspect('revoked'))).toBe('TOKEN_INACTIVE');
    expect(await codeOf(introspector.introspect('revoked'))).toBe('TOKEN_INACTIVE');
    expect(requests).toHaveLength(1);
    now += 11_000;
    answer = json(activeAnswer());
    expect(await codeOf(introspector.introspect('revoked'))).toBe('VERIFIED');
  });

  it('shares one request among concurrent lookups of one token', async () => {
    answer = (req, res, body) => setTimeout(() => json(activeAnswer())(req, res, body), 50);
    const introspector = makeIntrospector();
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => introspector.introspect('same-token')));
    expect(requests).toHaveLength(1);
    expect(new Set(results).size).toBe(1);
    await introspector.introspect('another-token');
    expect(requests).toHaveLength(2);
  });
});
