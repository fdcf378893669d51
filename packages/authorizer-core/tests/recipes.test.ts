import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizerError, createAuthorizer, type TokenError } from '../src/index.js';
import {
  createMinter,
  generateTestKey,
  iamAllows,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from './helpers/index.js';
import { arnSuffix, type Provider, RECIPE_CASES, readRecipe } from './helpers/recipes.js';

const key = generateTestKey('RS256', 'recipes');
const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/';
let server: JwksServer;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
});
afterAll(() => server.close());

describe('the README recipes, against tokens shaped like each provider issues them', () => {
  for (const provider of Object.keys(RECIPE_CASES) as Provider[]) {
    for (const recipeCase of RECIPE_CASES[provider]) {
      it(`${provider}: ${recipeCase.name}`, async () => {
        const recipe = readRecipe(provider);
        const authorizer = createAuthorizer({ issuer: server.issuer, ...recipe });
        const mint = createMinter(server.issuer, 'unused');
        const token = mint(key, {
          claims: { aud: undefined, ...recipeCase.claims },
          header: recipeCase.header,
        });
        const { expect: expected } = recipeCase;
        if (typeof expected === 'string') {
          const err = await authorizer.verify(token).then(
            () => undefined,
            (e: unknown) => e as AuthorizerError,
          );
          expect(err?.name).toBe('TokenError');
          expect(err?.code).toBe(expected);
          return;
        }
        const verified = await authorizer.verify(token);
        const routes = Object.keys(expected);
        for (const route of routes) {
          const decision = authorizer.authorize(verified, `${PREFIX}${arnSuffix(route)}`);
          const outcome = decision.allowed
            ? 'allow'
            : decision.failedClaims !== undefined
              ? 'CLAIM_MISMATCH'
              : decision.missingScopes.length > 0
                ? 'INSUFFICIENT_SCOPE'
                : 'ROUTE_NOT_ALLOWED';
          expect(outcome, route).toBe(expected[route]);
          // The policy cached for this route answers every other route the same way.
          for (const later of routes) {
            expect(
              iamAllows(decision.result.policyDocument, `${PREFIX}${arnSuffix(later)}`),
              `${route} then ${later}`,
            ).toBe(expected[later] === 'allow');
          }
          expect(decision.result.context).toMatchObject(recipeCase.context ?? {});
        }
        if (recipeCase.usageIdentifierKey !== undefined) {
          expect(authorizer.authorize(verified, `${PREFIX}GET/pets`).result.usageIdentifierKey).toBe(
            recipeCase.usageIdentifierKey,
          );
        }
      });
    }
  }

  it('refuses a Cognito ID token on its token_use even when its client id is an accepted audience', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      ...readRecipe('cognito'),
      audience: '7example2clientid',
    });
    const token = createMinter(server.issuer, '7example2clientid')(key, {
      claims: { token_use: 'id', 'cognito:groups': ['admins'], email_verified: true },
    });
    const err = await authorizer.verify(token).then(
      () => undefined,
      (e: unknown) => e as TokenError,
    );
    expect(err?.code).toBe('TOKEN_TYPE_INVALID');
  });
});
