import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authorizer, type AuthorizerOptions, createAuthorizer, type Jwk } from '../src/index.js';
import { explainRoute, explainRoutes, explainToken, type TokenExplanation } from '../src/internal.js';
import {
  b64url,
  createMinter,
  generateTestKey,
  iamAllows,
  type JwksServer,
  jwksOf,
  nowSeconds,
  startJwksServer,
} from './helpers/index.js';

const AUDIENCE = 'https://api.example.com';
const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';
const rsa = generateTestKey('RS256', 'rsa-1');
const ec = generateTestKey('ES256', 'ec-1');
// Published without `alg`: only its key type can refuse an algorithm that does not fit it.
const bare = generateTestKey('RS256', 'rsa-bare');
const bareJwk: Jwk = { ...bare.jwk };
delete (bareJwk as { alg?: string }).alg;
let server: JwksServer;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: { keys: [rsa.jwk, ec.jwk, bareJwk] } });
});
afterAll(() => server.close());

function options(extra: Partial<AuthorizerOptions> = {}): AuthorizerOptions {
  return {
    issuer: server.issuer,
    audience: AUDIENCE,
    algorithms: ['RS256', 'ES256'],
    routes: {
      'GET /pets': ['read:pets'],
      'DELETE /pets/{id}': ['admin'],
      'GET /vets': { claims: { groups: { containsAny: ['vets'] } } },
    },
    requiredClaims: { claims: { tenant: { oneOf: ['acme'] } } },
    ...extra,
  };
}

/** What the real authorizer decides: the code of its refusal, or of its route decision. */
async function authorizerCode(authorizer: Authorizer, token: string, methodArn: string): Promise<string> {
  try {
    const verified = await authorizer.verify(token);
    const { allowed, missingScopes, failedClaims } = authorizer.authorize(verified, methodArn);
    // The decision log's reason for a refused route: claims first, then scopes.
    if (allowed) return 'OK';
    if (failedClaims !== undefined && failedClaims.length > 0) return 'CLAIM_MISMATCH';
    return missingScopes.length > 0 ? 'INSUFFICIENT_SCOPE' : 'ROUTE_NOT_ALLOWED';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

function failed(explanation: TokenExplanation): string[] {
  return explanation.checks.filter((c) => c.status === 'fail').map((c) => `${c.check}:${c.code}`);
}

interface Case {
  name: string;
  token: () => string;
  route?: string;
  expected: string;
}

const now = nowSeconds();
const mint = () => {
  const minter = createMinter(server.issuer, AUDIENCE);
  return (key: Parameters<typeof minter>[0], extra: Parameters<typeof minter>[1] = {}) =>
    minter(key, { ...extra, claims: { tenant: 'acme', ...extra.claims } });
};
const CORPUS: Case[] = [
  { name: 'a good token on its route', token: () => mint()(rsa), expected: 'OK' },
  { name: 'a good ES256 token', token: () => mint()(ec), expected: 'OK' },
  {
    name: 'an expired token',
    token: () => mint()(rsa, { claims: { exp: now - 720 } }),
    expected: 'TOKEN_EXPIRED',
  },
  {
    name: 'a token not yet valid',
    token: () => mint()(rsa, { claims: { nbf: now + 600 } }),
    expected: 'TOKEN_NOT_YET_VALID',
  },
  {
    name: 'a token for another audience',
    token: () => mint()(rsa, { claims: { aud: 'https://api.example.org' } }),
    expected: 'AUDIENCE_INVALID',
  },
  {
    name: 'an issuer without the trailing slash',
    token: () => mint()(rsa, { claims: { iss: server.origin } }),
    expected: 'OK',
  },
  {
    name: 'an issuer with one slash too many',
    token: () => mint()(rsa, { claims: { iss: `${server.issuer}/` } }),
    expected: 'ISSUER_INVALID',
  },
  {
    name: 'an issuer on another host',
    token: () => mint()(rsa, { claims: { iss: 'https://evil.example.com/' } }),
    expected: 'ISSUER_INVALID',
  },
  { name: 'an unknown kid', token: () => mint()(rsa, { header: { kid: 'gone' } }), expected: 'KID_UNKNOWN' },
  {
    name: 'an algorithm not allowed',
    token: () => mint()(rsa, { header: { alg: 'RS384' } }),
    expected: 'ALG_NOT_ALLOWED',
  },
  {
    name: 'an EC algorithm on an RSA key published without alg',
    token: () => mint()(ec, { header: { kid: 'rsa-bare' } }),
    expected: 'KEY_UNUSABLE',
  },
  {
    name: 'an algorithm its key is not published for',
    token: () => mint()(ec, { header: { kid: 'rsa-1' } }),
    expected: 'KEY_UNUSABLE',
  },
  {
    name: 'a changed payload',
    token: () => {
      const [h, , s] = mint()(rsa).split('.');
      return `${h}.${b64url({ iss: server.issuer, aud: AUDIENCE, exp: now + 60, scope: 'admin' })}.${s}`;
    },
    expected: 'SIGNATURE_INVALID',
  },
  {
    name: 'a token without exp',
    token: () => mint()(rsa, { claims: { exp: undefined } }),
    expected: 'EXP_MISSING',
  },
  {
    name: 'a token issued in the future',
    token: () => mint()(rsa, { claims: { iat: now + 600 } }),
    expected: 'IAT_INVALID',
  },
  {
    name: 'a token without kid',
    token: () => mint()(rsa, { header: { kid: undefined } }),
    expected: 'KID_MISSING',
  },
  {
    name: 'a token naming its own key',
    token: () => mint()(rsa, { header: { jku: 'https://evil.example.com/jwks' } }),
    expected: 'HEADER_UNSUPPORTED',
  },
  { name: 'a malformed token', token: () => 'not.a-token', expected: 'TOKEN_MALFORMED' },
  { name: 'no token', token: () => '', expected: 'TOKEN_MISSING' },
  {
    name: 'a token without the scope its route needs',
    token: () => mint()(rsa),
    route: 'DELETE/pets/42',
    expected: 'INSUFFICIENT_SCOPE',
  },
  {
    name: 'a route no rule matches',
    token: () => mint()(rsa),
    route: 'GET/unknown',
    expected: 'ROUTE_NOT_ALLOWED',
  },
  {
    name: "a token failing a route rule's claim condition",
    token: () => mint()(rsa, { claims: { groups: ['owners'] } }),
    route: 'GET/vets',
    expected: 'CLAIM_MISMATCH',
  },
  {
    name: "a token meeting a route rule's claim condition",
    token: () => mint()(rsa, { claims: { groups: ['vets'] } }),
    route: 'GET/vets',
    expected: 'OK',
  },
  {
    name: 'a token failing the required claim condition',
    token: () => mint()(rsa, { claims: { tenant: 'other' } }),
    expected: 'CLAIM_INVALID',
  },
  {
    name: 'an ID token (typ)',
    token: () => mint()(rsa, { header: { typ: 'id_token+jwt' } }),
    expected: 'TOKEN_TYPE_INVALID',
  },
  {
    name: 'a Cognito ID token (token_use)',
    token: () => mint()(rsa, { claims: { token_use: 'id' } }),
    expected: 'TOKEN_TYPE_INVALID',
  },
  {
    name: 'an expired token for another audience (two failures)',
    token: () => mint()(rsa, { claims: { exp: now - 60, aud: 'https://api.example.org' } }),
    expected: 'TOKEN_EXPIRED',
  },
];

describe('explain and the authorizer agree', () => {
  for (const c of CORPUS) {
    it(`gives the authorizer's decision for ${c.name}: ${c.expected}`, async () => {
      const authorizer = createAuthorizer(options());
      const token = c.token();
      const methodArn = `${PREFIX}${c.route ?? 'GET/pets'}`;
      const explanation = await explainToken(authorizer.options, token);
      const route = explainRoute(authorizer, explanation, methodArn);
      const real = await authorizerCode(authorizer, token, methodArn);
      expect(real).toBe(c.expected);
      expect(route.code).toBe(real);
      expect(explanation.code).toBe(
        ['OK', 'INSUFFICIENT_SCOPE', 'ROUTE_NOT_ALLOWED', 'CLAIM_MISMATCH'].includes(real) ? 'OK' : real,
      );
      // The first failed line carries the decision; every failed line after it is marked.
      const fails = explanation.checks.filter((check) => check.status === 'fail');
      if (explanation.code !== 'OK') {
        expect(fails[0]?.code).toBe(explanation.code);
        expect(fails[0]?.afterFailure).toBe(false);
        for (const later of fails.slice(1)) expect(later.afterFailure).toBe(true);
      } else expect(fails).toEqual([]);
      // What API Gateway answers, by the IAM model of the tests on the authorizer's own policy.
      if (explanation.authenticated) {
        const { result } = authorizer.authorize(await authorizer.verify(token), methodArn);
        expect(route.status).toBe(iamAllows(result.policyDocument, methodArn) ? 200 : 403);
      } else expect(route.status).toBe(401);
    });
  }
});

describe('explainToken', () => {
  it('reports every check in the verifier order for a good token, with the key and where it came from', async () => {
    const authorizer = createAuthorizer(options());
    const explanation = await explainToken(authorizer.options, mint()(rsa));
    expect(explanation.checks.map((c) => `${c.check}:${c.status}`)).toEqual([
      'size:pass',
      'format:pass',
      'alg:pass',
      'kid:pass',
      'header:pass',
      'iss:pass',
      'key:pass',
      'key-type:pass',
      'signature:pass',
      'exp:pass',
      'aud:pass',
      'iat:pass',
      'typ:pass',
      'required-claim:pass',
    ]);
    expect(explanation.key).toEqual({
      kid: 'rsa-1',
      kty: 'RSA',
      alg: 'RS256',
      source: 'discovery',
      jwksUri: server.jwksUri,
    });
  });

  it('goes on after the first failure and finds every failing claim', async () => {
    const authorizer = createAuthorizer(options({ maxTokenAgeSeconds: 60 }));
    const token = mint()(rsa, {
      claims: { exp: now - 60, aud: 'https://api.example.org', nbf: now + 600, iat: now - 3600 },
    });
    const explanation = await explainToken(authorizer.options, token);
    expect(failed(explanation)).toEqual([
      'exp:TOKEN_EXPIRED',
      'nbf:TOKEN_NOT_YET_VALID',
      'aud:AUDIENCE_INVALID',
      'max-age:TOKEN_TOO_OLD',
    ]);
    expect(explanation.code).toBe('TOKEN_EXPIRED');
  });

  it('checks the claims and the signature of a token whose issuer is not trusted, marked as after the failure', async () => {
    const authorizer = createAuthorizer(options());
    const explanation = await explainToken(
      authorizer.options,
      mint()(rsa, { claims: { iss: 'https://evil.example.com/', aud: 'https://api.example.org' } }),
    );
    expect(failed(explanation)).toEqual(['iss:ISSUER_INVALID', 'aud:AUDIENCE_INVALID']);
    const iss = explanation.checks.find((c) => c.check === 'iss');
    expect(iss?.note).toBe('not a configured issuer (different host)');
    const signature = explanation.checks.find((c) => c.check === 'signature');
    expect(signature).toMatchObject({ status: 'pass', afterFailure: true });
  });

  it('says an issuer differing by a trailing slash is accepted', async () => {
    const authorizer = createAuthorizer(options());
    const explanation = await explainToken(
      authorizer.options,
      mint()(rsa, { claims: { iss: server.origin } }),
    );
    expect(explanation.checks.find((c) => c.check === 'iss')).toMatchObject({
      status: 'pass',
      expected: server.issuer,
      actual: server.origin,
      note: 'accepted (trailing slash)',
    });
  });

  it('offline: fetches nothing, reports the key and signature as not checked, checks the rest', async () => {
    const before = server.requests;
    const authorizer = createAuthorizer(options({ jwksUri: server.jwksUri }));
    const good = await explainToken(authorizer.options, mint()(rsa), { offline: true });
    expect(good.checks.filter((c) => c.status === 'not-checked').map((c) => c.check)).toEqual([
      'key',
      'signature',
    ]);
    expect(good.code).toBe('OK');
    const expired = await explainToken(authorizer.options, mint()(rsa, { claims: { exp: now - 5 } }), {
      offline: true,
    });
    expect(expired.code).toBe('TOKEN_EXPIRED');
    expect(server.requests).toBe(before);
  });

  it('offline with a static JWKS still checks the signature', async () => {
    const authorizer = createAuthorizer(
      options({
        issuers: [{ issuer: server.issuer, audience: AUDIENCE, jwks: jwksOf(rsa) }],
        issuer: undefined,
      }),
    );
    const explanation = await explainToken(authorizer.options, mint()(rsa), { offline: true });
    expect(explanation.checks.find((c) => c.check === 'signature')?.status).toBe('pass');
    expect(explanation.key).toEqual({
      kid: 'rsa-1',
      kty: 'RSA',
      alg: 'RS256',
      source: 'static',
      jwksUri: undefined,
    });
  });

  it('reports an unreachable JWKS as a failed key check with the code the authorizer gives (500)', async () => {
    const down = await startJwksServer({ kind: 'status', status: 503 });
    try {
      const authorizer = createAuthorizer(options({ issuer: down.issuer, jwksUri: down.jwksUri }));
      const token = createMinter(down.issuer, AUDIENCE)(rsa);
      const explanation = await explainToken(authorizer.options, token);
      expect(explanation.code).toBe(await authorizerCode(authorizer, token, `${PREFIX}GET/pets`));
      expect(explanation.code).toBe('JWKS_UNAVAILABLE');
      expect(explainRoute(authorizer, explanation, `${PREFIX}GET/pets`).status).toBe(500);
    } finally {
      await down.close();
    }
  });
});

describe('explainRoutes', () => {
  const ROUTES = {
    'GET /pets': ['read:pets'],
    'GET /pets/{id}': ['read:pets'],
    'POST /pets': ['write:pets'],
    'DELETE /pets/{id}': ['admin'],
    'ANY /public': [],
  };

  it('answers every route as a fresh call would, and says which answers the cached policy gives', async () => {
    for (const policyMode of ['api', 'method'] as const) {
      const authorizer = createAuthorizer(options({ routes: ROUTES, policyMode }));
      const token = mint()(rsa, { claims: { scope: 'read:pets' } });
      const explanation = await explainToken(authorizer.options, token);
      const rows = explainRoutes(authorizer, explanation, PREFIX, `${PREFIX}GET/pets`);
      const verified = await authorizer.verify(token);
      const cached = authorizer.authorize(verified, `${PREFIX}GET/pets`).result.policyDocument;
      for (const row of rows) {
        // The caching replay: the fresh answer is the route decision; the cached one is IAM on the first policy.
        const fresh = authorizer.authorize(verified, row.methodArn).allowed;
        expect(row.status, `${policyMode} ${row.route}`).toBe(fresh ? 200 : 403);
        expect(row.cachedStatus, `${policyMode} ${row.route}`).toBe(
          iamAllows(cached, row.methodArn) ? 200 : 403,
        );
        expect(row.coveredByCache).toBe(row.cachedStatus === row.status);
      }
      expect(rows.map((row) => `${row.route} ${row.status}`)).toEqual([
        'GET /pets 200',
        'GET /pets/{id} 200',
        'POST /pets 403',
        'DELETE /pets/{id} 403',
        'ANY /public 200',
      ]);
      // api mode's policy covers every route; method mode's (the classic bug) covers only the first.
      expect(rows.filter((row) => !row.coveredByCache).map((row) => row.route)).toEqual(
        policyMode === 'api' ? [] : ['GET /pets/{id}', 'ANY /public'],
      );
    }
  });

  it('gives every route 401 for a refused token', async () => {
    const authorizer = createAuthorizer(options({ routes: ROUTES }));
    const explanation = await explainToken(authorizer.options, mint()(rsa, { claims: { exp: now - 5 } }));
    const rows = explainRoutes(authorizer, explanation, PREFIX);
    expect(new Set(rows.map((row) => `${row.status} ${row.code}`))).toEqual(new Set(['401 TOKEN_EXPIRED']));
  });
});

describe('explain and the authorizer agree on any mix of faults (property)', () => {
  it('gives the authorizer decision, and marks every failure after the first', async () => {
    const authorizer = createAuthorizer({
      issuers: [{ issuer: 'https://tenant.example.com/', audience: AUDIENCE, jwks: jwksOf(rsa, ec) }],
      algorithms: ['RS256', 'ES256'],
      maxTokenAgeSeconds: 3600,
      routes: { 'GET /pets': ['read:pets'], 'GET /vets': { claims: { groups: { containsAny: ['vets'] } } } },
      requiredClaims: { claims: { tenant: { oneOf: ['acme'] } } },
    });
    const t = nowSeconds();
    // Each field is mostly right, so that runs with one or two faults, late checks included, are common.
    const pick = <T>(good: T, ...bad: T[]) =>
      fc.oneof(
        { arbitrary: fc.constant(good), weight: 3 * bad.length },
        ...bad.map((value) => ({ arbitrary: fc.constant(value), weight: 1 })),
      );
    const faults = fc.record({
      key: pick('rsa', 'ec', 'ec-as-rsa'),
      kid: pick('own', 'unknown', 'missing'),
      alg: pick('own', 'RS384', 'none'),
      typ: pick<string | undefined>('JWT', undefined, 'at+jwt', 'id_token+jwt', 'logout+jwt'),
      iss: pick<string | undefined>(
        'https://tenant.example.com/',
        'https://tenant.example.com',
        'https://tenant.example.com//',
        'https://other.example.com/',
        undefined,
      ),
      aud: pick<string | string[] | undefined>(
        AUDIENCE,
        'https://api.example.org',
        [AUDIENCE, 'x'],
        undefined,
      ),
      exp: pick<number | string | undefined>(t + 600, t - 600, undefined, 'soon'),
      nbf: pick<number | undefined>(undefined, t - 60, t + 600),
      iat: pick<number | undefined>(t - 60, undefined, t - 7200, t + 600),
      tenant: pick<string | undefined>('acme', 'other', undefined),
      tokenUse: pick<string | undefined>(undefined, 'access', 'id'),
      groups: pick<string[] | undefined>(['vets'], undefined, ['owners']),
      scope: pick('read:pets', '', 'admin'),
      route: fc.constantFrom('GET/pets', 'GET/vets', 'GET/unknown'),
      tamper: pick(false, true),
    });
    await fc.assert(
      fc.asyncProperty(faults, async (f) => {
        const key = f.key === 'rsa' ? rsa : ec;
        const header: Record<string, unknown> = {
          kid:
            f.kid === 'own'
              ? f.key === 'ec-as-rsa'
                ? 'rsa-1'
                : key.kid
              : f.kid === 'unknown'
                ? 'gone'
                : undefined,
          typ: f.typ,
        };
        if (f.alg !== 'own') header.alg = f.alg;
        let token = createMinter('unused', AUDIENCE)(key, {
          header,
          claims: {
            iss: f.iss,
            aud: f.aud,
            exp: f.exp,
            nbf: f.nbf,
            iat: f.iat,
            tenant: f.tenant,
            token_use: f.tokenUse,
            groups: f.groups,
            scope: f.scope,
          },
        });
        if (f.tamper) {
          const [h, p, s] = token.split('.') as [string, string, string];
          token = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
        }
        const methodArn = `${PREFIX}${f.route}`;
        const explanation = await explainToken(authorizer.options, token);
        const real = await authorizerCode(authorizer, token, methodArn);
        expect(explainRoute(authorizer, explanation, methodArn).code).toBe(real);
        const fails = explanation.checks.filter((check) => check.status === 'fail');
        expect(fails.map((check) => check.afterFailure)).toEqual(fails.map((_, i) => i > 0));
      }),
      { numRuns: 300 },
    );
  });
});
