// The minimal aws-jwt-verify handler with one change: node:http taken with process.getBuiltinModule
// instead of an ESM import, which on Node 24 also loads the WebSocket client (the import reads the
// module's lazy WebSocket getters). Information only: what the twenty lines gain from the same
// trick the project uses, so the comparison with the plain minimal handler is read fairly.
const { request } = process.getBuiltinModule('node:http');

import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

const fetcher = {
  fetch: (uri) =>
    new Promise((resolve, reject) => {
      request(uri, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          if (res.statusCode !== 200) reject(new Error(`JWKS answered ${res.statusCode}`));
          else resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
        });
      })
        .on('error', reject)
        .end();
    }),
};

const verifier = JwtVerifier.create(
  { issuer: process.env.TOKEN_ISSUER, audience: process.env.AUDIENCE, jwksUri: process.env.JWKS_URI },
  { jwksCache: new SimpleJwksCache({ fetcher }) },
);

export const handler = async (event) => {
  const match = /^Bearer (\S+)$/i.exec(event.authorizationToken ?? '');
  let payload;
  try {
    payload = await verifier.verify(match?.[1] ?? '');
  } catch {
    throw new Error('Unauthorized');
  }
  return {
    principalId: payload.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    context: { scope: payload.scope ?? '' },
  };
};
