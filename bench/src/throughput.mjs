// Warm verification throughput, one core, one request at a time: every row runs the same
// pre-minted tokens; rows are interleaved repetition by repetition so noise spreads evenly.
import { createHash, createPublicKey, verify as cryptoVerify, randomUUID, sign } from 'node:crypto';
import { createAuthorizer, createMemoryReplayStore } from '@jwt-authorizer/authorizer-core';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import jwksClient from 'jwks-rsa';
import {
  loadAsyncFloorRow,
  loadHandlerRow,
  loadMiddyFloorRow,
  loadMiddyRow,
  loadMinimalHandlerRow,
} from './adapters.mjs';
import { b64url, generateKey, mint, tamper } from './lib/fixtures.mjs';
import { createLoopbackFetcher } from './lib/http-fetcher.mjs';
import { opaqueTokenFor } from './lib/introspection-server.mjs';
import { runAsync, runSync, summarize } from './lib/measure.mjs';
import { createMinimalVerifier } from './lib/minimal-verifier.mjs';
import { countSignatureChecks } from './lib/signature-counter.mjs';

export const ALGS = ['RS256', 'ES256'];
/** Rows whose signature checks go through node:crypto's one-shot verify, so they can be counted. */
const COUNTED_ROWS = new Set([
  'minimal',
  'core',
  'core-policy',
  'core-rules',
  'handler',
  'handler-refusals',
  'middy',
]);
const CHECK_CALLS = 2000;
export const STREAMS = ['distinct', 'repeated'];

function subOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
}

const acceptsPayload = (result, token) => result?.sub === subOf(token);

/** Every row: how to build it for one algorithm, and how to recognise a correct answer. */
export const ROWS = [
  {
    id: 'raw',
    label: 'node:crypto.verify, pre-split (physical limit)',
    group: 'limit',
    async create({ alg, keys }) {
      const key = keys[alg];
      const keyObject = createPublicKey({ key: key.jwk, format: 'jwk' });
      const verifyKey = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject;
      return {
        sync: true,
        prepare(token) {
          const dot = token.lastIndexOf('.');
          return {
            input: Buffer.from(token.slice(0, dot), 'latin1'),
            signature: Buffer.from(token.slice(dot + 1), 'base64url'),
          };
        },
        fn: (item) => cryptoVerify('sha256', item.input, verifyKey, item.signature),
        accepts: (result) => result === true,
      };
    },
  },
  {
    id: 'minimal',
    label: 'minimal verifier (practical limit)',
    group: 'limit',
    async create({ server, audience, jwks }) {
      const fn = createMinimalVerifier({ issuer: server.issuer, audience, jwks });
      return { sync: true, fn, accepts: acceptsPayload };
    },
  },
  {
    id: 'aws-jwt-verify-async',
    label: 'aws-jwt-verify JwtVerifier.verify',
    group: 'peer',
    async create({ server, audience }) {
      const verifier = createAwsJwtVerifier(server, audience);
      await verifier.hydrate();
      return { sync: false, fn: (t) => verifier.verify(t), accepts: acceptsPayload };
    },
  },
  {
    id: 'aws-jwt-verify-sync',
    label: 'aws-jwt-verify JwtVerifier.verifySync',
    group: 'peer',
    async create({ server, audience }) {
      const verifier = createAwsJwtVerifier(server, audience);
      await verifier.hydrate();
      return { sync: true, fn: (t) => verifier.verifySync(t), accepts: acceptsPayload };
    },
  },
  {
    id: 'jose',
    label: 'jose jwtVerify + createRemoteJWKSet',
    group: 'peer',
    async create({ alg, server, audience }) {
      const jwks = createRemoteJWKSet(new URL(server.jwksUri));
      const options = { issuer: server.issuer, audience, algorithms: [alg] };
      return {
        sync: false,
        fn: async (t) => (await jwtVerify(t, jwks, options)).payload,
        accepts: acceptsPayload,
      };
    },
  },
  {
    id: 'fast-jwt',
    label: 'fast-jwt, key resolved once (get-jwks), cache off',
    group: 'peer',
    create: (ctx) => createFastJwtRow(ctx, false),
  },
  {
    id: 'fast-jwt-cache',
    label: 'fast-jwt, key resolved once, cache on (1000)',
    group: 'peer',
    create: (ctx) => createFastJwtRow(ctx, true),
  },
  {
    id: 'jsonwebtoken',
    label: 'jsonwebtoken with a KeyObject',
    group: 'peer',
    async create({ alg, keys, server, audience }) {
      const keyObject = createPublicKey({ key: keys[alg].jwk, format: 'jwk' });
      const options = { algorithms: [alg], issuer: server.issuer, audience };
      return { sync: true, fn: (t) => jsonwebtoken.verify(t, keyObject, options), accepts: acceptsPayload };
    },
  },
  {
    id: 'jwks-rsa',
    label: "jsonwebtoken + jwks-rsa per request (Auth0's sample)",
    group: 'peer',
    async create({ server, audience }) {
      // As auth0-samples/jwt-rsa-aws-custom-authorizer lib.js does it.
      const client = jwksClient({
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
        jwksUri: server.jwksUri,
      });
      const jwtOptions = { audience, issuer: server.issuer };
      return {
        sync: false,
        async fn(token) {
          const decoded = jsonwebtoken.decode(token, { complete: true });
          if (!decoded?.header?.kid) throw new Error('invalid token');
          const key = await client.getSigningKey(decoded.header.kid);
          const signingKey = key.publicKey || key.rsaPublicKey;
          return jsonwebtoken.verify(token, signingKey, jwtOptions);
        },
        accepts: acceptsPayload,
      };
    },
  },
  {
    id: 'core',
    label: 'authorizer-core verify',
    group: 'project',
    async create({ server, audience }) {
      const authorizer = createAuthorizer({
        issuer: server.issuer,
        audience,
        jwksUri: server.jwksUri,
        algorithms: ['RS256', 'ES256'],
      });
      await authorizer.hydrate();
      return { sync: false, fn: (t) => authorizer.verify(t), accepts: (r, t) => r?.claims?.sub === subOf(t) };
    },
  },
  {
    id: 'core-policy',
    label: 'authorizer-core verify + authorize (IAM policy)',
    group: 'project',
    async create({ server, audience, methodArn }) {
      const authorizer = createAuthorizer({
        issuer: server.issuer,
        audience,
        jwksUri: server.jwksUri,
        algorithms: ['RS256', 'ES256'],
      });
      await authorizer.hydrate();
      return {
        sync: false,
        fn: async (t) => authorizer.authorize(await authorizer.verify(t), methodArn),
        accepts: (r, t) => r?.allowed === true && r.result.principalId === subOf(t),
      };
    },
  },
  {
    id: 'core-dpop',
    label: 'authorizer-core verifyRequest, DPoP-bound token + proof',
    group: 'project',
    create: (ctx) => createDpopRow(ctx),
  },
  {
    id: 'core-introspection',
    label: 'authorizer-core introspection, opaque token, cache hit',
    group: 'project',
    create: (ctx) => createIntrospectionRow(ctx, 'repeated'),
  },
  {
    id: 'core-introspection-http',
    label: 'authorizer-core introspection, opaque tokens, loopback POST each',
    group: 'project',
    create: (ctx) => createIntrospectionRow(ctx, 'distinct'),
  },
  {
    id: 'core-rules',
    label: 'authorizer-core verify + authorize, 20 routes with claim conditions',
    group: 'project',
    async create({ server, audience, methodArn }) {
      const authorizer = createAuthorizer({
        issuer: server.issuer,
        audience,
        jwksUri: server.jwksUri,
        algorithms: ['RS256', 'ES256'],
        requiredClaims: { claims: { azp: { present: true } } },
        routes: ruleRoutes(audience),
      });
      await authorizer.hydrate();
      return {
        sync: false,
        fn: async (t) => authorizer.authorize(await authorizer.verify(t), methodArn),
        // The called route is allowed, and the rules the token fails are denied in the same policy.
        accepts: (r, t) =>
          r?.allowed === true &&
          r.result.principalId === subOf(t) &&
          r.result.policyDocument.Statement.some((s) => s.Effect === 'Deny'),
      };
    },
  },
  {
    id: 'handler',
    label: 'lambda handler bundle, TOKEN event -> policy',
    group: 'project',
    create: (ctx) => loadHandlerRow(ctx),
  },
  {
    id: 'handler-refusals',
    label: 'lambda handler bundle, JWT_DECISION_LOG=refusals',
    group: 'project',
    create: (ctx) => loadHandlerRow(ctx, { JWT_DECISION_LOG: 'refusals' }),
  },
  {
    id: 'aws-jwt-verify-handler',
    label: 'minimal aws-jwt-verify TOKEN handler (bundled)',
    group: 'baseline',
    create: (ctx) => loadMinimalHandlerRow(ctx),
  },
  {
    id: 'middy-floor',
    label: 'bare middy(handler), no middleware (floor)',
    group: 'floor',
    create: (ctx) => loadMiddyFloorRow(ctx),
  },
  {
    id: 'async-floor',
    label: 'async identity function (harness floor)',
    group: 'floor',
    create: () => loadAsyncFloorRow(),
  },
  {
    id: 'middy',
    label: 'middy-jwt jwtAuth, HTTP API event -> response',
    group: 'project',
    create: (ctx) => loadMiddyRow(ctx),
  },
];

const DPOP_URL = 'https://api.example.com/pets';

/**
 * authorizer-core's DPoP path: each item is the stream's token re-signed with `cnf.jkt` and a proof
 * of its own (ES256 key, its own jti), made before timing. Every call checks the token and the
 * proof, and remembers the jti in the in-memory replay store; the store keeps 1,000 identifiers, so
 * a proof comes round again (after the 10,000-token cycle) only once it was evicted. The proofs'
 * `iat` window is widened to the length of a run. ES256 only: re-signing 10,000 RS256 tokens
 * would take seconds per run; one token repeated cannot carry fresh proofs.
 */
async function createDpopRow({ alg, stream, keys, server, audience }) {
  if (alg !== 'ES256') return { unavailable: 'measured on ES256 tokens only' };
  if (stream !== 'distinct') return { unavailable: 'a proof is accepted once: no repeated stream' };
  const proofKey = generateKey('ES256', 'dpop');
  const { kty, crv, x, y } = proofKey.jwk;
  const jwk = { kty, crv, x, y };
  const jkt = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  const proofHeader = b64url({ typ: 'dpop+jwt', alg: 'ES256', jwk });
  const authorizer = createAuthorizer({
    issuer: server.issuer,
    audience,
    jwksUri: server.jwksUri,
    algorithms: ['RS256', 'ES256'],
    dpop: { maxAgeSeconds: 3600, replayStore: createMemoryReplayStore({ maxEntries: 1000 }) },
  });
  await authorizer.hydrate();
  return {
    sync: false,
    prepare(token) {
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      const dot = token.lastIndexOf('.');
      const signed = cryptoVerify(
        'sha256',
        Buffer.from(token.slice(0, dot)),
        { key: keys[alg].publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(token.slice(dot + 1), 'base64url'),
      );
      // Re-signing must not launder the validity check's tampered token: a token whose signature
      // did not hold keeps its own signature over the new payload.
      const minted = mint(keys[alg], { ...claims, cnf: { jkt } });
      const bound = signed ? minted : `${minted.slice(0, minted.lastIndexOf('.'))}.${token.slice(dot + 1)}`;
      const ath = createHash('sha256').update(bound).digest('base64url');
      const input = `${proofHeader}.${b64url({ jti: randomUUID(), htm: 'GET', htu: DPOP_URL, iat: Math.floor(Date.now() / 1000), ath })}`;
      const signature = sign('sha256', Buffer.from(input), {
        key: proofKey.privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return {
        authorization: `DPoP ${bound}`,
        dpop: `${input}.${signature.toString('base64url')}`,
        method: 'GET',
        url: DPOP_URL,
      };
    },
    fn: (request) => authorizer.verifyRequest(request),
    accepts: (r, token) => r?.claims?.sub === subOf(token),
  };
}

/**
 * authorizer-core's RFC 7662 path, as the Lambda handler configures it (`introspection: { url,
 * clientId, clientSecret }`, defaults otherwise: mode `opaque`, 1,000 answers cached up to 300 s),
 * called as a TOKEN event is (`verifyAuthorization('Bearer …')`). The suite's endpoint on 127.0.0.1
 * plays the authorization server: before timing, each JWT of the stream whose signature holds is
 * registered there as an opaque token with the JWT's claims (`iss`, `aud`, `exp`, `scope`, `sub`,
 * `client_id`); any other token (the validity check's tampered one) is unknown to it, so it answers
 * `active: false`. `repeated`: one opaque token, answered from the introspection cache after the
 * first call. `distinct`: 10,000 opaque tokens cycled through the 1,000-entry cache, so every call
 * is one HTTP POST over loopback (a fresh connection, as the fetcher keeps no pool), the server's
 * own CPU time included since it runs in this process. Requests per call are counted. RS256 only:
 * no signature is checked, the ratio is to RS256 raw `crypto.verify` for scale.
 */
async function createIntrospectionRow({ alg, stream, keys, server, audience, introspection }, only) {
  if (alg !== 'RS256') return { unavailable: 'no signature is checked: measured against RS256 raw only' };
  if (stream !== only) {
    return {
      unavailable:
        only === 'repeated'
          ? 'the cache-hit row runs one repeated token'
          : 'a loopback request per distinct token',
    };
  }
  if (introspection === undefined) throw new Error('no introspection endpoint in the fixtures');
  const authorizer = createAuthorizer({
    issuer: server.issuer,
    audience,
    jwksUri: server.jwksUri,
    algorithms: ['RS256', 'ES256'],
    introspection: {
      url: introspection.url,
      clientId: introspection.clientId,
      clientSecret: introspection.clientSecret,
    },
  });
  await authorizer.hydrate();
  let calls = 0;
  let requests = 0;
  return {
    sync: false,
    prepare(token) {
      const dot = token.lastIndexOf('.');
      const signed = cryptoVerify(
        'sha256',
        Buffer.from(token.slice(0, dot)),
        keys[alg].publicKey,
        Buffer.from(token.slice(dot + 1), 'base64url'),
      );
      if (!signed) return `Bearer ${opaqueTokenFor(token)}`;
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      const opaque = introspection.issue(token, {
        iss: claims.iss,
        aud: audience,
        sub: claims.sub,
        scope: claims.scope,
        client_id: claims.azp,
        token_type: 'Bearer',
        iat: claims.iat,
        exp: claims.exp,
      });
      return `Bearer ${opaque}`;
    },
    async fn(authorization) {
      // Calls are awaited one at a time, so the server's count moves only for this call.
      const before = introspection.stats.requests;
      calls++;
      try {
        return await authorizer.verifyAuthorization(authorization);
      } finally {
        requests += introspection.stats.requests - before;
      }
    },
    // An introspected result has no JWS header: the answer came from the server, not a JWT check.
    accepts: (r, token) => r?.header?.alg === 'introspection' && r.claims.sub === subOf(token),
    afterValidation() {
      calls = 0;
      requests = 0;
    },
    figures: () => ({ requestsPerCall: calls === 0 ? undefined : requests / calls }),
  };
}

/**
 * Twenty route rules using every condition kind, literal names and JSON Pointers; the bench tokens
 * (scope `openid profile read:pets write:pets`, `azp`, two audiences) satisfy some and fail others,
 * so the api-mode policy holds Allow and Deny statements. `GET /pets` is the called route.
 */
export function ruleRoutes(audience) {
  const routes = {
    'GET /pets': { scopes: ['read:pets'], claims: { azp: 'bench-client-id', aud: { contains: audience } } },
  };
  const conditions = [
    { azp: { oneOf: ['bench-client-id', 'other-client'] } },
    { scope: { containsAll: ['read:pets', 'write:pets'] } },
    { scope: { containsAny: ['admin', 'write:pets'] } },
    { '/aud/0': audience },
    { 'https://example.com/tenant': { present: false } },
    { 'cognito:groups': { containsAny: ['vets', 'admins'] } },
    { '/realm_access/roles': { contains: 'admin' } },
    { email_verified: true },
  ];
  for (let i = 0; i < 19; i++) {
    const verb = ['GET', 'POST', 'PUT', 'DELETE'][i % 4];
    routes[`${verb} /resource${i}/{id}`] = {
      scopes: i % 3 === 0 ? { anyOf: ['read:pets', 'admin'] } : ['read:pets'],
      claims: { ...conditions[i % conditions.length], ...conditions[(i + 3) % conditions.length] },
    };
  }
  return routes;
}

function createAwsJwtVerifier(server, audience) {
  // The library's default fetcher speaks https only; the JWKS here is on loopback http.
  const jwksCache = new SimpleJwksCache({ fetcher: createLoopbackFetcher() });
  return JwtVerifier.create({ issuer: server.issuer, audience, jwksUri: server.jwksUri }, { jwksCache });
}

async function createFastJwtRow({ alg, keys, server, audience }, cache) {
  const getJwks = buildGetJwks({ jwksPath: '/.well-known/jwks.json' });
  const key = await getJwks.getPublicKey({ domain: server.issuer, alg, kid: keys[alg].kid });
  const verifier = createFastJwtVerifier({
    key,
    algorithms: [alg],
    allowedIss: server.issuer,
    allowedAud: audience,
    cache,
  });
  return { sync: true, fn: verifier, accepts: acceptsPayload };
}

/**
 * Builds every row for one (alg, stream), checks it accepts a valid token and rejects a tampered one,
 * and returns the runnable cells. A row that fails a check is kept as FAILED and never timed.
 */
export async function buildCells(ctx, rows = ROWS) {
  const cells = [];
  for (const alg of ALGS) {
    for (const stream of STREAMS) {
      const tokens = ctx.tokens[alg][stream];
      for (const row of rows) {
        const cell = {
          row: row.id,
          label: row.label,
          group: row.group,
          alg,
          stream,
          status: 'ok',
          reason: undefined,
        };
        cells.push(cell);
        let built;
        try {
          built = await row.create({ ...ctx, alg, stream });
        } catch (err) {
          cell.status = 'FAILED';
          cell.reason = `setup threw: ${err.message}`;
          continue;
        }
        if (built.unavailable) {
          cell.status = 'n/a';
          cell.reason = built.unavailable;
          continue;
        }
        const prepare = built.prepare ?? ((t) => t);
        built.enter?.();
        try {
          const first = await built.fn(prepare(tokens[0]));
          if (!first || !built.accepts(first, tokens[0]))
            throw new Error('the first call returned a wrong result');
        } catch (err) {
          built.leave?.();
          cell.status = 'FAILED';
          cell.reason = `valid token not accepted: ${err.message}`;
          continue;
        }
        // A floor row verifies nothing: there is no tampered token to refuse.
        let rejected = built.verifies === false;
        if (!rejected) {
          try {
            rejected = !(await built.fn(prepare(tamper(tokens[0]))));
          } catch {
            rejected = true;
          }
        }
        built.leave?.();
        if (!rejected) {
          cell.status = 'FAILED';
          cell.reason = 'a tampered token was accepted';
          continue;
        }
        cell.items = tokens.map(prepare);
        built.afterValidation?.();
        cell.figures = built.figures;
        cell.enter = built.enter;
        cell.leave = built.leave;
        cell.fn = built.fn;
        cell.sync = built.sync;
        cell.next = 0;
        cell.samples = [];
        cell.pairRatios = [];
        cell.wallSamples = [];
        cell.failures = 0;
        cell.ops = 0;
      }
    }
  }
  return cells;
}

async function runCell(cell, durationMs) {
  cell.enter?.();
  try {
    const res = cell.sync
      ? runSync(cell.fn, cell.items, cell.next, durationMs)
      : await runAsync(cell.fn, cell.items, cell.next, durationMs);
    cell.next = res.next;
    return res;
  } finally {
    cell.leave?.();
  }
}

/**
 * Warms every runnable cell, then times `reps` repetitions in repetition-major order. Each timed run
 * of a row is preceded by a short run of raw crypto.verify (same algorithm and stream), and the
 * ratio is the median of these adjacent pairs: on a shared machine the speed drifts from second to
 * second, which a ratio of two measurements made seconds apart would carry, and pairing cancels.
 */
export async function measureCells(cells, { reps, durationMs, warmupMs, onProgress }) {
  const runnable = cells.filter((c) => c.status === 'ok');
  const rawOf = (cell) =>
    runnable.find((c) => c.row === 'raw' && c.alg === cell.alg && c.stream === cell.stream);
  const pairMs = durationMs / 4;
  for (const cell of runnable) {
    const res = await runCell(cell, warmupMs);
    if (res.failures > 0) {
      cell.status = 'FAILED';
      cell.reason = `${res.failures} of ${res.ops} operations failed during warm-up`;
    }
  }
  for (let rep = 0; rep < reps; rep++) {
    for (const cell of runnable) {
      if (cell.status !== 'ok') continue;
      const raw = cell.row === 'raw' ? undefined : rawOf(cell);
      const before = raw?.status === 'ok' ? await runCell(raw, pairMs) : undefined;
      const res = await runCell(cell, durationMs);
      cell.ops += res.ops;
      cell.failures += res.failures;
      if (res.failures > 0) {
        cell.status = 'FAILED';
        cell.reason = `${res.failures} of ${res.ops} operations failed`;
        continue;
      }
      cell.samples.push(res.ops / res.seconds);
      cell.wallSamples.push(res.ops / res.wallSeconds);
      if (before && before.failures === 0)
        cell.pairRatios.push(res.ops / res.seconds / (before.ops / before.seconds));
    }
    onProgress?.(rep + 1, reps);
  }
  // Untimed: on the distinct stream, continue each counted row's cycle and count signature checks.
  for (const cell of runnable) {
    if (cell.status !== 'ok' || cell.stream !== 'distinct' || !COUNTED_ROWS.has(cell.row)) continue;
    const calls = Math.min(CHECK_CALLS, cell.items.length);
    cell.enter?.();
    try {
      const checks = await countSignatureChecks(async () => {
        for (let i = 0; i < calls; i++) {
          await cell.fn(cell.items[cell.next]);
          cell.next = (cell.next + 1) % cell.items.length;
        }
      });
      cell.signatureChecksPerCall = checks / calls;
    } finally {
      cell.leave?.();
    }
  }
  for (const cell of cells) {
    if (cell.status === 'ok' && cell.figures) Object.assign(cell, cell.figures());
    delete cell.figures;
    cell.opsPerSecond = cell.status === 'ok' ? summarize(cell.samples) : undefined;
    cell.wallOpsPerSecond = cell.status === 'ok' ? summarize(cell.wallSamples) : undefined;
    delete cell.samples;
    delete cell.wallSamples;
    delete cell.items;
    delete cell.fn;
    delete cell.enter;
    delete cell.leave;
  }
  for (const cell of cells) {
    if (cell.status !== 'ok') {
      cell.ratioToRaw = undefined;
    } else if (cell.row === 'raw') {
      cell.ratioToRaw = 1;
    } else {
      const pairs = summarize(cell.pairRatios);
      cell.ratioToRaw = cell.pairRatios.length > 0 ? pairs.median : undefined;
      cell.ratioSpread = cell.pairRatios.length > 0 ? { min: pairs.min, max: pairs.max } : undefined;
    }
    delete cell.pairRatios;
  }
  return cells;
}
