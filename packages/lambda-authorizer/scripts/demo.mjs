// The project's main job on an embedded default, with no account anywhere: a local issuer on
// 127.0.0.1 (RSA key, OpenID discovery, JWKS at a path that is not the default), tokens signed by
// it, and the bundled authorizer (dist/index.mjs, the file inside custom-authorizer.zip),
// configured with TOKEN_ISSUER and AUDIENCE only, deciding a TOKEN, a REQUEST and an HTTP API
// event. Exits 0 when the three outcomes are Allow, 401 and 403. `--help` for the options.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isUnauthorizedError } from '@jwt-authorizer/middy-jwt';
import { formatFlags, readCommandLine } from './cli.mjs';

const FLAGS = {
  verbose: { help: "print the handler's log lines whole, CloudWatch metrics block included" },
  help: { short: 'h', help: 'show this help' },
};
const values = readCommandLine(
  FLAGS,
  'demo',
  `Usage: pnpm demo [-- options]
       node packages/lambda-authorizer/scripts/demo.mjs [options]

Starts a local issuer on 127.0.0.1, mints tokens and runs the bundled authorizer
(packages/lambda-authorizer/dist/index.mjs) on a REST TOKEN, a REST REQUEST and an HTTP API event.
Needs no account and reads no .env, JWKS_URI or JWT_* variable of the shell.

Options:
${formatFlags(FLAGS)}

Exit codes: 0 the three outcomes are Allow, 401 and 403, 1 an outcome differed, 2 bad input.`,
);

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const handlerFile = process.env.DEMO_HANDLER ?? resolve(packageDir, 'dist/index.mjs');
const AUDIENCE = 'https://pets.example.com/api';
const KID = 'demo-key-1';
const ROUTES = { 'GET /pets': ['read:pets'], 'POST /pets': ['write:pets'] };
const API = 'arn:aws:execute-api:us-east-1:123456789012:demo123abc/prod';
// Not {issuer}.well-known/jwks.json: the handler can only find the keys through discovery.
const JWKS_PATH = '/oauth2/v1/keys';

const print = (text = '') => process.stdout.write(`${text}\n`);
const section = (title) => print(`\n=== ${title} ===`);
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

// --- the local issuer -------------------------------------------------------------------------
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] };
let issuer = '';
const server = createServer((req, res) => {
  const send = (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (req.url === JWKS_PATH) return send(jwks);
  if (req.url === '/.well-known/openid-configuration') {
    return send({
      issuer,
      jwks_uri: `${issuer.slice(0, -1)}${JWKS_PATH}`,
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['read:pets', 'write:pets'],
    });
  }
  res.writeHead(404).end();
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
issuer = `http://127.0.0.1:${server.address().port}/`;

function mint(claims) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: 'RS256', typ: 'JWT', kid: KID });
  const payload = b64url({
    iss: issuer,
    aud: AUDIENCE,
    sub: 'demo-user',
    iat: now,
    exp: now + 3600,
    ...claims,
  });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

// IAM evaluation of the returned policy for the called ARN: an explicit Deny wins, then an Allow
// must match; `*` matches any run of characters, `/` and line breaks included, `?` exactly one
// character, as in execute-api ARNs.
function evaluatePolicy(policy, arn) {
  const matches = (pattern) =>
    new RegExp(
      `^${[...pattern]
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
      'su',
    ).test(arn);
  const statements = policy?.policyDocument?.Statement ?? [];
  const hits = (effect) => statements.some((s) => s.Effect === effect && [s.Resource].flat().some(matches));
  if (hits('Deny')) return 403;
  return hits('Allow') ? 200 : 403;
}

// Runs one invocation and collects what the handler writes to stdout (its decision line).
async function invoke(handler, event) {
  const context = {
    awsRequestId: randomUUID(),
    functionName: 'demo',
    getRemainingTimeInMillis: () => 10_000,
  };
  const logged = [];
  const write = process.stdout.write;
  process.stdout.write = (chunk, ...rest) => {
    logged.push(String(chunk).trimEnd());
    const callback = rest.at(-1);
    if (typeof callback === 'function') callback();
    return true;
  };
  try {
    const result = await handler(event, context);
    if ('isAuthorized' in result) return { result, logged, status: result.isAuthorized ? 200 : 403 };
    return { result, logged, status: evaluatePolicy(result, event.methodArn ?? event.routeArn) };
  } catch (err) {
    return { error: err, logged, status: isUnauthorizedError(err) ? 401 : 500 };
  } finally {
    process.stdout.write = write;
  }
}

// The decision line without its CloudWatch metrics block, which is noise on a terminal (whole with --verbose).
function printLogged(lines) {
  for (const line of lines) {
    let shown = line;
    if (values.verbose) {
      print(`log        ${shown}`);
      continue;
    }
    try {
      const { _aws, Decisions, Latency, ...fields } = JSON.parse(line);
      shown = JSON.stringify(fields);
    } catch {}
    print(`log        ${shown}`);
  }
}

const workDir = mkdtempSync(join(tmpdir(), 'authorizer-demo-'));
let failures = 0;
try {
  section('Local issuer');
  print(`issuer     ${issuer}`);
  print(`discovery  ${issuer}.well-known/openid-configuration`);
  print(
    `jwks       ${issuer.slice(0, -1)}${JWKS_PATH} (kid ${KID}, RS256, 2048-bit RSA), found through discovery`,
  );
  print(`audience   ${AUDIENCE}`);
  print(`routes     ${JSON.stringify(ROUTES)}`);

  if (!existsSync(handlerFile)) throw new Error(`${handlerFile} is missing: run the bundle task first`);
  // The handler reads its settings once, at import: set them first, drop any JWT_* and JWKS_URI of
  // the shell, and read no .env, so a developer's settings cannot change the demo.
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('JWT_') || name === 'JWKS_URI') delete process.env[name];
  }
  print('.env       none read: the demo sets TOKEN_ISSUER and AUDIENCE itself (no JWKS_URI)');
  Object.assign(process.env, {
    TOKEN_ISSUER: issuer,
    AUDIENCE,
    JWT_ROUTES: JSON.stringify(ROUTES),
    JWT_CONTEXT_CLAIMS: 'email',
  });
  process.chdir(workDir);
  section('Cold start of the bundled handler');
  const { handler } = await import(pathToFileURL(handlerFile).href);
  print(`handler    ${handlerFile}`);

  const valid = mint({ scope: 'read:pets', email: 'demo@pets.example.com' });
  const expired = mint({
    scope: 'read:pets',
    iat: Math.floor(Date.now() / 1000) - 7200,
    exp: Math.floor(Date.now() / 1000) - 3600,
  });
  print(
    'tokens     one valid (scope read:pets, 1 h), one expired an hour ago; both signed by the local issuer',
  );

  const cases = [
    {
      title: '1. REST TOKEN event: GET /pets with a valid token (scope read:pets)',
      expected: 200,
      event: { type: 'TOKEN', authorizationToken: `Bearer ${valid}`, methodArn: `${API}/GET/pets` },
    },
    {
      title: '2. REST REQUEST event: GET /pets with an expired token',
      expected: 401,
      event: {
        type: 'REQUEST',
        methodArn: `${API}/GET/pets`,
        resource: '/pets',
        path: '/pets',
        httpMethod: 'GET',
        headers: { authorization: `Bearer ${expired}` },
        multiValueHeaders: { authorization: [`Bearer ${expired}`] },
      },
    },
    {
      title: '3. HTTP API (payload 2.0) event: POST /pets, which needs write:pets, with scope read:pets',
      expected: 403,
      event: {
        version: '2.0',
        type: 'REQUEST',
        routeArn: 'arn:aws:execute-api:us-east-1:123456789012:demo456def/$default/POST/pets',
        routeKey: 'POST /pets',
        identitySource: [`Bearer ${valid}`],
        headers: { authorization: `Bearer ${valid}` },
        requestContext: { http: { method: 'POST', path: '/pets' } },
      },
    },
  ];

  for (const { title, expected, event } of cases) {
    section(title);
    const outcome = await invoke(handler, event);
    if (outcome.error) {
      const reason = outcome.error.cause?.code ?? outcome.error.code ?? 'unknown';
      print(
        `decision   ${outcome.status === 401 ? 'Unauthorized' : 'error'}: the handler threw "${outcome.error.message}" (reason ${reason})`,
      );
    } else if ('isAuthorized' in outcome.result) {
      print(`decision   isAuthorized: ${outcome.result.isAuthorized}`);
      print(`context    ${JSON.stringify(outcome.result.context)}`);
    } else {
      print(`decision   ${outcome.status === 200 ? 'Allow' : 'Deny'} for ${event.methodArn}`);
      print(
        `policy     ${JSON.stringify(outcome.result.policyDocument, null, 2).replaceAll('\n', '\n           ')}`,
      );
      print(`principal  ${outcome.result.principalId}`);
      print(`context    ${JSON.stringify(outcome.result.context)}`);
    }
    printLogged(outcome.logged);
    const ok = outcome.status === expected;
    if (!ok) failures += 1;
    print(`API Gateway answers ${outcome.status}${ok ? '' : ` (expected ${expected})`}`);
  }
} catch (err) {
  failures += 1;
  print(`\ndemo failed: ${err.message}`);
} finally {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  process.chdir(packageDir);
  rmSync(workDir, { recursive: true, force: true });
}

section(
  failures === 0
    ? 'Demo passed: Allow, 401 and 403 as expected'
    : `Demo FAILED: ${failures} unexpected outcome(s)`,
);
process.exitCode = failures === 0 ? 0 : 1;
