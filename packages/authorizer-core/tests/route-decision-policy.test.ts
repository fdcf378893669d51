import { describe, expect, it } from 'vitest';
import type { RuleDocument } from '../src/index.js';
import {
  buildPolicy,
  compileRoute,
  decideAndBuildPolicy,
  evaluateRoute,
  type PolicyRules,
  parseMethodArn,
  WEBSOCKET_CONNECT,
} from '../src/internal.js';

// decideAndBuildPolicy (what authorize calls) makes the route decision once and builds the
// method-mode answer (method mode, `$connect`, a narrowed api-mode policy) from it: the same
// decision and document as evaluateRoute and buildPolicy called one after the other.

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';
const LONG = 'x'.repeat(380);

function rulesOf(routes: Record<string, RuleDocument>, policyMode: 'api' | 'method'): PolicyRules {
  return {
    requiredScopes: [],
    routes: Object.entries(routes).map(([route, rule]) => compileRoute(route, rule)),
    unmatchedRoutes: 'deny',
    policyMode,
  };
}

const small: Record<string, RuleDocument> = {
  'GET /pets/{id}': { scopes: ['read:pets'], claims: { tier: { oneOf: ['gold', 'ü\u2028'] } } },
  'ANY /admin/{proxy+}': { scopes: ['admin'] },
  [WEBSOCKET_CONNECT]: { claims: { tier: 'gold' } },
};
// 2,000 rules on long paths: an api-mode policy past the result limit, so the answer is narrowed.
const big: Record<string, RuleDocument> = { ...small };
for (let i = 0; i < 2000; i++)
  big[`ANY /r${i}/{id}/${LONG}`] = { scopes: i % 3 === 0 ? ['admin'] : ['read:pets'] };

const TOKENS = [
  { scopes: ['read:pets'], claims: { tier: 'gold' } },
  { scopes: ['read:pets'], claims: { tier: 'ü\u2028' } },
  { scopes: ['read:pets'], claims: { tier: 'silver' } },
  { scopes: ['admin'], claims: undefined },
  { scopes: [], claims: { tier: 'gold' } },
];
const PATHS = [
  'GET/pets/42',
  'GET/pets/%0A',
  'GET/pets/*',
  'GET/pets/a?b',
  'GET/pets/\n',
  'DELETE/admin/x',
  'TRACE/pets/1',
  `GET/r1/42/${LONG}`,
  `GET/r0/42/${LONG}`,
  WEBSOCKET_CONNECT,
];

describe('decideAndBuildPolicy', () => {
  it.each([
    ['api mode, small table', rulesOf(small, 'api'), false],
    ['method mode', rulesOf(small, 'method'), false],
    ['api mode, narrowed', rulesOf(big, 'api'), true],
  ])('%s: the decision and document of evaluateRoute and buildPolicy', (_, rules, narrows) => {
    const outcomes = new Set<boolean>();
    for (const token of TOKENS) {
      for (const path of PATHS) {
        const methodArn = `${PREFIX}${path}`;
        const arn = parseMethodArn(methodArn);
        const both = decideAndBuildPolicy(rules, token.scopes, arn, methodArn, token.claims);
        const decision = evaluateRoute(rules, token.scopes, arn.method, arn.resourcePath, token.claims);
        const built = buildPolicy(rules, token.scopes, arn, methodArn, token.claims);
        expect(both.decision).toEqual(decision);
        expect(both.document).toEqual(built.document);
        expect(both.narrowed).toBe(built.narrowed);
        if (arn.method !== WEBSOCKET_CONNECT) expect(both.narrowed).toBe(narrows);
        outcomes.add(decision.allowed);
      }
    }
    expect([...outcomes].sort()).toEqual([false, true]);
  });

  it('reads an ARN object that is not frozen afresh on each call, its stage changed in between', () => {
    const rules = rulesOf(small, 'api');
    const token = TOKENS[0] as (typeof TOKENS)[number];
    const text = `${PREFIX}GET/pets/42`;
    const arn = parseMethodArn(text);
    const first = buildPolicy(rules, token.scopes, arn, text, token.claims).document;
    Object.assign(arn, { stage: 'ü%0A' });
    const movedText = text.replace('/prod/', '/ü%0A/');
    const moved = buildPolicy(rules, token.scopes, arn, movedText, token.claims).document;
    expect(moved).toEqual(
      buildPolicy(rules, token.scopes, parseMethodArn(movedText), movedText, token.claims).document,
    );
    expect(moved).not.toEqual(first);
  });
});
