import { request } from 'node:http';

/**
 * A node:http fetcher in aws-jwt-verify's `Fetcher` shape, for the loopback JWKS server (the
 * library's own fetcher speaks https only).
 */
export function createLoopbackFetcher() {
  return {
    fetch(uri) {
      return new Promise((resolve, reject) => {
        const req = request(uri, (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`JWKS request answered ${res.statusCode}`));
              return;
            }
            const body = Buffer.concat(chunks);
            resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    },
  };
}
