// Tokens a copy cannot use, and tokens that are not JWTs, on the bundled authorizer with no account:
// a local issuer on 127.0.0.1, a DPoP client (its own P-256 key), an mTLS client (a self-signed
// certificate, as API Gateway passes it) and an RFC 7662 introspection endpoint on 127.0.0.1, each
// calling GET https://api.example.com/pets on an HTTP API (payload 2.0). Prints no token, no proof
// and no port, so the output is the same on every run (the README shows it whole). Exits 0 when
// every outcome is the expected one. HTTP API simple responses: a refusal is {isAuthorized: false},
// which API Gateway answers 403; the decision line's reason says why.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isUnauthorizedError } from '@jwt-authorizer/middy-jwt';
import {
  createClientCertificate,
  createLambdaContext,
  createMinter,
  generateDpopKey,
  generateTestKey,
  jwksOf,
  signDpopProof,
  startJwksServer,
  thumbprintOf,
} from '@jwt-authorizer/test-fixtures';
import { formatFlags, readCommandLine } from './cli.mjs';

const FLAGS = { help: { short: 'h', help: 'show this help' } };
readCommandLine(
  FLAGS,
  'demo:bound',
  `Usage: pnpm --filter @jwt-authorizer/lambda-authorizer demo:bound

Runs the bundled authorizer (dist/index.mjs) on HTTP API requests from a DPoP client, an mTLS
client and a client holding an opaque token, against a local issuer and introspection endpoint.

Options:
${formatFlags(FLAGS)}

Exit codes: 0 every outcome as expected, 1 an outcome differed, 2 bad input.`,
);

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const handlerFile = process.env.DEMO_HANDLER ?? resolve(packageDir, 'dist/index.mjs');
const AUDIENCE = 'https://pets.example.com/api';
const API_HOST = 'api.example.com';
const ROUTE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:demo456def/$default/GET/pets';
const CLIENT_ID = 'authorizer';
const CLIENT_SECRET = 'local-demo-secret';

const print = (text = '') => process.stdout.write(`${text}\n`);
const section = (title) => print(`\n=== ${title} ===`);

// --- the issuer, the clients and the introspection endpoint --------------------------------
const key = generateTestKey('RS256', 'bound-demo-key');
const server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
const mint = (claims) =>
  createMinter(server.issuer, AUDIENCE)(key, { claims: { sub: 'demo-user', scope: 'read:pets', ...claims } });

const dpopKey = generateDpopKey('ES256');
const certificate = createClientCertificate('demo-client');
const otherCertificate = createClientCertificate('another-client');

// Opaque tokens the authorization server knows; it answers only to the authorizer's credentials.
const opaque = `opaque-${randomUUID()}`;
const introspection = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      return;
    }
    const token = new URLSearchParams(body).get('token');
    const answer =
      token === opaque
        ? {
            active: true,
            iss: server.issuer,
            aud: AUDIENCE,
            sub: 'demo-user',
            scope: 'read:pets',
            client_id: 'pets-app',
            exp: Math.floor(Date.now() / 1000) + 600,
          }
        : { active: false };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});
await new Promise((done) => introspection.listen(0, '127.0.0.1', done));
const introspectionUrl = `http://127.0.0.1:${introspection.address().port}/oauth/introspect`;

/** GET https://api.example.com/pets on an HTTP API, as API Gateway hands it to the authorizer. */
function request(headers, clientCertPem) {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: ROUTE_ARN,
    routeKey: 'GET /pets',
    rawPath: '/pets',
    rawQueryString: '',
    identitySource: [headers.authorization],
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'demo456def',
      domainName: API_HOST,
      http: {
        method: 'GET',
        path: '/pets',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'demo',
      },
      ...(clientCertPem ? { authentication: { clientCert: { clientCertPem } } } : {}),
      requestId: randomUUID(),
      routeKey: 'GET /pets',
      stage: '$default',
    },
  };
}

async function invoke(handler, event) {
  const context = createLambdaContext({ awsRequestId: randomUUID(), functionName: 'demo-bound' });
  // The decision lines go to stdout on Lambda; only their reason code is shown (the rest varies).
  const logged = [];
  const write = process.stdout.write;
  process.stdout.write = (chunk, ...rest) => {
    logged.push(String(chunk));
    const callback = rest.at(-1);
    if (typeof callback === 'function') callback();
    return true;
  };
  try {
    const result = await handler(event, context);
    const reasons = logged.flatMap((line) => {
      try {
        const { reason } = JSON.parse(line);
        return typeof reason === 'string' ? [reason] : [];
      } catch {
        return [];
      }
    });
    const why = result.isAuthorized ? '' : `, reason ${reasons.join(' ') || 'none logged'}`;
    return { status: result.isAuthorized ? 200 : 403, text: `isAuthorized: ${result.isAuthorized}${why}` };
  } catch (err) {
    const reason = err.cause?.code ?? err.code ?? 'unknown';
    return isUnauthorizedError(err)
      ? { status: 401, text: `Unauthorized, reason ${reason}` }
      : { status: 500, text: `error, reason ${reason}` };
  } finally {
    process.stdout.write = write;
  }
}

const workDir = mkdtempSync(join(tmpdir(), 'authorizer-demo-bound-'));
let failures = 0;
try {
  if (!existsSync(handlerFile)) throw new Error(`${handlerFile} is missing: run the bundle task first`);
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('JWT_') || name === 'JWKS_URI') delete process.env[name];
  }
  const settings = {
    TOKEN_ISSUER: server.issuer,
    AUDIENCE,
    JWT_ROUTES: JSON.stringify({ 'GET /pets': ['read:pets'] }),
    JWT_SENDER_CONSTRAINED: 'optional',
    JWT_INTROSPECTION_URL: introspectionUrl,
    JWT_INTROSPECTION_CLIENT_ID: CLIENT_ID,
    // Local runs only: a deployment sets JWT_INTROSPECTION_CLIENT_SECRET_ID (Secrets Manager or SSM).
    JWT_INTROSPECTION_CLIENT_SECRET: CLIENT_SECRET,
  };
  Object.assign(process.env, settings);
  process.chdir(workDir);
  section('Settings of the bundled handler (dist/index.mjs)');
  for (const name of Object.keys(settings)) {
    const shown = /^(TOKEN_ISSUER|JWT_INTROSPECTION_URL)$/.test(name)
      ? `(local, on 127.0.0.1)`
      : name === 'JWT_INTROSPECTION_CLIENT_SECRET'
        ? '(set; never printed)'
        : settings[name];
    print(`${name}=${shown}`);
  }
  const { handler } = await import(pathToFileURL(handlerFile).href);

  const dpopToken = mint({ cnf: { jkt: thumbprintOf(dpopKey) } });
  const certToken = mint({ cnf: { 'x5t#S256': certificate.thumbprint } });
  const proof = signDpopProof(dpopKey, {
    htm: 'GET',
    htu: `https://${API_HOST}/pets`,
    accessToken: dpopToken,
  });

  const cases = [
    {
      title: 'DPoP 1. the client sends its token with a fresh proof',
      sends: [
        'Authorization: DPoP <access token with cnf.jkt = thumbprint of the client key>',
        'DPoP: <proof signed by the client key: htm GET, htu https://api.example.com/pets, ath, jti, iat>',
      ],
      event: request({ authorization: `DPoP ${dpopToken}`, dpop: proof }),
      expected: 200,
    },
    {
      title: 'DPoP 2. someone replays that request, proof and all',
      sends: ['the same two headers again'],
      event: request({ authorization: `DPoP ${dpopToken}`, dpop: proof }),
      expected: 403,
    },
    {
      title: 'DPoP 3. a copy of the token sent as a bearer token',
      sends: ['Authorization: Bearer <the same access token>'],
      event: request({ authorization: `Bearer ${dpopToken}` }),
      expected: 403,
    },
    {
      title: 'mTLS 1. the client presents its certificate and its certificate-bound token',
      sends: [
        'TLS client certificate CN=demo-client (API Gateway passes it in requestContext.authentication.clientCert)',
        'Authorization: Bearer <access token with cnf["x5t#S256"] = SHA-256 thumbprint of that certificate>',
      ],
      event: request({ authorization: `Bearer ${certToken}` }, certificate.pem),
      expected: 200,
    },
    {
      title: 'mTLS 2. the same token from a client with another certificate',
      sends: ['TLS client certificate CN=another-client', 'Authorization: Bearer <the same access token>'],
      event: request({ authorization: `Bearer ${certToken}` }, otherCertificate.pem),
      expected: 403,
    },
    {
      title: 'Opaque 1. a token that is not a JWT, which the authorization server knows',
      sends: [
        'Authorization: Bearer <opaque token>',
        '(the authorizer POSTs it to the introspection endpoint: active, scope read:pets)',
      ],
      event: request({ authorization: `Bearer ${opaque}` }),
      expected: 200,
    },
    {
      title: 'Opaque 2. an opaque token the authorization server does not know (or revoked)',
      sends: ['Authorization: Bearer <another opaque token>', '(introspection answers active: false)'],
      event: request({ authorization: `Bearer opaque-${randomUUID()}` }),
      expected: 403,
    },
  ];
  for (const { title, sends, event, expected } of cases) {
    section(title);
    for (const line of sends) print(`sends      ${line}`);
    const outcome = await invoke(handler, event);
    const ok = outcome.status === expected;
    if (!ok) failures += 1;
    print(`answer     ${outcome.status} (${outcome.text})${ok ? '' : `, expected ${expected}`}`);
  }
} catch (err) {
  failures += 1;
  print(`\ndemo failed: ${err.message}`);
} finally {
  await server.close();
  await new Promise((done) => introspection.close(done));
  process.chdir(packageDir);
  rmSync(workDir, { recursive: true, force: true });
}

section(
  failures === 0
    ? 'Demo passed: every outcome as expected'
    : `Demo FAILED: ${failures} unexpected outcome(s)`,
);
process.exitCode = failures === 0 ? 0 : 1;
