import { createHmac, sign } from 'node:crypto';
import type { TestKey } from './keys.js';

const HASH: Record<string, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Signs `header.payload` with the key (RSA PKCS#1 v1.5, ECDSA P1363 or Ed25519), as an IdP would. */
export function signParts(
  headerB64: string,
  payloadB64: string,
  key: TestKey,
  alg: string = key.alg,
): string {
  const input = Buffer.from(`${headerB64}.${payloadB64}`);
  const signature = sign(
    HASH[alg] ?? null,
    input,
    alg.startsWith('ES') ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey,
  );
  return `${headerB64}.${payloadB64}.${signature.toString('base64url')}`;
}

export interface MintOptions {
  /** Header fields merged over `{ alg, typ: 'JWT', kid }`; a field set to undefined is removed. */
  header?: Record<string, unknown>;
  /** Claims merged over the defaults; a claim set to undefined is removed. */
  claims?: Record<string, unknown>;
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base, ...over };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

/** Creates a token factory for one issuer and audience: valid for 1 hour unless overridden. */
export function createMinter(issuer: string, audience: string | string[]) {
  return function mint(key: TestKey, options: MintOptions = {}): string {
    const now = nowSeconds();
    const header = merge({ alg: key.alg, typ: 'JWT', kid: key.kid }, options.header);
    const claims = merge(
      { iss: issuer, aud: audience, sub: 'user-123', iat: now, exp: now + 3600, scope: 'read:pets' },
      options.claims,
    );
    return signParts(
      b64url(header),
      b64url(claims),
      key,
      typeof header.alg === 'string' && header.alg in HASH ? header.alg : key.alg,
    );
  };
}

/** An HS256 token whose secret is the RSA public key in PEM: the classic algorithm-confusion attack. */
export function mintHs256WithPublicKey(key: TestKey, claims: Record<string, unknown>): string {
  const headerB64 = b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid });
  const payloadB64 = b64url(claims);
  const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
  const mac = createHmac('sha256', secret).update(`${headerB64}.${payloadB64}`).digest('base64url');
  return `${headerB64}.${payloadB64}.${mac}`;
}
