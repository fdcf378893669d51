// The smallest fair alternative: an API Gateway TOKEN authorizer on aws-jwt-verify alone, configured
// by the same environment variables, fetching the JWKS with node:http's request() (loopback) as the
// project does. Two entries bundle it, differing only in how they take request().
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

export function createMinimalHandler(request) {
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

  return async (event) => {
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
}
