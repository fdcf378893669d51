import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthorizer, type TokenError } from '../src/index.js';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  nowSeconds,
  signParts,
  startJwksServer,
} from './helpers/index.js';

const rsa = generateTestKey('RS256', 'rsa-1');
const rsa512 = generateTestKey('RS512', 'rsa-512');
const ec = generateTestKey('ES256', 'ec-1');
const ec384 = generateTestKey('ES384', 'ec-384');
const ed = generateTestKey('EdDSA', 'ed-1');
let server: JwksServer;
let other: JwksServer;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(rsa, rsa512, ec, ec384, ed) });
  other = await startJwksServer({ kind: 'jwks', body: jwksOf(generateTestKey('RS256', 'rsa-other')) });
});
afterAll(async () => {
  await server.close();
  await other.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as TokenError).code;
  }
  return 'VERIFIED';
}

describe('verify: happy paths', () => {
  it('verifies an RS256 token and returns claims, header facts and scopes', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const token = createMinter(server.issuer, 'api')(rsa, { claims: { scope: 'read:pets write:pets' } });
    const verified = await authorizer.verify(token);
    expect(verified.claims.sub).toBe('user-123');
    expect(verified.header).toEqual({ alg: 'RS256', kid: 'rsa-1' });
    expect(verified.issuer).toBe(server.issuer);
    expect(verified.scopes).toEqual(['read:pets', 'write:pets']);
  });

  it('verifies ES256, ES384, RS512 and EdDSA when allowed', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: 'api',
      algorithms: ['ES256', 'ES384', 'RS512', 'EdDSA'],
    });
    const mint = createMinter(server.issuer, 'api');
    for (const key of [ec, ec384, rsa512, ed]) {
      expect((await authorizer.verify(mint(key))).header.alg).toBe(key.alg);
    }
  });

  it('accepts an aud array that contains one configured audience', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: ['api-a', 'api-b'] });
    const token = createMinter(server.issuer, ['other', 'api-b'])(rsa);
    expect(await codeOf(authorizer.verify(token))).toBe('VERIFIED');
  });

  it('tolerates a trailing-slash difference in the issuer, both ways', async () => {
    const withoutSlash = server.issuer.slice(0, -1);
    const a = createAuthorizer({ issuer: withoutSlash, audience: 'api' });
    expect(await codeOf(a.verify(createMinter(server.issuer, 'api')(rsa)))).toBe('VERIFIED');
    const b = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    expect(await codeOf(b.verify(createMinter(withoutSlash, 'api')(rsa)))).toBe('VERIFIED');
  });

  it('defaults the JWKS URI to {issuer}.well-known/jwks.json', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    expect(authorizer.options.issuers.get(server.origin)?.jwksUri).toBe(
      `${server.origin}/.well-known/jwks.json`,
    );
  });

  it('serves several issuers, each with its own JWKS and audiences', async () => {
    const otherKey = generateTestKey('RS256', 'rsa-other-2');
    other.behaviour = { kind: 'jwks', body: jwksOf(otherKey) };
    const authorizer = createAuthorizer({
      issuers: [
        { issuer: server.issuer, audience: 'api-1' },
        { issuer: other.issuer, audience: ['api-2'], jwksUri: other.jwksUri },
      ],
    });
    expect(await codeOf(authorizer.verify(createMinter(server.issuer, 'api-1')(rsa)))).toBe('VERIFIED');
    expect(await codeOf(authorizer.verify(createMinter(other.issuer, 'api-2')(otherKey)))).toBe('VERIFIED');
    // Audiences are per issuer: api-1 is not accepted from the other issuer.
    expect(await codeOf(authorizer.verify(createMinter(other.issuer, 'api-1')(otherKey)))).toBe(
      'AUDIENCE_INVALID',
    );
    // Keys are per issuer: the first issuer's key does not verify for the second.
    expect(await codeOf(authorizer.verify(createMinter(other.issuer, 'api-2')(rsa)))).toBe('KID_UNKNOWN');
  });

  it('accepts a list of issuers sharing an audience', async () => {
    const authorizer = createAuthorizer({ issuer: [server.issuer, other.issuer], audience: 'api' });
    expect(authorizer.options.issuers.size).toBe(2);
    expect(await codeOf(authorizer.verify(createMinter(server.issuer, 'api')(rsa)))).toBe('VERIFIED');
  });

  it('applies the clock skew to exp and nbf', async () => {
    const now = nowSeconds();
    const mint = createMinter(server.issuer, 'api');
    const justExpired = mint(rsa, { claims: { exp: now - 5 } });
    const soonValid = mint(rsa, { claims: { nbf: now + 5 } });
    const strict = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const lenient = createAuthorizer({ issuer: server.issuer, audience: 'api', clockSkewSeconds: 30 });
    expect(await codeOf(strict.verify(justExpired))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(lenient.verify(justExpired))).toBe('VERIFIED');
    expect(await codeOf(strict.verify(soonValid))).toBe('TOKEN_NOT_YET_VALID');
    expect(await codeOf(lenient.verify(soonValid))).toBe('VERIFIED');
  });

  it('honours nbf in the past', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const token = createMinter(server.issuer, 'api')(rsa, { claims: { nbf: nowSeconds() - 10 } });
    expect(await codeOf(authorizer.verify(token))).toBe('VERIFIED');
  });

  it('enforces the max token age and then requires iat', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', maxTokenAgeSeconds: 60 });
    const mint = createMinter(server.issuer, 'api');
    expect(await codeOf(authorizer.verify(mint(rsa, { claims: { iat: nowSeconds() - 10 } })))).toBe(
      'VERIFIED',
    );
    expect(await codeOf(authorizer.verify(mint(rsa, { claims: { iat: nowSeconds() - 120 } })))).toBe(
      'TOKEN_TOO_OLD',
    );
    expect(await codeOf(authorizer.verify(mint(rsa, { claims: { iat: undefined } })))).toBe('IAT_INVALID');
  });

  it('verifies against a static JWKS without any network', async () => {
    const authorizer = createAuthorizer({
      issuers: [{ issuer: 'https://static.example.com/', audience: 'api', jwks: jwksOf(rsa) }],
    });
    const token = createMinter('https://static.example.com/', 'api')(rsa);
    expect(await codeOf(authorizer.verify(token))).toBe('VERIFIED');
    await authorizer.hydrate();
  });

  it('reads scopes from scope, scp and permissions', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const token = createMinter(server.issuer, 'api')(rsa, {
      claims: { scope: 'a b', scp: ['c', 'a'], permissions: ['d'] },
    });
    expect((await authorizer.verify(token)).scopes).toEqual(['a', 'b', 'c', 'd']);
  });

  it('drops scope values that are not RFC 6749 scope-tokens from scope, scp and permissions, counting them', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: 'api',
      routes: { 'DELETE /admin/{proxy+}': ['admin'] },
      unmatchedRoutes: 'allow',
    });
    const token = createMinter(server.issuer, 'api')(rsa, {
      claims: {
        scope: 'read:pets\tadmin ok',
        scp: ['read:pets admin', 'x"y', 'back\\slash', 'ü', 'good', 'a\u2028admin'],
        permissions: ['read:pets\nadmin', '', 'p'],
      },
    });
    const verified = await authorizer.verify(token);
    expect(verified.scopes).toEqual(['ok', 'good', 'p']);
    expect(verified.droppedScopes).toBe(8);
    const arn = 'arn:aws:execute-api:us-east-1:123456789012:api/prod/DELETE/admin/users/1';
    const { allowed, result } = authorizer.authorize(verified, arn);
    expect(result.context.scope).toBe('ok good p');
    expect(allowed).toBe(false);
    expect(authorizer.authorizeSimple(verified, arn).result.isAuthorized).toBe(false);
  });

  it('counts no dropped scope for well-formed scope claims', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const token = createMinter(server.issuer, 'api')(rsa, {
      claims: { scope: 'a  b ', scp: 'c!#[]~', permissions: ['d'] },
    });
    const verified = await authorizer.verify(token);
    expect(verified.scopes).toEqual(['a', 'b', 'c!#[]~', 'd']);
    expect(verified.droppedScopes).toBe(0);
  });

  it('parses \\u-escaped claims through the prototype-safe parser', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' })).toString('base64url');
    const payload = Buffer.from(
      `{"iss":"${server.issuer}","aud":"api","exp":${nowSeconds() + 60},"name":"J\\u00f6rg","constructor":"x","\\u005f_proto__":{"admin":true}}`,
    ).toString('base64url');
    const verified = await authorizer.verify(signParts(header, payload, rsa));
    expect(verified.claims.name).toBe('Jörg');
    expect(Object.hasOwn(verified.claims, 'constructor')).toBe(false);
    expect(Object.hasOwn(verified.claims, '__proto__')).toBe(false);
    expect((Object.assign({}, verified.claims) as { admin?: boolean }).admin).toBeUndefined();
  });

  it('decodes each header once, and stays right while many distinct headers churn that cache', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', resultCacheSize: 0 });
    const mint = createMinter(server.issuer, 'api');
    const sameHeader = Array.from({ length: 20 }, (_, i) => mint(rsa, { claims: { jti: `h${i}` } }));
    await authorizer.verify(sameHeader[0] as string);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      for (const token of sameHeader.slice(1)) await authorizer.verify(token);
      // One parse per payload; the header, the same for all, was parsed by the first call only.
      expect(parse).toHaveBeenCalledTimes(19);
    } finally {
      parse.mockRestore();
    }
    for (let i = 0; i < 150; i++) {
      // A distinct header each time (typ varies), well past the 64-entry header cache.
      const token = mint(rsa, { header: { typ: `JWT-${i}` } });
      expect(await codeOf(authorizer.verify(token))).toBe('VERIFIED');
      const bad = mint(rsa, { header: { typ: `JWT-${i}`, alg: 'HS256' } });
      expect(await codeOf(authorizer.verify(bad))).toBe('ALG_NOT_ALLOWED');
    }
    // A header cached for one token is judged again for the next: same header, other key.
    const header = mint(rsa).split('.')[0];
    const forged = `${header}.${mint(rsa512, { header: { kid: 'rsa-1', alg: 'RS256' } })
      .split('.')
      .slice(1)
      .join('.')}`;
    expect(await codeOf(authorizer.verify(forged))).toBe('SIGNATURE_INVALID');
  });

  it('judges each header on its own when tokens alternate between an accepted and a refused one', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', resultCacheSize: 0 });
    const mint = createMinter(server.issuer, 'api');
    const refused: [Record<string, unknown>, string][] = [
      [{ jku: 'https://evil.example/jwks' }, 'HEADER_UNSUPPORTED'],
      [{ crit: ['exp'] }, 'HEADER_UNSUPPORTED'],
      [{ kid: '' }, 'KID_MISSING'],
      [{ alg: 'ES256' }, 'ALG_NOT_ALLOWED'],
      [{ typ: 'dpop+jwt' }, 'TOKEN_TYPE_INVALID'],
      [{ typ: 'Logout+JWT' }, 'TOKEN_TYPE_INVALID'],
    ];
    for (const [header, code] of refused) {
      expect(await codeOf(authorizer.verify(mint(rsa)))).toBe('VERIFIED');
      expect(await codeOf(authorizer.verify(mint(rsa, { header })))).toBe(code);
      expect(await codeOf(authorizer.verify(mint(rsa, { header })))).toBe(code);
    }
  });

  it('returns frozen results', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const verified = await authorizer.verify(createMinter(server.issuer, 'api')(rsa));
    expect(Object.isFrozen(verified)).toBe(true);
    expect(Object.isFrozen(verified.claims)).toBe(true);
  });

  it("freezes the claims deeply: a handler cannot change a cached token's nested claims", async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const token = createMinter(server.issuer, 'api')(rsa, {
      claims: {
        realm_access: { roles: ['user'] },
        groups: ['users'],
        'https://example.com/app': { tier: 'free' },
      },
    });
    await authorizer.verify(token);
    const cached = await authorizer.verify(token);
    const roles = (cached.claims.realm_access as { roles: string[] }).roles;
    expect(() => roles.push('admin')).toThrow(TypeError);
    expect(() => {
      (cached.claims.groups as string[])[0] = 'admins';
    }).toThrow(TypeError);
    expect(() => {
      (cached.claims['https://example.com/app'] as { tier: string }).tier = 'enterprise';
    }).toThrow(TypeError);
    const again = await authorizer.verify(token);
    expect(again).toBe(cached);
    expect(again.claims.realm_access).toEqual({ roles: ['user'] });
    expect(again.claims.groups).toEqual(['users']);
    expect(Object.isFrozen(again.scopes)).toBe(true);
  });
});

describe('verified-result cache', () => {
  it('caches a token from its second verification on', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const token = createMinter(server.issuer, 'api')(rsa);
    const first = await authorizer.verify(token);
    const second = await authorizer.verify(token);
    // A token seen once is not kept: one-off tokens leave nothing behind.
    expect(second).not.toBe(first);
    expect(await authorizer.verify(token)).toBe(second);
    expect(await authorizer.verify(token)).toBe(second);
  });

  it('verifies again when the cache is off', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', resultCacheSize: 0 });
    const token = createMinter(server.issuer, 'api')(rsa);
    const first = await authorizer.verify(token);
    const second = await authorizer.verify(token);
    expect(await authorizer.verify(token)).not.toBe(second);
    expect(second).not.toBe(first);
  });

  it('never serves an entry past the token exp', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    // exp 2 s ahead (whole seconds, so between 1 and 2 s): valid now, expired 0.2 s after it; the
    // cached entry must not outlive it. One second was not enough margin on a loaded machine.
    const exp = nowSeconds() + 2;
    const token = createMinter(server.issuer, 'api')(rsa, { claims: { exp } });
    expect(await codeOf(authorizer.verify(token))).toBe('VERIFIED');
    const cached = await authorizer.verify(token);
    expect(await authorizer.verify(token)).toBe(cached);
    await new Promise((resolve) => setTimeout(resolve, (exp + 0.2) * 1000 - Date.now()));
    expect(await codeOf(authorizer.verify(token))).toBe('TOKEN_EXPIRED');
  });

  it('stays bounded: the least recently used token is evicted', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', resultCacheSize: 2 });
    const mint = createMinter(server.issuer, 'api');
    const [t1, t2, t3] = [1, 2, 3].map((n) => mint(rsa, { claims: { jti: `t${n}` } })) as [
      string,
      string,
      string,
    ];
    // Twice each, so each is admitted.
    const cachedTwice = async (token: string) => {
      await authorizer.verify(token);
      return authorizer.verify(token);
    };
    const r1 = await cachedTwice(t1);
    const r2 = await cachedTwice(t2);
    expect(await authorizer.verify(t1)).toBe(r1); // t1 is now the most recent
    await cachedTwice(t3); // evicts t2
    expect(await authorizer.verify(t1)).toBe(r1);
    expect(await authorizer.verify(t2)).not.toBe(r2);
  });

  it('does not cache failures', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api' });
    const token = createMinter(server.issuer, 'api')(rsa, { claims: { aud: 'other' } });
    expect(await codeOf(authorizer.verify(token))).toBe('AUDIENCE_INVALID');
    expect(await codeOf(authorizer.verify(token))).toBe('AUDIENCE_INVALID');
  });
});

describe('Cognito access tokens (client_id instead of aud)', () => {
  const claims = (over: Record<string, unknown>) => ({
    aud: undefined,
    token_use: 'access',
    client_id: 'app-1',
    ...over,
  });

  it('accepts an access token of a configured app client', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, clientId: ['app-1', 'app-2'] });
    const token = createMinter(server.issuer, 'unused')(rsa, { claims: claims({}) });
    expect(await codeOf(authorizer.verify(token))).toBe('VERIFIED');
  });

  it.each([
    ['another app client', { client_id: 'app-9' }],
    ['no client_id', { client_id: undefined }],
    ['an ID token (token_use id)', { token_use: 'id' }],
    ['no token_use', { token_use: undefined }],
    ['a client_id that is not a string', { client_id: ['app-1'] }],
  ])('refuses %s with AUDIENCE_INVALID', async (_name, over) => {
    const authorizer = createAuthorizer({ issuer: server.issuer, clientId: 'app-1' });
    const token = createMinter(server.issuer, 'unused')(rsa, { claims: claims(over) });
    expect(await codeOf(authorizer.verify(token))).toBe('AUDIENCE_INVALID');
  });

  it('checks a token that has aud against audience only, never against clientId', async () => {
    const onlyClient = createAuthorizer({ issuer: server.issuer, clientId: 'app-1' });
    const idToken = createMinter(server.issuer, 'app-1')(rsa, { claims: { token_use: 'id' } });
    expect(await codeOf(onlyClient.verify(idToken))).toBe('AUDIENCE_INVALID');
    const both = createAuthorizer({ issuer: server.issuer, audience: 'api', clientId: 'app-1' });
    expect(await codeOf(both.verify(createMinter(server.issuer, 'api')(rsa)))).toBe('VERIFIED');
    expect(
      await codeOf(
        both.verify(
          createMinter(server.issuer, 'other')(rsa, { claims: { client_id: 'app-1', token_use: 'access' } }),
        ),
      ),
    ).toBe('AUDIENCE_INVALID');
    expect(
      await codeOf(both.verify(createMinter(server.issuer, 'unused')(rsa, { claims: claims({}) }))),
    ).toBe('VERIFIED');
  });

  it('takes clientId per issuer', async () => {
    const authorizer = createAuthorizer({
      issuers: [
        { issuer: server.issuer, clientId: 'app-1' },
        { issuer: other.issuer, audience: 'api-2', jwksUri: other.jwksUri },
      ],
    });
    expect(
      await codeOf(authorizer.verify(createMinter(server.issuer, 'x')(rsa, { claims: claims({}) }))),
    ).toBe('VERIFIED');
  });
});

describe('deeply nested claims', () => {
  it('verifies and freezes a signed token whose claim nests thousands of levels, with a coded answer', async () => {
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', maxTokenBytes: 1_048_576 });
    // Written as text: JSON.stringify itself overflows on such a value.
    const now = nowSeconds();
    const payload = `{"iss":${JSON.stringify(server.issuer)},"aud":"api","sub":"u","iat":${now},"exp":${now + 600},"deep":${'['.repeat(20_000)}"leaf"${']'.repeat(20_000)}}`;
    const token = signParts(
      Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: rsa.kid })).toString('base64url'),
      Buffer.from(payload).toString('base64url'),
      rsa,
    );
    const outcome = await authorizer.verify(token).then(
      (verified) => {
        let value: unknown = verified.claims.deep;
        let depth = 0;
        while (Array.isArray(value)) {
          if (!Object.isFrozen(value)) return `unfrozen at ${depth}`;
          value = value[0];
          depth += 1;
        }
        return `frozen ${depth}`;
      },
      (err: unknown) => (err as TokenError).code ?? `uncoded ${String(err)}`,
    );
    // JSON.parse may refuse such a payload (TOKEN_MALFORMED); if it parses, every level is frozen.
    expect(['frozen 20000', 'TOKEN_MALFORMED']).toContain(outcome);
  });
});
