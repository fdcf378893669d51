import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server answers on its JWKS paths; mutable between requests. */
export type JwksBehaviour =
  | { kind: 'jwks'; body: unknown }
  | { kind: 'status'; status: number }
  | { kind: 'raw'; body: string; contentType?: string }
  | { kind: 'hang' }
  | { kind: 'oversize'; bytes: number };

export interface JwksServerOptions {
  /** The path of the JWKS the discovery document names; `/.well-known/jwks.json` unless set. */
  readonly jwksPath?: string;
  /** Fields added to the discovery document (`issuer` and `jwks_uri` are the server's own). */
  readonly discovery?: Readonly<Record<string, unknown>>;
  /**
   * Answer with `Connection: close`. For callers that block the event loop for long stretches (the
   * benchmark's timed loops): a pooled keep-alive socket's server-side timeout goes overdue meanwhile
   * and the next request on it would be reset.
   */
  readonly connectionClose?: boolean;
}

/**
 * A real HTTP server on 127.0.0.1 serving a JWKS and an OpenID discovery document. Besides
 * `jwksPath`, every `/{name}/jwks.json` path serves the same JWKS ({@link JwksServer.jwksUriFor}), so
 * several clients can share one server and still be counted apart.
 */
export interface JwksServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Issuer URL, `{origin}/` (Auth0 style, trailing slash). */
  readonly issuer: string;
  /** `{origin}{jwksPath}` */
  readonly jwksUri: string;
  /** JWKS requests served so far, on every JWKS path; writable, so a test can start counting from 0. */
  requests: number;
  behaviour: JwksBehaviour;
  /** `{origin}/{name}/jwks.json`: a JWKS URI counted on its own. */
  jwksUriFor(name: string): string;
  /** Requests received on `path` (query string excluded), whatever was answered: 404s count too. */
  requestsTo(path: string): number;
  close(): Promise<void>;
}

/** Starts the server on an ephemeral loopback port. */
export async function startJwksServer(
  initial: JwksBehaviour,
  options: JwksServerOptions = {},
): Promise<JwksServer> {
  const jwksPath = options.jwksPath ?? '/.well-known/jwks.json';
  const headers = (contentType?: string) => ({
    ...(contentType === undefined ? {} : { 'content-type': contentType }),
    ...(options.connectionClose === true ? { connection: 'close' } : {}),
  });
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let state!: JwksServer;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] as string;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (path === '/.well-known/openid-configuration') {
      res.writeHead(200, headers('application/json'));
      res.end(JSON.stringify({ ...options.discovery, issuer: state.issuer, jwks_uri: state.jwksUri }));
      return;
    }
    if (path !== jwksPath && !/^\/[^/]+\/jwks\.json$/.test(path)) {
      res.writeHead(404, headers()).end();
      return;
    }
    state.requests += 1;
    const b = state.behaviour;
    switch (b.kind) {
      case 'jwks':
        res.writeHead(200, headers('application/json'));
        res.end(JSON.stringify(b.body));
        return;
      case 'status':
        res.writeHead(b.status, headers()).end('{}');
        return;
      case 'raw':
        res.writeHead(200, headers(b.contentType ?? 'application/json'));
        res.end(b.body);
        return;
      case 'hang':
        return;
      case 'oversize':
        // Chunked, so the size cap must be enforced while reading, not from Content-Length.
        res.writeHead(200, headers('application/json'));
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
    jwksUri: `${origin}${jwksPath}`,
    requests: 0,
    behaviour: initial,
    jwksUriFor: (name) => `${origin}/${name}/jwks.json`,
    requestsTo: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}
