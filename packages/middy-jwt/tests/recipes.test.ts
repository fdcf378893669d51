import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import { type Provider, RECIPE_CASES, readRecipe } from '../../authorizer-core/tests/helpers/recipes.js';
import { type JwtAuthOptions, type JwtHttpError, jwtAuth } from '../src/index.js';
import { createLambdaContext } from './helpers/events.js';
import { restEvent } from './helpers/http-events.js';

const key = generateTestKey('RS256', 'recipes-middy');
let server: JwksServer;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
});
afterAll(() => server.close());

interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

const STATUS = {
  allow: 200,
  INSUFFICIENT_SCOPE: 403,
  CLAIM_MISMATCH: 403,
  CLAIM_INVALID: 401,
  TOKEN_TYPE_INVALID: 401,
  AUDIENCE_INVALID: 401,
} as const;

describe('the README recipes through jwtAuth', () => {
  for (const provider of Object.keys(RECIPE_CASES) as Provider[]) {
    for (const recipeCase of RECIPE_CASES[provider]) {
      it(`${provider}: ${recipeCase.name}`, async () => {
        const logged: JwtHttpError[] = [];
        const handler = middy()
          .use(httpErrorHandler({ logger: (err) => logged.push(err as JwtHttpError) }))
          .use(jwtAuth({ issuer: server.issuer, ...readRecipe(provider), hydrate: false } as JwtAuthOptions))
          .handler(async (_event, context) => ({
            statusCode: 200,
            body: JSON.stringify(context.jwt.context),
          }));
        const token = createMinter(server.issuer, 'unused')(key, {
          claims: { aud: undefined, ...recipeCase.claims },
          header: recipeCase.header,
        });
        const expected = recipeCase.expect;
        const routes = typeof expected === 'string' ? { 'GET /pets': expected } : expected;
        for (const [route, outcome] of Object.entries(routes)) {
          const [method, path] = route.split(' ') as [string, string];
          logged.length = 0;
          const result = (await handler(
            restEvent({ method, path, headers: { Authorization: `Bearer ${token}` } }) as never,
            createLambdaContext() as never,
          )) as HttpResult;
          expect(result.statusCode, route).toBe(STATUS[outcome]);
          if (outcome === 'allow') {
            expect(JSON.parse(result.body ?? '')).toMatchObject(recipeCase.context ?? {});
            continue;
          }
          const err = logged[0] as JwtHttpError;
          const code = err.statusCode === 401 ? (err.cause as { code?: string }).code : err.code;
          expect(code, route).toBe(outcome);
          if (outcome === 'INSUFFICIENT_SCOPE') {
            expect(result.headers?.['WWW-Authenticate']).toContain('error="insufficient_scope"');
          } else if (outcome === 'CLAIM_MISMATCH') {
            expect(result.headers?.['WWW-Authenticate']).toBeUndefined();
          }
        }
      });
    }
  }
});
