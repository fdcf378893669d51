// Rows for the packages built on the core: the bundled Lambda handler (event -> IAM policy) and the
// middy-jwt middleware (HTTP API event -> handler response). Both get a Lambda-like context with
// getRemainingTimeInMillis, so Middy arms its early-timeout timer per request as it does on Lambda.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let instances = 0;

export function handlerBundlePath() {
  return join(here, '..', '..', 'packages', 'lambda-authorizer', 'dist', 'index.mjs');
}

/** The handler reads its configuration from the environment at import: set it first. */
export function prepareHandlerEnv({ issuer, audience, jwksUri }) {
  process.env.TOKEN_ISSUER = issuer;
  process.env.AUDIENCE = audience;
  process.env.JWKS_URI = jwksUri;
  process.env.JWT_ALGORITHMS = 'RS256,ES256';
}

/**
 * A Lambda context as the runtime builds it: a new object for every invocation (the Lambda rows take
 * one per call; a context object reused across calls would hide what a handler costs when each
 * invocation brings a new one).
 */
export function lambdaContext() {
  return {
    awsRequestId: 'bench',
    functionName: 'bench-authorizer',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-authorizer',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/bench-authorizer',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 3000,
    done() {},
    fail() {},
    succeed() {},
  };
}

function subOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
}

/**
 * Sends process.stdout to /dev/null, synchronously, while active: the handler writes one decision
 * line per invocation and that write (formatting and the system call) stays in the measurement;
 * only the terminal is spared.
 */
export function createStdoutSilencer() {
  const original = process.stdout.write;
  let fd;
  return {
    enter() {
      fd = openSync('/dev/null', 'w');
      process.stdout.write = (chunk, encoding, callback) => {
        writeSync(fd, typeof chunk === 'string' ? chunk : Buffer.from(chunk));
        const cb = typeof encoding === 'function' ? encoding : callback;
        if (cb) cb();
        return true;
      };
    },
    leave() {
      process.stdout.write = original;
      closeSync(fd);
    },
  };
}

/**
 * Imports a handler bundle as a fresh module instance, with `env` added to the environment during
 * the import (the cold start reads it then) and stdout silenced.
 */
async function importHandler(bundle, env = {}) {
  const silencer = createStdoutSilencer();
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  silencer.enter();
  try {
    // A query string gives each cell its own module instance: its own authorizer and caches.
    instances++;
    return (await import(`${pathToFileURL(bundle).href}?instance=${instances}`)).handler;
  } finally {
    silencer.leave();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The project's bundled handler; `env` e.g. `{ JWT_DECISION_LOG: 'refusals' }`. */
export async function loadHandlerRow({ methodArn }, env = {}) {
  const bundle = handlerBundlePath();
  if (!existsSync(bundle))
    return { unavailable: `not available yet (${bundle} missing: run the bundle task)` };
  const silencer = createStdoutSilencer();
  const handler = await importHandler(bundle, env);
  if (typeof handler !== 'function') return { unavailable: `${bundle} exports no handler function` };
  return {
    sync: false,
    prepare: (token) => ({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn }),
    fn: (event) => handler(event, lambdaContext()),
    accepts: (result, token) =>
      result?.principalId === subOf(token) &&
      result.policyDocument?.Statement?.some((s) => s.Effect === 'Allow') === true,
    enter: silencer.enter,
    leave: silencer.leave,
  };
}

export async function loadMiddyRow({ server, audience }) {
  let middy;
  let jwtAuth;
  try {
    ({ default: middy } = await import('@middy/core'));
    ({ jwtAuth } = await import('@jwt-authorizer/middy-jwt'));
  } catch (err) {
    return { unavailable: `not available yet (@jwt-authorizer/middy-jwt: ${err.message})` };
  }
  if (typeof jwtAuth !== 'function')
    return { unavailable: 'not available yet (@jwt-authorizer/middy-jwt has no jwtAuth)' };
  const handler = middy()
    .use(
      jwtAuth({ issuer: server.issuer, audience, jwksUri: server.jwksUri, algorithms: ['RS256', 'ES256'] }),
    )
    .handler(async (_event, context) => ({ statusCode: 200, body: context.jwt.claims.sub }));
  return {
    sync: false,
    prepare: (token) => ({
      version: '2.0',
      routeKey: 'GET /pets',
      rawPath: '/pets',
      rawQueryString: '',
      headers: { authorization: `Bearer ${token}`, host: 'api.example.com' },
      requestContext: {
        http: {
          method: 'GET',
          path: '/pets',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'bench',
        },
        routeKey: 'GET /pets',
        stage: '$default',
      },
      isBase64Encoded: false,
    }),
    fn: (event) => handler(event, lambdaContext()),
    accepts: (result, token) => result?.statusCode === 200 && result.body === subOf(token),
  };
}

/**
 * The comparison users make: twenty lines on aws-jwt-verify (cold/minimal-handler.mjs),
 * bundled with the same esbuild settings as the project's zip, on the same TOKEN events. It writes
 * no log line and keeps no result cache.
 */
export async function loadMinimalHandlerRow({ methodArn, server, audience }) {
  const { bundleBaseline } = await import('./cold-start.mjs');
  const handler = await importHandler(await bundleBaseline(), {
    TOKEN_ISSUER: server.issuer,
    AUDIENCE: audience,
    JWKS_URI: server.jwksUri,
  });
  return {
    sync: false,
    prepare: (token) => ({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn }),
    fn: (event) => handler(event, lambdaContext()),
    accepts: (result, token) =>
      result?.principalId === subOf(token) &&
      result.policyDocument?.Statement?.some((s) => s.Effect === 'Allow') === true,
  };
}

const FLOOR_RESULT = { principalId: 'floor' };

/**
 * Middy's floor: `middy(handler)` with no middleware around a handler that returns a constant, on
 * the same TOKEN event objects. Verifies nothing (`verifies: false`: the tampered-token check does
 * not apply).
 */
export async function loadMiddyFloorRow({ methodArn }) {
  const { default: middy } = await import('@middy/core');
  const handler = middy(async () => FLOOR_RESULT);
  return {
    sync: false,
    verifies: false,
    prepare: (token) => ({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn }),
    fn: (event) => handler(event, lambdaContext()),
    accepts: (result) => result === FLOOR_RESULT,
  };
}

/**
 * The harness's own floor for async rows: an async function that returns its argument, given a new
 * Lambda context per call as the Lambda rows are (so the floor subtracted from them holds that too).
 */
export async function loadAsyncFloorRow() {
  const identity = async (item, _context) => item;
  return {
    sync: false,
    verifies: false,
    fn: (item) => identity(item, lambdaContext()),
    accepts: (result) => result !== undefined,
  };
}
