// Soak: many authorizations (core verify + IAM policy) in one process, heap sampled after a full GC.
// Distinct tokens are cycled through a set larger than the result cache, so every call misses it.
import { createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { gc } from './lib/measure.mjs';

function heapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function soakOne({ tokens, total, issuer, audience, jwksUri, methodArn, samples }) {
  const authorizer = createAuthorizer({ issuer, audience, jwksUri, algorithms: ['RS256', 'ES256'] });
  let hydrateError;
  try {
    await authorizer.hydrate();
  } catch (err) {
    // Not fatal: the first verify fetches the JWKS again. Recorded, since it should not happen.
    hydrateError = `${err.code ?? err.name}${err.cause?.code ? ` (${err.cause.code})` : ''}`;
  }
  const heap = [{ at: 0, bytes: heapUsed() }];
  const every = Math.floor(total / samples);
  const length = tokens.length;
  let denied = 0;
  let failed = 0;
  let heapAt10k;
  const start = performance.now();
  let timeMs = 0;
  let mark = start;
  for (let i = 1; i <= total; i++) {
    try {
      const verified = await authorizer.verify(tokens[i % length]);
      if (!authorizer.authorize(verified, methodArn).allowed) denied++;
    } catch {
      failed++;
    }
    // Let the event loop turn now and then, as it does between Lambda invocations.
    if (i % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (i === 10_000 || i % every === 0) {
      timeMs += performance.now() - mark;
      const bytes = heapUsed();
      if (i === 10_000) heapAt10k = bytes;
      if (i % every === 0) heap.push({ at: i, bytes });
      mark = performance.now();
    }
  }
  timeMs += performance.now() - mark;
  const end = heap[heap.length - 1].bytes;
  return {
    hydrateError,
    authorizations: total,
    distinctTokens: length,
    denied,
    failed,
    opsPerSecond: total / (timeMs / 1000),
    heapAt10k,
    heapMax: Math.max(...heap.map((h) => h.bytes)),
    heapEnd: end,
    growthSince10k: end - heapAt10k,
    heap,
  };
}

/** Soaks distinct then repeated tokens, each on a fresh authorizer. */
export async function soak({ distinctTokens, total, issuer, audience, jwksUri, methodArn }) {
  const common = { total, issuer, audience, jwksUri, methodArn, samples: 10 };
  const distinct = await soakOne({ ...common, tokens: distinctTokens });
  const repeated = await soakOne({ ...common, tokens: [distinctTokens[0]] });
  return { distinct, repeated };
}
