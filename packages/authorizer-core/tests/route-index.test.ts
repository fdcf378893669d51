import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledRoute } from '../src/index.js';
import {
  compileRoute,
  createRouteIndex,
  evaluateRoute,
  MIN_INDEXED_RULES,
  type PolicyRules,
  type RouteIndex,
  routeIndexFor,
  routeMatches,
  WEBSOCKET_CONNECT,
} from '../src/internal.js';

// Pieces of a rule's path: literal names, %-sequences, IAM wildcards, path parameters, non-ASCII,
// and characters regular expressions treat specially. A rule cannot hold whitespace or `?`
// (compileRoute refuses them), a request path can: it gets line breaks, U+2028/U+2029 and tabs too.
const RULE_PIECES = [
  'pets',
  'p',
  'users',
  'admin',
  '%0A',
  '%2F',
  '*',
  '{id}',
  '{proxy+}',
  'ü',
  '🔑',
  '.',
  '$',
  '(',
  '+',
  '~',
];
const REQUEST_PIECES = [
  ...RULE_PIECES.filter((p) => !p.startsWith('{')),
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\t',
  '?',
  ' ',
  '',
];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY', '*', 'any', 'get'];
const REQUEST_METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  WEBSOCKET_CONNECT,
  'TRACE',
  'get',
  '*',
];

const segment = (pieces: readonly string[]) =>
  fc.array(fc.constantFrom(...pieces), { maxLength: 3 }).map((parts) => parts.join(''));
const rulePath = fc.array(segment(RULE_PIECES), { maxLength: 4 }).map((segments) => `/${segments.join('/')}`);
const routeKey = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.tuple(fc.constantFrom(...VERBS), rulePath).map(([verb, path]) => `${verb} ${path}`),
  },
  { weight: 1, arbitrary: fc.constant(WEBSOCKET_CONNECT) },
);
const SCOPE_SETS = [[], ['a'], ['b'], ['a', 'b']];
const tableOf = (minLength: number, maxLength: number) =>
  fc
    .array(routeKey, { minLength, maxLength })
    .map((keys) => keys.map((key, i) => compileRoute(key, SCOPE_SETS[(key.length + i) % 4] as string[])));
const table = tableOf(0, 40);

/**
 * A request: the method and ARN path of one of the rules with each `*` filled with hostile
 * segments (so it matches that rule, and often others), or a hostile method and path.
 */
function requestFor(routes: readonly CompiledRoute[]) {
  const filler = segment(REQUEST_PIECES);
  const random = fc.record({
    method: fc.constantFrom(...REQUEST_METHODS),
    path: fc.array(filler, { maxLength: 4 }).map((segments) => segments.join('/')),
  });
  if (routes.length === 0) return random;
  const fromRule = fc
    .tuple(
      fc.constantFrom(...routes),
      fc.constantFrom(...REQUEST_METHODS),
      fc.array(fc.array(filler, { maxLength: 2 }), { minLength: 8, maxLength: 8 }),
    )
    .map(([route, method, fills]) => ({
      method: route.method === '*' ? method : route.method,
      path: route.arnPath
        .split('*')
        .map((part, i) => (i === 0 ? part : `${(fills[i % 8] as string[]).join('/')}${part}`))
        .join(''),
    }));
  return fc.oneof(fromRule, random);
}

/** Indexes (in table order) of the rules that match, found by testing every rule. */
function linearMatches(routes: readonly CompiledRoute[], method: string, path: string): number[] {
  return routes.flatMap((route, i) => (routeMatches(route, method, path) ? [i] : []));
}

/** The same, from the index's candidates. */
function indexedMatches(index: RouteIndex, routes: readonly CompiledRoute[], method: string, path: string) {
  const candidates = index.candidates(method, path);
  for (let k = 1; k < candidates.length; k++) {
    expect(candidates[k] as number).toBeGreaterThan(candidates[k - 1] as number);
  }
  return candidates.filter((i) => routeMatches(routes[i] as CompiledRoute, method, path));
}

/** The property: for random tables and requests, the index finds the rules a full scan finds. */
function agreesWithFullScan(build: (routes: readonly CompiledRoute[]) => RouteIndex) {
  return fc.property(
    table.chain((routes) =>
      fc.tuple(fc.constant(routes), fc.array(requestFor(routes), { minLength: 1, maxLength: 6 })),
    ),
    ([routes, requests]) => {
      const index = build(routes);
      for (const { method, path } of requests) {
        expect(indexedMatches(index, routes, method, path), JSON.stringify({ method, path })).toEqual(
          linearMatches(routes, method, path),
        );
      }
    },
  );
}

describe('property: the route index finds exactly the rules a full scan finds', () => {
  it('agrees on random rule tables and hostile paths, in table order', () => {
    fc.assert(agreesWithFullScan(createRouteIndex), { numRuns: 2000 });
  });

  it('is a property that can fail: an index that files ANY rules under GET only disagrees', () => {
    const broken = (routes: readonly CompiledRoute[]) =>
      createRouteIndex(routes.map((route) => (route.method === '*' ? { ...route, method: 'GET' } : route)));
    const result = fc.check(agreesWithFullScan(broken), { numRuns: 2000 });
    expect(result.failed).toBe(true);
  });

  it('is a property that can fail: an index that reads a wildcard segment as literal text disagrees', () => {
    const broken = (routes: readonly CompiledRoute[]) =>
      createRouteIndex(routes.map((route) => ({ ...route, arnPath: route.arnPath.replaceAll('*', '') })));
    const result = fc.check(agreesWithFullScan(broken), { numRuns: 2000 });
    expect(result.failed).toBe(true);
  });
});

describe('property: evaluateRoute on a table large enough to be indexed', () => {
  it('decides from exactly the rules a full scan matches', () => {
    fc.assert(
      fc.property(
        tableOf(MIN_INDEXED_RULES, 80).chain((routes) =>
          fc.tuple(
            fc.constant(routes),
            fc.array(requestFor(routes), { minLength: 1, maxLength: 6 }),
            fc.subarray(['a', 'b']),
            fc.constantFrom('allow' as const, 'deny' as const),
          ),
        ),
        ([routes, requests, scopes, unmatchedRoutes]) => {
          const rules: PolicyRules = { requiredScopes: [], routes, unmatchedRoutes, policyMode: 'api' };
          for (const { method, path } of requests) {
            if (method !== WEBSOCKET_CONNECT && !HTTP_METHODS.includes(method)) continue;
            // The decision rebuilt from a full scan: the scopes of every matching rule, in table order.
            const matched = linearMatches(routes, method, path);
            const missing: string[] = [];
            for (const i of matched) {
              for (const scope of (routes[i] as CompiledRoute).rule.allOf) {
                if (!scopes.includes(scope) && !missing.includes(scope)) missing.push(scope);
              }
            }
            const allowed = missing.length === 0 && (matched.length > 0 || unmatchedRoutes === 'allow');
            expect(evaluateRoute(rules, scopes, method, path), JSON.stringify({ method, path })).toEqual({
              allowed,
              missingScopes: missing,
            });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('route index', () => {
  const routes = [
    'GET /pets',
    'ANY /pets/{id}',
    'GET /{proxy+}',
    'POST /pets',
    'GET /p*s/x',
    '$connect',
    'DELETE /',
  ].map((key) => compileRoute(key, []));
  const index = createRouteIndex(routes);

  it('lists the rules filed on the literal segments of the path and the wildcard ones, in table order', () => {
    expect(index.candidates('GET', 'pets/42')).toEqual([0, 1, 2, 4]);
    expect(index.candidates('POST', 'pets')).toEqual([1, 3]);
    expect(index.candidates('GET', 'orders')).toEqual([2, 4]);
    expect(index.candidates('DELETE', '')).toEqual([6]);
  });

  it('follows the literal segments past the first: a common prefix such as /v1 still narrows', () => {
    const versioned = [
      'GET /v1/pets/{id}',
      'GET /v1/orders',
      'ANY /v1/{proxy+}',
      'GET /v1/pets',
      'GET /v2/pets',
    ].map((key) => compileRoute(key, []));
    const tree = createRouteIndex(versioned);
    expect(tree.candidates('GET', 'v1/pets/7')).toEqual([0, 2, 3]);
    expect(tree.candidates('GET', 'v1/orders')).toEqual([1, 2]);
    expect(tree.candidates('POST', 'v1/pets')).toEqual([2]);
    expect(tree.candidates('GET', `v1/${'x/'.repeat(10_000)}`)).toEqual([2]);
  });

  it('keeps HTTP rules, ANY included, away from $connect, and gives an unknown method every rule', () => {
    expect(index.candidates(WEBSOCKET_CONNECT, '')).toEqual([5]);
    expect(index.candidates('TRACE', 'pets')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('splits the path at slashes only: a line break or %2F stays inside its segment', () => {
    expect(index.candidates('GET', 'pets\n/x')).toEqual([2, 4]);
    expect(index.candidates('GET', 'pets%2Fx')).toEqual([2, 4]);
    expect(linearMatches(routes, 'GET', 'pets\n/x')).toEqual([2]);
  });

  it('serves evaluateRoute: every matching rule applies, whichever tree it came from', () => {
    const rules: PolicyRules = {
      requiredScopes: [],
      // Padded past MIN_INDEXED_RULES with rules for other paths, so the decision uses the trees.
      routes: [
        compileRoute('GET /pets/{id}', ['read']),
        ...Array.from({ length: MIN_INDEXED_RULES }, (_, i) => compileRoute(`GET /other${i}`, ['x'])),
        compileRoute('ANY /{proxy+}', ['any']),
      ],
      unmatchedRoutes: 'deny',
      policyMode: 'api',
    };
    expect(evaluateRoute(rules, ['read'], 'GET', 'pets/1')).toEqual({
      allowed: false,
      missingScopes: ['any'],
    });
    expect(evaluateRoute(rules, ['read', 'any'], 'GET', 'pets/1').allowed).toBe(true);
    expect(evaluateRoute(rules, ['any'], 'GET', 'orders/1').allowed).toBe(true);
  });

  it('indexes a table again when its length changed, and has no index for a small table', () => {
    const grown = Array.from({ length: MIN_INDEXED_RULES }, (_, i) => compileRoute(`GET /pets${i}`, ['a']));
    expect(routeIndexFor(grown.slice(1))).toBeUndefined();
    expect(routeIndexFor(grown)?.size).toBe(MIN_INDEXED_RULES);
    const rules: PolicyRules = {
      requiredScopes: [],
      routes: grown,
      unmatchedRoutes: 'allow',
      policyMode: 'api',
    };
    expect(evaluateRoute(rules, ['a'], 'GET', 'orders').allowed).toBe(true);
    grown.push(compileRoute('GET /orders', ['b']));
    expect(evaluateRoute(rules, ['a'], 'GET', 'orders')).toEqual({ allowed: false, missingScopes: ['b'] });
    expect(routeIndexFor(grown)?.size).toBe(MIN_INDEXED_RULES + 1);
  });
});
