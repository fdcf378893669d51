import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeysUnavailableError, type ResolvedIssuer, TokenError } from '../src/index.js';
import { resolveOptions } from '../src/internal.js';
import { IssuerKeys } from '../src/issuer-keys.js';
import { generateTestKey, jwksOf } from './helpers/index.js';

/** A real identity provider on 127.0.0.1: each path answers what `routes` holds, else 404. */
let origin = '';
let routes: Record<string, () => unknown> = {};
let hits: string[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  hits.push(req.url ?? '');
  const body = routes[req.url ?? '']?.();
  if (body === undefined) res.writeHead(404).end();
  else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  hits = [];
  routes = {};
});

const published = generateTestKey('RS256', 'published-1');
const rotated = generateTestKey('RS256', 'rotated-1');
const pinned = generateTestKey('RS256', 'static-1');
const STATIC_ISSUER = 'https://static.example/';

function issuerKeys(onKeysChanged: () => void = () => undefined) {
  const options = resolveOptions({
    issuers: [{ issuer: `${origin}/` }, { issuer: STATIC_ISSUER, jwks: jwksOf(pinned) }],
    audience: 'https://api.example.com',
    jwks: { cooldownMs: 0, timeoutMs: 500 },
  });
  const [discovered, pinnedIssuer] = [...options.issuers.values()] as [ResolvedIssuer, ResolvedIssuer];
  return { keys: new IssuerKeys(options, onKeysChanged), discovered, pinnedIssuer };
}

function provider(...keys: ReturnType<typeof generateTestKey>[]) {
  routes['/.well-known/openid-configuration'] = () => ({ issuer: `${origin}/`, jwks_uri: `${origin}/keys` });
  routes['/keys'] = () => jwksOf(...keys);
}

describe('IssuerKeys', () => {
  it('knows a static issuer key without I/O, and a discovered one only after discovery', async () => {
    provider(published);
    const { keys, discovered, pinnedIssuer } = issuerKeys();

    expect(keys.cachedKey(pinnedIssuer, pinned.kid)).toMatchObject({
      key: { kid: pinned.kid },
      jwksUri: 'https://static.example/.well-known/jwks.json',
    });
    expect(keys.cachedKey(discovered, published.kid)).toBeUndefined();
    expect(hits).toEqual([]);

    const found = await keys.fetchKey(discovered, published.kid);
    expect(found).toMatchObject({ key: { kid: published.kid }, jwksUri: `${origin}/keys` });
    // From now on the same key is had synchronously, at the discovered JWKS, and the result cache
    // asks for it there.
    expect(keys.cachedKey(discovered, published.kid)).toEqual(found);
    expect(keys.getCachedKey(`${origin}/keys`, published.kid)).toBe(found.key);
    expect(keys.getCachedKey(discovered.jwksUri, published.kid)).toBeUndefined();
    expect(hits).toEqual(['/.well-known/openid-configuration', '/keys']);
  });

  it('refuses a kid the discovered JWKS does not hold, as a token error', async () => {
    provider(published);
    const { keys, discovered } = issuerKeys();
    await expect(keys.fetchKey(discovered, 'nope')).rejects.toMatchObject({
      constructor: TokenError,
      code: 'KID_UNKNOWN',
    });
  });

  it('hydrates only the issuers without static keys, and says when the keys changed', async () => {
    provider(published);
    let changes = 0;
    const { keys, discovered, pinnedIssuer } = issuerKeys(() => changes++);
    await keys.hydrate([discovered]);
    expect(hits).toEqual(['/.well-known/openid-configuration', '/keys']);
    expect(changes).toBe(0);

    provider(rotated);
    await keys.hydrate([discovered, pinnedIssuer]);
    // The location is known: only the JWKS is fetched again; the static issuer is never fetched.
    expect(hits).toEqual(['/.well-known/openid-configuration', '/keys', '/keys']);
    expect(changes).toBe(1);
    expect(keys.cachedKey(discovered, published.kid)).toBeUndefined();
    expect(keys.cachedKey(discovered, rotated.kid)).toMatchObject({ key: { kid: rotated.kid } });
  });

  it('names both URLs and what to set when discovery answers 404 and the default JWKS path fails', async () => {
    const { keys, discovered } = issuerKeys();
    const err = await keys.hydrate([discovered]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(err).toBeInstanceOf(KeysUnavailableError);
    expect((err as Error).message).toContain(`${origin}/.well-known/openid-configuration answered 404`);
    expect((err as Error).message).toContain(`${origin}/.well-known/jwks.json failed`);
    expect((err as Error).message).toContain('set JWKS_URI');
    expect(hits).toEqual(['/.well-known/openid-configuration', '/.well-known/jwks.json']);
  });
});
