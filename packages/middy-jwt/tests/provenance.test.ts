import { createAuthorizer, type VerifiedToken } from '@jwt-authorizer/authorizer-core';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVerified, markVerified, provenance } from '../src/provenance.js';

const AUDIENCE = 'https://api.example.com';
const key = generateTestKey('RS256');
let server: JwksServer;
let verifyNew: () => Promise<VerifiedToken>;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  const mint = createMinter(server.issuer, AUDIENCE);
  const authorizer = createAuthorizer({ issuer: server.issuer, audience: AUDIENCE, jwksUri: server.jwksUri });
  let n = 0;
  verifyNew = () => authorizer.verify(mint(key, { claims: { sub: `user-${n++}` } }));
});
afterAll(() => server.close());

/** A frozen object with the same keys and values as a result, made by other code. */
function lookalike(verified: VerifiedToken): VerifiedToken {
  return Object.freeze({ ...verified });
}

describe.each([
  ['private fields', true],
  ['a WeakSet', false],
])('provenance by %s', (_name, useFields) => {
  it('knows a marked result, also when it is marked again (a cached result for a repeated token)', async () => {
    const record = provenance(useFields);
    const verified = await verifyNew();
    expect(record.has(verified)).toBe(false);
    record.mark(verified);
    record.mark(verified);
    expect(record.has(verified)).toBe(true);
  });

  it('refuses an unmarked result, a lookalike of a marked one and non-objects', async () => {
    const record = provenance(useFields);
    const marked = await verifyNew();
    record.mark(marked);
    expect(record.has(await verifyNew())).toBe(false);
    expect(record.has(lookalike(marked))).toBe(false);
    expect(record.has({ ...marked })).toBe(false);
    expect(record.has(Object.create(marked))).toBe(false);
    for (const value of [undefined, null, 'token', 42, true]) expect(record.has(value)).toBe(false);
  });

  it('leaves the result as it was: frozen, with the same keys', async () => {
    const record = provenance(useFields);
    const verified = await verifyNew();
    const keys = Reflect.ownKeys(verified);
    record.mark(verified);
    expect(Object.isFrozen(verified)).toBe(true);
    expect(Reflect.ownKeys(verified)).toEqual(keys);
  });
});

describe('the provenance jwtAuth uses', () => {
  it('knows what markVerified marked and nothing else', async () => {
    const verified = await verifyNew();
    expect(isVerified(verified)).toBe(false);
    markVerified(verified);
    expect(isVerified(verified)).toBe(true);
    expect(isVerified(lookalike(verified))).toBe(false);
  });
});
