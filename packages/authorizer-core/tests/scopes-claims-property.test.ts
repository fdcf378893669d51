import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertClaimsAccepted } from '../src/claims.js';
import { buildContext } from '../src/context.js';
import { TokenError } from '../src/errors.js';
import { type ResolvedIssuer, resolveOptions } from '../src/options.js';
import { readScopeClaims } from '../src/scopes.js';
import { referenceReadScopeClaims, referenceRegisteredClaims } from './helpers/reference-claims.js';

// Line breaks, Unicode separators, tabs, %-sequences, wildcards, quotes, backslashes, non-ASCII.
const HOSTILE = [
  '\n',
  '\r',
  '\t',
  '\u2028',
  '\u2029',
  '\u00a0',
  '%20',
  '%0A',
  '*',
  '?',
  '"',
  '\\',
  'é',
  '😀',
  '\u007f',
  '\u0000',
];
const piece = fc.oneof(
  fc.constantFrom('read:pets', 'write:pets', 'openid', 'admin', '', ' ', '  '),
  fc.constantFrom(...HOSTILE),
  fc.stringMatching(/^[\x20-\x7e]{0,8}$/),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const scopeString = fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join(''));
const scopeValue = fc.oneof(
  scopeString,
  fc.array(fc.oneof(scopeString, fc.integer()), { maxLength: 4 }),
  fc.integer(),
  fc.constant(undefined),
);

function outcome(read: () => { scopes: string[]; dropped: number }) {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

describe('property: readScopeClaims reads what the per-value regular expression read', () => {
  it('gives the same scopes, drop count and errors on hostile scope, scp and permissions values', () => {
    fc.assert(
      fc.property(scopeValue, scopeValue, scopeValue, (scope, scp, permissions) => {
        const claims = { scope, scp, permissions };
        expect(outcome(() => readScopeClaims(claims))).toEqual(
          outcome(() => referenceReadScopeClaims(claims)),
        );
      }),
      { numRuns: 3000 },
    );
  });
});

describe('property: the context scope is the scopes joined with single spaces', () => {
  it('equals scopes.join(" ") whether or not the scope claim already reads so', () => {
    const scopes = fc.oneof(
      // The scopes a claim yields, as the verifier builds them, or a list unrelated to the claim.
      scopeString.map((claim) => ({ claim, scopes: readScopeClaims({ scope: claim }).scopes })),
      fc.record({ claim: scopeString, scopes: fc.array(scopeString, { maxLength: 4 }) }),
      fc.record({
        claim: fc.oneof(fc.integer(), fc.constant(undefined)),
        scopes: fc.array(scopeString, { maxLength: 3 }),
      }),
    );
    fc.assert(
      fc.property(scopes, ({ claim, scopes }) => {
        expect(buildContext({ claims: { scope: claim }, scopes }).scope).toBe(scopes.join(' '));
      }),
      { numRuns: 3000 },
    );
    // The cases next to the shortcut: a claim with one more or one less space, or a longer tail.
    for (const claim of ['a b', 'a  b', ' a b', 'a b ', 'a bc', 'ab', 'a\tb', 'a\u2028b']) {
      expect(buildContext({ claims: { scope: claim }, scopes: ['a', 'b'] }).scope).toBe('a b');
    }
  });
});

const ISSUER = 'https://issuer.example/';
function issuerOf(options: { audience?: string[]; clientId?: string }): ResolvedIssuer {
  const [resolved] = resolveOptions({ issuer: ISSUER, ...options }).issuers.values();
  if (!resolved) throw new Error('issuer not resolved');
  return resolved;
}

const CODE_OF_REFERENCE: Record<string, string> = {
  JwtExpiredError: 'TOKEN_EXPIRED',
  JwtNotBeforeError: 'TOKEN_NOT_YET_VALID',
  JwtInvalidIssuerError: 'ISSUER_INVALID',
  JwtInvalidAudienceError: 'AUDIENCE_INVALID',
};

describe('property: the registered-claims shortcut accepts only what validateJwtFields accepts', () => {
  it('decides exp, nbf, iss and aud as validateJwtFields does, with and without clock skew', () => {
    const now = Math.floor(Date.now() / 1000);
    // Seconds from now kept at least 5 s away from every boundary (now, now ± the 30 s skew), so the
    // clock moving while the test runs cannot make the two sides disagree.
    const time = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(-200, -100, -40, -20, -10, -5, 5, 10, 20, 40, 100, 200),
          fc.double({ min: 0, max: 0.9, noNaN: true }),
        )
        .map(([offset, fraction]) => now + offset + fraction),
      fc.constant(undefined),
    );
    const other = fc.oneof(
      fc.constantFrom('', 'API', 'api\n', ' api', 'api\u2028', 'api%20', 'ap*', 'https://issuer.example/\n'),
      fc.string({ maxLength: 6 }),
    );
    // About half of the values are accepted ones, so that every check gets to decide often.
    const iss = fc.oneof(fc.constantFrom(ISSUER, 'https://issuer.example'), other, fc.constant(undefined));
    const audience = fc.oneof(fc.constantFrom('api', 'other-api'), other);
    const aud = fc.oneof(audience, fc.array(audience, { maxLength: 3 }), fc.constant(undefined));
    const issuer = issuerOf({ audience: ['api', 'other-api'] });
    fc.assert(
      fc.property(time, time, iss, aud, fc.constantFrom(0, 30), (exp, nbf, iss, aud, skew) => {
        const payload: Record<string, unknown> = { exp, nbf, iss, aud, iat: undefined };
        const reference = referenceRegisteredClaims(payload, issuer.issuerVariants, issuer.audiences, skew);
        let code = 'ok';
        try {
          assertClaimsAccepted(payload, issuer, Date.now() / 1000, {
            clockSkewSeconds: skew,
            maxTokenAgeSeconds: undefined,
          });
        } catch (err) {
          code = (err as TokenError).code;
        }
        // exp is required before validateJwtFields is asked; the rest must agree.
        if (exp === undefined) expect(code).toBe('EXP_MISSING');
        else expect(code).toBe(reference === 'ok' ? 'ok' : (CODE_OF_REFERENCE[reference] ?? 'CLAIM_INVALID'));
      }),
      { numRuns: 3000 },
    );
  });
});
