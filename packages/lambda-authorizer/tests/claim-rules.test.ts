import { type AuthorizerOptions, createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import { createAuthorizerHandler } from '../src/handler.js';
import {
  evaluatePolicy,
  httpApiEvent,
  lambdaContext,
  ROUTE_ARN,
  STAGE_ARN,
  tokenEvent,
} from './helpers/index.js';

const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'key-rules');
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUDIENCE);
});
afterAll(() => server.close());

function setup(options: Partial<AuthorizerOptions> = {}) {
  const lines: string[] = [];
  const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUDIENCE, ...options });
  const handler = createAuthorizerHandler({ authorizer, log: { write: (line) => lines.push(line) } });
  return { handler, lines, logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const SECRET_TENANT = 'tenant-value-never-logged';
const routes = {
  'GET /pets': { claims: { 'https://example.com/tenant': { oneOf: ['acme'] } } },
  'DELETE /pets/{id}': { scopes: { anyOf: ['admin', 'pets:delete'] } },
};

describe('the handler with claim rules', () => {
  it('Denies (403) a route whose claim condition fails, logging CLAIM_MISMATCH and the claim name only', async () => {
    const { handler, logs, lines } = setup({ routes });
    const token = mint(key, { claims: { 'https://example.com/tenant': SECRET_TENANT, scope: 'admin' } });
    const result = await handler(tokenEvent(`Bearer ${token}`), lambdaContext('req-claims'));
    expect(evaluatePolicy(result, `${STAGE_ARN}/GET/pets`)).toBe('Deny');
    // The cached policy still allows the route the token satisfies.
    expect(evaluatePolicy(result, `${STAGE_ARN}/DELETE/pets/7`)).toBe('Allow');
    expect(logs()).toEqual([
      expect.objectContaining({
        decision: 'deny',
        reason: 'CLAIM_MISMATCH',
        failedClaims: ['https://example.com/tenant'],
      }),
    ]);
    expect(lines.join('\n')).not.toContain(SECRET_TENANT);
  });

  it('answers a token failing requiredClaims with Unauthorized (401), the log naming the claim, never its value', async () => {
    const { handler, logs, lines } = setup({
      requiredClaims: { claims: { 'https://example.com/tenant': 'acme' } },
    });
    const token = mint(key, { claims: { 'https://example.com/tenant': SECRET_TENANT } });
    const err = await handler(tokenEvent(`Bearer ${token}`), lambdaContext()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toBe('Unauthorized');
    expect(logs()).toEqual([
      expect.objectContaining({
        decision: 'unauthorized',
        reason: 'CLAIM_INVALID',
        claim: 'https://example.com/tenant',
      }),
    ]);
    expect(lines.join('\n')).not.toContain(SECRET_TENANT);
  });

  it('gives the HTTP API simple answer from the same rules, and logs the claim of an early refusal', async () => {
    const { handler, logs } = setup({ routes, requiredClaims: { claims: { email_verified: true } } });
    const allowed = mint(key, { claims: { 'https://example.com/tenant': 'acme', email_verified: true } });
    expect(
      await handler(httpApiEvent({ headers: { authorization: `Bearer ${allowed}` } }), lambdaContext()),
    ).toEqual(expect.objectContaining({ isAuthorized: true }));
    const mismatch = mint(key, { claims: { 'https://example.com/tenant': 'globex', email_verified: true } });
    expect(
      await handler(httpApiEvent({ headers: { authorization: `Bearer ${mismatch}` } }), lambdaContext()),
    ).toEqual(expect.objectContaining({ isAuthorized: false }));
    const unverified = mint(key, { claims: { 'https://example.com/tenant': 'acme', email_verified: false } });
    expect(
      await handler(httpApiEvent({ headers: { authorization: `Bearer ${unverified}` } }), lambdaContext()),
    ).toEqual({ isAuthorized: false });
    expect(logs().map((l) => [l.decision, l.reason, l.failedClaims ?? l.claim])).toEqual([
      ['allow', 'OK', undefined],
      ['deny', 'CLAIM_MISMATCH', ['https://example.com/tenant']],
      ['unauthorized', 'CLAIM_INVALID', 'email_verified'],
    ]);
    expect(ROUTE_ARN).toContain('GET/pets');
  });

  it('puts usageIdentifierKey in the IAM result and renamed claims in the context', async () => {
    const { handler } = setup({
      usageIdentifierClaim: 'azp',
      contextClaims: { tenant: 'https://example.com/tenant' },
    });
    const token = mint(key, { claims: { azp: 'client-7', 'https://example.com/tenant': 'acme' } });
    const result = (await handler(tokenEvent(`Bearer ${token}`), lambdaContext())) as unknown as Record<
      string,
      unknown
    >;
    expect(result.usageIdentifierKey).toBe('client-7');
    expect(result.context).toEqual({ sub: 'user-123', scope: 'read:pets', tenant: 'acme' });
  });
});
