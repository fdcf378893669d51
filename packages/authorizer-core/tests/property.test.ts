import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authorizer, AuthorizerError, createAuthorizer } from '../src/index.js';
import { createMinter, generateTestKey, type JwksServer, jwksOf, startJwksServer } from './helpers/index.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=. +/';
const rsa = generateTestKey('RS256', 'rsa');
const ec = generateTestKey('ES256', 'ec');
let server: JwksServer;
let authorizer: Authorizer;
let tokens: string[];

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(rsa, ec) });
  authorizer = createAuthorizer({ issuer: server.issuer, audience: 'api', algorithms: ['RS256', 'ES256'] });
  const mint = createMinter(server.issuer, 'api');
  tokens = [mint(rsa), mint(ec)];
  // The originals verify (and sit in the result cache, which mutations must not reach).
  for (const token of tokens) await authorizer.verify(token);
});
afterAll(() => server.close());

type Mutation =
  | { kind: 'replace'; at: number; char: string }
  | { kind: 'insert'; at: number; char: string }
  | { kind: 'delete'; at: number }
  | { kind: 'flipBit'; at: number; bit: number }
  | { kind: 'swapSegments'; a: number; b: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flipBit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('swapSegments' as const),
    a: fc.integer({ min: 0, max: 2 }),
    b: fc.integer({ min: 0, max: 2 }),
  }),
);

function apply(token: string, m: Mutation): string {
  switch (m.kind) {
    case 'replace': {
      const at = m.at % token.length;
      return token.slice(0, at) + m.char + token.slice(at + 1);
    }
    case 'insert': {
      const at = m.at % (token.length + 1);
      return token.slice(0, at) + m.char + token.slice(at);
    }
    case 'delete': {
      const at = m.at % token.length;
      return token.slice(0, at) + token.slice(at + 1);
    }
    case 'flipBit': {
      // Flip a bit in the decoded bytes of one segment and re-encode it canonically.
      const parts = token.split('.');
      const index = m.at % parts.length;
      const bytes = Buffer.from(parts[index] as string, 'base64url');
      if (bytes.length === 0) return token;
      const at = Math.floor(m.at / 3) % bytes.length;
      bytes[at] = (bytes[at] as number) ^ (1 << m.bit);
      parts[index] = bytes.toString('base64url');
      return parts.join('.');
    }
    case 'swapSegments': {
      const parts = token.split('.');
      if (parts.length !== 3) return token;
      [parts[m.a], parts[m.b]] = [parts[m.b] as string, parts[m.a] as string];
      return parts.join('.');
    }
  }
}

describe('property: mutated tokens never verify', () => {
  it('rejects thousands of random mutations of valid RS256 and ES256 tokens with a coded error', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (which, mutations) => {
          const original = tokens[which] as string;
          const mutated = mutations.reduce(apply, original);
          if (mutated === original) return;
          checked += 1;
          const outcome = await authorizer.verify(mutated).then(
            () => 'VERIFIED',
            (err: unknown) => (err instanceof AuthorizerError ? err.code : `UNCODED ${String(err)}`),
          );
          expect(outcome).not.toBe('VERIFIED');
          expect(outcome).not.toMatch(/^UNCODED/);
        },
      ),
      { numRuns: 3000 },
    );
    expect(checked).toBeGreaterThan(2500);
  });
});
