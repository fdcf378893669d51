// JWKS behaviour under load, counted at the server: (a) a burst on a cold verifier, (b) a flood of
// tokens naming unknown kids, (c) a legitimately rotated key published right after that flood.
import { randomBytes } from 'node:crypto';
import { createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { DEFAULT_JWKS_COOLDOWN_MS } from '@jwt-authorizer/authorizer-core/internal';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import jwksClient from 'jwks-rsa';
import { claimsFor, generateKey, jwksOf, mint } from './lib/fixtures.mjs';
import { createLoopbackFetcher } from './lib/http-fetcher.mjs';
import { startJwksServer } from './lib/jwks-server.mjs';
import { sleep } from './lib/measure.mjs';

/** Each client: a name (its JWKS path), what it is, and a `verify(token)` that rejects on failure. */
const CLIENTS = [
  {
    name: 'core',
    label: 'authorizer-core',
    cooldownMs: DEFAULT_JWKS_COOLDOWN_MS,
    limit: `cool-down ${DEFAULT_JWKS_COOLDOWN_MS} ms`,
    create({ issuer, audience, jwksUri }) {
      const authorizer = createAuthorizer({ issuer, audience, jwksUri });
      return (token) => authorizer.verify(token);
    },
  },
  {
    name: 'aws-jwt-verify',
    label: 'aws-jwt-verify JwtVerifier',
    limit: 'penalty box 10 s after an unknown kid',
    create({ issuer, audience, jwksUri }) {
      const jwksCache = new SimpleJwksCache({ fetcher: createLoopbackFetcher() });
      const verifier = JwtVerifier.create({ issuer, audience, jwksUri }, { jwksCache });
      return (token) => verifier.verify(token);
    },
  },
  {
    name: 'jose',
    label: 'jose createRemoteJWKSet (defaults)',
    limit: 'cool-down 30 s',
    create({ issuer, audience, jwksUri }) {
      const jwks = createRemoteJWKSet(new URL(jwksUri));
      return (token) => jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'] });
    },
  },
  {
    name: 'jwks-rsa-auth0',
    label: "jwks-rsa, Auth0's sample (rate limit 10/min)",
    limit: '10 requests per minute',
    create: (options) =>
      createJwksRsaClient(options, { cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }),
  },
  {
    name: 'jwks-rsa',
    label: 'jwks-rsa, defaults (cache on, no rate limit)',
    limit: 'none',
    create: (options) => createJwksRsaClient(options, {}),
  },
  {
    name: 'fast-jwt',
    label: 'fast-jwt + get-jwks (defaults)',
    limit: 'none',
    create({ issuer, audience, origin }) {
      const getJwks = buildGetJwks({ jwksPath: 'fast-jwt/jwks.json' });
      const verify = createFastJwtVerifier({
        key: async ({ header }) => getJwks.getPublicKey({ domain: origin, alg: header.alg, kid: header.kid }),
        algorithms: ['RS256'],
        allowedIss: issuer,
        allowedAud: audience,
      });
      return (token) => verify(token);
    },
  },
];

function createJwksRsaClient({ issuer, audience, jwksUri }, options) {
  const client = jwksClient({ ...options, jwksUri });
  return async (token) => {
    const decoded = jsonwebtoken.decode(token, { complete: true });
    if (!decoded?.header?.kid) throw new Error('invalid token');
    const key = await client.getSigningKey(decoded.header.kid);
    return jsonwebtoken.verify(token, key.publicKey || key.rsaPublicKey, { audience, issuer });
  };
}

async function settle(promise) {
  try {
    await promise;
    return true;
  } catch {
    return false;
  }
}

/** Mints `count` tokens signed by a key that no JWKS holds, each naming a random kid. */
function mintFloodTokens({ issuer, audience, count }) {
  const attacker = generateKey('RS256', 'attacker');
  return Array.from({ length: count }, (_, index) =>
    mint(
      { ...attacker, kid: randomBytes(12).toString('base64url') },
      claimsFor({ issuer, audience, index, lifetimeSeconds: 3600, tag: 'flood' }),
    ),
  );
}

/**
 * One client's timeline, on its own JWKS server: (a) 200 concurrent verifications on a cold verifier;
 * (b) right after, 1,000 unknown-kid tokens sent one after the other, spread over `floodMs`;
 * (c) as the flood ends, a rotated key is published and its token retried every 50 ms.
 */
async function runClient(client, { key, tokens, issuer, audience, floodTokens, floodMs, rotationCapMs }) {
  const server = await startJwksServer(jwksOf(key));
  try {
    const verify = client.create({
      issuer,
      audience,
      jwksUri: server.jwksUriFor(client.name),
      origin: server.origin,
    });

    const burst = tokens.slice(0, 200);
    const outcomes = await Promise.all(burst.map((t) => settle(verify(t))));
    const coldBurst = {
      concurrent: burst.length,
      accepted: outcomes.filter(Boolean).length,
      requests: server.requestsFor(client.name),
    };

    const before = server.requestsFor(client.name);
    const floodStart = performance.now();
    let rejected = 0;
    for (let i = 0; i < floodTokens.length; i++) {
      const wait = floodStart + (floodMs * i) / floodTokens.length - performance.now();
      if (wait > 1) await sleep(wait);
      if (!(await settle(verify(floodTokens[i])))) rejected++;
    }
    const durationMs = performance.now() - floodStart;
    const unknownKidFlood = {
      tokens: floodTokens.length,
      rejected,
      durationMs,
      requests: server.requestsFor(client.name) - before,
      allowedRequests: client.cooldownMs ? Math.ceil(durationMs / client.cooldownMs) : undefined,
    };

    const rotated = generateKey('RS256', `rotated-${randomBytes(6).toString('hex')}`);
    const rotatedToken = mint(
      rotated,
      claimsFor({ issuer, audience, index: 0, lifetimeSeconds: 3600, tag: 'rot' }),
    );
    server.setJwks(jwksOf(key, rotated));
    const publishedAt = performance.now();
    let acceptedAfterMs;
    let attempts = 0;
    while (performance.now() - publishedAt <= rotationCapMs) {
      attempts++;
      if (await settle(verify(rotatedToken))) {
        acceptedAfterMs = performance.now() - publishedAt;
        break;
      }
      await sleep(50);
    }
    return {
      name: client.name,
      label: client.label,
      limit: client.limit,
      coldBurst,
      unknownKidFlood,
      rotation: { acceptedAfterMs, attempts, capMs: rotationCapMs },
    };
  } finally {
    await server.close();
  }
}

/** Runs every client's timeline at once (each on its own server); returns one result per client. */
export async function measureJwksBehaviour({ key, tokens, issuer, audience, floodMs, rotationCapMs }) {
  const floodTokens = mintFloodTokens({ issuer, audience, count: 1000 });
  const options = { key, tokens, issuer, audience, floodTokens, floodMs, rotationCapMs };
  return Promise.all(CLIENTS.map((client) => runClient(client, options)));
}
