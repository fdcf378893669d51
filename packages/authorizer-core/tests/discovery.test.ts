import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoveryUrl, readDiscoveryDocument } from '../src/discovery.js';
import { type AuthorizerOptions, createAuthorizer, KeysUnavailableError } from '../src/index.js';
import { createMinter, generateTestKey, jwksOf } from './helpers/index.js';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/** A real identity provider on 127.0.0.1 whose answers per path each test sets. */
let origin = '';
let routes: Record<string, (req: IncomingMessage) => Answer> = {};
let hits: string[] = [];
const sockets = new Set<Socket>();
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  hits.push(req.url ?? '');
  const answer = routes[req.url ?? '']?.(req) ?? { status: 404 };
  if (answer === 'hang') return;
  const body =
    answer.body === undefined
      ? ''
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(body);
});
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

const key = generateTestKey('RS256', 'disc-1');
const AUD = 'https://api.example.com';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  hits = [];
  routes = {};
});

/** A provider like oidc-provider or Keycloak: discovery document, keys at a non-default path. */
function provider(issuer: string, jwksPath = '/oauth/keys') {
  routes['/.well-known/openid-configuration'] = () => ({
    status: 200,
    body: { issuer, jwks_uri: `${origin}${jwksPath}`, authorization_endpoint: `${origin}/auth` },
  });
  routes[jwksPath] = () => ({ status: 200, body: jwksOf(key) });
}

function authorizer(issuer: string, options: Partial<AuthorizerOptions> = {}) {
  return createAuthorizer({ issuer, audience: AUD, jwks: { cooldownMs: 0, timeoutMs: 500 }, ...options });
}

async function failure(promise: Promise<unknown>): Promise<KeysUnavailableError> {
  const err = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(err).toBeInstanceOf(KeysUnavailableError);
  return err as KeysUnavailableError;
}

describe('OpenID discovery', () => {
  it('finds the keys through the discovery document when no jwksUri is set, once per container', async () => {
    provider(`${origin}/`);
    const auth = authorizer(`${origin}/`);
    const mint = createMinter(`${origin}/`, AUD);
    await expect(auth.verify(mint(key))).resolves.toMatchObject({ claims: { sub: 'user-123' } });
    await expect(auth.verify(mint(key, { claims: { sub: 'other' } }))).resolves.toBeDefined();
    expect(hits).toEqual(['/.well-known/openid-configuration', '/oauth/keys']);
  });

  it.each([
    ['with', '/'],
    ['without', ''],
  ])(
    'builds the discovery URL for an issuer %s a trailing slash, and accepts either form in the document',
    async (_, slash) => {
      expect(discoveryUrl(`${origin}${slash}`)).toBe(`${origin}/.well-known/openid-configuration`);
      expect(discoveryUrl(`${origin}/tenant${slash}`)).toBe(
        `${origin}/tenant/.well-known/openid-configuration`,
      );
      provider(slash === '/' ? origin : `${origin}/`);
      await authorizer(`${origin}${slash}`).hydrate();
      expect(hits).toEqual(['/.well-known/openid-configuration', '/oauth/keys']);
    },
  );

  it('shares one discovery request and one JWKS request among concurrent callers', async () => {
    provider(`${origin}/`);
    const auth = authorizer(`${origin}/`);
    const mint = createMinter(`${origin}/`, AUD);
    await Promise.all([
      auth.verify(mint(key)),
      auth.hydrate(),
      auth.verify(mint(key, { claims: { sub: 'b' } })),
    ]);
    expect(hits).toEqual(['/.well-known/openid-configuration', '/oauth/keys']);
  });

  it('skips discovery when jwksUri is set', async () => {
    provider(`${origin}/`);
    await authorizer(`${origin}/`, { jwksUri: `${origin}/oauth/keys` }).hydrate();
    expect(hits).toEqual(['/oauth/keys']);
  });

  it('refuses a discovery document naming another issuer, saying both values', async () => {
    provider('https://elsewhere.example.com/');
    const err = await failure(authorizer(`${origin}/`).hydrate());
    expect(err.code).toBe('JWKS_INVALID');
    expect(err.message).toContain('"https://elsewhere.example.com/"');
    expect(err.message).toContain(`"${origin}/"`);
    expect(hits).toEqual(['/.well-known/openid-configuration']);
  });

  it('quotes a hostile issuer of the document on one line and cuts it short', async () => {
    provider(`evil\n${'x'.repeat(1000)}`);
    const err = await failure(authorizer(`${origin}/`).hydrate());
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain('"evil\\nxxx');
    expect(err.message.length).toBeLessThan(600);
  });

  it.each([
    [
      'a jwks_uri over plain http to another host',
      { jwks_uri: 'http://keys.example.com/jwks' },
      'must use https',
    ],
    ['no jwks_uri', {}, 'has no jwks_uri'],
    ['a jwks_uri that is not a URL', { jwks_uri: 'keys' }, 'must be an absolute URL'],
  ])('refuses a discovery document with %s', async (_, fields, message) => {
    routes['/.well-known/openid-configuration'] = () => ({
      status: 200,
      body: { issuer: `${origin}/`, ...fields },
    });
    const err = await failure(authorizer(`${origin}/`).hydrate());
    expect(err.code).toBe('JWKS_INVALID');
    expect(err.message).toContain(message);
  });

  it.each([
    ['not JSON', 'not json', 'is not JSON'],
    ['a JSON array', [], 'is not a JSON object'],
  ])('refuses a discovery document that is %s', async (_, body, message) => {
    routes['/.well-known/openid-configuration'] = () => ({ status: 200, body });
    const err = await failure(authorizer(`${origin}/`).hydrate());
    expect(err).toMatchObject({ code: 'JWKS_INVALID', message: expect.stringContaining(message) });
  });

  it('falls back to {issuer}/.well-known/jwks.json only when discovery answers 404', async () => {
    routes['/.well-known/jwks.json'] = () => ({ status: 200, body: jwksOf(key) });
    const auth = authorizer(`${origin}/`);
    await expect(auth.verify(createMinter(`${origin}/`, AUD)(key))).resolves.toBeDefined();
    expect(hits).toEqual(['/.well-known/openid-configuration', '/.well-known/jwks.json']);
  });

  it('names both URLs and says to set JWKS_URI when neither discovery nor the default path works', async () => {
    const err = await failure(authorizer(`${origin}/`).hydrate());
    expect(err.code).toBe('JWKS_UNAVAILABLE');
    expect(err.message).toContain(`${origin}/.well-known/openid-configuration answered 404`);
    expect(err.message).toContain(`${origin}/.well-known/jwks.json`);
    expect(err.message).toContain('set JWKS_URI');
    const token = createMinter(`${origin}/`, AUD)(key);
    const onVerify = await failure(authorizer(`${origin}/`).verify(token));
    expect(onVerify.message).toContain('set JWKS_URI');
  });

  it('says the keys may be elsewhere when a configured default JWKS path answers 404', async () => {
    const err = await failure(
      authorizer(`${origin}/`, { jwksUri: `${origin}/.well-known/jwks.json` }).hydrate(),
    );
    expect(err.message).toContain('answered 404');
    expect(err.message).toContain('the provider may publish its keys elsewhere');
    expect(err.message).toContain('rely on OpenID discovery');
  });

  it.each([
    ['answers 500', () => ({ status: 500 }), 'answered 500'],
    [
      'redirects (never followed)',
      () => ({ status: 302, headers: { location: '/elsewhere' } }),
      'answered 302',
    ],
    [
      'is larger than the size cap',
      () => ({ status: 200, body: { issuer: 'x', pad: 'x'.repeat(300_000) } }),
      'larger than',
    ],
  ])('fails without falling back when discovery %s', async (_, answer, message) => {
    routes['/.well-known/openid-configuration'] = answer;
    routes['/.well-known/jwks.json'] = () => ({ status: 200, body: jwksOf(key) });
    const err = await failure(authorizer(`${origin}/`).hydrate());
    expect(err.message).toContain('OpenID discovery');
    expect(err.message).toContain(message);
    expect(err.message).toContain('set JWKS_URI');
    expect(hits).not.toContain('/.well-known/jwks.json');
    expect(hits).not.toContain('/elsewhere');
  });

  it('gives up on a discovery request after the JWKS timeout', async () => {
    routes['/.well-known/openid-configuration'] = () => 'hang';
    const started = Date.now();
    const err = await failure(authorizer(`${origin}/`, { jwks: { timeoutMs: 100 } }).hydrate());
    expect(err.message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries a failed discovery after the cool-down, not before', async () => {
    routes['/.well-known/openid-configuration'] = () => ({ status: 503 });
    const auth = createAuthorizer({ issuer: `${origin}/`, audience: AUD, jwks: { cooldownMs: 60_000 } });
    await failure(auth.hydrate());
    const afterFirst = [...hits];
    expect(afterFirst.length).toBeGreaterThan(0);
    expect(new Set(afterFirst)).toEqual(new Set(['/.well-known/openid-configuration']));
    provider(`${origin}/`);
    await failure(auth.hydrate());
    // Within the cool-down the second hydrate makes no request at all (the first attempt's count
    // is compared, not 1: the fetcher may retry a connection dropped before any answer).
    expect(hits).toEqual(afterFirst);
  });

  it('never turns a discovery failure into an Allow: the token fails with a key error', async () => {
    provider('https://elsewhere.example.com/');
    const err = await failure(
      authorizer(`${origin}/`).verifyAuthorization(`Bearer ${createMinter(`${origin}/`, AUD)(key)}`),
    );
    expect(err.code).toBe('JWKS_INVALID');
  });

  it('reads any bytes as a discovery document without failing other than with a key error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string(), (bytes, issuer) => {
        try {
          readDiscoveryDocument(
            bytes.buffer as ArrayBuffer,
            issuer,
            'https://idp.example.com/.well-known/openid-configuration',
          );
        } catch (err) {
          expect(err).toBeInstanceOf(KeysUnavailableError);
        }
      }),
    );
    const hostile = fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\t', '%0A', '*', '?', 'é', '/');
    fc.assert(
      fc.property(fc.array(fc.oneof(hostile, fc.string()), { maxLength: 5 }), (parts) => {
        const issuer = `https://idp.example.com/${parts.join('')}`;
        // One trailing slash is the tolerated difference; an issuer already ending in one is another case.
        fc.pre(!issuer.endsWith('/'));
        const body = new TextEncoder().encode(
          JSON.stringify({ issuer: `${issuer}/`, jwks_uri: 'https://idp.example.com/k' }),
        );
        // A trailing-slash difference is tolerated, nothing else.
        expect(readDiscoveryDocument(body.buffer as ArrayBuffer, issuer, 'u')).toBe(
          'https://idp.example.com/k',
        );
        const other = new TextEncoder().encode(
          JSON.stringify({ issuer: `${issuer}x`, jwks_uri: 'https://idp.example.com/k' }),
        );
        expect(() => readDiscoveryDocument(other.buffer as ArrayBuffer, issuer, 'u')).toThrow(
          KeysUnavailableError,
        );
      }),
    );
  });
});
