import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Authorizer,
  AuthorizerError,
  createAuthorizer,
  KeysUnavailableError,
  TokenError,
} from '../src/index.js';
import {
  b64url,
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  mintHs256WithPublicKey,
  nowSeconds,
  signParts,
  startJwksServer,
} from './helpers/index.js';

const AUD = 'https://api.example.com';
const rsa = generateTestKey('RS256', 'rsa-1');
const ec = generateTestKey('ES256', 'ec-1');
const ed = generateTestKey('EdDSA', 'ed-1');
const stranger = generateTestKey('RS256', 'rsa-1'); // same kid, different key
const unlisted = generateTestKey('RS256', 'not-in-jwks');
const encKey = generateTestKey('RS256', 'enc-1');
const weakKey = generateTestKey('RS256', 'weak-1', 1024);
const rs512Key = generateTestKey('RS512', 'rs512-only');
const ecAsRsaKid = generateTestKey('ES256', 'ec-as-rsa');

let server: JwksServer;
let authorizer: Authorizer;
let mint: ReturnType<typeof createMinter>;

beforeAll(async () => {
  server = await startJwksServer({
    kind: 'jwks',
    body: {
      keys: [
        rsa.jwk,
        ec.jwk,
        ed.jwk,
        { ...encKey.jwk, use: 'enc' },
        weakKey.jwk,
        rs512Key.jwk,
        // An EC key published with alg RS256 under its kid: alg/kty mismatch.
        { ...ecAsRsaKid.jwk, alg: 'RS256' },
      ],
    },
  });
  authorizer = createAuthorizer({
    issuer: server.issuer,
    audience: AUD,
    algorithms: ['RS256', 'RS512', 'ES256'],
    jwks: { cooldownMs: 0 },
  });
  mint = createMinter(server.issuer, AUD);
});
afterAll(() => server.close());

function valid(): string {
  return mint(rsa);
}

function replaceSegment(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

function flipSignatureByte(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  sig[10] = (sig[10] as number) ^ 0x01;
  return `${h}.${p}.${sig.toString('base64url')}`;
}

/** A token whose header and payload are raw strings, signed with the RSA key. */
function signedRaw(header: string, payload: string): string {
  return signParts(
    Buffer.from(header).toString('base64url'),
    Buffer.from(payload).toString('base64url'),
    rsa,
  );
}

const now = nowSeconds();
type Case = [name: string, token: () => string, code: string];

// Each case: a token given to verify(), and the code it must be refused with.
const tokenCases: Case[] = [
  [
    'alg none, no signature',
    () =>
      `${b64url({ alg: 'none', kid: 'rsa-1' })}.${b64url({ iss: server.issuer, aud: AUD, exp: now + 60 })}.`,
    'TOKEN_MALFORMED',
  ],
  [
    'alg none with a signature part',
    () => replaceSegment(valid(), 0, b64url({ alg: 'none', typ: 'JWT', kid: 'rsa-1' })),
    'ALG_NOT_ALLOWED',
  ],
  [
    'alg NONE in capitals',
    () => replaceSegment(valid(), 0, b64url({ alg: 'NONE', kid: 'rsa-1' })),
    'ALG_NOT_ALLOWED',
  ],
  [
    'HS256 signed with the public key as secret',
    () => mintHs256WithPublicKey(rsa, { iss: server.issuer, aud: AUD, exp: now + 60 }),
    'ALG_NOT_ALLOWED',
  ],
  [
    'HS512 header',
    () => replaceSegment(valid(), 0, b64url({ alg: 'HS512', kid: 'rsa-1' })),
    'ALG_NOT_ALLOWED',
  ],
  ['PS256 (not allowed)', () => mint(rsa, { header: { alg: 'PS256' } }), 'ALG_NOT_ALLOWED'],
  [
    'ES384 when only RS256/RS512/ES256 are allowed',
    () => mint(generateTestKey('ES384', 'ec-1')),
    'ALG_NOT_ALLOWED',
  ],
  ['EdDSA when not allowed', () => mint(ed), 'ALG_NOT_ALLOWED'],
  ['alg missing', () => mint(rsa, { header: { alg: undefined } }), 'ALG_NOT_ALLOWED'],
  ['alg not a string', () => mint(rsa, { header: { alg: 256 } }), 'TOKEN_MALFORMED'],
  ['flipped signature byte', () => flipSignatureByte(valid()), 'SIGNATURE_INVALID'],
  [
    'signature from another token',
    () => replaceSegment(valid(), 2, mint(rsa, { claims: { sub: 'x' } }).split('.')[2] as string),
    'SIGNATURE_INVALID',
  ],
  [
    'payload swapped after signing',
    () => replaceSegment(valid(), 1, b64url({ iss: server.issuer, aud: AUD, exp: now + 60, sub: 'admin' })),
    'SIGNATURE_INVALID',
  ],
  ['truncated signature (two characters, still canonical)', () => valid().slice(0, -2), 'SIGNATURE_INVALID'],
  ['empty signature', () => replaceSegment(valid(), 2, ''), 'TOKEN_MALFORMED'],
  ['right kid, wrong key', () => mint(stranger), 'SIGNATURE_INVALID'],
  ['unknown kid', () => mint(unlisted), 'KID_UNKNOWN'],
  ['missing kid', () => mint(rsa, { header: { kid: undefined } }), 'KID_MISSING'],
  ['empty kid', () => mint(rsa, { header: { kid: '' } }), 'KID_MISSING'],
  ['kid not a string', () => mint(rsa, { header: { kid: 42 } }), 'TOKEN_MALFORMED'],
  ['expired', () => mint(rsa, { claims: { exp: now - 60 } }), 'TOKEN_EXPIRED'],
  ['no exp', () => mint(rsa, { claims: { exp: undefined } }), 'EXP_MISSING'],
  ['exp as a string', () => mint(rsa, { claims: { exp: String(now + 60) } }), 'TOKEN_MALFORMED'],
  ['future nbf', () => mint(rsa, { claims: { nbf: now + 600 } }), 'TOKEN_NOT_YET_VALID'],
  ['iat in the future', () => mint(rsa, { claims: { iat: now + 600 } }), 'IAT_INVALID'],
  ['wrong iss', () => mint(rsa, { claims: { iss: 'https://evil.example.com/' } }), 'ISSUER_INVALID'],
  [
    'iss differing by more than a slash',
    () => mint(rsa, { claims: { iss: `${server.issuer}/` } }),
    'ISSUER_INVALID',
  ],
  [
    'iss with a different case',
    () => mint(rsa, { claims: { iss: server.issuer.toUpperCase() } }),
    'ISSUER_INVALID',
  ],
  ['missing iss', () => mint(rsa, { claims: { iss: undefined } }), 'ISSUER_INVALID'],
  ['wrong aud', () => mint(rsa, { claims: { aud: 'https://other.example.com' } }), 'AUDIENCE_INVALID'],
  ['aud array without ours', () => mint(rsa, { claims: { aud: ['a', 'b'] } }), 'AUDIENCE_INVALID'],
  ['missing aud', () => mint(rsa, { claims: { aud: undefined } }), 'AUDIENCE_INVALID'],
  ['aud as a number', () => mint(rsa, { claims: { aud: 7 } }), 'TOKEN_MALFORMED'],
  ['2 segments', () => valid().split('.').slice(0, 2).join('.'), 'TOKEN_MALFORMED'],
  ['4 segments', () => `${valid()}.extra`, 'TOKEN_MALFORMED'],
  ['1 segment', () => valid().split('.')[0] as string, 'TOKEN_MALFORMED'],
  ['non-base64url characters', () => replaceSegment(valid(), 1, 'eyJ+/!'), 'TOKEN_MALFORMED'],
  ['padding in a segment', () => replaceSegment(valid(), 0, `${valid().split('.')[0]}=`), 'TOKEN_MALFORMED'],
  [
    'non-canonical signature encoding',
    () => {
      const t = valid();
      const last = t.at(-1) as string;
      const alt = last === 'A' ? 'B' : String.fromCharCode(last.charCodeAt(0) + 1);
      return t.slice(0, -1) + alt;
    },
    'TOKEN_MALFORMED',
  ],
  [
    'header not JSON',
    () => signedRaw('not json', JSON.stringify({ iss: server.issuer, aud: AUD, exp: now + 60 })),
    'TOKEN_MALFORMED',
  ],
  [
    'payload not JSON',
    () => signedRaw(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }), '{"iss":'),
    'TOKEN_MALFORMED',
  ],
  [
    'header a JSON array',
    () => signedRaw('["RS256"]', JSON.stringify({ iss: server.issuer, aud: AUD, exp: now + 60 })),
    'TOKEN_MALFORMED',
  ],
  [
    'payload a JSON string',
    () => signedRaw(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }), '"hello"'),
    'TOKEN_MALFORMED',
  ],
  [
    'payload null',
    () => signedRaw(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }), 'null'),
    'TOKEN_MALFORMED',
  ],
  ['embedded jwk header', () => mint(rsa, { header: { jwk: rsa.jwk } }), 'HEADER_UNSUPPORTED'],
  [
    'jku header',
    () => mint(rsa, { header: { jku: 'https://evil.example.com/jwks.json' } }),
    'HEADER_UNSUPPORTED',
  ],
  [
    'x5u header',
    () => mint(rsa, { header: { x5u: 'https://evil.example.com/cert.pem' } }),
    'HEADER_UNSUPPORTED',
  ],
  ['x5c header', () => mint(rsa, { header: { x5c: ['MIIB'] } }), 'HEADER_UNSUPPORTED'],
  ['crit header', () => mint(rsa, { header: { crit: ['exp'] } }), 'HEADER_UNSUPPORTED'],
  [
    'RS256 token against an EC key (kid of the EC key)',
    () => mint(rsa, { header: { kid: 'ec-1' } }),
    'KEY_UNUSABLE',
  ],
  ['ES256 token against an RSA key', () => mint(ec, { header: { kid: 'rsa-1' } }), 'KEY_UNUSABLE'],
  ['EC key published with alg RS256', () => mint(rsa, { header: { kid: 'ec-as-rsa' } }), 'KEY_UNUSABLE'],
  [
    'RS256 token for a key published as RS512',
    () => mint(rsa, { header: { kid: 'rs512-only' } }),
    'KEY_UNUSABLE',
  ],
  ['JWK with use: enc', () => mint(encKey), 'KEY_UNUSABLE'],
  ['RSA key shorter than 2048 bits', () => mint(weakKey), 'KEY_UNUSABLE'],
  ['oversize token', () => mint(rsa, { claims: { pad: 'x'.repeat(9000) } }), 'TOKEN_TOO_LARGE'],
  ['empty token', () => '', 'TOKEN_MISSING'],
  ['whitespace token', () => '   ', 'TOKEN_MALFORMED'],
  ['scope claim of the wrong type', () => mint(rsa, { claims: { scope: ['a'] } }), 'TOKEN_MALFORMED'],
  ['scp holding a number', () => mint(rsa, { claims: { scp: [1] } }), 'CLAIM_INVALID'],
  ['permissions as a string', () => mint(rsa, { claims: { permissions: 'admin' } }), 'CLAIM_INVALID'],
  [
    '__proto__ pollution attempt in the payload',
    () =>
      signedRaw(
        JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }),
        `{"__proto__":{"exp":${now + 60}},"iss":"${server.issuer}","aud":"${AUD}"}`,
      ),
    'EXP_MISSING',
  ],
  [
    'a \\u-escaped __proto__ pollution attempt',
    () =>
      signedRaw(
        JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }),
        `{"\\u005f_proto__":{"exp":${now + 60}},"iss":"${server.issuer}","aud":"${AUD}"}`,
      ),
    'EXP_MISSING',
  ],
];

// Authorization header values given to verifyAuthorization().
const headerCases: Array<[string, () => string | undefined, string]> = [
  ['no Authorization value', () => undefined, 'TOKEN_MISSING'],
  ['an empty Authorization value', () => '', 'TOKEN_MISSING'],
  ['whitespace only', () => '  ', 'TOKEN_MISSING'],
  ['the wrong scheme', () => `Basic ${valid()}`, 'SCHEME_INVALID'],
  ['no scheme', () => valid(), 'SCHEME_INVALID'],
  ['two tokens', () => `Bearer ${valid()} ${valid()}`, 'TOKEN_MALFORMED'],
  ['an oversize value', () => `Bearer ${'a'.repeat(9000)}`, 'TOKEN_TOO_LARGE'],
];

describe('bad input: tokens', () => {
  it('has at least 50 cases in all', () => {
    expect(tokenCases.length + headerCases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(tokenCases)('rejects %s', async (_name, token, code) => {
    const value = token();
    const error = await authorizer.verify(value).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe(code);
    // No token, signature or claims in the message, nor in the causes it carries.
    const [header, payload, signature] = value.split('.');
    let text = '';
    for (let e: unknown = error; e instanceof Error; e = e.cause) text += `${e.message}\n`;
    if (payload && payload.length > 8) expect(text).not.toContain(payload);
    if (signature && signature.length > 8) expect(text).not.toContain(signature);
    for (const part of [header, payload]) {
      const decoded = Buffer.from(part ?? '', 'base64url').toString('utf8');
      if (decoded.length >= 6) expect(text).not.toContain(decoded.slice(0, 12));
    }
  });

  it.each(headerCases)('rejects %s', async (_name, header, code) => {
    const error = await authorizer.verifyAuthorization(header()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe(code);
  });

  it('accepts the valid token these cases are derived from', async () => {
    await expect(authorizer.verify(valid())).resolves.toMatchObject({ header: { kid: 'rsa-1' } });
    await expect(authorizer.verifyAuthorization(`Bearer ${valid()}`)).resolves.toBeDefined();
  });
});

describe('bad input: the JWKS endpoint', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer({ kind: 'jwks', body: jwksOf(rsa) });
  });
  afterAll(() => jwks.close());

  async function failureOf(
    behaviour: JwksServer['behaviour'],
    options: { timeoutMs?: number; maxBytes?: number } = {},
  ) {
    jwks.behaviour = behaviour;
    const fresh = createAuthorizer({ issuer: jwks.issuer, audience: AUD, jwks: options });
    const error = await fresh.verify(createMinter(jwks.issuer, AUD)(rsa)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(KeysUnavailableError);
    expect(error).toBeInstanceOf(AuthorizerError);
    expect(error).not.toBeInstanceOf(TokenError);
    return (error as KeysUnavailableError).code;
  }

  it('reports a JWKS answering 500 as keys unavailable', async () => {
    expect(await failureOf({ kind: 'status', status: 500 })).toBe('JWKS_UNAVAILABLE');
  });

  it('reports a JWKS answering 404 as keys unavailable', async () => {
    expect(await failureOf({ kind: 'status', status: 404 })).toBe('JWKS_UNAVAILABLE');
  });

  it('reports a JWKS that is not JSON as invalid', async () => {
    expect(await failureOf({ kind: 'raw', body: '<html>oops</html>', contentType: 'text/html' })).toBe(
      'JWKS_INVALID',
    );
  });

  it('reports JSON without keys as invalid', async () => {
    expect(await failureOf({ kind: 'raw', body: '{"nokeys":[]}' })).toBe('JWKS_INVALID');
  });

  it('reports keys that are not JWKs as invalid', async () => {
    expect(await failureOf({ kind: 'raw', body: '{"keys":[{"kty":7}]}' })).toBe('JWKS_INVALID');
  });

  it('gives up on a JWKS hanging past the timeout', async () => {
    const started = Date.now();
    expect(await failureOf({ kind: 'hang' }, { timeoutMs: 200 })).toBe('JWKS_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a JWKS over the size cap', async () => {
    expect(await failureOf({ kind: 'oversize', bytes: 300_000 })).toBe('JWKS_INVALID');
    expect(await failureOf({ kind: 'oversize', bytes: 2_000 }, { maxBytes: 1024 })).toBe('JWKS_INVALID');
  });

  it('reports a JWKS host that refuses connections as keys unavailable', async () => {
    const fresh = createAuthorizer({ issuer: 'http://127.0.0.1:1/', audience: AUD });
    const error = await fresh
      .verify(createMinter('http://127.0.0.1:1/', AUD)(rsa))
      .catch((err: unknown) => err);
    expect((error as KeysUnavailableError).code).toBe('JWKS_UNAVAILABLE');
  });
});
