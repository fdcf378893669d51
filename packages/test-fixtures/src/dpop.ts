import { createHash, randomUUID, sign } from 'node:crypto';
import { generateTestKey, type TestKey } from './keys.js';
import { b64url, nowSeconds } from './tokens.js';

/** A DPoP proof key: a real key pair and its public JWK without kid, alg or use. */
export interface DpopKey extends TestKey {
  readonly publicJwk: Record<string, unknown>;
}

const HASH: Record<string, string | null> = {
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  RS256: 'sha256',
  EdDSA: null,
};

export function generateDpopKey(alg: TestKey['alg'] = 'ES256'): DpopKey {
  const key = generateTestKey(alg);
  return { ...key, publicJwk: key.publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

/** The RFC 7638 thumbprint, computed independently of the code under test. */
export function thumbprintOf(key: DpopKey): string {
  const jwk = key.publicJwk;
  const members =
    jwk.kty === 'RSA'
      ? ['e', 'kty', 'n']
      : jwk.kty === 'OKP'
        ? ['crv', 'kty', 'x']
        : ['crv', 'kty', 'x', 'y'];
  const json = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(json).digest('base64url');
}

export function athOf(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export interface ProofOptions {
  htm?: string;
  htu?: string;
  accessToken?: string;
  /** Header fields merged over `{ typ, alg, jwk }`; undefined removes one. */
  header?: Record<string, unknown>;
  /** Claims merged over `{ jti, htm, htu, iat, ath }`; undefined removes one. */
  claims?: Record<string, unknown>;
  /** Sign with this key instead (the header still carries `key`'s jwk unless overridden). */
  signWith?: DpopKey;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown> | undefined) {
  const out: Record<string, unknown> = { ...base, ...over };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

/** Signs a real DPoP proof (RFC 9449 §4.2) as a client would. */
export function signDpopProof(key: DpopKey, options: ProofOptions = {}): string {
  const header = merge({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk }, options.header);
  const claims = merge(
    {
      jti: randomUUID(),
      htm: options.htm ?? 'GET',
      htu: options.htu ?? 'https://api.example.com/pets',
      iat: nowSeconds(),
      ...(options.accessToken === undefined ? {} : { ath: athOf(options.accessToken) }),
    },
    options.claims,
  );
  const input = `${b64url(header)}.${b64url(claims)}`;
  const signer = options.signWith ?? key;
  const signature = sign(
    HASH[signer.alg] ?? null,
    Buffer.from(input),
    signer.alg.startsWith('ES') ? { key: signer.privateKey, dsaEncoding: 'ieee-p1363' } : signer.privateKey,
  );
  return `${input}.${signature.toString('base64url')}`;
}
