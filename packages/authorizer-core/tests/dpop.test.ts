import {
  athOf,
  b64url,
  type DpopKey,
  generateDpopKey,
  nowSeconds,
  signDpopProof,
  thumbprintOf,
} from '@jwt-authorizer/test-fixtures';
import { describe, expect, it } from 'vitest';
import { accessTokenHash, type VerifyDpopProofOptions, verifyDpopProof } from '../src/dpop.js';
import { computeJwkThumbprint } from '../src/jwk-thumbprint.js';
import { createMemoryReplayStore, type ReplayStore } from '../src/replay-store.js';

const URL_CALLED = 'https://api.example.com/v1/pets';
const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
const es256 = generateDpopKey('ES256');
const other = generateDpopKey('ES256');

function optionsFor(proof: string, over: Partial<VerifyDpopProofOptions> = {}): VerifyDpopProofOptions {
  return {
    proof,
    accessToken: ACCESS_TOKEN,
    method: 'GET',
    url: URL_CALLED,
    expectedJkt: thumbprintOf(es256),
    replayStore: createMemoryReplayStore(),
    ...over,
  };
}

function proofFor(key: DpopKey = es256, over: Parameters<typeof signDpopProof>[1] = {}): string {
  return signDpopProof(key, { htm: 'GET', htu: URL_CALLED, accessToken: ACCESS_TOKEN, ...over });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'VERIFIED';
}

describe('computeJwkThumbprint (RFC 7638)', () => {
  it('gives the thumbprint of the RFC 7638 §3.1 example key', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(computeJwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('matches an independent computation for EC and OKP keys, ignoring optional members', () => {
    for (const alg of ['ES256', 'ES384', 'EdDSA'] as const) {
      const key = generateDpopKey(alg);
      expect(computeJwkThumbprint({ ...key.publicJwk, kid: 'x', use: 'sig' })).toBe(thumbprintOf(key));
    }
  });

  it('has no thumbprint for an unknown key type or a member that is not a string', () => {
    expect(computeJwkThumbprint({ kty: 'oct', k: 'abc' })).toBeUndefined();
    expect(computeJwkThumbprint({ ...es256.publicJwk, x: 1 })).toBeUndefined();
  });
});

describe('verifyDpopProof: a valid proof', () => {
  it('accepts a proof bound to the token key, method, URL and token, and returns its thumbprint', async () => {
    const verified = await verifyDpopProof(optionsFor(proofFor()));
    expect(verified.jkt).toBe(thumbprintOf(es256));
  });

  it('accepts ES384, ES512, RS256 and EdDSA proof keys', async () => {
    for (const alg of ['ES384', 'ES512', 'RS256', 'EdDSA'] as const) {
      const key = generateDpopKey(alg);
      await expect(
        verifyDpopProof(optionsFor(proofFor(key), { expectedJkt: thumbprintOf(key) })),
      ).resolves.toEqual({ jkt: thumbprintOf(key) });
    }
  });

  it('compares htu without query and fragment, with scheme, host case and default port normalized', async () => {
    const proof = proofFor(es256, { htu: 'HTTPS://API.Example.COM:443/v1/pets' });
    await expect(
      verifyDpopProof(optionsFor(proof, { url: `${URL_CALLED}?page=2#top` })),
    ).resolves.toBeDefined();
  });

  it('computes ath as base64url(SHA-256(token))', () => {
    expect(accessTokenHash(ACCESS_TOKEN)).toBe(athOf(ACCESS_TOKEN));
  });
});

describe('verifyDpopProof: every field missing or wrong (bad-input suite)', () => {
  const cases: Array<[string, () => string, string, Partial<VerifyDpopProofOptions>?]> = [
    ['no proof at all', () => '', 'DPOP_PROOF_INVALID'],
    ['a proof that is not a JWS', () => 'not-a-jws', 'DPOP_PROOF_INVALID'],
    ['a proof with a non-canonical signature', () => `${proofFor()}x`, 'DPOP_PROOF_INVALID'],
    ['typ missing', () => proofFor(es256, { header: { typ: undefined } }), 'DPOP_PROOF_INVALID'],
    ['typ JWT', () => proofFor(es256, { header: { typ: 'JWT' } }), 'DPOP_PROOF_INVALID'],
    ['alg none', () => proofFor(es256, { header: { alg: 'none' } }), 'DPOP_PROOF_INVALID'],
    ['alg HS256', () => proofFor(es256, { header: { alg: 'HS256' } }), 'DPOP_PROOF_INVALID'],
    ['alg missing', () => proofFor(es256, { header: { alg: undefined } }), 'DPOP_PROOF_INVALID'],
    ['jwk missing', () => proofFor(es256, { header: { jwk: undefined } }), 'DPOP_PROOF_INVALID'],
    ['jwk a string', () => proofFor(es256, { header: { jwk: 'key' } }), 'DPOP_PROOF_INVALID'],
    [
      'jwk of another key type than alg (RSA key, ES256)',
      () => proofFor(es256, { header: { jwk: generateDpopKey('RS256').publicJwk } }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'jwk on another curve than alg (P-384, ES256)',
      () => proofFor(es256, { header: { jwk: generateDpopKey('ES384').publicJwk } }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'jwk without y',
      () => proofFor(es256, { header: { jwk: { ...es256.publicJwk, y: undefined } } }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'jwk with a point not on the curve',
      () => proofFor(es256, { header: { jwk: { ...es256.publicJwk, y: es256.publicJwk.x } } }),
      'DPOP_PROOF_INVALID',
    ],
    ['crit header', () => proofFor(es256, { header: { crit: ['exp'] } }), 'DPOP_PROOF_INVALID'],
    ['signed by another key', () => proofFor(es256, { signWith: other }), 'DPOP_PROOF_INVALID'],
    ['jti missing', () => proofFor(es256, { claims: { jti: undefined } }), 'DPOP_PROOF_INVALID'],
    ['jti empty', () => proofFor(es256, { claims: { jti: '' } }), 'DPOP_PROOF_INVALID'],
    ['jti a number', () => proofFor(es256, { claims: { jti: 7 } }), 'DPOP_PROOF_INVALID'],
    [
      'jti of 257 characters',
      () => proofFor(es256, { claims: { jti: 'j'.repeat(257) } }),
      'DPOP_PROOF_INVALID',
    ],
    ['htm missing', () => proofFor(es256, { claims: { htm: undefined } }), 'DPOP_PROOF_INVALID'],
    ['htm of another method', () => proofFor(es256, { htm: 'POST' }), 'DPOP_PROOF_INVALID'],
    ['htm in lower case', () => proofFor(es256, { htm: 'get' }), 'DPOP_PROOF_INVALID'],
    ['htu missing', () => proofFor(es256, { claims: { htu: undefined } }), 'DPOP_PROOF_INVALID'],
    [
      'htu of another path',
      () => proofFor(es256, { htu: 'https://api.example.com/v1/admin' }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'htu of another host',
      () => proofFor(es256, { htu: 'https://evil.example.com/v1/pets' }),
      'DPOP_PROOF_INVALID',
    ],
    ['htu over http', () => proofFor(es256, { htu: 'http://api.example.com/v1/pets' }), 'DPOP_PROOF_INVALID'],
    [
      'htu on another port',
      () => proofFor(es256, { htu: 'https://api.example.com:8443/v1/pets' }),
      'DPOP_PROOF_INVALID',
    ],
    [
      'htu with a line break the URL parser would drop',
      () => proofFor(es256, { htu: 'https://api.example.com/v1/p\nets' }),
      'DPOP_PROOF_INVALID',
    ],
    ['htu relative', () => proofFor(es256, { htu: '/v1/pets' }), 'DPOP_PROOF_INVALID'],
    ['iat missing', () => proofFor(es256, { claims: { iat: undefined } }), 'DPOP_PROOF_INVALID'],
    ['iat a string', () => proofFor(es256, { claims: { iat: String(nowSeconds()) } }), 'DPOP_PROOF_INVALID'],
    ['iat 61 s old', () => proofFor(es256, { claims: { iat: nowSeconds() - 61 } }), 'DPOP_PROOF_INVALID'],
    ['iat 30 s ahead', () => proofFor(es256, { claims: { iat: nowSeconds() + 30 } }), 'DPOP_PROOF_INVALID'],
    ['ath missing', () => proofFor(es256, { claims: { ath: undefined } }), 'DPOP_PROOF_INVALID'],
    [
      'ath of another token',
      () => proofFor(es256, { claims: { ath: athOf(`${ACCESS_TOKEN}x`) } }),
      'DPOP_PROOF_INVALID',
    ],
    ['a valid proof of another key than cnf.jkt', () => proofFor(other), 'DPOP_BINDING_MISMATCH'],
  ];
  for (const [name, make, code, over] of cases) {
    it(`refuses ${name} with ${code}`, async () => {
      expect(await codeOf(verifyDpopProof(optionsFor(make(), over)))).toBe(code);
    });
  }

  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
    it(`refuses a jwk carrying the private member "${member}"`, async () => {
      const key = member === 'd' ? es256 : generateDpopKey('RS256');
      const privateJwk = key.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
      const jwk = { ...key.publicJwk, [member]: privateJwk[member] ?? 'AQAB' };
      const proof = proofFor(key, { header: { jwk } });
      expect(await codeOf(verifyDpopProof(optionsFor(proof, { expectedJkt: thumbprintOf(key) })))).toBe(
        'DPOP_PROOF_INVALID',
      );
    });
  }

  it('refuses an RSA proof key shorter than 2048 bits', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const input = `${b64url({ typ: 'dpop+jwt', alg: 'RS256', jwk })}.${b64url({ jti: 'a', htm: 'GET', htu: URL_CALLED, iat: nowSeconds(), ath: athOf(ACCESS_TOKEN) })}`;
    const proof = `${input}.${sign('sha256', Buffer.from(input), pair.privateKey).toString('base64url')}`;
    expect(await codeOf(verifyDpopProof(optionsFor(proof)))).toBe('DPOP_PROOF_INVALID');
  });

  it('refuses a proof algorithm that is not allowed by the options', async () => {
    expect(await codeOf(verifyDpopProof(optionsFor(proofFor(), { algorithms: new Set(['EdDSA']) })))).toBe(
      'DPOP_PROOF_INVALID',
    );
  });

  it('refuses a disallowed algorithm even for a proof key it has accepted before', async () => {
    const key = generateDpopKey('ES256');
    const expectedJkt = thumbprintOf(key);
    expect(await codeOf(verifyDpopProof(optionsFor(proofFor(key), { expectedJkt })))).toBe('VERIFIED');
    expect(
      await codeOf(
        verifyDpopProof(optionsFor(proofFor(key), { expectedJkt, algorithms: new Set(['EdDSA']) })),
      ),
    ).toBe('DPOP_PROOF_INVALID');
  });

  it('honours an injected clock and a shorter window', async () => {
    const proof = proofFor(es256, { claims: { iat: 1000 } });
    expect(await codeOf(verifyDpopProof(optionsFor(proof, { nowSeconds: 1010 })))).toBe('VERIFIED');
    expect(await codeOf(verifyDpopProof(optionsFor(proof, { nowSeconds: 1011, maxAgeSeconds: 10 })))).toBe(
      'DPOP_PROOF_INVALID',
    );
  });

  it('never echoes the proof or the token in its messages', async () => {
    const proof = proofFor(es256, {
      htu: 'https://api.example.com/secret-path',
      claims: { jti: 'jti-secret' },
    });
    try {
      await verifyDpopProof(optionsFor(proof));
      expect.unreachable();
    } catch (err) {
      const text = `${(err as Error).message} ${String((err as Error).cause ?? '')}`;
      expect(text).not.toContain('secret');
      expect(text).not.toContain(proof.slice(0, 20));
      expect(text).not.toContain(ACCESS_TOKEN.slice(0, 20));
    }
  });
});

describe('verifyDpopProof: replay', () => {
  it('accepts a proof once and refuses it the second time with DPOP_REPLAYED', async () => {
    const replayStore = createMemoryReplayStore();
    const proof = proofFor();
    expect(await codeOf(verifyDpopProof(optionsFor(proof, { replayStore })))).toBe('VERIFIED');
    expect(await codeOf(verifyDpopProof(optionsFor(proof, { replayStore })))).toBe('DPOP_REPLAYED');
  });

  it('refuses a new proof reusing a jti of the same key', async () => {
    const replayStore = createMemoryReplayStore();
    await verifyDpopProof(optionsFor(proofFor(es256, { claims: { jti: 'same' } }), { replayStore }));
    const again = proofFor(es256, { claims: { jti: 'same', iat: nowSeconds() - 1 } });
    expect(await codeOf(verifyDpopProof(optionsFor(again, { replayStore })))).toBe('DPOP_REPLAYED');
  });

  it('burns no jti for a proof refused by another check', async () => {
    const calls: string[] = [];
    const replayStore: ReplayStore = {
      async checkAndRemember(jti) {
        calls.push(jti);
        return true;
      },
    };
    await codeOf(verifyDpopProof(optionsFor(proofFor(es256, { htm: 'POST' }), { replayStore })));
    await codeOf(verifyDpopProof(optionsFor(proofFor(other), { replayStore })));
    expect(calls).toEqual([]);
  });

  it('remembers the proof until its iat window closes, under a fixed-size key', async () => {
    const seen: Array<[string, number]> = [];
    const replayStore: ReplayStore = {
      async checkAndRemember(jti, expiresAtSeconds) {
        seen.push([jti, expiresAtSeconds]);
        return true;
      },
    };
    await verifyDpopProof(
      optionsFor(proofFor(es256, { claims: { iat: 5000, jti: 'x'.repeat(200) } }), {
        replayStore,
        nowSeconds: 5000,
      }),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(seen[0]?.[1]).toBeGreaterThanOrEqual(5060);
  });
});
