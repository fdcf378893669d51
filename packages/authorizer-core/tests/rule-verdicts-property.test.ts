import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClaimCheck, claimCheckKey, compileClaimChecks } from '../src/claim-conditions.js';
import type { ClaimCondition, RouteRequirement } from '../src/index.js';
import {
  buildPolicy,
  buildPolicyDocument,
  compileRoute,
  decideAndBuildPolicy,
  evaluateRoute,
  evaluateRule,
  type PolicyRules,
  parseMethodArn,
  routeMatches,
  WEBSOCKET_CONNECT,
} from '../src/internal.js';
import { type CompiledRoute, HTTP_METHODS } from '../src/options.js';
import type { RouteDecision } from '../src/policy.js';
import { iamAllows } from './helpers/index.js';

// One call judges each distinct claim check, scope set and rule of a table once, and shares the
// verdict between the route decision and the api-mode policy. These properties compare that with
// the straightforward computation: every matched rule evaluated on its own (evaluateRule), and the
// policy of the same table with no two checks shared, built afresh for each token.

// Few names and conditions, so tables repeat them often, with near-duplicates that must not be
// taken for one another: the same condition on another claim, `"1"` and `1`, `"null"` and `null`,
// `oneOf` and `contains` of one value, line breaks, U+2028/9, %-sequences, `*`, `?`, non-ASCII.
const NAMES = ['groups', 'tenant', '/realm/roles', '/a~1b/c~0d', 'x\ny', 'g\u2028h', 'p%2F', 'ü*?', 'r\r'];
const CONDITIONS: readonly ClaimCondition[] = [
  'admin',
  '1',
  1,
  true,
  'true',
  null,
  'null',
  '',
  'a b',
  '\u2029',
  '%0A',
  '*',
  '?',
  'ü',
  { oneOf: ['admin'] },
  { oneOf: ['admin', 1] },
  { oneOf: [1, 'admin'] },
  { oneOf: ['1'] },
  { oneOf: [null] },
  { contains: 'admin' },
  { contains: '' },
  { contains: 1 },
  { containsAny: ['admin', 'vets'] },
  { containsAny: ['admin'] },
  { containsAll: ['admin', 'vets'] },
  { containsAll: ['vets', 'admin'] },
  { present: true },
  { present: false },
];
const VALUES: readonly unknown[] = [
  'admin',
  'vets',
  'admin vets',
  'vets admin',
  '1',
  1,
  true,
  'true',
  null,
  'null',
  '',
  ' ',
  'a b',
  '\u2029',
  '%0A',
  '*',
  '?',
  'ü',
  ['admin'],
  ['admin', 'vets'],
  [1, '1', null],
  ['a b'],
  { admin: true },
];
const SCOPES = ['a', 'b', 'admin'];
const PATHS = ['/pets', '/pets/{id}', '/admin/*', '/{proxy+}', '/ü/%0A', '/*/public'];
const VERBS = ['GET', 'POST', 'DELETE', 'ANY'];
const PREFIXES = [
  'arn:aws:execute-api:us-east-1:123456789012:api123/prod/',
  'arn:aws:execute-api:us-east-1:123456789012:api123/ü%0A/',
  'arn:aws:execute-api:eu-west-1:210987654321:other/prod/',
];
const REQUEST_PATHS = ['pets', 'pets/42', 'admin/x\ny', 'ü/%0A', 'a/public', 'pets/\u2028', 'x*', 'q?', ''];
const REQUEST_VERBS = ['GET', 'POST', 'DELETE', 'PATCH', 'TRACE', 'get', WEBSOCKET_CONNECT];

const claimsMap = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...CONDITIONS), {
  minKeys: 1,
  maxKeys: 3,
});
const requirement: fc.Arbitrary<RouteRequirement> = fc.oneof(
  fc.subarray(SCOPES),
  fc.record({ claims: claimsMap }),
  fc.record({ scopes: fc.subarray(SCOPES, { minLength: 1 }), claims: claimsMap }),
  fc.record({
    scopes: fc.record({ anyOf: fc.subarray(SCOPES, { minLength: 1 }) }),
    claims: claimsMap,
  }),
);

const tableOf = (length: { minLength: number; maxLength: number }) =>
  fc
    .record({
      routes: fc.array(
        fc.record({
          verb: fc.constantFrom(...VERBS),
          path: fc.constantFrom(...PATHS),
          requirement,
          // Route i may take the compiled rule object of an earlier route: one rule, several routes.
          sharesRuleOf: fc.option(fc.nat(), { nil: undefined }),
        }),
        length,
      ),
      connect: fc.option(requirement, { nil: undefined }),
      requiredAnyScopes: fc.subarray(SCOPES, { maxLength: 2 }),
      unmatchedRoutes: fc.constantFrom('allow' as const, 'deny' as const),
      policyMode: fc.constantFrom('api' as const, 'method' as const),
    })
    .map(({ routes, connect, requiredAnyScopes, unmatchedRoutes, policyMode }): PolicyRules => {
      const compiled: CompiledRoute[] = [];
      for (const { verb, path, requirement: rule, sharesRuleOf } of routes) {
        let route = compileRoute(`${verb} ${path}`, rule);
        if (sharesRuleOf !== undefined && compiled.length > 0) {
          const shared = (compiled[sharesRuleOf % compiled.length] as CompiledRoute).rule;
          route = { ...route, rule: shared, scopes: shared.allOf };
        }
        compiled.push(route);
      }
      if (connect !== undefined) compiled.push(compileRoute(WEBSOCKET_CONNECT, connect));
      return { requiredScopes: [], requiredAnyScopes, routes: compiled, unmatchedRoutes, policyMode };
    });
const table = tableOf({ minLength: 1, maxLength: 12 });

const token = fc.record({
  scopes: fc.subarray(SCOPES),
  claims: fc.option(
    fc
      .record({
        groups: fc.constantFrom(...VALUES),
        tenant: fc.constantFrom(...VALUES),
        roles: fc.constantFrom(...VALUES),
        odd: fc.constantFrom(...VALUES),
        hostile: fc.constantFrom(...VALUES),
        absent: fc.subarray(['groups', 'tenant', 'x\ny', 'ü*?']),
      })
      .map(({ groups, tenant, roles, odd, hostile, absent }) => {
        const claims: Record<string, unknown> = {
          groups,
          tenant,
          realm: { roles },
          'a/b': { 'c~d': odd },
          'x\ny': hostile,
          'g\u2028h': odd,
          'p%2F': hostile,
          'ü*?': groups,
          'r\r': tenant,
        };
        for (const name of absent) delete claims[name];
        return claims;
      }),
    { nil: undefined },
  ),
});

const request = fc.record({
  prefix: fc.constantFrom(...PREFIXES),
  verb: fc.constantFrom(...REQUEST_VERBS),
  path: fc.constantFrom(...REQUEST_PATHS),
});
const arnOf = (r: { prefix: string; verb: string; path: string }): string =>
  r.verb === WEBSOCKET_CONNECT ? `${r.prefix}${r.verb}` : `${r.prefix}${r.verb}/${r.path}`;

/** The route decision computed the plain way: each matched rule evaluated on its own. */
function referenceDecision(
  rules: PolicyRules,
  scopes: readonly string[],
  method: string,
  path: string,
  claims: Record<string, unknown> | undefined,
): Required<RouteDecision> {
  const missing: string[] = [];
  const failed: string[] = [];
  const add = (list: string[], item: string) => {
    if (!list.includes(item)) list.push(item);
  };
  const anyOf = rules.requiredAnyScopes ?? [];
  if (anyOf.length > 0 && !anyOf.some((s) => scopes.includes(s))) for (const s of anyOf) add(missing, s);
  if (method !== WEBSOCKET_CONNECT && !HTTP_METHODS.includes(method)) {
    return { allowed: false, missingScopes: missing, failedClaims: [] };
  }
  let matched = false;
  for (const route of rules.routes ?? []) {
    if (!routeMatches(route, method, path)) continue;
    matched = true;
    const outcome = evaluateRule(route.rule, scopes, claims);
    for (const s of outcome.missingScopes) add(missing, s);
    for (const name of outcome.failedClaims) add(failed, name);
  }
  const allowed =
    missing.length === 0 && failed.length === 0 && (matched || rules.unmatchedRoutes === 'allow');
  return { allowed, missingScopes: missing, failedClaims: failed };
}

/** The same table with every claim check its own (no two ever share a verdict) in new arrays. */
function unshared(rules: PolicyRules): PolicyRules {
  const copies = new Map<object, object>();
  const copyOf = <T extends object>(value: T, make: () => T): T => {
    if (!copies.has(value)) copies.set(value, make());
    return copies.get(value) as T;
  };
  const routes = (rules.routes ?? []).map((route) => {
    const rule = copyOf(route.rule, () => ({
      allOf: [...route.rule.allOf],
      anyOf: [...route.rule.anyOf],
      claims: route.rule.claims.map((c): ClaimCheck => ({ name: c.name, read: c.read, test: c.test })),
    }));
    return { ...route, rule };
  });
  return { ...rules, routes };
}

const plainDecision = (d: RouteDecision) => ({
  allowed: d.allowed,
  missingScopes: [...d.missingScopes],
  failedClaims: [...(d.failedClaims ?? [])],
});

describe('property: one verdict per distinct check, scope set and rule per call', () => {
  it('two checks share a key only when they read the same claim and test every value alike', () => {
    const check = fc
      .tuple(fc.constantFrom(...NAMES), fc.constantFrom(...CONDITIONS))
      .map(([name, condition]) => compileClaimChecks({ [name]: condition }, 'claims')[0] as ClaimCheck);
    let equalKeys = 0;
    fc.assert(
      fc.property(check, check, (one, other) => {
        const key = claimCheckKey(one);
        expect(key).toBeTypeOf('string');
        if (key !== claimCheckKey(other)) return;
        equalKeys++;
        expect(other.name).toBe(one.name);
        for (const value of [undefined, ...VALUES]) expect(other.test(value)).toBe(one.test(value));
      }),
      { numRuns: 5000 },
    );
    expect(equalKeys).toBeGreaterThan(5);
  });

  it('decisions and policies equal the plain computation, token after token on one table', () => {
    let shared = 0;
    let allowed = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        table,
        fc.array(fc.record({ token, request, later: request }), { minLength: 1, maxLength: 6 }),
        (rules, calls) => {
          const checks = (rules.routes ?? []).flatMap((r) => r.rule.claims);
          if (new Set(checks.map((c) => `${c.name}\0${c.test}`)).size < checks.length) shared++;
          for (const { token: t, request: r, later } of calls) {
            const arnText = arnOf(r);
            const arn = parseMethodArn(arnText);
            const expected = referenceDecision(rules, t.scopes, arn.method, arn.resourcePath, t.claims);
            if (expected.allowed) allowed++;
            else refused++;
            // The authorizer's path: decision and policy in one pass.
            const both = decideAndBuildPolicy(rules, t.scopes, arn, arnText, t.claims);
            expect(plainDecision(both.decision)).toEqual(expected);
            expect(
              plainDecision(evaluateRoute(rules, t.scopes, arn.method, arn.resourcePath, t.claims)),
            ).toEqual(expected);
            // The policy: equal to the one of a fresh table whose checks share nothing.
            const fresh = buildPolicy(unshared(rules), t.scopes, parseMethodArn(arnText), arnText, t.claims);
            expect(both.document).toEqual(fresh.document);
            expect(both.narrowed).toBe(fresh.narrowed);
            expect(buildPolicy(rules, t.scopes, arn, arnText, t.claims).document).toEqual(fresh.document);
            // And IAM, evaluating it, allows the called ARN exactly when the decision does (when
            // the method ARN itself can be allowed: no wildcard in it).
            if (!/[*?]/.test(`${arn.method}/${arn.resourcePath}`)) {
              expect(iamAllows(both.document, arnText)).toBe(expected.allowed);
            }
            // An api-mode answer replayed on another route of the same stage decides it too.
            if (rules.policyMode === 'api' && arn.method !== WEBSOCKET_CONNECT && r.prefix === later.prefix) {
              const laterArn = arnOf(later);
              const parsed = parseMethodArn(laterArn);
              if (
                parsed.method !== WEBSOCKET_CONNECT &&
                !/[*?]/.test(`${parsed.method}/${parsed.resourcePath}`)
              ) {
                const decided = referenceDecision(
                  rules,
                  t.scopes,
                  parsed.method,
                  parsed.resourcePath,
                  t.claims,
                );
                expect(iamAllows(both.document, laterArn)).toBe(decided.allowed);
              }
            }
          }
        },
      ),
      { numRuns: 600 },
    );
    // The runs did share checks, and reached both answers.
    expect(shared).toBeGreaterThan(100);
    expect(allowed).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('a frozen method ARN keeps its stage per table: the same policy as an unfrozen copy', () => {
    fc.assert(
      fc.property(
        // Tables of one length: a stage remembered for another table would have as many routes.
        fc.array(tableOf({ minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 3 }),
        fc.array(fc.record({ tableAt: fc.nat(), arnAt: fc.nat(), token }), { minLength: 1, maxLength: 8 }),
        fc.array(request, { minLength: 1, maxLength: 3 }),
        (tables, calls, requests) => {
          const arns = requests.map((r) => {
            const text = arnOf(r);
            return { text, frozen: Object.freeze(parseMethodArn(text)) };
          });
          for (const { tableAt, arnAt, token: t } of calls) {
            const rules = tables[tableAt % tables.length] as PolicyRules;
            const { text, frozen } = arns[arnAt % arns.length] as {
              text: string;
              frozen: ReturnType<typeof parseMethodArn>;
            };
            const cached = buildPolicyDocument(rules, t.scopes, frozen, text, t.claims);
            // The reference: a table of its own and an ARN that is not frozen, so nothing remembered.
            const plain = buildPolicyDocument(unshared(rules), t.scopes, { ...frozen }, text, t.claims);
            expect(cached).toEqual(plain);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
