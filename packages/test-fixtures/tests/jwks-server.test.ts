import { afterEach, describe, expect, it } from 'vitest';
import { generateTestKey, type JwksServer, jwksOf, startJwksServer } from '../src/index.js';

const jwks = jwksOf(generateTestKey('ES256', 'k1'));
let server: JwksServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startJwksServer', () => {
  it('serves discovery and the JWKS, counting JWKS requests in total and every path on its own', async () => {
    server = await startJwksServer({ kind: 'jwks', body: jwks });
    const discovery = await (await fetch(`${server.origin}/.well-known/openid-configuration`)).json();
    expect(discovery).toEqual({ issuer: server.issuer, jwks_uri: server.jwksUri });
    expect(await (await fetch(server.jwksUri)).json()).toEqual(jwks);
    expect(await (await fetch(server.jwksUriFor('core'))).json()).toEqual(jwks);
    await fetch(server.jwksUriFor('core'));
    expect((await fetch(`${server.origin}/nowhere`)).status).toBe(404);

    expect(server.requests).toBe(3);
    expect(server.requestsTo('/.well-known/openid-configuration')).toBe(1);
    expect(server.requestsTo('/.well-known/jwks.json')).toBe(1);
    expect(server.requestsTo('/core/jwks.json')).toBe(2);
    expect(server.requestsTo('/other/jwks.json')).toBe(0);
    expect(server.requestsTo('/nowhere')).toBe(1);
  });

  it('serves the JWKS on a custom path named by discovery, with extra discovery fields', async () => {
    server = await startJwksServer(
      { kind: 'jwks', body: jwks },
      { jwksPath: '/oauth2/v1/keys', discovery: { scopes_supported: ['read:pets'], issuer: 'ignored' } },
    );
    const discovery = await (await fetch(`${server.origin}/.well-known/openid-configuration`)).json();
    expect(discovery).toEqual({
      issuer: server.issuer,
      jwks_uri: `${server.origin}/oauth2/v1/keys`,
      scopes_supported: ['read:pets'],
    });
    expect((await fetch(`${server.origin}/oauth2/v1/keys?x=1`)).status).toBe(200);
    expect((await fetch(`${server.origin}/oauth2/v1/other`)).status).toBe(404);
    expect(server.requestsTo('/oauth2/v1/keys')).toBe(1);
    expect(server.requests).toBe(1);
  });

  it('answers as the behaviour says, switched between requests', async () => {
    server = await startJwksServer({ kind: 'status', status: 503 });
    expect((await fetch(server.jwksUri)).status).toBe(503);
    server.behaviour = { kind: 'raw', body: 'not json', contentType: 'text/html' };
    const raw = await fetch(server.jwksUri);
    expect([raw.headers.get('content-type'), await raw.text()]).toEqual(['text/html', 'not json']);
    server.behaviour = { kind: 'oversize', bytes: 1000 };
    expect((await (await fetch(server.jwksUri)).text()).length).toBeGreaterThan(1000);
    server.requests = 0;
    server.behaviour = { kind: 'hang' };
    const hung = await fetch(server.jwksUri, { signal: AbortSignal.timeout(200) }).catch(
      (err: Error) => err.name,
    );
    expect(hung).toBe('TimeoutError');
    expect(server.requests).toBe(1);
  });

  it('closes the connection after each answer when asked to', async () => {
    server = await startJwksServer({ kind: 'jwks', body: jwks }, { connectionClose: true });
    expect((await fetch(server.jwksUri)).headers.get('connection')).toBe('close');
  });
});
