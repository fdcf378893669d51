// The harness must refuse to time a row that does not verify: these tests feed it broken inputs.
// No durations are asserted here; performance is measured only by `pnpm bench`.
import { startJwksServer } from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64url, claimsFor, generateKey, jwksOf, mint, mintTokens, tamper } from '../src/lib/fixtures.mjs';
import { opaqueTokenFor, startIntrospectionServer } from '../src/lib/introspection-server.mjs';
import { runAsync, runSync, summarize } from '../src/lib/measure.mjs';
import { createMinimalVerifier } from '../src/lib/minimal-verifier.mjs';
import { countSignatureChecks } from '../src/lib/signature-counter.mjs';
import { buildCells, ROWS } from '../src/throughput.mjs';

const ISSUER = 'http://127.0.0.1:1/';
const AUDIENCE = 'https://api.example.com';
const rsa = generateKey('RS256', 'rsa-test');
const ec = generateKey('ES256', 'ec-test');

function resign(token, change) {
  const [h, p] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  change(claims, header);
  return mint(rsa, claims, header);
}

describe('minimal verifier', () => {
  const verify = createMinimalVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsa, ec) });
  const [token] = mintTokens(rsa, { issuer: ISSUER, audience: AUDIENCE, count: 1 });

  it('accepts a valid RS256 and ES256 token', () => {
    expect(verify(token).sub).toBe('auth0|user-0');
    const [esToken] = mintTokens(ec, { issuer: ISSUER, audience: AUDIENCE, count: 1 });
    expect(verify(esToken).iss).toBe(ISSUER);
  });

  it('rejects a token whose payload was changed after signing', () => {
    expect(() => verify(tamper(token))).toThrow('signature');
  });

  it('rejects an expired token, a wrong issuer and a wrong audience', () => {
    expect(() => verify(resign(token, (c) => (c.exp = 1)))).toThrow('expired');
    expect(() => verify(resign(token, (c) => (c.iss = 'https://evil.example/')))).toThrow('issuer');
    expect(() => verify(resign(token, (c) => (c.aud = 'https://other.example')))).toThrow('audience');
  });

  it('rejects an unknown kid, an algorithm the key is not for, and a token without three parts', () => {
    expect(() => verify(resign(token, (_, h) => (h.kid = 'nope')))).toThrow('unknown key or alg');
    const none = `${b64url({ alg: 'none', kid: rsa.kid })}.${token.split('.')[1]}.`;
    expect(() => verify(none)).toThrow('unknown key or alg');
    expect(() => verify(token.split('.').slice(0, 2).join('.'))).toThrow('malformed');
  });
});

describe('signature counter', () => {
  it('counts one check per uncached verification and none for answers from a cache', async () => {
    const verify = createMinimalVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(rsa) });
    const tokens = mintTokens(rsa, { issuer: ISSUER, audience: AUDIENCE, count: 3 });
    const cache = new Map();
    const cached = (t) => cache.get(t) ?? cache.set(t, verify(t)).get(t);
    expect(await countSignatureChecks(() => tokens.forEach(verify))).toBe(3);
    expect(await countSignatureChecks(() => [...tokens, ...tokens].forEach(cached))).toBe(3);
    // Restored afterwards: nothing counts once the call returns.
    expect(verify(tokens[0]).sub).toBe('auth0|user-0');
  });
});

describe('timing loops', () => {
  it('count operations that throw or return a falsy value as failures', async () => {
    const items = [1, 2, 3, 4];
    const sync = runSync(
      (n) => {
        if (n === 2) throw new Error('boom');
        return n !== 3;
      },
      items,
      0,
      5,
    );
    expect(sync.ops).toBeGreaterThan(0);
    expect(sync.failures).toBe(sync.ops / 2);
    const asyncRun = await runAsync(async (n) => n % 2 === 0, items, 0, 5);
    expect(asyncRun.failures).toBe(asyncRun.ops / 2);
  });

  it('summarizes samples as median, min and max', () => {
    expect(summarize([5, 1, 3])).toMatchObject({ median: 3, min: 1, max: 5 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });
});

describe('row validity checks', () => {
  let server;
  let introspection;
  let ctx;
  beforeAll(async () => {
    server = await startJwksServer({ kind: 'jwks', body: jwksOf(rsa, ec) }, { connectionClose: true });
    introspection = await startIntrospectionServer();
    const tokens = {};
    for (const [alg, key] of [
      ['RS256', rsa],
      ['ES256', ec],
    ]) {
      const distinct = mintTokens(key, { issuer: server.issuer, audience: AUDIENCE, count: 4 });
      tokens[alg] = { distinct, repeated: [distinct[0]] };
    }
    const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets';
    ctx = {
      keys: { RS256: rsa, ES256: ec },
      jwks: jwksOf(rsa, ec),
      server,
      introspection,
      audience: AUDIENCE,
      tokens,
      methodArn,
    };
  });
  afterAll(async () => {
    await introspection.close();
    await server.close();
  });

  it('marks FAILED a row that accepts a tampered token, and one that rejects a valid token', async () => {
    const acceptsAll = {
      id: 'accepts-all',
      label: 'decodes without verifying',
      group: 'peer',
      create: async () => ({
        sync: true,
        fn: (t) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()),
        accepts: (r) => typeof r.sub === 'string',
      }),
    };
    const rejectsAll = {
      id: 'rejects-all',
      label: 'rejects everything',
      group: 'peer',
      create: async () => ({ sync: true, fn: () => false, accepts: () => true }),
    };
    const cells = await buildCells(ctx, [acceptsAll, rejectsAll]);
    const byRow = (id) => cells.filter((c) => c.row === id);
    for (const cell of byRow('accepts-all')) {
      expect(cell).toMatchObject({ status: 'FAILED', reason: 'a tampered token was accepted' });
    }
    for (const cell of byRow('rejects-all')) {
      expect(cell.status).toBe('FAILED');
      expect(cell.reason).toMatch(/^valid token not accepted/);
    }
  });

  it('accepts every real row: each verifies a valid token and rejects a tampered one', async () => {
    // The handler rows need the built bundle, which this package's tests do not build.
    const real = ROWS.filter((r) => !['handler', 'handler-refusals', 'middy'].includes(r.id));
    const cells = await buildCells(ctx, real);
    expect(cells.length).toBe(real.length * 4);
    for (const cell of cells) {
      // The DPoP row runs on distinct ES256 tokens only (see createDpopRow), the introspection rows
      // on RS256 only, one stream each: their other cells are n/a.
      const only = {
        'core-dpop': ['ES256', 'distinct'],
        'core-introspection': ['RS256', 'repeated'],
        'core-introspection-http': ['RS256', 'distinct'],
      }[cell.row];
      const expected = only && (cell.alg !== only[0] || cell.stream !== only[1]) ? 'n/a' : 'ok';
      expect({ row: cell.row, alg: cell.alg, stream: cell.stream, status: cell.status }).toMatchObject({
        status: expected,
      });
    }
  });

  describe('introspection rows', () => {
    const rowOf = (id) => ROWS.find((r) => r.id === id);

    it('counts no request on a cache hit and one per distinct opaque token', async () => {
      const cells = await buildCells(ctx, [rowOf('core-introspection'), rowOf('core-introspection-http')]);
      const hit = cells.find((c) => c.row === 'core-introspection' && c.status === 'ok');
      const http = cells.find((c) => c.row === 'core-introspection-http' && c.status === 'ok');
      // The validity check introspected the first token, which the cache holds since: the others
      // are new to it (in a run, 10,000 tokens cycle through a cache of 1,000).
      for (const item of [...hit.items, ...hit.items]) expect(await hit.fn(item)).toBeTruthy();
      for (const item of http.items.slice(1)) expect(await http.fn(item)).toBeTruthy();
      expect(hit.figures()).toEqual({ requestsPerCall: 0 });
      expect(http.figures()).toEqual({ requestsPerCall: 1 });
    });

    it('is FAILED when the endpoint calls every token inactive', async () => {
      // An endpoint that issued nothing: the row's own registrations go to a server it does not ask.
      const silent = await startIntrospectionServer();
      try {
        const elsewhere = { ...introspection, url: silent.url };
        const cells = await buildCells({ ...ctx, introspection: elsewhere }, [rowOf('core-introspection')]);
        const cell = cells.find((c) => c.alg === 'RS256' && c.stream === 'repeated');
        expect(cell.status).toBe('FAILED');
        expect(cell.reason).toMatch(/^valid token not accepted: .*not active/);
      } finally {
        await silent.close();
      }
    });

    it('is FAILED when the endpoint refuses the client credentials', async () => {
      const cells = await buildCells({ ...ctx, introspection: { ...introspection, clientSecret: 'wrong' } }, [
        rowOf('core-introspection'),
      ]);
      const cell = cells.find((c) => c.alg === 'RS256' && c.stream === 'repeated');
      expect(cell.status).toBe('FAILED');
      expect(cell.reason).toMatch(/^valid token not accepted/);
    });
  });
});

describe('introspection endpoint', () => {
  let endpoint;
  beforeAll(async () => {
    endpoint = await startIntrospectionServer();
  });
  afterAll(() => endpoint.close());

  async function ask(token, authorization) {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(token)}`,
    });
    return { status: res.status, body: await res.json() };
  }
  const basic = (id, secret) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret).replace(/%20/g, '+')}`).toString('base64')}`;

  it('answers active with the claims of a token it issued, inactive for any other', async () => {
    const token = endpoint.issue('seed-1', { iss: 'https://idp.example/', sub: 'u1', exp: 2_000_000_000 });
    expect(token).toBe(opaqueTokenFor('seed-1'));
    expect(token).not.toContain('.');
    const auth = basic(endpoint.clientId, endpoint.clientSecret);
    expect(await ask(token, auth)).toEqual({
      status: 200,
      body: { active: true, iss: 'https://idp.example/', sub: 'u1', exp: 2_000_000_000 },
    });
    expect(await ask(opaqueTokenFor('seed-2'), auth)).toEqual({ status: 200, body: { active: false } });
  });

  it('refuses a client with wrong credentials (401 invalid_client)', async () => {
    const token = endpoint.issue('seed-3', { sub: 'u3' });
    expect(await ask(token, basic(endpoint.clientId, 'nope'))).toEqual({
      status: 401,
      body: { error: 'invalid_client' },
    });
  });
});

describe('fixtures', () => {
  it('mints distinct tokens (distinct sub and jti)', () => {
    const tokens = mintTokens(rsa, { issuer: ISSUER, audience: AUDIENCE, count: 3 });
    expect(new Set(tokens).size).toBe(3);
    expect(claimsFor({ issuer: ISSUER, audience: AUDIENCE, index: 7, lifetimeSeconds: 60 }).sub).toBe(
      'auth0|user-7',
    );
  });
});
