import type { AuthorizerOptions } from '@jwt-authorizer/authorizer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import {
  arnSuffix,
  type Provider,
  RECIPE_CASES,
  type Outcome as RecipeOutcome,
  readRecipe,
} from '../../authorizer-core/tests/helpers/recipes.js';
import { evaluatePolicy, runBundled, STAGE_ARN, tokenEvent, unzipBundle } from './helpers/index.js';

// The README recipes through the unzipped bundle, configured by environment variables as a
// deployed function is (every option of a recipe has its variable).
const key = generateTestKey('RS256', 'recipes-bundle');
let issuer: JwksServer;
let unzipped: ReturnType<typeof unzipBundle>;

beforeAll(async () => {
  issuer = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  unzipped = unzipBundle();
});
afterAll(async () => {
  unzipped.remove();
  await issuer.close();
});

/** The recipe's options as the function's environment variables. */
function environmentOf(recipe: Partial<AuthorizerOptions>): Record<string, string> {
  const env: Record<string, string> = { TOKEN_ISSUER: issuer.issuer };
  const list = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value));
  for (const [option, value] of Object.entries(recipe)) {
    if (option === 'audience') env.AUDIENCE = list(value);
    else if (option === 'clientId') env.JWT_CLIENT_ID = list(value);
    else if (option === 'routes') env.JWT_ROUTES = JSON.stringify(value);
    else if (option === 'requiredClaims') env.JWT_REQUIRED_CLAIMS = JSON.stringify(value);
    else if (option === 'contextClaims') env.JWT_CONTEXT_CLAIMS = JSON.stringify(value);
    else if (option === 'usageIdentifierClaim') env.JWT_USAGE_IDENTIFIER_CLAIM = String(value);
    else throw new Error(`no variable for ${option}`);
  }
  return env;
}

describe('the README recipes through the unzipped bundle', () => {
  for (const provider of Object.keys(RECIPE_CASES) as Provider[]) {
    it(`${provider}`, async () => {
      const recipe = readRecipe(provider);
      const env = environmentOf(recipe);
      const mint = createMinter(issuer.issuer, 'unused');
      const requests: Array<{
        label: string;
        arn: string;
        outcome: RecipeOutcome;
        context: Readonly<Record<string, unknown>> | undefined;
        usageIdentifierKey: string | undefined;
      }> = [];
      const events: unknown[] = [];
      for (const recipeCase of RECIPE_CASES[provider]) {
        const expected = recipeCase.expect;
        const token = mint(key, {
          claims: { aud: undefined, ...recipeCase.claims },
          header: recipeCase.header,
        });
        const routes = typeof expected === 'string' ? { 'GET /pets': expected } : expected;
        for (const [route, outcome] of Object.entries(routes)) {
          const arn = `${STAGE_ARN}/${arnSuffix(route)}`;
          requests.push({
            label: `${recipeCase.name}: ${route}`,
            arn,
            outcome,
            context: recipeCase.context,
            usageIdentifierKey: recipeCase.usageIdentifierKey,
          });
          events.push(tokenEvent(`Bearer ${token}`, arn));
        }
      }
      const run = await runBundled(unzipped.dir, events, env);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outcomes).toHaveLength(requests.length);
      requests.forEach(({ label, arn, outcome, context, usageIdentifierKey }, i) => {
        const answer = run.outcomes[i];
        const line = run.logs[i];
        if (outcome === 'allow') {
          expect(answer?.ok && evaluatePolicy(answer.result, arn), label).toBe('Allow');
          expect(line?.decision, label).toBe('allow');
          const result = (answer as { result: Record<string, unknown> }).result;
          expect(result.context, label).toMatchObject(context ?? {});
          if (usageIdentifierKey !== undefined)
            expect(result.usageIdentifierKey, label).toBe(usageIdentifierKey);
        } else if (outcome === 'INSUFFICIENT_SCOPE' || outcome === 'CLAIM_MISMATCH') {
          expect(answer?.ok && evaluatePolicy(answer.result, arn), label).toBe('Deny');
          expect(line?.reason, label).toBe(outcome);
        } else {
          expect(answer, label).toEqual({ ok: false, message: 'Unauthorized', code: outcome });
          expect(line?.reason, label).toBe(outcome);
          // A required-claims refusal names the claim in the decision line, never its value.
          if (outcome === 'CLAIM_INVALID') expect(typeof line?.claim, label).toBe('string');
        }
      });
      // Never a claim value in what the function wrote.
      expect(run.stdout).not.toContain('Pet Admins');
      expect(run.stdout).not.toContain('pets-admin');
    }, 30_000);
  }
});
