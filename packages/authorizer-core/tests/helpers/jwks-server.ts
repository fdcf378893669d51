import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers on the JWKS path; mutable between requests. */
export type JwksBehaviour =
  | { kind: 'jwks'; body: unknown }
  | { kind: 'status'; status: number }
  | { kind: 'raw'; body: string; contentType?: string }
  | { kind: 'hang' }
  | { kind: 'oversize'; bytes: number };

/** A real HTTP server on 127.0.0.1 serving a JWKS and an OpenID discovery document. */
export interface JwksServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Issuer URL, `{origin}/` (Auth0 style, trailing slash). */
  readonly issuer: string;
  /** `{origin}/.well-known/jwks.json` */
  readonly jwksUri: string;
  /** JWKS requests served so far. */
  requests: number;
  behaviour: JwksBehaviour;
  close(): Promise<void>;
}

/** Starts the server on an ephemeral loopback port. */
export async function startJwksServer(initial: JwksBehaviour): Promise<JwksServer> {
  const sockets = new Set<import('node:net').Socket>();
  let state!: JwksServer;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: state.issuer, jwks_uri: state.jwksUri }));
      return;
    }
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    state.requests += 1;
    const b = state.behaviour;
    switch (b.kind) {
      case 'jwks':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b.body));
        return;
      case 'status':
        res.writeHead(b.status).end('{}');
        return;
      case 'raw':
        res.writeHead(200, { 'content-type': b.contentType ?? 'application/json' });
        res.end(b.body);
        return;
      case 'hang':
        return;
      case 'oversize':
        // Chunked, so the size cap must be enforced while reading, not from Content-Length.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`{"keys":[],"pad":"${'x'.repeat(b.bytes)}`);
        res.end('"}');
        return;
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  state = {
    origin,
    issuer: `${origin}/`,
    jwksUri: `${origin}/.well-known/jwks.json`,
    requests: 0,
    behaviour: initial,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}
