// An RFC 7662 introspection endpoint on 127.0.0.1 for the introspection rows: it answers for the
// opaque tokens it issued (see `issue`), requires the client's HTTP Basic credentials, and calls
// every other token inactive, as an authorization server does.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

export const INTROSPECTION_CLIENT = Object.freeze({
  clientId: 'bench-authorizer',
  clientSecret: 'bench: s3cret&+%',
});

/** RFC 6749 §2.3.1: each credential form-encoded, then joined and base64-encoded. */
function basic({ clientId, clientSecret }) {
  const encode = (text) => encodeURIComponent(text).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** The opaque token an authorization server would hand out for `seed` (no dots: not a JWT). */
export function opaqueTokenFor(seed) {
  return `op_${createHash('sha256').update(seed).digest('base64url')}`;
}

/**
 * Starts the endpoint. `issue(seed, claims)` registers the opaque token for `seed` as active with
 * those claims (`iss`, `aud`, `exp`, `scope`, `sub`, `client_id`, ...) and returns it; `requests`
 * counts the introspection requests answered. Connections are closed after each answer, so no
 * pooled socket goes stale while a timed loop blocks the event loop.
 */
export async function startIntrospectionServer(client = INTROSPECTION_CLIENT) {
  const expected = Buffer.from(basic(client));
  const active = new Map();
  const stats = { requests: 0, refusedCredentials: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      stats.requests++;
      const given = Buffer.from(req.headers.authorization ?? '');
      const authenticated = given.length === expected.length && timingSafeEqual(given, expected);
      if (req.method !== 'POST' || !authenticated) {
        stats.refusedCredentials++;
        res.writeHead(401, { 'content-type': 'application/json', connection: 'close' });
        res.end('{"error":"invalid_client"}');
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const claims = active.get(form.get('token') ?? '');
      const body = claims === undefined ? { active: false } : { active: true, ...claims };
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/oauth2/introspect`,
    ...client,
    stats,
    issue(seed, claims) {
      const token = opaqueTokenFor(seed);
      active.set(token, claims);
      return token;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
