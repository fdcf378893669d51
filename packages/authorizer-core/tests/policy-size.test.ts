import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer, type RuleDocument } from '../src/index.js';
import {
  buildPolicy,
  compileRoute,
  evaluateRoute,
  largestApiPolicyBytes,
  MAX_RESULT_BYTES,
  POLICY_CHECK_BYTES,
  type PolicyRules,
  parseMethodArn,
} from '../src/internal.js';
import {
  createMinter,
  generateTestKey,
  iamAllows,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from './helpers/index.js';

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';
const LONG = 'x'.repeat(380);

/**
 * `count` ANY rules on 400-character paths (seven resources of about 460 characters each), every
 * third needing `admin`, every fifth a claim, and a few short rules the hostile requests hit.
 */
function bigTable(count: number): Record<string, RuleDocument> {
  const routes: Record<string, RuleDocument> = {
    'GET /pets/{id}': { scopes: ['read:pets'] },
    'ANY /admin/{proxy+}': { scopes: ['admin'] },
    'DELETE /pets/{id}': { scopes: ['admin'], claims: { tier: 'gold' } },
  };
  for (let i = 0; i < count; i++) {
    const scopes = i % 3 === 0 ? ['admin'] : ['read:pets'];
    routes[`ANY /r${i}/{id}/${LONG}`] =
      i % 5 === 0 ? { scopes, claims: { tier: { oneOf: ['gold', 'silver'] } } } : { scopes };
  }
  return routes;
}

function rulesOf(routes: Record<string, RuleDocument>, unmatchedRoutes: 'allow' | 'deny'): PolicyRules {
  return {
    requiredScopes: [],
    routes: Object.entries(routes).map(([route, rule]) => compileRoute(route, rule)),
    unmatchedRoutes,
    policyMode: 'api',
  };
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

// 2,000 rules: an api-mode policy of several megabytes for a token holding every scope.
const BIG = bigTable(2000);
const bigRules = rulesOf(BIG, 'deny');
const bigRulesUnmatchedAllowed = rulesOf(BIG, 'allow');

describe('api-mode policy size', () => {
  it('bounds the largest policy of a table above the limit, and of a small table far below', () => {
    expect(largestApiPolicyBytes(bigRules)).toBeGreaterThan(MAX_RESULT_BYTES);
    const small = rulesOf(
      { 'GET /pets': { scopes: ['read:pets'] }, 'ANY /admin/*': { scopes: ['admin'] } },
      'deny',
    );
    expect(largestApiPolicyBytes(small)).toBeLessThan(POLICY_CHECK_BYTES);
    expect(largestApiPolicyBytes({ ...bigRules, policyMode: 'method' })).toBe(0);
    expect(largestApiPolicyBytes({ ...bigRules, routes: undefined })).toBe(0);
  });

  it('narrows an oversized answer to the called method ARN, allowing it only when the route decision does', () => {
    const scopes = ['read:pets', 'admin'];
    const claims = { tier: 'gold' };
    const arn = `${PREFIX}GET/r1/42/${LONG}`;
    const built = buildPolicy(bigRules, scopes, parseMethodArn(arn), arn, claims);
    expect(built.narrowed).toBe(true);
    expect(built.document.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [arn] },
    ]);
    expect(bytes(built.document)).toBeLessThan(MAX_RESULT_BYTES);

    const refused = `${PREFIX}GET/r0/42/${LONG}`; // needs admin
    const deny = buildPolicy(bigRules, ['read:pets'], parseMethodArn(refused), refused, claims);
    expect(deny.narrowed).toBe(true);
    expect(deny.document.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [refused] },
    ]);
  });

  it('keeps the full api-mode policy when it is measured and fits', () => {
    // 400 rules: a bound past POLICY_CHECK_BYTES, so the policy is measured; about 1.3 MB, it fits.
    const medium = rulesOf(bigTable(400), 'deny');
    const arn = `${PREFIX}GET/pets/1`;
    const built = buildPolicy(medium, ['read:pets'], parseMethodArn(arn), arn, { tier: 'none' });
    expect(built.narrowed).toBe(false);
    expect(bytes(built.document)).toBeGreaterThan(POLICY_CHECK_BYTES);
    expect(built.document.Statement.map((s) => s.Effect)).toEqual(['Allow', 'Deny']);
    const tiny = rulesOf({ 'GET /pets/{id}': { scopes: ['read:pets'] } }, 'deny');
    const plain = buildPolicy(tiny, ['read:pets'], parseMethodArn(arn), arn);
    expect(plain.narrowed).toBe(false);
    expect(plain.document.Statement[0]?.Resource).toEqual([`${PREFIX}GET/pets/*`]);
  });
});

const HOSTILE = [
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\t',
  '%2F',
  '%0A',
  '*',
  '?',
  'é',
  '💥',
  'a',
  '42',
  ' ',
  '/',
];
const parameter = fc
  .array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''));
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'get'];
const TEMPLATES = [
  `r0/*/${LONG}`,
  `r1/*/${LONG}`,
  `r5/*/${LONG}`,
  'pets/*',
  'admin/*/x',
  '*',
  `r7/*/${LONG}/*`,
];
const request = fc
  .record({ verb: fc.constantFrom(...VERBS), template: fc.constantFrom(...TEMPLATES), value: parameter })
  .map(({ verb, template, value }) => ({ verb, path: template.replace(/\*/g, value) }));

describe('property: a narrowed answer never allows more than the route decision', () => {
  it('replayed from a cache on any later route, with hostile path parameters and verbs', () => {
    fc.assert(
      fc.property(
        fc.subarray(['read:pets', 'admin']),
        fc.constantFrom({ tier: 'gold' }, { tier: 'none' }, {}),
        fc.boolean(),
        request,
        fc.array(request, { minLength: 1, maxLength: 6 }),
        (scopes, claims, unmatchedAllowed, first, later) => {
          const rules = unmatchedAllowed ? bigRulesUnmatchedAllowed : bigRules;
          const firstArn = `${PREFIX}${first.verb}/${first.path}`;
          const built = buildPolicy(rules, scopes, parseMethodArn(firstArn), firstArn, claims);
          // Whatever form was chosen, the answer fits.
          expect(bytes(built.document)).toBeLessThanOrEqual(MAX_RESULT_BYTES - POLICY_CHECK_BYTES);
          for (const { verb, path } of [first, ...later]) {
            const arn = `${PREFIX}${verb}/${path}`;
            const allowed = evaluateRoute(rules, scopes, verb, path, claims).allowed;
            // Never wider than the decision, on any route.
            if (iamAllows(built.document, arn)) expect(allowed, JSON.stringify(arn)).toBe(true);
          }
          if (built.narrowed) {
            // Narrowed: only the called ARN can be allowed, and it is exactly when the decision allows it.
            const firstAllowed = evaluateRoute(rules, scopes, first.verb, first.path, claims).allowed;
            expect(iamAllows(built.document, firstArn)).toBe(firstAllowed && !/[*?]/.test(first.path));
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  it('the cold-start bound is never below the policy actually built, for hostile rule paths', () => {
    const segment = fc.array(fc.constantFrom(...HOSTILE.filter((c) => c !== '/' && c !== '*' && c !== '?')), {
      minLength: 1,
      maxLength: 6,
    });
    const rule = fc.record({
      verb: fc.constantFrom('GET', 'POST', 'ANY', '*'),
      segments: fc.array(
        fc.oneof(
          segment.map((s) => s.join('')),
          fc.constant('{id}'),
        ),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      admin: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(rule, {
          minLength: 1,
          maxLength: 12,
          selector: (r) => `${r.verb} ${r.segments.join('/')}`,
        }),
        fc.subarray(['read:pets', 'admin']),
        fc.constantFrom('allow' as const, 'deny' as const),
        request,
        (rules, scopes, unmatchedRoutes, { verb, path }) => {
          // Rule paths the configuration refuses (line breaks, for one) are left out.
          const routes = rules.flatMap((r) => {
            try {
              return [
                compileRoute(`${r.verb} /${r.segments.join('/')}`, r.admin ? ['admin'] : ['read:pets']),
              ];
            } catch {
              return [];
            }
          });
          fc.pre(routes.length > 0);
          const policyRules: PolicyRules = {
            requiredScopes: [],
            routes,
            unmatchedRoutes,
            policyMode: 'api',
          };
          const arn = `${PREFIX}${verb}/${path}`;
          const built = buildPolicy(policyRules, scopes, parseMethodArn(arn), arn);
          expect(built.narrowed).toBe(false);
          expect(bytes(built.document)).toBeLessThanOrEqual(largestApiPolicyBytes(policyRules));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('authorize on an oversized route table', () => {
  const key = generateTestKey('RS256', 'size');
  let server: JwksServer;
  beforeAll(async () => {
    server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  });
  afterAll(() => server.close());

  it('answers under the limit and says the policy was narrowed; a small table says nothing', async () => {
    const mint = createMinter(server.issuer, 'api');
    const token = mint(key, { claims: { scope: 'read:pets admin', tier: 'gold' } });
    const big = createAuthorizer({
      issuer: server.issuer,
      audience: 'api',
      jwksUri: server.jwksUri,
      routes: BIG,
    });
    const verified = await big.verify(token);
    const arn = `${PREFIX}GET/r1/42/${LONG}`;
    const answer = big.authorize(verified, arn);
    expect(answer.allowed).toBe(true);
    expect(answer.policyNarrowed).toBe(true);
    expect(bytes(answer.result)).toBeLessThan(MAX_RESULT_BYTES);
    expect(answer.result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [arn] },
    ]);

    const small = createAuthorizer({
      issuer: server.issuer,
      audience: 'api',
      jwksUri: server.jwksUri,
      routes: { 'GET /pets/{id}': { scopes: ['read:pets'] } },
    });
    const plain = small.authorize(await small.verify(token), `${PREFIX}GET/pets/1`);
    expect(plain.allowed).toBe(true);
    expect('policyNarrowed' in plain).toBe(false);
  });
});
