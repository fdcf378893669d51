import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMinter,
  evaluatePolicy,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundled, STAGE_ARN, tokenEvent, unzipBundle } from './helpers/index.js';

// Route tables through the unzipped bundle: 1,000 rules with claim conditions (the largest size the
// bench measures; its api-mode policy is far under the limit) and 2,000 rules on long paths, whose
// api-mode policy for a token holding every scope would pass Lambda's 6 MB response limit.
const AUDIENCE = 'https://pets.example.com/api';
const LONG = 'x'.repeat(380);
const key = generateTestKey('RS256', 'size-key');
let server: JwksServer;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
});
afterAll(() => server.close());

function thousandRules(): Record<string, unknown> {
  const routes: Record<string, unknown> = {};
  const verbs = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ANY'];
  for (let i = 0; i < 1000; i++) {
    routes[`${verbs[i % verbs.length]} /service${i % 17}/resource${i}/{id}`] = {
      scopes: i % 3 === 0 ? ['admin'] : ['read:pets'],
      claims: i % 2 === 0 ? { tier: { oneOf: ['gold', 'silver'] } } : { '/org/id': 'acme' },
    };
  }
  return routes;
}

function oversizedRules(): Record<string, unknown> {
  const routes: Record<string, unknown> = {};
  for (let i = 0; i < 2000; i++)
    routes[`ANY /r${i}/{id}/${LONG}`] = { scopes: i % 3 === 0 ? ['admin'] : ['read:pets'] };
  return routes;
}

async function run(routes: Record<string, unknown>, events: unknown[], extra: Record<string, string> = {}) {
  const unzipped = unzipBundle();
  try {
    writeFileSync(join(unzipped.dir, 'routes.json'), JSON.stringify(routes));
    return await runBundled(unzipped.dir, events, {
      TOKEN_ISSUER: server.issuer,
      AUDIENCE,
      JWT_ROUTES_FILE: 'routes.json',
      LAMBDA_TASK_ROOT: unzipped.dir,
      ...extra,
    });
  } finally {
    unzipped.remove();
  }
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('large route tables through the bundle', () => {
  it('1,000 rules with claim conditions: the full api-mode policy, no warning, replayed correctly', async () => {
    const mint = createMinter(server.issuer, AUDIENCE);
    const token = mint(key, { claims: { scope: 'read:pets', tier: 'gold', org: { id: 'acme' } } });
    const called = `${STAGE_ARN}/POST/service1/resource1/7`; // read:pets and /org/id: allowed
    const run1 = await run(thousandRules(), [tokenEvent(`Bearer ${token}`, called)]);
    expect(run1.stderr).toBe('');
    const [outcome] = run1.outcomes;
    expect(outcome?.ok).toBe(true);
    if (!outcome?.ok) return;
    expect(bytes(outcome.result)).toBeLessThan(1_048_576);
    // The same cached answer on other routes: what the rules say for each.
    expect(evaluatePolicy(outcome.result, called)).toBe('Allow');
    expect(evaluatePolicy(outcome.result, `${STAGE_ARN}/PUT/service2/resource2/9`)).toBe('Allow');
    expect(evaluatePolicy(outcome.result, `${STAGE_ARN}/GET/service0/resource0/1`)).toBe('Deny'); // admin
    expect(evaluatePolicy(outcome.result, `${STAGE_ARN}/GET/elsewhere`)).toBe('Deny'); // unmatched
    expect(run1.logs.map((line) => line.reason)).toEqual(['OK']);
  }, 60_000);

  it('2,000 long rules: a warning at cold start, then an answer for the called ARN only, reason POLICY_NARROWED', async () => {
    const mint = createMinter(server.issuer, AUDIENCE);
    const everything = mint(key, { claims: { scope: 'read:pets admin' } });
    const readOnly = mint(key, { claims: { scope: 'read:pets' } });
    const allowed = `${STAGE_ARN}/GET/r1/42/${LONG}`;
    const other = `${STAGE_ARN}/POST/r2/42/${LONG}`;
    const adminOnly = `${STAGE_ARN}/GET/r0/42/${LONG}`;
    const result = await run(
      oversizedRules(),
      [tokenEvent(`Bearer ${everything}`, allowed), tokenEvent(`Bearer ${readOnly}`, adminOnly)],
      { JWT_DECISION_LOG: 'refusals' },
    );
    expect(result.stderr).toBe('');
    const [warning, ...decisions] = result.logs;
    expect(warning).toMatchObject({ level: 'warn', reason: 'POLICY_MAY_NARROW', routes: 2000 });
    expect(warning?.largestPolicyBytes as number).toBeGreaterThan(warning?.limitBytes as number);

    const [first, second] = result.outcomes;
    expect(first?.ok && second?.ok).toBe(true);
    if (!first?.ok || !second?.ok) return;
    expect(bytes(first.result)).toBeLessThan(6_000_000);
    expect(evaluatePolicy(first.result, allowed)).toBe('Allow');
    // Narrowed: the cached answer covers nothing else, not even a route the token may use (403).
    expect(evaluatePolicy(first.result, other)).toBe('Deny');
    expect(evaluatePolicy(first.result, adminOnly)).toBe('Deny');
    expect(evaluatePolicy(second.result, adminOnly)).toBe('Deny');
    expect(evaluatePolicy(second.result, allowed)).toBe('Deny');

    // Under `refusals` the narrowed Allow is still written, at warn; the refusal keeps its reason.
    expect(decisions).toEqual([
      expect.objectContaining({
        level: 'warn',
        decision: 'allow',
        reason: 'POLICY_NARROWED',
        policyNarrowed: true,
      }),
      expect.objectContaining({
        level: 'warn',
        decision: 'deny',
        reason: 'INSUFFICIENT_SCOPE',
        policyNarrowed: true,
      }),
    ]);
  }, 60_000);
});
