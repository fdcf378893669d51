import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizerOptions, createAuthorizer, type TokenError } from '../src/index.js';
import {
  createMinter,
  generateTestKey,
  iamAllows,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from './helpers/index.js';

const AUD = 'https://api.example.com';
const key = generateTestKey('RS256', 'rules-key');
const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUD);
});
afterAll(() => server.close());

async function refusal(promise: Promise<unknown>): Promise<TokenError | undefined> {
  try {
    await promise;
  } catch (err) {
    return err as TokenError;
  }
  return undefined;
}

function build(options: Partial<AuthorizerOptions>) {
  return createAuthorizer({ issuer: server.issuer, audience: AUD, ...options });
}

describe('requiredClaims: a global rule every token must pass', () => {
  const authorizer = () =>
    build({
      requiredClaims: {
        claims: {
          email_verified: true,
          'https://example.com/tenant': { oneOf: ['acme', 'globex'] },
          azp: { present: true },
        },
      },
    });
  const good = { email_verified: true, 'https://example.com/tenant': 'acme', azp: 'web' };

  it('accepts a token passing every condition', async () => {
    const verified = await authorizer().verify(mint(key, { claims: good }));
    expect(verified.claims.azp).toBe('web');
  });

  it('refuses a token failing one with 401 CLAIM_INVALID naming the claim, never its value', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, email_verified: 'true' }, 'email_verified'],
      [{ ...good, email_verified: undefined }, 'email_verified'],
      [{ ...good, 'https://example.com/tenant': 'initech-secret-tenant' }, 'https://example.com/tenant'],
      [{ ...good, 'https://example.com/tenant': ['acme'] }, 'https://example.com/tenant'],
      [{ ...good, azp: undefined }, 'azp'],
    ];
    for (const [claims, name] of cases) {
      const err = await refusal(authorizer().verify(mint(key, { claims })));
      expect(err?.name, name).toBe('TokenError');
      expect(err?.code, name).toBe('CLAIM_INVALID');
      expect(err?.claim, name).toBe(name);
      expect(err?.message).toContain(JSON.stringify(name));
      expect(err?.message).not.toContain('initech');
    }
  });

  it('adds its scopes to the required ones: all-of and any-of, refused with a Deny (403)', async () => {
    const a = build({ requiredClaims: { scopes: { allOf: ['api'], anyOf: ['read', 'write'] } } });
    const allowed = await a.verify(mint(key, { claims: { scope: 'api write' } }));
    expect(a.authorize(allowed, `${PREFIX}GET/pets`).allowed).toBe(true);
    const lacking = await a.verify(mint(key, { claims: { scope: 'api' } }));
    const decision = a.authorize(lacking, `${PREFIX}GET/pets`);
    expect(decision.allowed).toBe(false);
    expect(decision.missingScopes).toEqual(['read', 'write']);
    expect(iamAllows(decision.result.policyDocument, `${PREFIX}GET/other`)).toBe(false);
    expect(a.options.requiredScopes).toEqual(['api']);
  });
});

describe('route rules with claims: the route Deny (403) with the failed claims named', () => {
  const routes = {
    'GET /pets': ['read:pets'],
    'DELETE /pets/{id}': {
      scopes: { anyOf: ['admin', 'pets:delete'] },
      claims: { 'cognito:groups': { contains: 'vets' } },
    },
    'ANY /admin/*': { claims: { '/realm_access/roles': { containsAny: ['admin'] } } },
  } as const;

  it('allows the route whose rule the token satisfies and denies the others, in the policy too', async () => {
    const a = build({ routes });
    const vet = await a.verify(
      mint(key, { claims: { scope: 'read:pets pets:delete', 'cognito:groups': ['vets'] } }),
    );
    const first = a.authorize(vet, `${PREFIX}DELETE/pets/42`);
    expect(first.allowed).toBe(true);
    expect(first.failedClaims).toBeUndefined();
    const policy = first.result.policyDocument;
    expect(iamAllows(policy, `${PREFIX}GET/pets`)).toBe(true);
    expect(iamAllows(policy, `${PREFIX}DELETE/pets/7`)).toBe(true);
    expect(iamAllows(policy, `${PREFIX}GET/admin/users`)).toBe(false);
    const admin = a.authorize(vet, `${PREFIX}GET/admin/users`);
    expect(admin).toMatchObject({ allowed: false, missingScopes: [], failedClaims: ['/realm_access/roles'] });
  });

  it('reports missing scopes and failed claims separately', async () => {
    const a = build({ routes });
    const other = await a.verify(mint(key, { claims: { scope: 'read:pets', 'cognito:groups': 'owners' } }));
    const decision = a.authorize(other, `${PREFIX}DELETE/pets/42`);
    expect(decision).toMatchObject({
      allowed: false,
      missingScopes: ['admin', 'pets:delete'],
      failedClaims: ['cognito:groups'],
    });
    expect(decision.result.policyDocument.Statement.find((s) => s.Effect === 'Deny')?.Resource).toContain(
      `${PREFIX}DELETE/pets/*`,
    );
    const simple = a.authorizeSimple(other, `${PREFIX}DELETE/pets/42`);
    expect(simple.result.isAuthorized).toBe(false);
    expect(simple.failedClaims).toEqual(['cognito:groups']);
    expect(a.evaluateRoute(other, 'get', '/pets')).toEqual({ allowed: true, missingScopes: [] });
  });
});

describe('token types', () => {
  it('refuses by default the typ values that are never access tokens, in any case and with application/', async () => {
    const a = build({});
    for (const typ of [
      'logout+jwt',
      'secevent+jwt',
      'DPoP+JWT',
      'application/dpop+jwt',
      'Application/Logout+JWT',
    ]) {
      const err = await refusal(a.verify(mint(key, { header: { typ } })));
      expect(err?.code, typ).toBe('TOKEN_TYPE_INVALID');
    }
    for (const typ of ['JWT', 'at+jwt', 'application/at+jwt', undefined]) {
      expect((await a.verify(mint(key, { header: { typ } }))).claims.sub, String(typ)).toBe('user-123');
    }
    expect((await refusal(a.verify(mint(key, { header: { typ: 7 } }))))?.code).toBe('TOKEN_TYPE_INVALID');
  });

  it('refuses tokens a provider marks as ID or refresh tokens', async () => {
    const a = build({});
    for (const claims of [{ token_use: 'id' }, { typ: 'ID' }, { typ: 'Refresh' }]) {
      expect((await refusal(a.verify(mint(key, { claims }))))?.code, JSON.stringify(claims)).toBe(
        'TOKEN_TYPE_INVALID',
      );
    }
    expect((await a.verify(mint(key, { claims: { typ: 'Bearer', token_use: 'access' } }))).claims.typ).toBe(
      'Bearer',
    );
  });

  it("['at+jwt'] requires RFC 9068 access tokens", async () => {
    const a = build({ tokenTypes: ['at+jwt'] });
    expect((await a.verify(mint(key, { header: { typ: 'AT+JWT' } }))).claims.sub).toBe('user-123');
    expect((await a.verify(mint(key, { header: { typ: 'application/at+jwt' } }))).claims.sub).toBe(
      'user-123',
    );
    for (const typ of ['JWT', 'jwt', undefined, 'at+jwt ', 'xat+jwt', 'application/', 'application/jwt']) {
      expect((await refusal(a.verify(mint(key, { header: { typ } }))))?.code, String(typ)).toBe(
        'TOKEN_TYPE_INVALID',
      );
    }
  });

  it('refuses bad tokenTypes at configuration', () => {
    for (const tokenTypes of [[], ['logout+jwt'], ['application/secevent+jwt'], [''], [7], 'x y', ['a"b']]) {
      expect(() => build({ tokenTypes: tokenTypes as string[] }), JSON.stringify(tokenTypes)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });
});

describe('contextClaims and usageIdentifierClaim at configuration', () => {
  it('refuses renames onto sub or scope, empty names, non-string claims and bad pointers', () => {
    for (const contextClaims of [
      { sub: 'email' },
      { scope: 'scp' },
      { '': 'email' },
      { a: 7 },
      { a: '/x~9' },
      7,
      [7],
      [''],
    ]) {
      expect(() => build({ contextClaims: contextClaims as never }), JSON.stringify(contextClaims)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
    for (const usageIdentifierClaim of ['', 7, '/a~']) {
      expect(() => build({ usageIdentifierClaim: usageIdentifierClaim as string })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });

  it('refuses a misspelt new option with the closest name', () => {
    expect(() => build({ requiredClaim: {} } as never)).toThrow(/did you mean `requiredClaims`/);
    expect(() => build({ tokenType: ['at+jwt'] } as never)).toThrow(/did you mean `tokenTypes`/);
  });
});
