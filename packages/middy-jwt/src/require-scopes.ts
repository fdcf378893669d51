import {
  ClaimError,
  ConfigurationError,
  type RuleDocument,
  ScopeError,
  TokenError,
} from '@jwt-authorizer/authorizer-core';
import {
  assertKnownOptions,
  type CompiledRule,
  compileRule,
  evaluateRule,
} from '@jwt-authorizer/authorizer-core/internal';
import type { MiddlewareObj } from '@middy/core';
import { assertRealm, assertScopeNames } from './challenge-values.js';
import { challengeHeaders, JwtHttpError } from './http-error.js';
import type { LambdaContext } from './lambda-context.js';
import { isVerified } from './provenance.js';

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Options of {@link requireScopes}. */
export interface RequireScopesOptions {
  /** The `realm` of the `WWW-Authenticate` challenge (default `api`); use the one given to `jwtAuth`. */
  realm?: string;
}

function compileRequirement(scopes: string | readonly string[] | RuleDocument): CompiledRule {
  if (typeof scopes === 'object' && scopes !== null && !Array.isArray(scopes)) {
    return compileRule(scopes, 'requireScopes');
  }
  const required =
    typeof scopes === 'string' ? [scopes] : [...((scopes as readonly string[] | undefined) ?? [])];
  if (required.length === 0) throw new ConfigurationError('requireScopes: give at least one scope');
  assertScopeNames(required, 'requireScopes');
  return compileRule(required, 'requireScopes');
}

/**
 * Middy middleware requiring scopes (all of a list) or a rule (`{ scopes: { allOf, anyOf }, claims:
 * { NAME: CONDITION } }`, as in `routes`) of the token `jwtAuth` verified, for one route of a
 * function serving several (e.g. in each route handler of `@middy/http-router`). Use it after
 * `jwtAuth`.
 *
 * Throws a {@link JwtHttpError}: 403 with `WWW-Authenticate: Bearer realm="api",
 * error="insufficient_scope", scope="<missing scopes>"` when scopes are missing (for an any-of set
 * the token holds none of, every scope of the set); a plain 403 `CLAIM_MISMATCH` (no challenge) when
 * a claim condition fails; 401 when there is no token verified by `jwtAuth` for this request (e.g.
 * `credentialsRequired: false` and none was sent).
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` when no scope is given, a scope name is malformed,
 *   the rule is malformed (naming its setting path) or an option key is unknown.
 * @example
 * const createPet = middy().use(requireScopes('write:pets')).handler(async (event, context) => ...);
 * const audit = middy().use(requireScopes({ claims: { 'cognito:groups': { contains: 'auditors' } } }));
 */
export function requireScopes(
  scopes: string | readonly string[] | RuleDocument,
  options: RequireScopesOptions = {},
): MiddlewareObj<unknown, unknown, Error, LambdaContext> {
  const rule = compileRequirement(scopes);
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('requireScopes options must be an object');
  }
  assertKnownOptions(options, ['realm'] satisfies (keyof RequireScopesOptions)[]);
  const realm = options.realm ?? 'api';
  assertRealm(realm, 'realm');
  const noToken = challengeHeaders(realm);

  return {
    name: 'requireScopes',
    before: (request) => {
      const jwt = (request.context as { jwt?: unknown }).jwt;
      if (!isVerified(jwt)) {
        throw new JwtHttpError(401, 'TOKEN_MISSING', noToken, {
          cause: new TokenError('TOKEN_MISSING', 'No token verified by jwtAuth for this request'),
        });
      }
      const { missingScopes: missing, failedClaims } = evaluateRule(rule, jwt.scopes, jwt.claims);
      if (failedClaims.length > 0) {
        throw new JwtHttpError(403, 'CLAIM_MISMATCH', NO_HEADERS, { cause: new ClaimError(failedClaims) });
      }
      if (missing.length > 0) {
        throw new JwtHttpError(
          403,
          'INSUFFICIENT_SCOPE',
          challengeHeaders(realm, 'insufficient_scope', missing),
          {
            cause: new ScopeError(missing),
          },
        );
      }
    },
  };
}
