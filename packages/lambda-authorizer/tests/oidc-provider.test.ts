import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider, { errors } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  evaluatePolicy,
  METHOD_ARN,
  PACKAGE_DIR,
  runBundled,
  runNode,
  tokenEvent,
  unzipBundle,
} from './helpers/index.js';

// A real OpenID provider (oidc-provider) on 127.0.0.1: discovery at
// {issuer}/.well-known/openid-configuration, keys at {issuer}/jwks (not the default path), JWT
// access tokens for a resource indicator through the client_credentials grant. The authorizer is
// given TOKEN_ISSUER and AUDIENCE only.
const RESOURCE = 'https://pets.example.com/api';
let server: Server;
const sockets = new Set<Socket>();
let issuer = '';

async function accessToken(scope: string, resource = RESOURCE): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('pets-client:pets-secret').toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }).toString(),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no access token: ${JSON.stringify(body)}`);
  return body.access_token;
}

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'oidc-key-1', use: 'sig', alg: 'RS256' };
  server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: [
      {
        client_id: 'pets-client',
        client_secret: 'pets-secret',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== RESOURCE && resource !== 'https://other.example.com/api') {
            throw new errors.InvalidTarget();
          }
          return {
            scope: 'read:pets write:pets',
            audience: resource,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    ttl: { ClientCredentials: 600 },
  });
  server.on('request', provider.callback());
}, 30_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('oidc-provider, with TOKEN_ISSUER and AUDIENCE only', () => {
  it('publishes its keys away from {issuer}.well-known/jwks.json, so only discovery finds them', async () => {
    const document = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(document.jwks_uri).toBe(`${issuer}/jwks`);
    expect((await fetch(`${issuer}/.well-known/jwks.json`)).status).toBe(404);
  });

  it('the unzipped bundle allows its access token for the resource and refuses one for another resource', async () => {
    const bundle = unzipBundle();
    try {
      const events = [
        tokenEvent(`Bearer ${await accessToken('read:pets')}`),
        tokenEvent(`Bearer ${await accessToken('read:pets', 'https://other.example.com/api')}`),
      ];
      const run = await runBundled(bundle.dir, events, { TOKEN_ISSUER: issuer, AUDIENCE: RESOURCE });
      expect(run.stderr).toBe('');
      const [allowed, otherAudience] = run.outcomes;
      expect(allowed).toMatchObject({ ok: true });
      expect(allowed?.ok && evaluatePolicy(allowed.result, METHOD_ARN)).toBe('Allow');
      expect(otherAudience).toMatchObject({ ok: false, message: 'Unauthorized' });
      expect(run.logs.some((line) => line.level === 'warn')).toBe(false);
    } finally {
      bundle.remove();
    }
  });

  it('invoke allows its access token, configured by a .env holding the two variables', async () => {
    const project = mkdtempSync(join(tmpdir(), 'authorizer-oidc-'));
    try {
      writeFileSync(join(project, 'settings.env'), `TOKEN_ISSUER=${issuer}\nAUDIENCE=${RESOURCE}\n`);
      writeFileSync(
        join(project, 'event.json'),
        JSON.stringify(tokenEvent(`Bearer ${await accessToken('read:pets')}`)),
      );
      const run = await runNode(
        [
          '--',
          join(PACKAGE_DIR, 'scripts', 'invoke.mjs'),
          '--event',
          'event.json',
          '--env-file',
          'settings.env',
          '--handler',
          join(PACKAGE_DIR, 'dist', 'index.mjs'),
        ],
        { cwd: project, env: cleanEnv({}) },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`.env: read ${join(project, 'settings.env')}`);
      expect(run.stdout).toContain('"Effect": "Allow"');
      expect(run.stdout).toContain('"sub": "pets-client"');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
