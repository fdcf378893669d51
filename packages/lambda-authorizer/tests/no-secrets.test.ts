import {
  b64url,
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  mintHs256WithPublicKey,
  nowSeconds,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent, requestEvent, runBundled, tokenEvent, unzipBundle } from './helpers/index.js';

// Everything the bundled handler writes (stdout and stderr of a fresh process) while it rejects 20+
// different bad tokens must hold no token, no payload segment and no signature segment.
const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'secret-test-key');
const impostor = generateTestKey('RS256', 'secret-test-key');
const ecKey = generateTestKey('ES256', 'ec-key');
let issuer: JwksServer;
let unzipped: ReturnType<typeof unzipBundle>;

beforeAll(async () => {
  issuer = await startJwksServer({ kind: 'jwks', body: jwksOf(key, ecKey) });
  unzipped = unzipBundle();
});
afterAll(async () => {
  unzipped.remove();
  await issuer.close();
});

function badTokens(): Array<{ name: string; authorization: string; reason: string }> {
  const mint = createMinter(issuer.issuer, AUDIENCE);
  const now = nowSeconds();
  const valid = mint(key);
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const tamperedPayload = b64url({ iss: issuer.issuer, aud: AUDIENCE, sub: 'admin', exp: now + 3600 });
  // The next character sets an unused low bit: the same signature bytes, spelled another way.
  const lastSignatureChar = String.fromCharCode((signature.at(-1) as string).charCodeAt(0) + 1);
  return [
    {
      name: 'expired',
      authorization: `Bearer ${mint(key, { claims: { iat: now - 7200, exp: now - 3600 } })}`,
      reason: 'TOKEN_EXPIRED',
    },
    {
      name: 'not yet valid',
      authorization: `Bearer ${mint(key, { claims: { nbf: now + 3600 } })}`,
      reason: 'TOKEN_NOT_YET_VALID',
    },
    {
      name: 'wrong audience',
      authorization: `Bearer ${mint(key, { claims: { aud: 'https://other.example.com' } })}`,
      reason: 'AUDIENCE_INVALID',
    },
    {
      name: 'untrusted issuer',
      authorization: `Bearer ${mint(key, { claims: { iss: 'https://evil.example.com/' } })}`,
      reason: 'ISSUER_INVALID',
    },
    {
      name: 'tampered payload',
      authorization: `Bearer ${header}.${tamperedPayload}.${signature}`,
      reason: 'SIGNATURE_INVALID',
    },
    {
      name: 'signed by another key under the same kid',
      authorization: `Bearer ${mint(impostor)}`,
      reason: 'SIGNATURE_INVALID',
    },
    {
      name: 'unknown kid',
      authorization: `Bearer ${mint(key, { header: { kid: 'no-such-key' } })}`,
      reason: 'KID_UNKNOWN',
    },
    {
      name: 'no kid',
      authorization: `Bearer ${mint(key, { header: { kid: undefined } })}`,
      reason: 'KID_MISSING',
    },
    {
      name: 'alg none',
      authorization: `Bearer ${b64url({ alg: 'none', typ: 'JWT', kid: key.kid })}.${payload}.${signature}`,
      reason: 'ALG_NOT_ALLOWED',
    },
    {
      name: 'alg none, no signature',
      authorization: `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      reason: 'TOKEN_MALFORMED',
    },
    {
      name: 'HS256 keyed with the public key',
      authorization: `Bearer ${mintHs256WithPublicKey(key, { iss: issuer.issuer, aud: AUDIENCE, sub: 'x', exp: now + 3600 })}`,
      reason: 'ALG_NOT_ALLOWED',
    },
    {
      name: 'ES256 when only RS256 is allowed',
      authorization: `Bearer ${mint(ecKey)}`,
      reason: 'ALG_NOT_ALLOWED',
    },
    {
      name: 'no exp',
      authorization: `Bearer ${mint(key, { claims: { exp: undefined } })}`,
      reason: 'EXP_MISSING',
    },
    {
      name: 'issued in the future',
      authorization: `Bearer ${mint(key, { claims: { iat: now + 3600 } })}`,
      reason: 'IAT_INVALID',
    },
    {
      name: 'jku header',
      authorization: `Bearer ${mint(key, { header: { jku: 'https://evil.example.com/jwks' } })}`,
      reason: 'HEADER_UNSUPPORTED',
    },
    {
      name: 'x5c header',
      authorization: `Bearer ${mint(key, { header: { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] } })}`,
      reason: 'HEADER_UNSUPPORTED',
    },
    { name: 'two segments', authorization: `Bearer ${header}.${payload}`, reason: 'TOKEN_MALFORMED' },
    {
      name: 'padded segments',
      authorization: `Bearer ${header}.${payload}.${signature}==`,
      reason: 'TOKEN_MALFORMED',
    },
    {
      name: 'non-canonical signature',
      authorization: `Bearer ${header}.${payload}.${signature.slice(0, -1)}${lastSignatureChar}`,
      reason: 'TOKEN_MALFORMED',
    },
    {
      name: 'oversized',
      authorization: `Bearer ${mint(key, { claims: { pad: 'p'.repeat(9000) } })}`,
      reason: 'TOKEN_TOO_LARGE',
    },
    { name: 'Basic scheme', authorization: `Basic ${valid}`, reason: 'SCHEME_INVALID' },
    {
      name: 'two tokens',
      authorization: `Bearer ${valid} ${mint(key, { claims: { sub: 'second' } })}`,
      reason: 'TOKEN_MALFORMED',
    },
    {
      name: 'garbage',
      authorization: `Bearer ${'Zm9vYmFy'.repeat(8)}.${'YmF6'.repeat(10)}.${'cXV4'.repeat(12)}`,
      reason: 'TOKEN_MALFORMED',
    },
  ];
}

/** The credential strings of an Authorization value and every segment long enough to identify it. */
function secretsOf(authorization: string): string[] {
  const credentials = authorization.split(' ').slice(1);
  const segments = credentials.flatMap((credential) => credential.split('.'));
  return [...credentials, ...segments].filter((part) => part.length >= 12);
}

describe('what the handler writes while rejecting bad tokens', () => {
  it('holds no token, payload or signature of 23 rejected tokens, across the three event kinds', async () => {
    const cases = badTokens();
    const events = cases.map(({ authorization }, index) =>
      index % 3 === 0
        ? tokenEvent(authorization)
        : index % 3 === 1
          ? requestEvent({ headers: { Authorization: authorization } })
          : httpApiEvent({ headers: { authorization } }),
    );
    const run = await runBundled(unzipped.dir, events, { TOKEN_ISSUER: issuer.issuer, AUDIENCE });
    expect(run.code).toBe(0);

    // Every token was refused: Unauthorized, or { isAuthorized: false } for payload 2.0.
    expect(run.outcomes).toHaveLength(cases.length);
    for (const outcome of run.outcomes) {
      if (outcome.ok) expect(outcome.result).toEqual({ isAuthorized: false });
      else expect(outcome.message).toBe('Unauthorized');
    }
    // One decision line per request, with the reason the token was refused for.
    expect(run.logs.map((line) => [line.decision, line.reason])).toEqual(
      cases.map(({ reason }) => ['unauthorized', reason]),
    );

    const written = run.stdout + run.stderr;
    expect(written.length).toBeGreaterThan(0);
    const leaks = cases.flatMap(({ name, authorization }) =>
      secretsOf(authorization)
        .filter((secret) => written.includes(secret))
        .map((secret) => `${name}: ${secret.slice(0, 12)}…`),
    );
    expect(leaks).toEqual([]);
  });

  it('would notice a leak: the check finds a token planted in the output', () => {
    const [first] = badTokens();
    const planted = `{"msg":"oops","token":"${first?.authorization}"}`;
    const found = secretsOf(first?.authorization ?? '').filter((secret) => planted.includes(secret));
    expect(found.length).toBeGreaterThan(0);
  });
});
