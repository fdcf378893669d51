// Soak: many authorizations in one process, heap sampled after a full GC. Three streams, each on a
// fresh authorizer: distinct tokens (cycled through a set larger than the result cache, so every
// call misses it) and one repeated token, both core verify + IAM policy; and `dpop-rules`: distinct
// DPoP-bound tokens, each request with a fresh proof signed by the client's EC key, checked with
// the replay store on, then authorized against twenty route rules with claim conditions.
import { createHash, randomUUID, sign } from 'node:crypto';
import { createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { b64url, mint } from './lib/fixtures.mjs';
import { gc } from './lib/measure.mjs';
import { ruleRoutes } from './throughput.mjs';

export const SOAK_STREAMS = ['distinct', 'repeated', 'dpop-rules'];

/** The URL the DPoP proofs name: the route of the method ARN the soak authorizes (`GET /pets`). */
const DPOP_URL = 'https://api.example.com/pets';

function heapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function hydrated(authorizer) {
  try {
    await authorizer.hydrate();
    return undefined;
  } catch (err) {
    // Not fatal: the first verify fetches the JWKS again. Recorded, since it should not happen.
    return `${err.code ?? err.name}${err.cause?.code ? ` (${err.cause.code})` : ''}`;
  }
}

/**
 * Runs `total` calls of `authorizeOne(i)` (resolving whether the request was allowed; a throw is a
 * failure), sampling the heap after a full GC before, at 10k, every `total / samples` and at the
 * end. `clientMs()` is time spent inside the loop on the client's side (signing proofs), left out
 * of the rate.
 */
async function soakLoop({ total, samples, authorizeOne, clientMs = () => 0 }) {
  const heap = [{ at: 0, bytes: heapUsed(), seconds: 0 }];
  const every = Math.floor(total / samples);
  const cpu0 = process.cpuUsage();
  let denied = 0;
  let failed = 0;
  let heapAt10k;
  const start = performance.now();
  let timeMs = 0;
  let mark = start;
  for (let i = 1; i <= total; i++) {
    try {
      if (!(await authorizeOne(i))) denied++;
    } catch {
      failed++;
    }
    // Let the event loop turn now and then, as it does between Lambda invocations.
    if (i % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (i === 10_000 || i % every === 0) {
      timeMs += performance.now() - mark;
      const bytes = heapUsed();
      if (i === 10_000) heapAt10k = bytes;
      // seconds: wall time of the loop so far, heap sampling left out (a rate that sinks shows here).
      if (i % every === 0) heap.push({ at: i, bytes, seconds: timeMs / 1000 });
      mark = performance.now();
    }
  }
  timeMs += performance.now() - mark;
  const cpu = process.cpuUsage(cpu0);
  const end = heap[heap.length - 1].bytes;
  return {
    authorizations: total,
    denied,
    failed,
    opsPerSecond: total / ((timeMs - clientMs()) / 1000),
    wallSeconds: (performance.now() - start) / 1000,
    // Process CPU time, heap sampling (full GCs) included: on a shared machine the wall time also
    // holds the time other processes had the CPU.
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    heapAt10k,
    heapMax: Math.max(...heap.map((h) => h.bytes)),
    heapEnd: end,
    growthSince10k: end - heapAt10k,
    heap,
  };
}

async function soakPlain({ tokens, total, issuer, audience, jwksUri, methodArn, samples }) {
  const authorizer = createAuthorizer({ issuer, audience, jwksUri, algorithms: ['RS256', 'ES256'] });
  const hydrateError = await hydrated(authorizer);
  const length = tokens.length;
  const result = await soakLoop({
    total,
    samples,
    async authorizeOne(i) {
      const verified = await authorizer.verify(tokens[i % length]);
      return authorizer.authorize(verified, methodArn).allowed;
    },
  });
  return { hydrateError, distinctTokens: length, ...result };
}

/**
 * `boundTokens` carry `cnf.jkt` of `proofKey`. Every request signs a proof of its own (fresh `jti`,
 * `iat` now, `ath` of its token) as a DPoP client does, and the authorizer checks it with its
 * default in-memory replay store (10,000 identifiers) before the routes decide. The time spent
 * signing proofs is measured and left out of the rate. At the end the last proof is sent again:
 * the replay store must refuse it.
 */
async function soakDpopRules({
  boundTokens,
  proofKey,
  total,
  issuer,
  audience,
  jwksUri,
  methodArn,
  samples,
}) {
  const authorizer = createAuthorizer({
    issuer,
    audience,
    jwksUri,
    algorithms: ['RS256', 'ES256'],
    requiredClaims: { claims: { azp: { present: true } } },
    routes: ruleRoutes(audience),
    senderConstrained: 'required',
  });
  const hydrateError = await hydrated(authorizer);
  const { kty, crv, x, y } = proofKey.jwk;
  const proofHeader = b64url({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } });
  const signing = { key: proofKey.privateKey, dsaEncoding: 'ieee-p1363' };
  const length = boundTokens.length;
  const aths = boundTokens.map((token) => createHash('sha256').update(token).digest('base64url'));
  let signingMs = 0;
  let last;
  const requestFor = (i) => {
    const t0 = performance.now();
    const input = `${proofHeader}.${b64url({ jti: randomUUID(), htm: 'GET', htu: DPOP_URL, iat: Math.floor(Date.now() / 1000), ath: aths[i % length] })}`;
    const dpop = `${input}.${sign('sha256', Buffer.from(input), signing).toString('base64url')}`;
    signingMs += performance.now() - t0;
    return { authorization: `DPoP ${boundTokens[i % length]}`, dpop, method: 'GET', url: DPOP_URL };
  };
  const result = await soakLoop({
    total,
    samples,
    clientMs: () => signingMs,
    async authorizeOne(i) {
      last = requestFor(i);
      const verified = await authorizer.verifyRequest(last);
      return authorizer.authorize(verified, methodArn).allowed;
    },
  });
  let replayRefusedWith;
  try {
    await authorizer.verifyRequest(last);
  } catch (err) {
    replayRefusedWith = err.code ?? err.name;
  }
  return {
    hydrateError,
    distinctTokens: length,
    routes: Object.keys(ruleRoutes(audience)).length,
    proofSigningSeconds: signingMs / 1000,
    replayRefusedWith,
    ...result,
  };
}

/** `tokens` re-signed by `key` with `cnf.jkt` of `proofKey` added (DPoP-bound, RFC 9449). */
export function bindTokens(tokens, key, proofKey) {
  // RFC 7638 thumbprint: the EC key's required members in lexicographic order.
  const { kty, crv, x, y } = proofKey.jwk;
  const jkt = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  return tokens.map((token) => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    return mint(key, { ...claims, cnf: { jkt } });
  });
}

/** Soaks distinct, repeated and DPoP + rules streams, each on a fresh authorizer. */
export async function soak({
  distinctTokens,
  boundTokens,
  proofKey,
  total,
  issuer,
  audience,
  jwksUri,
  methodArn,
}) {
  const common = { total, issuer, audience, jwksUri, methodArn, samples: 10 };
  const distinct = await soakPlain({ ...common, tokens: distinctTokens });
  const repeated = await soakPlain({ ...common, tokens: [distinctTokens[0]] });
  const dpopRules = await soakDpopRules({ ...common, boundTokens, proofKey });
  return { distinct, repeated, 'dpop-rules': dpopRules };
}
