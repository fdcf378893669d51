import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileClaimCondition, compileClaimReader } from '../src/claim-conditions.js';
import { toContextValue } from '../src/context.js';
import type { ClaimCondition, ClaimLiteral, RouteRequirement } from '../src/index.js';
import {
  buildPolicyDocument,
  compileRoute,
  evaluateRoute,
  type PolicyRules,
  parseMethodArn,
} from '../src/internal.js';
import { iamAllows } from './helpers/index.js';

// What a claim name or value can carry: line breaks, Unicode separators, tabs, spaces,
// %-sequences, IAM wildcards, the JSON Pointer specials, quotes and non-ASCII characters.
const HOSTILE_PIECES = [
  'admin',
  'vets',
  'acme',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\t',
  ' ',
  '%0A',
  '%2F',
  '*',
  '?',
  '/',
  '~',
  '~0',
  '~1',
  '.',
  ':',
  '"',
  '\\',
  '[',
  '{',
  'ü',
  '🔑',
];
const hostileText = fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 4 }).map((p) => p.join(''));
const claimName = fc.oneof(
  fc.constantFrom('groups', 'https://example.com/roles', 'cognito:groups', 'tenant'),
  hostileText,
);

/** The JSON Pointer of a path of names, escaped as RFC 6901 asks. */
function pointerOf(path: readonly string[]): string {
  return path.map((step) => `/${step.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

describe('property: claim names', () => {
  it('a JSON Pointer built from hostile names reads the nested value; a literal name reads the top level', () => {
    fc.assert(
      fc.property(fc.array(claimName, { minLength: 1, maxLength: 4 }), hostileText, (path, value) => {
        let claims: Record<string, unknown> = { leaf: value };
        for (let i = path.length - 1; i >= 0; i--)
          claims = { [path[i] as string]: i === path.length - 1 ? value : claims };
        const pointer = pointerOf(path);
        expect(compileClaimReader(pointer, 's')(claims)).toBe(value);
        const top = path[0] as string;
        if (top !== '' && !top.startsWith('/')) {
          expect(compileClaimReader(top, 's')(claims)).toBe(claims[top]);
        }
        // One step further never exists.
        expect(compileClaimReader(`${pointer}/x`, 's')(claims)).toBeUndefined();
      }),
      { numRuns: 1500 },
    );
  });
});

const literal: fc.Arbitrary<ClaimLiteral> = fc.oneof(
  fc.constantFrom('admin', 'vets', 'acme', 'true', '1', ''),
  hostileText,
  fc.constantFrom(true, false, 0, 1, 7, null),
);
// Values the compiler accepts: no regex-looking strings (those are refused at configuration).
const REGEX_LOOKING = /^\^|(?<!\\)\$$|^\/.+\/[dgimsuvy]*$|\.[*+]|\\[dDwWsSbB]|\][*+?]|\)[*+?]/;
const safeLiteral = literal.filter((v) => typeof v !== 'string' || !REGEX_LOOKING.test(v));
const literalSet = fc.uniqueArray(safeLiteral, { minLength: 1, maxLength: 3 });

const condition: fc.Arbitrary<ClaimCondition> = fc.oneof(
  safeLiteral,
  literalSet.map((oneOf) => ({ oneOf })),
  safeLiteral.map((contains) => ({ contains })),
  literalSet.map((containsAny) => ({ containsAny })),
  literalSet.map((containsAll) => ({ containsAll })),
  fc.boolean().map((present) => ({ present })),
);

const claimValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  literal,
  fc.array(literal, { maxLength: 4 }),
  fc.array(fc.constantFrom('admin', 'vets', 'acme', ''), { maxLength: 4 }).map((words) => words.join(' ')),
  fc.dictionary(fc.constantFrom('a', 'admin'), literal, { maxKeys: 2 }),
);

/** The conditions as the README states them, written independently of the compiled closures. */
function reference(cond: ClaimCondition, value: unknown): boolean {
  const words = (v: unknown): unknown[] | undefined =>
    Array.isArray(v) ? v : typeof v === 'string' ? v.split(' ').filter((w) => w !== '') : undefined;
  if (cond === null || typeof cond !== 'object') return value === cond;
  if ('present' in cond) return cond.present === (value !== undefined);
  if ('oneOf' in cond) return cond.oneOf.some((v) => v === value);
  const list = words(value);
  if (list === undefined) return false;
  if ('contains' in cond) return list.some((v) => v === cond.contains);
  if ('containsAny' in cond) return cond.containsAny.some((w) => list.some((v) => v === w));
  return cond.containsAll.every((w) => list.some((v) => v === w));
}

describe('property: conditions', () => {
  it('agree with the stated semantics for every kind, hostile values and wrong types included', () => {
    fc.assert(
      fc.property(condition, claimValue, (cond, value) => {
        expect(compileClaimCondition(cond, 's')(value)).toBe(reference(cond, value));
      }),
      { numRuns: 4000 },
    );
  });
});

describe('property: context values', () => {
  it('decode back to the claim exactly: JSON text exactly when the value starts with [ { or "', () => {
    // As a claims set holds them: parsed from JSON text (a -0 inside an array reads back as 0 in JSON).
    const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    fc.assert(
      fc.property(fc.oneof(json, hostileText), (value) => {
        const encoded = toContextValue(value);
        if (value === null) {
          expect(encoded).toBeUndefined();
          return;
        }
        expect(['string', 'number', 'boolean']).toContain(typeof encoded);
        const decoded = typeof encoded === 'string' && /^[[{"]/.test(encoded) ? JSON.parse(encoded) : encoded;
        expect(decoded).toEqual(value);
      }),
      { numRuns: 3000 },
    );
  });
});

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';
const SCOPES = ['a', 'b', 'admin'];
const ROUTE_POOL = [
  'GET /pets',
  'GET /pets/{id}',
  'DELETE /admin/users/{id}',
  'ANY /admin/*',
  'ANY /{proxy+}',
  '* /*/public',
  'POST /pets/{id}/photos',
  'PUT /orders/{id}',
];
const PATH_TEMPLATES = [
  'pets',
  'pets/*',
  'admin/users/*',
  '*/public',
  'orders/*',
  '*',
  'public',
  'pets/*/photos',
];
const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'get'];
const NAMES = ['groups', 'https://example.com/roles', '/realm_access/roles', '/a~1b/c~0d', 'tenant', 'x\ny'];

const requirement: fc.Arbitrary<RouteRequirement> = fc.oneof(
  fc.subarray(SCOPES),
  fc
    .record(
      {
        scopes: fc.oneof(
          fc.subarray(SCOPES, { minLength: 1 }),
          fc.record(
            { allOf: fc.subarray(SCOPES, { minLength: 1 }), anyOf: fc.subarray(SCOPES, { minLength: 1 }) },
            { requiredKeys: [] },
          ),
        ),
        claims: fc.dictionary(fc.constantFrom(...NAMES), condition, { minKeys: 1, maxKeys: 3 }),
      },
      { requiredKeys: [] },
    )
    .filter(
      (rule) =>
        (rule.scopes !== undefined || rule.claims !== undefined) &&
        (rule.scopes === undefined || Array.isArray(rule.scopes) || Object.keys(rule.scopes).length > 0),
    ),
);

const ruleSet: fc.Arbitrary<PolicyRules> = fc
  .record({
    routes: fc.uniqueArray(fc.record({ route: fc.constantFrom(...ROUTE_POOL), requirement }), {
      selector: (r) => r.route,
      minLength: 1,
      maxLength: 5,
    }),
    requiredAnyScopes: fc.subarray(SCOPES, { maxLength: 2 }),
    unmatchedRoutes: fc.constantFrom('allow' as const, 'deny' as const),
  })
  .map(({ routes, requiredAnyScopes, unmatchedRoutes }) => ({
    requiredScopes: [],
    requiredAnyScopes,
    routes: routes.map((r) => compileRoute(r.route, r.requirement)),
    unmatchedRoutes,
    policyMode: 'api' as const,
  }));

const claimSet = fc
  .record({
    groups: claimValue,
    roles: claimValue,
    realm: claimValue,
    tenant: claimValue,
    odd: claimValue,
    extraName: claimName,
    extra: claimValue,
  })
  .map(({ groups, roles, realm, tenant, odd, extraName, extra }) => {
    const claims: Record<string, unknown> = {
      [extraName]: extra,
      groups,
      'https://example.com/roles': roles,
      realm_access: { roles: realm },
      'a/b': { 'c~d': odd },
      tenant,
      'x\ny': odd,
    };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
    return JSON.parse(JSON.stringify(claims)) as Record<string, unknown>;
  });

const request = fc
  .record({
    verb: fc.constantFrom(...VERBS),
    template: fc.constantFrom(...PATH_TEMPLATES),
    fill: fc.constantFrom('42', 'a/b', '\n', '\u2028', '%0A', 'ü', '*', 'public'),
  })
  .map(({ verb, template, fill }) => ({ verb, path: template.replace(/\*/g, fill) }));

describe('property: caching replay with claim rules', () => {
  it('the api-mode policy built for one route allows exactly what the route decisions allow everywhere', () => {
    let allowedSome = 0;
    let deniedSome = 0;
    fc.assert(
      fc.property(
        ruleSet,
        fc.subarray(SCOPES),
        claimSet,
        request,
        fc.array(request, { minLength: 1, maxLength: 8 }),
        (rules, scopes, claims, first, later) => {
          const firstArn = `${PREFIX}${first.verb}/${first.path}`;
          const policy = buildPolicyDocument(rules, scopes, parseMethodArn(firstArn), firstArn, claims);
          for (const { verb, path } of [first, ...later]) {
            const arn = `${PREFIX}${verb}/${path}`;
            const expected = evaluateRoute(rules, scopes, verb, path, claims).allowed;
            if (expected) allowedSome += 1;
            else deniedSome += 1;
            expect(iamAllows(policy, arn), JSON.stringify(arn)).toBe(expected);
          }
        },
      ),
      { numRuns: 1500 },
    );
    // The generators reach both outcomes often: the property is not vacuous.
    expect(allowedSome).toBeGreaterThan(500);
    expect(deniedSome).toBeGreaterThan(500);
  }, 30_000);

  it('a method-mode policy allows exactly the allowed literal ARN', () => {
    fc.assert(
      fc.property(
        ruleSet,
        fc.subarray(SCOPES),
        claimSet,
        request,
        (rules, scopes, claims, { verb, path }) => {
          const methodRules = { ...rules, policyMode: 'method' as const };
          const arn = `${PREFIX}${verb}/${path}`;
          const policy = buildPolicyDocument(methodRules, scopes, parseMethodArn(arn), arn, claims);
          const allowed = evaluateRoute(methodRules, scopes, verb, path, claims).allowed;
          expect(iamAllows(policy, arn)).toBe(allowed && !/[*?]/.test(path));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
