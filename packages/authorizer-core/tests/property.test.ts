import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authorizer, AuthorizerError, createAuthorizer } from '../src/index.js';
import {
  buildPolicyDocument,
  compileRoute,
  evaluateRoute,
  type PolicyRules,
  parseMethodArn,
  readScopeClaims,
  readScopes,
} from '../src/internal.js';
import {
  createMinter,
  generateTestKey,
  iamAllows,
  iamResourceMatches,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from './helpers/index.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=. +/';
const rsa = generateTestKey('RS256', 'rsa');
const ec = generateTestKey('ES256', 'ec');
let server: JwksServer;
let authorizer: Authorizer;
let tokens: string[];

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(rsa, ec) });
  authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', algorithms: ['RS256', 'ES256'] });
  const mint = createMinter(server.issuer, 'api');
  tokens = [mint(rsa), mint(ec)];
  // The originals verify (and sit in the result cache, which mutations must not reach).
  for (const token of tokens) await authorizer.verify(token);
});
afterAll(() => server.close());

type Mutation =
  | { kind: 'replace'; at: number; char: string }
  | { kind: 'insert'; at: number; char: string }
  | { kind: 'delete'; at: number }
  | { kind: 'flipBit'; at: number; bit: number }
  | { kind: 'swapSegments'; a: number; b: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flipBit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('swapSegments' as const),
    a: fc.integer({ min: 0, max: 2 }),
    b: fc.integer({ min: 0, max: 2 }),
  }),
);

function apply(token: string, m: Mutation): string {
  switch (m.kind) {
    case 'replace': {
      const at = m.at % token.length;
      return token.slice(0, at) + m.char + token.slice(at + 1);
    }
    case 'insert': {
      const at = m.at % (token.length + 1);
      return token.slice(0, at) + m.char + token.slice(at);
    }
    case 'delete': {
      const at = m.at % token.length;
      return token.slice(0, at) + token.slice(at + 1);
    }
    case 'flipBit': {
      // Flip a bit in the decoded bytes of one segment and re-encode it canonically.
      const parts = token.split('.');
      const index = m.at % parts.length;
      const bytes = Buffer.from(parts[index] as string, 'base64url');
      if (bytes.length === 0) return token;
      const at = Math.floor(m.at / 3) % bytes.length;
      bytes[at] = (bytes[at] as number) ^ (1 << m.bit);
      parts[index] = bytes.toString('base64url');
      return parts.join('.');
    }
    case 'swapSegments': {
      const parts = token.split('.');
      if (parts.length !== 3) return token;
      [parts[m.a], parts[m.b]] = [parts[m.b] as string, parts[m.a] as string];
      return parts.join('.');
    }
  }
}

describe('property: mutated tokens never verify', () => {
  it('rejects thousands of random mutations of valid RS256 and ES256 tokens with a coded error', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (which, mutations) => {
          const original = tokens[which] as string;
          const mutated = mutations.reduce(apply, original);
          if (mutated === original) return;
          checked += 1;
          const outcome = await authorizer.verify(mutated).then(
            () => 'VERIFIED',
            (err: unknown) => (err instanceof AuthorizerError ? err.code : `UNCODED ${String(err)}`),
          );
          expect(outcome).not.toBe('VERIFIED');
          expect(outcome).not.toMatch(/^UNCODED/);
        },
      ),
      { numRuns: 3000 },
    );
    expect(checked).toBeGreaterThan(2500);
  });
});

// What a decoded path parameter can carry: line breaks, Unicode separators, tabs, %-sequences left
// encoded, the IAM wildcards, slashes and non-ASCII characters.
const HOSTILE_PIECES = [
  'a',
  '42',
  'admin',
  'public',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\t',
  ' ',
  '%0A',
  '%2F',
  '%25',
  '*',
  '?',
  '/',
  'ü',
  '🔑',
  '.',
];
const parameter = fc
  .array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 0, maxLength: 6 })
  .map((pieces) => pieces.join(''));

// Rule paths as configuration writes them, regular-expression metacharacters included.
const RULE_PIECES = [
  'pets',
  'admin',
  'users',
  'public',
  '*',
  '{id}',
  '{proxy+}',
  '%2F',
  'ü',
  '.',
  '+',
  '(',
  ')',
  '$',
  '^',
  '|',
  '[',
  ']',
  '\\',
  '-',
];
const rulePath = fc
  .array(fc.array(fc.constantFrom(...RULE_PIECES), { minLength: 1, maxLength: 3 }), {
    minLength: 0,
    maxLength: 4,
  })
  .map((segments) => `/${segments.map((s) => s.join('')).join('/')}`);

/** Fills every `*` of an ARN path with a generated parameter. */
function fill(arnPath: string, values: readonly string[]): string {
  let i = 0;
  return arnPath.replace(/\*/g, () => values[i++ % Math.max(values.length, 1)] ?? '');
}

describe('property: a compiled route matches exactly what IAM matches for its ARN path', () => {
  it('agrees with the IAM model on hostile paths, filled from the rule or not', () => {
    fc.assert(
      fc.property(
        rulePath,
        fc.array(parameter, { minLength: 1, maxLength: 3 }),
        parameter,
        fc.boolean(),
        (path, values, other, fromRule) => {
          const route = compileRoute(`GET ${path}`, []);
          const candidate = fromRule ? fill(route.arnPath, values) : `${fill(route.arnPath, values)}${other}`;
          expect(route.pattern.test(candidate)).toBe(iamResourceMatches(route.arnPath, candidate));
          if (fromRule) expect(route.pattern.test(candidate)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';
const SCOPES = ['a', 'b', 'admin'];
const RULE_POOL = [
  'GET /pets',
  'GET /pets/{id}',
  'DELETE /admin/users/{id}',
  'ANY /admin/*',
  'ANY /{proxy+}',
  '* /*/public',
  'POST /pets/{id}/photos',
  'ANY /public',
  'PUT /orders/{id}',
  'HEAD /',
];
const REQUEST_TEMPLATES = [
  'pets',
  'pets/*',
  'admin/users/*',
  '*/public',
  'orders/*/x',
  '*',
  'public',
  'files/*/*',
  'pets/*/photos',
  '',
];
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'get'];

const request = fc
  .record({
    verb: fc.constantFrom(...VERBS),
    template: fc.constantFrom(...REQUEST_TEMPLATES),
    values: fc.array(parameter, { minLength: 1, maxLength: 2 }),
  })
  .map(({ verb, template, values }) => ({ verb, path: fill(template, values) }));

const ruleSet: fc.Arbitrary<PolicyRules> = fc
  .record({
    routes: fc.option(
      fc.uniqueArray(fc.record({ route: fc.constantFrom(...RULE_POOL), scopes: fc.subarray(SCOPES) }), {
        selector: (rule) => rule.route,
        maxLength: 6,
      }),
      { nil: undefined },
    ),
    requiredScopes: fc.subarray(SCOPES, { maxLength: 1 }),
    unmatchedRoutes: fc.constantFrom('allow' as const, 'deny' as const),
  })
  .map(({ routes, requiredScopes, unmatchedRoutes }) => ({
    requiredScopes,
    routes: routes?.map((rule) => compileRoute(rule.route, rule.scopes)),
    unmatchedRoutes,
    policyMode: 'api' as const,
  }));

describe('property: caching replay with hostile path parameters and verbs', () => {
  it('a cached api-mode policy allows exactly the routes the route decision allows', () => {
    fc.assert(
      fc.property(
        ruleSet,
        fc.subarray(SCOPES),
        request,
        fc.array(request, { minLength: 1, maxLength: 8 }),
        (rules, scopes, first, later) => {
          const firstArn = `${PREFIX}${first.verb}/${first.path}`;
          const policy = buildPolicyDocument(rules, scopes, parseMethodArn(firstArn), firstArn);
          for (const { verb, path } of [first, ...later]) {
            const arn = `${PREFIX}${verb}/${path}`;
            const expected = evaluateRoute(rules, scopes, verb, path).allowed;
            expect(iamAllows(policy, arn), JSON.stringify(arn)).toBe(expected);
          }
        },
      ),
      { numRuns: 1500 },
    );
  }, 30_000);

  it('a method-mode policy never allows what the route decision refuses', () => {
    fc.assert(
      fc.property(ruleSet, fc.subarray(SCOPES), request, (rules, scopes, { verb, path }) => {
        const methodRules = { ...rules, policyMode: 'method' as const };
        const arn = `${PREFIX}${verb}/${path}`;
        const policy = buildPolicyDocument(methodRules, scopes, parseMethodArn(arn), arn);
        const allowed = evaluateRoute(methodRules, scopes, verb, path).allowed;
        // Denied as well when the path holds a literal IAM wildcard: it would widen the Allow.
        expect(iamAllows(policy, arn), JSON.stringify(arn)).toBe(allowed && !/[*?]/.test(path));
      }),
      { numRuns: 1500 },
    );
  });
});

const SCOPE_PIECES = [
  'read:pets',
  'admin',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\u00a0',
  '"',
  '\\',
  'ü',
  '🔑',
  '*',
  '?',
  '%0A',
  ',',
  '',
];
const scopeValue = fc.array(fc.constantFrom(...SCOPE_PIECES), { maxLength: 5 }).map((p) => p.join(''));

describe('property: only RFC 6749 scope-tokens become scopes', () => {
  it('keeps scope-tokens only, so the space-joined context splits back into exactly the scopes', () => {
    fc.assert(
      fc.property(
        scopeValue,
        fc.oneof(scopeValue, fc.array(scopeValue, { maxLength: 4 })),
        fc.array(scopeValue, { maxLength: 4 }),
        (scope, scp, permissions) => {
          const { scopes, dropped } = readScopeClaims({ scope, scp, permissions });
          for (const s of scopes) expect(s).toMatch(/^[\x21\x23-\x5b\x5d-\x7e]+$/);
          const joined = scopes.join(' ');
          expect(joined === '' ? [] : joined.split(/\s+/u)).toEqual(scopes);
          expect(readScopes({ scope, scp, permissions })).toEqual(scopes);
          const values = [
            ...scope.split(' '),
            ...(Array.isArray(scp) ? scp : scp.split(' ')),
            ...permissions,
          ];
          expect(dropped).toBeLessThanOrEqual(values.length);
          if (values.some((v) => v !== '' && /[^\x21\x23-\x5b\x5d-\x7e]/.test(v)))
            expect(dropped).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
