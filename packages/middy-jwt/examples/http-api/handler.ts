// An HTTP Lambda (API Gateway REST or HTTP API, function URL, ALB) protected by jwtAuth.
// Configuration comes from the same variables as the authorizer: TOKEN_ISSUER, AUDIENCE, JWKS_URI, …
import { fromEnv, type JwtClaims, jwtAuth } from '@jwt-authorizer/middy-jwt';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';

interface PetClaims extends JwtClaims {
  readonly org_id?: string;
}

const pets = [
  { id: '1', name: 'Rex' },
  { id: '2', name: 'Tom' },
];

export const handler = middy()
  .use(httpErrorHandler())
  .use(jwtAuth<PetClaims>(fromEnv()))
  .handler(async (_event, context) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ owner: context.jwt.claims.sub, org: context.jwt.claims.org_id ?? null, pets }),
  }));
