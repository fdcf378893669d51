import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JwksKey } from '../src/jwks-cache.js';
import { fingerprintOf, type PublishedKeys, ResultCache, SecondSightFilter } from '../src/result-cache.js';
import type { VerifiedToken } from '../src/verifier.js';
import { nowSeconds } from './helpers/index.js';

const JWKS_URI = 'https://issuer.example/.well-known/jwks.json';
const KEY = { kid: 'k1' } as JwksKey;

function verifiedToken(claims: { exp: number; iat?: number }, kid = 'k1'): VerifiedToken {
  return Object.freeze({
    claims: Object.freeze({ iss: 'https://issuer.example/', ...claims }),
    header: Object.freeze({ alg: 'RS256', kid }),
    issuer: 'https://issuer.example/',
    scopes: Object.freeze([]),
    droppedScopes: 0,
    context: Object.freeze({}),
  });
}

/** The JWKS as the cache sees it: the kids published at each URI, and every lookup made. */
function publishedKeys(...kids: string[]): PublishedKeys & { kids: Set<string>; lookups: string[] } {
  const published = new Set(kids);
  const lookups: string[] = [];
  return {
    kids: published,
    lookups,
    getCachedKey(jwksUri, kid) {
      lookups.push(`${jwksUri}#${kid}`);
      return jwksUri === JWKS_URI && published.has(kid) ? KEY : undefined;
    },
  };
}

/** Offers the token twice, so that the admission filter lets it in. */
function admit(cache: ResultCache, token: string, verified: VerifiedToken): void {
  cache.offer(token, verified, JWKS_URI);
  cache.offer(token, verified, JWKS_URI);
}

const valid = () => verifiedToken({ exp: nowSeconds() + 3600, iat: nowSeconds() });

describe('fingerprintOf', () => {
  it('depends only on the last 16 characters and stays a 30-bit integer, for any characters', () => {
    const hostile = fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\t', '%0A', '*', '?', 'é', '𝄞', '.');
    const text = fc.array(fc.oneof(fc.string(), hostile)).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, fc.string({ minLength: 16, maxLength: 40 }), (a, b, tail) => {
        const suffix = tail.slice(-16);
        const fingerprint = fingerprintOf(`${a}${suffix}`);
        expect(fingerprintOf(`${b}${suffix}`)).toBe(fingerprint);
        expect(Number.isInteger(fingerprint) && fingerprint >= 0 && fingerprint < 2 ** 30).toBe(true);
      }),
    );
  });

  it('tells apart tokens whose signatures differ in the last character', () => {
    expect(fingerprintOf('header.payload.signatureA')).not.toBe(fingerprintOf('header.payload.signatureB'));
  });
});

describe('SecondSightFilter', () => {
  it('admits a token on its second sight only, then forgets it', () => {
    const filter = new SecondSightFilter(8);
    expect([filter.admit('a.b.c'), filter.admit('a.b.c'), filter.admit('a.b.c')]).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('forgets every fingerprint when it reaches its capacity', () => {
    const filter = new SecondSightFilter(2);
    filter.admit('a.b.one');
    filter.admit('a.b.two');
    filter.admit('a.b.three'); // full: forgets one and two
    expect(filter.admit('a.b.one')).toBe(false);
    expect(filter.admit('a.b.three')).toBe(true);
  });
});

describe('ResultCache', () => {
  it('keeps a token from its second offer on, and serves it while its key is published', () => {
    const cache = new ResultCache(16, undefined);
    const keys = publishedKeys('k1');
    const verified = valid();
    cache.offer('a.b.c', verified, JWKS_URI);
    expect(cache.get('a.b.c', keys)).toBeUndefined();
    cache.offer('a.b.c', verified, JWKS_URI);
    expect(cache.get('a.b.c', keys)).toBe(verified);
    expect(cache.get('a.b.c', keys)).toBe(verified);
    expect(keys.lookups).toEqual([`${JWKS_URI}#k1`, `${JWKS_URI}#k1`]);
  });

  it('never serves one token the result of another with the same fingerprint', () => {
    const cache = new ResultCache(16, undefined);
    const keys = publishedKeys('k1');
    const [first, second] = [
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9',
      'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJtYWxsb3J5In0',
    ].map((prefix) => `${prefix}.sameSixteenChars`) as [string, string];
    expect(fingerprintOf(first)).toBe(fingerprintOf(second));
    const alice = valid();
    admit(cache, first, alice);
    expect(cache.get(second, keys)).toBeUndefined();
    expect(cache.get(first, keys)).toBe(alice);
    const mallory = valid();
    admit(cache, second, mallory);
    expect(cache.get(second, keys)).toBe(mallory);
    expect(cache.get(first, keys)).not.toBe(mallory);
  });

  it('serves a cached result only to the very token it was verified from, whatever the characters', () => {
    const hostile = fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\t', '%0a', '*', '?', 'é', '.', '');
    const tokenText = fc
      .array(fc.oneof(fc.string(), hostile), { maxLength: 6 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(tokenText, tokenText, fc.string({ minLength: 16, maxLength: 16 }), (a, b, tail) => {
        fc.pre(a !== b);
        const cache = new ResultCache(16, undefined);
        const keys = publishedKeys('k1');
        const verified = valid();
        // Same last 16 characters, so the same fingerprint: only the full token tells them apart.
        admit(cache, `${a}${tail}`, verified);
        expect(cache.get(`${b}${tail}`, keys)).toBeUndefined();
        expect(cache.get(`${a}${tail}`, keys)).toBe(verified);
      }),
    );
  });

  it('drops an entry whose key is no longer published, for good', () => {
    const cache = new ResultCache(16, undefined);
    const keys = publishedKeys('k1');
    admit(cache, 'a.b.c', valid());
    keys.kids.delete('k1');
    expect(cache.get('a.b.c', keys)).toBeUndefined();
    keys.kids.add('k1');
    expect(cache.get('a.b.c', keys)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never serves a token past its exp', () => {
    const cache = new ResultCache(16, undefined);
    admit(cache, 'a.b.c', verifiedToken({ exp: nowSeconds() - 1 }));
    expect(cache.get('a.b.c', publishedKeys('k1'))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never serves a token past its max age, though its exp is hours away', () => {
    const old = verifiedToken({ exp: nowSeconds() + 3600, iat: nowSeconds() - 120 });
    const withMaxAge = new ResultCache(16, 60);
    admit(withMaxAge, 'a.b.c', old);
    expect(withMaxAge.get('a.b.c', publishedKeys('k1'))).toBeUndefined();
    const withoutMaxAge = new ResultCache(16, undefined);
    admit(withoutMaxAge, 'a.b.c', old);
    expect(withoutMaxAge.get('a.b.c', publishedKeys('k1'))).toBe(old);
  });

  it('evicts the least recently used sixteenth when full, sparing a token just served', () => {
    const cache = new ResultCache(32, undefined);
    const keys = publishedKeys('k1');
    const tokens = Array.from({ length: 33 }, (_, i) => `a.b.token-${i}`);
    const results = tokens.map(() => valid());
    for (let i = 0; i < 32; i++) admit(cache, tokens[i] as string, results[i] as VerifiedToken);
    expect(cache.size).toBe(32);
    expect(cache.get(tokens[0] as string, keys)).toBe(results[0]); // now the most recent
    admit(cache, tokens[32] as string, results[32] as VerifiedToken); // evicts 32 / 16 = 2 entries
    expect(cache.size).toBe(31);
    expect(cache.get(tokens[1] as string, keys)).toBeUndefined();
    expect(cache.get(tokens[2] as string, keys)).toBeUndefined();
    expect(cache.get(tokens[0] as string, keys)).toBe(results[0]);
    expect(cache.get(tokens[3] as string, keys)).toBe(results[3]);
    expect(cache.get(tokens[32] as string, keys)).toBe(results[32]);
  });

  it('evicts one at a time when smaller than sixteen', () => {
    const cache = new ResultCache(2, undefined);
    const keys = publishedKeys('k1');
    const [r1, r2, r3] = [valid(), valid(), valid()];
    admit(cache, 't1', r1);
    admit(cache, 't2', r2);
    admit(cache, 't3', r3);
    expect([cache.get('t1', keys), cache.get('t2', keys), cache.get('t3', keys)]).toEqual([
      undefined,
      r2,
      r3,
    ]);
  });

  it('clear() drops every entry', () => {
    const cache = new ResultCache(16, undefined);
    admit(cache, 'a.b.c', valid());
    cache.clear();
    expect(cache.get('a.b.c', publishedKeys('k1'))).toBeUndefined();
  });
});
