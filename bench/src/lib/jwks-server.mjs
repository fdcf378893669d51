import { createServer } from 'node:http';

/**
 * A JWKS server on 127.0.0.1, answering with `Connection: close`: the suite blocks the event loop
 * for long stretches (timed loops), during which a pooled keep-alive socket's server-side timeout
 * goes overdue, so the next JWKS request on it would be reset. JWKS requests are rare; connection
 * reuse is not what is measured. Every path ending in `jwks.json` serves the current JWKS and is counted
 * on its own, so several clients can share one server and still be counted apart
 * (`jwksUriFor('core')` -> `{origin}/core/jwks.json`). `setJwks` swaps the document (key rotation).
 */
export async function startJwksServer(jwks) {
  const sockets = new Set();
  const counts = new Map();
  let body = JSON.stringify(jwks);
  let total = 0;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path.endsWith('/openid-configuration')) {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ issuer: api.issuer, jwks_uri: api.jwksUri }));
      return;
    }
    if (!path.endsWith('jwks.json')) {
      res.writeHead(404).end();
      return;
    }
    total += 1;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  const api = {
    origin,
    issuer: `${origin}/`,
    jwksUri: `${origin}/.well-known/jwks.json`,
    /** JWKS requests served on every path. */
    get requests() {
      return total;
    },
    jwksUriFor: (name) => `${origin}/${name}/jwks.json`,
    requestsFor: (name) => counts.get(`/${name}/jwks.json`) ?? 0,
    setJwks(next) {
      body = JSON.stringify(next);
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return api;
}
