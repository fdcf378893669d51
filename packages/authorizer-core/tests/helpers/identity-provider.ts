import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Provider from 'oidc-provider';

/** The audience of every access token the provider issues. */
export const API_AUDIENCE = 'https://api.example.com';
/** Resource indicators: one gets ES256 JWT access tokens, the other opaque ones. */
export const JWT_RESOURCE = API_AUDIENCE;
export const OPAQUE_RESOURCE = 'urn:example:opaque-api';

export const CLIENTS = {
  app: { id: 'app', secret: 'app-secret-0123456789' },
  mtls: { id: 'mtls-app', secret: 'mtls-secret-0123456789' },
  /** The client the authorizer introspects with. */
  introspector: { id: 'authorizer', secret: 'authorizer-secret:%&+ 01' },
} as const;

/** A real OAuth server (oidc-provider) on 127.0.0.1: DPoP, certificate-bound tokens, introspection. */
export interface IdentityProvider {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly introspectionEndpoint: string;
  /** Introspection requests served so far. */
  introspections: number;
  /** Requests a token with client credentials. */
  requestToken(options: TokenRequestOptions): Promise<string>;
  close(): Promise<void>;
}

export interface TokenRequestOptions {
  client?: keyof typeof CLIENTS;
  resource?: string;
  scope?: string;
  /** A DPoP proof for POST {tokenEndpoint}: the token gets cnf.jkt. */
  dpop?: string;
  /** The PEM of the client certificate (what a TLS terminator forwards): the token gets cnf.x5t#S256. */
  certificatePem?: string;
}

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [
    { ...rsa, kid: 'rs-1', alg: 'RS256', use: 'sig' },
    { ...ec, kid: 'es-1', alg: 'ES256', use: 'sig' },
  ];
}

export async function startIdentityProvider(): Promise<IdentityProvider> {
  const sockets = new Set<Socket>();
  const server: Server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (c: { id: string; secret: string }, extra: Record<string, unknown> = {}) => ({
    client_id: c.id,
    client_secret: c.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read:pets write:pets',
    ...extra,
  });
  const provider = new Provider(issuer, {
    clients: [
      client(CLIENTS.app),
      client(CLIENTS.mtls, { tls_client_certificate_bound_access_tokens: true }),
      client(CLIENTS.introspector),
    ],
    jwks: { keys: signingKeys() } as never,
    scopes: ['read:pets', 'write:pets'],
    ttl: { ClientCredentials: 600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      dPoP: { enabled: true },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        getCertificate: (ctx: { get(name: string): string }) => {
          const header = ctx.get('x-client-certificate');
          return header ? decodeURIComponent(header) : undefined;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => JWT_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: 'read:pets write:pets',
          audience: API_AUDIENCE,
          accessTokenTTL: 600,
          ...(resource === OPAQUE_RESOURCE
            ? { accessTokenFormat: 'opaque' }
            : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
        }),
      },
    },
  } as never);
  // The provider logs a notice per default it deems worth changing; tests do not need them.
  provider.on('server_error', () => undefined);
  const callback = provider.callback();
  const state: IdentityProvider = {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    introspectionEndpoint: `${issuer}/token/introspection`,
    introspections: 0,
    async requestToken(options) {
      const c = CLIENTS[options.client ?? 'app'];
      const headers: Record<string, string> = {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.id)}:${encodeURIComponent(c.secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      };
      if (options.dpop) headers.dpop = options.dpop;
      if (options.certificatePem)
        headers['x-client-certificate'] = encodeURIComponent(options.certificatePem);
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        resource: options.resource ?? JWT_RESOURCE,
        scope: options.scope ?? 'read:pets',
      });
      const res = await fetch(state.tokenEndpoint, { method: 'POST', headers, body });
      const json = (await res.json()) as {
        access_token?: string;
        error?: string;
        error_description?: string;
      };
      if (!res.ok || !json.access_token) {
        throw new Error(`token request failed: ${res.status} ${json.error} ${json.error_description}`);
      }
      return json.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/token/introspection')) state.introspections += 1;
    callback(req, res);
  });
  return state;
}
