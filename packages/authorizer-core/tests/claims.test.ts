import { describe, expect, it } from 'vitest';
import { assertClaimsAccepted, type ClaimTimeRules, findTrustedIssuer } from '../src/claims.js';
import type { TokenError } from '../src/errors.js';
import { type AuthorizerOptions, type ResolvedIssuer, resolveOptions } from '../src/options.js';
import { nowSeconds } from './helpers/index.js';

const ISSUER = 'https://issuer.example/';

function issuerOf(options: Omit<AuthorizerOptions, 'issuer'>): ResolvedIssuer {
  const [resolved] = resolveOptions({ issuer: ISSUER, ...options }).issuers.values();
  if (!resolved) throw new Error('issuer not resolved');
  return resolved;
}

const byAudience = issuerOf({ audience: 'api' });
const byClientId = issuerOf({ clientId: 'app-client' });
const NO_RULES: ClaimTimeRules = { clockSkewSeconds: 0, maxTokenAgeSeconds: undefined };

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  const base: Record<string, unknown> = { iss: ISSUER, aud: 'api', sub: 'user-1', iat: now, exp: now + 3600 };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

function codeOf(
  payload: Record<string, unknown>,
  issuer: ResolvedIssuer = byAudience,
  rules: ClaimTimeRules = NO_RULES,
): string {
  try {
    assertClaimsAccepted(payload, issuer, Date.now() / 1000, rules);
  } catch (err) {
    return (err as TokenError).code;
  }
  return 'ACCEPTED';
}

describe('findTrustedIssuer', () => {
  const issuers = resolveOptions({ issuer: ISSUER, audience: 'api' }).issuers;

  it('finds the configured issuer, a trailing-slash difference tolerated', () => {
    expect(findTrustedIssuer({ iss: ISSUER }, issuers).issuer).toBe(ISSUER);
    expect(findTrustedIssuer({ iss: 'https://issuer.example' }, issuers).issuer).toBe(ISSUER);
  });

  it.each([
    ['no iss', {}],
    ['an iss that is not configured', { iss: 'https://evil.example/' }],
    ['an iss with another path', { iss: 'https://issuer.example/tenant/' }],
    ['an iss in other case', { iss: 'HTTPS://ISSUER.EXAMPLE/' }],
    ['an iss that is not a string', { iss: [ISSUER] }],
  ])('refuses %s with ISSUER_INVALID', (_name, payload) => {
    let code = 'FOUND';
    try {
      findTrustedIssuer(payload, issuers);
    } catch (err) {
      code = (err as TokenError).code;
    }
    expect(code).toBe('ISSUER_INVALID');
  });
});

describe('assertClaimsAccepted', () => {
  it('accepts a token within its lifetime with an accepted audience', () => {
    expect(codeOf(claims())).toBe('ACCEPTED');
    expect(codeOf(claims({ aud: ['other', 'api'] }))).toBe('ACCEPTED');
  });

  it.each([
    ['no exp', { exp: undefined }, 'EXP_MISSING'],
    ['an exp passed', { exp: nowSeconds() - 10 }, 'TOKEN_EXPIRED'],
    ['an nbf ahead', { nbf: nowSeconds() + 60 }, 'TOKEN_NOT_YET_VALID'],
    ['another audience', { aud: 'other' }, 'AUDIENCE_INVALID'],
    ['no aud', { aud: undefined }, 'AUDIENCE_INVALID'],
    ['an iss that is not one of the issuer spellings', { iss: 'https://evil.example/' }, 'ISSUER_INVALID'],
    ['an iat in the future', { iat: nowSeconds() + 60 }, 'IAT_INVALID'],
  ])('refuses %s', (_name, overrides, code) => {
    expect(codeOf(claims(overrides))).toBe(code);
  });

  it('applies the clock skew to exp, nbf and iat', () => {
    const skew: ClaimTimeRules = { clockSkewSeconds: 30, maxTokenAgeSeconds: undefined };
    const now = nowSeconds();
    expect(codeOf(claims({ exp: now - 10, nbf: now + 10, iat: now + 10 }), byAudience, skew)).toBe(
      'ACCEPTED',
    );
    expect(codeOf(claims({ exp: now - 60 }), byAudience, skew)).toBe('TOKEN_EXPIRED');
  });

  it('with a max token age, requires iat and refuses an older token', () => {
    const maxAge: ClaimTimeRules = { clockSkewSeconds: 0, maxTokenAgeSeconds: 300 };
    expect(codeOf(claims({ iat: nowSeconds() - 100 }), byAudience, maxAge)).toBe('ACCEPTED');
    expect(codeOf(claims({ iat: nowSeconds() - 400 }), byAudience, maxAge)).toBe('TOKEN_TOO_OLD');
    expect(codeOf(claims({ iat: undefined }), byAudience, maxAge)).toBe('IAT_INVALID');
  });

  describe('Cognito access tokens, judged by client_id', () => {
    const access = (overrides: Record<string, unknown> = {}) =>
      claims({ aud: undefined, token_use: 'access', client_id: 'app-client', ...overrides });

    it('accepts an access token of a configured app client', () => {
      expect(codeOf(access(), byClientId)).toBe('ACCEPTED');
    });

    it.each([
      ['an id token', { token_use: 'id' }],
      ['no token_use', { token_use: undefined }],
      ['another app client', { client_id: 'other-client' }],
      ['no client_id', { client_id: undefined }],
      ['a client_id that is not a string', { client_id: ['app-client'] }],
    ])('refuses %s with AUDIENCE_INVALID', (_name, overrides) => {
      expect(codeOf(access(overrides), byClientId)).toBe('AUDIENCE_INVALID');
    });

    it('judges a token that has aud by aud, never by client_id', () => {
      expect(codeOf(access({ aud: 'app-client' }), byClientId)).toBe('AUDIENCE_INVALID');
      const both = issuerOf({ audience: 'api', clientId: 'app-client' });
      expect(codeOf(access({ aud: 'api', client_id: 'other-client' }), both)).toBe('ACCEPTED');
      expect(codeOf(access({ aud: 'other' }), both)).toBe('AUDIENCE_INVALID');
    });

    it('still checks the lifetime of a token judged by client_id', () => {
      expect(codeOf(access({ exp: nowSeconds() - 10 }), byClientId)).toBe('TOKEN_EXPIRED');
    });
  });
});
