import { describe, expect, it } from 'vitest';
import {
  buildPolicyDocument,
  compileRoute,
  evaluateRoute,
  MAX_RESOURCE_LENGTH,
  type PolicyRules,
  parseMethodArn,
} from '../src/internal.js';
import { iamAllows, iamResourceMatches } from './helpers/index.js';

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';

function rules(partial: Partial<PolicyRules> & { routeMap?: Record<string, string[]> }): PolicyRules {
  return {
    requiredScopes: partial.requiredScopes ?? [],
    routes: partial.routeMap
      ? Object.entries(partial.routeMap).map(([r, s]) => compileRoute(r, s))
      : partial.routes,
    unmatchedRoutes: partial.unmatchedRoutes ?? 'deny',
    policyMode: partial.policyMode ?? 'api',
  };
}

// The API under test: every route a client could call.
const API_ROUTES = [
  'GET/pets',
  'GET/pets/42',
  'GET/pets/42/photos',
  'POST/pets',
  'DELETE/pets/42',
  'GET/orders',
  'GET/orders/7',
  'PUT/orders/7',
  'GET/admin/users',
  'POST/admin/users',
  'GET/health',
  'GET/',
  // Paths where a rule's suffix follows other segments: an ARN wildcard in the method place would
  // reach them.
  'GET/public',
  'DELETE/admin/users/public',
  'POST/internal/public',
  'GET/pets/admin/x',
  'PATCH/orders/7/admin/y',
  // Verbs outside the seven a rule can name: an ANY rule covers them in the route decision.
  'TRACE/admin/users',
  'CONNECT/orders/7',
  'PROPFIND/public',
  'TRACE/unknown',
  'get/pets',
];

const ROUTE_MAP = {
  'GET /pets': ['read:pets'],
  'GET /pets/{id}': ['read:pets'],
  'POST /pets': ['write:pets'],
  'DELETE /pets/{id}': ['write:pets', 'admin'],
  'ANY /orders/*': ['orders'],
  'GET /orders': ['orders'],
  '* /admin/*': ['admin'],
  'GET /health': [],
  'ANY /public': [],
};

const SCOPE_SETS: string[][] = [
  [],
  ['read:pets'],
  ['write:pets'],
  ['read:pets', 'write:pets'],
  ['read:pets', 'write:pets', 'admin'],
  ['orders'],
  ['admin'],
  ['read:pets', 'orders', 'admin', 'write:pets'],
];

describe('caching replay: a policy built for the first route, evaluated for every other route', () => {
  for (const unmatchedRoutes of ['deny', 'allow'] as const) {
    for (const scopes of SCOPE_SETS) {
      it(`allows exactly the permitted routes (scopes [${scopes.join(' ')}], unmatched ${unmatchedRoutes})`, () => {
        const r = rules({ routeMap: ROUTE_MAP, unmatchedRoutes });
        for (const first of API_ROUTES) {
          const methodArn = `${PREFIX}${first}`;
          const policy = buildPolicyDocument(r, scopes, parseMethodArn(methodArn), methodArn);
          for (const later of API_ROUTES) {
            const arn = parseMethodArn(`${PREFIX}${later}`);
            const expected = evaluateRoute(r, scopes, arn.method, arn.resourcePath).allowed;
            expect(iamAllows(policy, `${PREFIX}${later}`), `${first} then ${later}`).toBe(expected);
          }
          // Nothing outside this API stage is ever allowed.
          expect(iamAllows(policy, 'arn:aws:execute-api:us-east-1:123456789012:api123/dev/GET/pets')).toBe(
            false,
          );
          expect(iamAllows(policy, 'arn:aws:execute-api:us-east-1:123456789012:other/prod/GET/pets')).toBe(
            false,
          );
        }
      });
    }
  }

  it('has route decisions that follow the rules', () => {
    const r = rules({ routeMap: ROUTE_MAP });
    const decide = (scopes: string[], m: string, p: string) => evaluateRoute(r, scopes, m, p).allowed;
    expect(decide(['read:pets'], 'GET', 'pets/42')).toBe(true);
    expect(decide(['read:pets'], 'POST', 'pets')).toBe(false);
    expect(decide(['write:pets'], 'DELETE', 'pets/42')).toBe(false);
    expect(decide(['write:pets', 'admin'], 'DELETE', 'pets/42')).toBe(true);
    expect(decide([], 'GET', 'health')).toBe(true);
    expect(decide(['read:pets'], 'GET', 'unknown')).toBe(false);
    expect(
      evaluateRoute(rules({ routeMap: ROUTE_MAP, unmatchedRoutes: 'allow' }), [], 'GET', 'unknown').allowed,
    ).toBe(true);
    expect(evaluateRoute(r, ['write:pets'], 'DELETE', 'pets/42').missingScopes).toEqual(['admin']);
  });

  it('the classic bug: a methodArn-only Allow breaks the next route, the api-mode policy does not', () => {
    const r = rules({});
    const first = `${PREFIX}GET/pets`;
    const methodOnly = buildPolicyDocument({ ...r, policyMode: 'method' }, [], parseMethodArn(first), first);
    const apiWide = buildPolicyDocument(r, [], parseMethodArn(first), first);
    expect(iamAllows(methodOnly, `${PREFIX}GET/orders`)).toBe(false);
    expect(iamAllows(apiWide, `${PREFIX}GET/orders`)).toBe(true);
  });
});

const CLAIM_ROUTE_MAP = {
  'GET /pets': ['read:pets'],
  'GET /pets/{id}': { scopes: { anyOf: ['read:pets', 'admin'] } },
  'DELETE /pets/{id}': { scopes: ['write:pets'], claims: { 'cognito:groups': { contains: 'vets' } } },
  'ANY /orders/*': { claims: { '/realm_access/roles': { containsAny: ['clerk', 'admin'] } } },
  'GET /orders': { claims: { 'https://example.com/tenant': { oneOf: ['acme', 'globex'] } } },
  '* /admin/*': { scopes: { allOf: ['admin'] }, claims: { scp: { containsAll: ['admin', 'audit'] } } },
  'GET /health': { claims: { banned: { present: false } } },
  'ANY /public': { claims: { email_verified: true } },
};

const CLAIM_SETS: Array<[string, Record<string, unknown>]> = [
  ['none', {}],
  ['a vet', { 'cognito:groups': ['vets', 'staff'] }],
  ['vets as a space-separated string', { 'cognito:groups': 'staff vets' }],
  ['a clerk', { realm_access: { roles: ['clerk'] } }],
  ['roles of the wrong type', { realm_access: { roles: 'clerk,admin' }, 'cognito:groups': { vets: true } }],
  ['a tenant', { 'https://example.com/tenant': 'globex', email_verified: true }],
  ['a string "true"', { email_verified: 'true', 'https://example.com/tenant': ['acme'] }],
  ['banned', { banned: null, scp: ['admin', 'audit'] }],
  [
    'everything',
    {
      'cognito:groups': ['vets'],
      realm_access: { roles: ['admin'] },
      scp: 'audit admin',
      email_verified: true,
      'https://example.com/tenant': 'acme',
    },
  ],
];

describe('caching replay with claim rules: every condition kind', () => {
  for (const unmatchedRoutes of ['deny', 'allow'] as const) {
    for (const [name, claims] of CLAIM_SETS) {
      it(`allows exactly the permitted routes (claims: ${name}, unmatched ${unmatchedRoutes})`, () => {
        const r = rules({
          unmatchedRoutes,
          routes: Object.entries(CLAIM_ROUTE_MAP).map(([route, req]) => compileRoute(route, req)),
        });
        let allowed = 0;
        for (const scopes of SCOPE_SETS) {
          for (const first of API_ROUTES) {
            const methodArn = `${PREFIX}${first}`;
            const policy = buildPolicyDocument(r, scopes, parseMethodArn(methodArn), methodArn, claims);
            for (const later of API_ROUTES) {
              const arn = parseMethodArn(`${PREFIX}${later}`);
              const expected = evaluateRoute(r, scopes, arn.method, arn.resourcePath, claims).allowed;
              if (expected) allowed += 1;
              expect(iamAllows(policy, `${PREFIX}${later}`), `${first} then ${later}`).toBe(expected);
            }
          }
        }
        expect(allowed).toBeGreaterThan(0);
      });
    }
  }

  it('has route decisions that follow the claim rules', () => {
    const r = rules({
      routes: Object.entries(CLAIM_ROUTE_MAP).map(([route, req]) => compileRoute(route, req)),
    });
    const decide = (scopes: string[], claims: Record<string, unknown>, m: string, p: string) =>
      evaluateRoute(r, scopes, m, p, claims);
    expect(decide(['write:pets'], { 'cognito:groups': ['vets'] }, 'DELETE', 'pets/1').allowed).toBe(true);
    expect(decide(['write:pets'], { 'cognito:groups': ['owners'] }, 'DELETE', 'pets/1')).toEqual({
      allowed: false,
      missingScopes: [],
      failedClaims: ['cognito:groups'],
    });
    expect(decide(['admin'], {}, 'GET', 'pets/1').allowed).toBe(true);
    expect(decide([], {}, 'GET', 'pets/1')).toEqual({
      allowed: false,
      missingScopes: ['read:pets', 'admin'],
    });
    expect(decide([], {}, 'GET', 'health').allowed).toBe(true);
    expect(decide([], { banned: false }, 'GET', 'health').failedClaims).toEqual(['banned']);
    expect(decide([], { email_verified: 'true' }, 'POST', 'public').allowed).toBe(false);
    // Without the claims a claim condition never passes, even present: false.
    expect(evaluateRoute(r, [], 'GET', 'health').allowed).toBe(false);
  });
});

// Characters a decoded path parameter can carry: API Gateway URL-decodes path parameters, and
// payload 2.0 decodes rawPath too.
const HOSTILE_PARAMETERS = [
  '42\n',
  '42\r',
  '42\r\n',
  '\n42',
  '42\u2028',
  '42\u2029',
  '42\t',
  '4\n2',
  'ü',
  '🔑',
];

describe('the IAM model', () => {
  it('lets `*` match any run of characters, line breaks and `/` included', () => {
    for (const tail of ['', 'x', '42\n', '\r\n', '\u2028\u2029', 'a/b\nc', '🔑']) {
      expect(iamResourceMatches(`${PREFIX}DELETE/admin/users/*`, `${PREFIX}DELETE/admin/users/${tail}`)).toBe(
        true,
      );
    }
  });

  it('lets `?` match exactly one character, a line break or an astral one included', () => {
    for (const one of ['x', '\n', '\r', '\u2028', '/', '🔑']) {
      expect(iamResourceMatches('a?b', `a${one}b`), JSON.stringify(one)).toBe(true);
    }
    expect(iamResourceMatches('a?b', 'ab')).toBe(false);
    expect(iamResourceMatches('a?b', 'a\n\nb')).toBe(false);
  });
});

describe('route wildcards match line breaks and every other character, as IAM does', () => {
  const adminRules = (policyMode: 'api' | 'method') =>
    rules({
      routeMap: { 'DELETE /admin/users/{id}': ['admin'], 'GET /files/*': ['files'] },
      unmatchedRoutes: 'allow',
      policyMode,
    });

  it('requires the rule scopes for a path parameter holding a line break (evaluateRoute)', () => {
    for (const id of HOSTILE_PARAMETERS) {
      const decision = evaluateRoute(adminRules('api'), [], 'DELETE', `admin/users/${id}`);
      expect(decision, JSON.stringify(id)).toEqual({ allowed: false, missingScopes: ['admin'] });
      const files = evaluateRoute(adminRules('api'), [], 'GET', `files/a/${id}`);
      expect(files, JSON.stringify(id)).toEqual({ allowed: false, missingScopes: ['files'] });
    }
  });

  it('method mode denies such a path to a token without the scope', () => {
    for (const id of HOSTILE_PARAMETERS) {
      const arn = `${PREFIX}DELETE/admin/users/${id}`;
      const policy = buildPolicyDocument(adminRules('method'), [], parseMethodArn(arn), arn);
      expect(iamAllows(policy, arn), JSON.stringify(id)).toBe(false);
    }
  });

  it('api mode and the route decision agree on such a path (the replay sees line breaks)', () => {
    const r = adminRules('api');
    for (const id of HOSTILE_PARAMETERS) {
      const arn = `${PREFIX}DELETE/admin/users/${id}`;
      const policy = buildPolicyDocument(r, [], parseMethodArn(`${PREFIX}GET/other`), `${PREFIX}GET/other`);
      expect(iamAllows(policy, arn), JSON.stringify(id)).toBe(false);
      expect(evaluateRoute(r, [], 'DELETE', `admin/users/${id}`).allowed, JSON.stringify(id)).toBe(false);
    }
  });
});

describe('verbs outside the seven HTTP methods', () => {
  const r = (unmatchedRoutes: 'allow' | 'deny') =>
    rules({ routeMap: { 'ANY /admin/*': ['admin'], 'GET /pets': [] }, unmatchedRoutes });

  it('an ANY rule denies them to a token without its scope, in the policy and the route decision alike', () => {
    for (const verb of ['TRACE', 'CONNECT', 'PROPFIND', 'MKCOL', 'get', 'Delete']) {
      const arn = `${PREFIX}${verb}/admin/users`;
      const policy = buildPolicyDocument(
        r('allow'),
        [],
        parseMethodArn(`${PREFIX}GET/pets`),
        `${PREFIX}GET/pets`,
      );
      expect(iamAllows(policy, arn), verb).toBe(false);
      expect(evaluateRoute(r('allow'), [], verb, 'admin/users').allowed, verb).toBe(false);
    }
  });

  it('are refused whenever route rules are set, even to a token holding every scope', () => {
    for (const unmatchedRoutes of ['allow', 'deny'] as const) {
      const first = `${PREFIX}GET/pets`;
      const policy = buildPolicyDocument(r(unmatchedRoutes), ['admin'], parseMethodArn(first), first);
      for (const path of ['admin/users', 'pets', 'other']) {
        expect(iamAllows(policy, `${PREFIX}TRACE/${path}`), `${unmatchedRoutes} ${path}`).toBe(false);
        expect(evaluateRoute(r(unmatchedRoutes), ['admin'], 'TRACE', path)).toEqual({
          allowed: false,
          missingScopes: [],
        });
      }
      expect(iamAllows(policy, `${PREFIX}DELETE/admin/users`)).toBe(true);
    }
  });

  it('are allowed, as every route is, when there are no route rules', () => {
    const first = `${PREFIX}GET/pets`;
    const policy = buildPolicyDocument(rules({}), [], parseMethodArn(first), first);
    expect(iamAllows(policy, `${PREFIX}TRACE/admin`)).toBe(true);
    expect(evaluateRoute(rules({}), [], 'TRACE', 'admin').allowed).toBe(true);
  });
});

describe('buildPolicyDocument', () => {
  it('allows the whole stage when there are no rules', () => {
    const arn = `${PREFIX}GET/pets`;
    expect(buildPolicyDocument(rules({}), [], parseMethodArn(arn), arn)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}*`] }],
    });
  });

  it('denies the whole stage when a globally required scope is missing', () => {
    const arn = `${PREFIX}GET/pets`;
    const policy = buildPolicyDocument(
      rules({ requiredScopes: ['api:use'] }),
      ['other'],
      parseMethodArn(arn),
      arn,
    );
    expect(policy.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}*`] },
    ]);
  });

  it('method mode allows or denies exactly the methodArn', () => {
    const arn = `${PREFIX}GET/pets`;
    const r = rules({ policyMode: 'method', routeMap: { 'GET /pets': ['read:pets'] } });
    expect(buildPolicyDocument(r, ['read:pets'], parseMethodArn(arn), arn).Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [arn] },
    ]);
    expect(buildPolicyDocument(r, [], parseMethodArn(arn), arn).Statement[0]?.Effect).toBe('Deny');
  });

  it('keeps the partition of the method ARN', () => {
    const arn = 'arn:aws-cn:execute-api:cn-north-1:123456789012:api/prod/GET/pets';
    const policy = buildPolicyDocument(rules({}), [], parseMethodArn(arn), arn);
    expect(policy.Statement[0]?.Resource).toEqual([
      'arn:aws-cn:execute-api:cn-north-1:123456789012:api/prod/*',
    ]);
  });

  it('builds a correct policy from a serverless-offline methodArn', () => {
    const arn = 'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/GET/pets';
    const policy = buildPolicyDocument(
      rules({ routeMap: { 'GET /pets': [] } }),
      [],
      parseMethodArn(arn),
      arn,
    );
    expect(policy.Statement[0]?.Resource).toEqual([
      'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/GET/pets',
    ]);
    expect(iamAllows(policy, arn)).toBe(true);
  });

  it('keeps every resource within 512 characters: long Allows are dropped, long Denies widened', () => {
    const long = `/${'segment/'.repeat(70)}end`;
    const r = rules({ routeMap: { [`GET ${long}`]: ['a'], [`POST ${long}`]: ['b'] } });
    const arn = `${PREFIX}GET/x`;
    const policy = buildPolicyDocument(r, ['a'], parseMethodArn(arn), arn);
    const resources = policy.Statement.flatMap((s) => s.Resource);
    for (const resource of resources) expect(resource.length).toBeLessThanOrEqual(MAX_RESOURCE_LENGTH);
    expect(policy.Statement.find((s) => s.Effect === 'Allow')).toBeUndefined();
    const deny = policy.Statement.find((s) => s.Effect === 'Deny');
    expect(deny?.Resource[0]?.endsWith('*')).toBe(true);
    expect(iamAllows(policy, `${PREFIX}POST${long}`)).toBe(false);
  });

  it('method mode denies a methodArn whose path holds a literal wildcard character', () => {
    const r = rules({ policyMode: 'method', routeMap: { 'GET /pets/{id}': ['read'] } });
    for (const path of ['pets/*', 'pets/a?b']) {
      const arn = `${PREFIX}GET/${path}`;
      const policy = buildPolicyDocument(r, ['read'], parseMethodArn(arn), arn);
      expect(policy.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [arn] }]);
      expect(iamAllows(policy, `${PREFIX}GET/pets/admin`)).toBe(false);
    }
  });

  it('method mode keeps the Resource within 512 characters, denying an ARN it cannot state', () => {
    const arn = `${PREFIX}GET/${'x/'.repeat(300)}end`;
    const policy = buildPolicyDocument(rules({ policyMode: 'method' }), [], parseMethodArn(arn), arn);
    expect(policy.Statement[0]?.Effect).toBe('Deny');
    expect(policy.Statement[0]?.Resource[0]?.length).toBeLessThanOrEqual(MAX_RESOURCE_LENGTH);
    expect(iamAllows(policy, arn)).toBe(false);
  });

  it('writes a rule for every method as one resource per method', () => {
    const arn = `${PREFIX}GET/public`;
    const policy = buildPolicyDocument(
      rules({ routeMap: { 'ANY /public': [] } }),
      [],
      parseMethodArn(arn),
      arn,
    );
    expect(policy.Statement[0]?.Resource).toEqual(
      ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => `${PREFIX}${m}/public`),
    );
  });

  it('has at least one statement even with an empty rule list', () => {
    const arn = `${PREFIX}GET/x`;
    const policy = buildPolicyDocument(rules({ routes: [] }), [], parseMethodArn(arn), arn);
    expect(policy.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}*`] },
    ]);
  });
});

describe('resources shared by several rules', () => {
  it('are listed once, in the Allow and in the Deny statement', () => {
    const r = rules({
      routeMap: {
        'GET /pets/{id}': ['read'],
        'GET /pets/*': ['read'],
        'ANY /pets/{id}': ['other'],
        'PUT /x': ['other'],
      },
    });
    for (const scopes of [['read'], ['other'], []]) {
      const arn = `${PREFIX}GET/pets/1`;
      const policy = buildPolicyDocument(r, scopes, parseMethodArn(arn), arn);
      for (const statement of policy.Statement) {
        expect(new Set(statement.Resource).size, `${scopes} ${statement.Effect}`).toBe(
          statement.Resource.length,
        );
      }
    }
    const arn = `${PREFIX}GET/pets/1`;
    const denyAll = buildPolicyDocument(r, [], parseMethodArn(arn), arn);
    expect(denyAll.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Deny',
        Resource: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
          .map((m) => `${PREFIX}${m}/pets/*`)
          .concat(`${PREFIX}PUT/x`),
      },
    ]);
  });
});
