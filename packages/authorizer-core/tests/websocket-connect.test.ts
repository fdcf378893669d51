import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../src/index.js';
import {
  buildPolicyDocument,
  compileRoute,
  evaluateRoute,
  MAX_WEBSOCKET_RESULT_BYTES,
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

// The methodArn of a WebSocket API's $connect authorizer call.
const CONNECT_ARN = 'arn:aws:execute-api:us-east-1:123456789012:ws123/prod/$connect';
const AUD = 'https://api.example.com';
const key = generateTestKey('RS256', 'k');
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUD);
});
afterAll(() => server.close());

function rules(
  routeMap: Record<string, string[]> | undefined,
  partial: Partial<PolicyRules> = {},
): PolicyRules {
  return {
    requiredScopes: partial.requiredScopes ?? [],
    routes: routeMap && Object.entries(routeMap).map(([route, scopes]) => compileRoute(route, scopes)),
    unmatchedRoutes: partial.unmatchedRoutes ?? 'deny',
    policyMode: partial.policyMode ?? 'api',
  };
}

const decide = (r: PolicyRules, scopes: string[]) => {
  const arn = parseMethodArn(CONNECT_ARN);
  return {
    decision: evaluateRoute(r, scopes, arn.method, arn.resourcePath),
    policy: buildPolicyDocument(r, scopes, arn, CONNECT_ARN),
  };
};

describe('the WebSocket $connect route', () => {
  it('is allowed with the required scopes when no route rules are set, by a policy naming $connect alone', () => {
    for (const policyMode of ['api', 'method'] as const) {
      const { decision, policy } = decide(rules(undefined, { policyMode, requiredScopes: ['chat'] }), [
        'chat',
      ]);
      expect(decision.allowed).toBe(true);
      expect(policy.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [CONNECT_ARN] },
      ]);
      expect(iamAllows(policy, CONNECT_ARN)).toBe(true);
      const denied = decide(rules(undefined, { policyMode, requiredScopes: ['chat'] }), []);
      expect(denied.decision).toEqual({ allowed: false, missingScopes: ['chat'] });
      expect(iamAllows(denied.policy, CONNECT_ARN)).toBe(false);
    }
  });

  it('is matched by a "$connect" rule, which needs its scopes', () => {
    const withRule = rules({ 'GET /pets': ['read:pets'], $connect: ['chat:connect'] });
    const allowed = decide(withRule, ['chat:connect']);
    expect(allowed.decision).toEqual({ allowed: true, missingScopes: [] });
    expect(iamAllows(allowed.policy, CONNECT_ARN)).toBe(true);
    const denied = decide(withRule, ['read:pets']);
    expect(denied.decision).toEqual({ allowed: false, missingScopes: ['chat:connect'] });
    expect(iamAllows(denied.policy, CONNECT_ARN)).toBe(false);
  });

  it('is never matched by HTTP rules, ANY /* included: without a $connect rule it follows unmatchedRoutes', () => {
    const httpOnly = { 'ANY /*': [], 'GET /pets': ['read:pets'] };
    const denied = decide(rules(httpOnly), ['read:pets']);
    expect(denied.decision.allowed).toBe(false);
    expect(iamAllows(denied.policy, CONNECT_ARN)).toBe(false);
    const allowed = decide(rules(httpOnly, { unmatchedRoutes: 'allow' }), []);
    expect(allowed.decision.allowed).toBe(true);
    expect(iamAllows(allowed.policy, CONNECT_ARN)).toBe(true);
    // Nor does a $connect rule reach an HTTP route.
    const arn = parseMethodArn('arn:aws:execute-api:us-east-1:123456789012:ws123/prod/GET/pets');
    expect(evaluateRoute(rules({ $connect: [] }), [], arn.method, arn.resourcePath).allowed).toBe(false);
  });

  it('leaves the $connect rule out of the REST policy of HTTP routes', () => {
    const arn = parseMethodArn('arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/pets');
    const policy = buildPolicyDocument(rules({ 'GET /pets': [], $connect: [] }), [], arn, '');
    expect(JSON.stringify(policy)).not.toContain('$connect');
  });

  it('applies a "$connect" rule with claim conditions and any-of scopes, as any rule', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      routes: {
        $connect: { scopes: { anyOf: ['chat', 'support'] }, claims: { email_verified: { oneOf: [true] } } },
      },
    });
    const decide = async (claims: Record<string, unknown>) =>
      authorizer.authorize(await authorizer.verify(mint(key, { claims })), CONNECT_ARN);
    const allowed = await decide({ scope: 'support', email_verified: true });
    expect(allowed.allowed).toBe(true);
    expect(iamAllows(allowed.result.policyDocument, CONNECT_ARN)).toBe(true);
    const unverified = await decide({ scope: 'chat', email_verified: false });
    expect(unverified.allowed).toBe(false);
    expect(iamAllows(unverified.result.policyDocument, CONNECT_ARN)).toBe(false);
    expect((await decide({ scope: 'read:pets', email_verified: true })).allowed).toBe(false);
  });

  it('refuses a "$connect" rule with malformed scopes, and "$connect" with a path or a verb', () => {
    expect(() => compileRoute('$connect', ['has space'])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => compileRoute('$connect /x', [])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => compileRoute('GET $connect', [])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('answers a token with many scopes under many rules within the WebSocket result limit', async () => {
    const scopes = Array.from({ length: 300 }, (_, i) => `scope:${i}:read`);
    const routes: Record<string, string[]> = { $connect: ['scope:1:read'] };
    for (let i = 0; i < 200; i++) routes[`GET /resource${i}/{id}/items`] = [`scope:${i}:read`, 'admin'];
    const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUD, routes });
    const verified = await authorizer.verify(mint(key, { claims: { scope: scopes.join(' ') } }));
    const { allowed, result } = authorizer.authorize(verified, CONNECT_ARN);
    expect(allowed).toBe(true);
    expect(result.policyDocument.Statement).toHaveLength(1);
    expect(result.context.scope).toBe(scopes.join(' '));
    const bytes = Buffer.byteLength(JSON.stringify(result));
    expect(bytes).toBeGreaterThan(4000);
    expect(bytes).toBeLessThanOrEqual(MAX_WEBSOCKET_RESULT_BYTES);
    // The same token on an HTTP route of the same rules gets the stage-wide policy, far larger.
    const rest = authorizer.authorize(
      verified,
      'arn:aws:execute-api:us-east-1:123456789012:ws123/prod/GET/resource1/7/items',
    );
    expect(Buffer.byteLength(JSON.stringify(rest.result))).toBeGreaterThan(MAX_WEBSOCKET_RESULT_BYTES);
  });

  it('denies, without context, when the answer would exceed the WebSocket result limit', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUD,
      contextClaims: ['profile'],
      maxTokenBytes: 32_768,
    });
    const verified = await authorizer.verify(mint(key, { claims: { profile: 'x'.repeat(9000) } }));
    const { allowed, result } = authorizer.authorize(verified, CONNECT_ARN);
    expect(allowed).toBe(false);
    expect(result.context).toEqual({});
    expect(iamAllows(result.policyDocument, CONNECT_ARN)).toBe(false);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(MAX_WEBSOCKET_RESULT_BYTES);
    // Below the limit the same claim is answered as usual.
    const small = await authorizer.verify(mint(key, { claims: { profile: 'x'.repeat(100) } }));
    expect(authorizer.authorize(small, CONNECT_ARN).allowed).toBe(true);
  });
});
