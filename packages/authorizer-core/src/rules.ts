import {
  type ClaimCheck,
  type ClaimCondition,
  compileClaimChecks,
  findFailedClaims,
} from './claim-conditions.js';
import { closestName } from './closest-name.js';
import { ConfigurationError, TokenError } from './errors.js';
import { quote } from './quote.js';
import { isScopeToken } from './scopes.js';

/** Scope sets of a rule: every one of `allOf`, and at least one of `anyOf`. */
export interface ScopeSets {
  readonly allOf?: readonly string[];
  readonly anyOf?: readonly string[];
}

/**
 * A rule: scopes (a list means all-of) and claim conditions, all of which the token must satisfy.
 *
 * @example
 * { scopes: { anyOf: ['read:pets', 'admin'] }, claims: { 'cognito:groups': { containsAny: ['vets'] } } }
 */
export interface RuleDocument {
  readonly scopes?: readonly string[] | ScopeSets;
  readonly claims?: Readonly<Record<string, ClaimCondition>>;
}

/** A route's requirement: a list of scopes (all-of), or a {@link RuleDocument}. */
export type RouteRequirement = readonly string[] | RuleDocument;

/** A rule after validation: checked with {@link evaluateRule}. */
export interface CompiledRule {
  /** Scopes all of which are required. */
  readonly allOf: readonly string[];
  /** Scopes at least one of which is required; empty when the rule has no any-of set. */
  readonly anyOf: readonly string[];
  readonly claims: readonly ClaimCheck[];
}

/** What a token lacks for a rule. */
export interface RuleOutcome {
  /** Scopes of `allOf` the token lacks, then, when it holds none of `anyOf`, every scope of `anyOf`. */
  readonly missingScopes: string[];
  /** Names of the claims whose conditions the token fails (configuration, never values). */
  readonly failedClaims: string[];
}

const RULE_KEYS = ['scopes', 'claims'] as const;
const SCOPE_SET_KEYS = ['allOf', 'anyOf'] as const;

/** A rule that requires nothing. */
export const EMPTY_RULE: CompiledRule = Object.freeze({
  allOf: Object.freeze([]),
  anyOf: Object.freeze([]),
  claims: Object.freeze([]),
});

function refuseUnknownKeys(value: object, known: readonly string[], setting: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    throw new ConfigurationError(
      `${setting}: unknown key ${quote(key)}${suggestion === undefined ? `; known keys: ${known.join(', ')}` : `; did you mean "${suggestion}"?`}`,
    );
  }
}

function scopeList(value: unknown, setting: string, allowEmpty: boolean): string[] {
  if (!Array.isArray(value)) throw new ConfigurationError(`${setting} must be an array of scope names`);
  if (value.length === 0 && !allowEmpty) {
    throw new ConfigurationError(`${setting} must not be empty (leave it out instead)`);
  }
  for (const scope of value) {
    // A token's scopes are scope-tokens only (see readScopeClaims): any other name could never be granted.
    if (!isScopeToken(scope)) {
      throw new ConfigurationError(
        `${setting} must hold scope names of printable ASCII without spaces, quotes or backslashes (RFC 6749 scope-tokens), got ${quote(scope)}`,
      );
    }
  }
  return [...new Set(value as string[])];
}

/**
 * Validates a rule: a list of scopes (all-of, may be empty) or a {@link RuleDocument}.
 *
 * @param setting where the rule sits, for messages: `routes["GET /pets"]`, `requiredClaims`.
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the setting path: unknown keys (with the
 *   closest known one), empty sets, malformed scope names, bad claim names or conditions.
 * @example
 * compileRule({ scopes: { anyOf: ['a', 'b'] }, claims: { tenant: 'acme' } }, 'routes["GET /pets"]')
 */
export function compileRule(rule: unknown, setting: string): CompiledRule {
  if (Array.isArray(rule)) return { allOf: scopeList(rule, setting, true), anyOf: [], claims: [] };
  if (typeof rule !== 'object' || rule === null) {
    throw new ConfigurationError(
      `${setting} must be a list of scopes or an object { "scopes": {"allOf": [...], "anyOf": [...]}, "claims": {...} }`,
    );
  }
  refuseUnknownKeys(rule, RULE_KEYS, setting);
  const { scopes, claims } = rule as { scopes?: unknown; claims?: unknown };
  if (scopes === undefined && claims === undefined) {
    throw new ConfigurationError(
      `${setting} must give scopes or claims (for a route that needs neither, give an empty list [])`,
    );
  }
  let allOf: string[] = [];
  let anyOf: string[] = [];
  if (Array.isArray(scopes)) {
    allOf = scopeList(scopes, `${setting}.scopes`, false);
  } else if (scopes !== undefined) {
    if (typeof scopes !== 'object' || scopes === null) {
      throw new ConfigurationError(
        `${setting}.scopes must be a list of scopes (all of them required) or { "allOf": [...], "anyOf": [...] }`,
      );
    }
    refuseUnknownKeys(scopes, SCOPE_SET_KEYS, `${setting}.scopes`);
    const sets = scopes as { allOf?: unknown; anyOf?: unknown };
    if (sets.allOf === undefined && sets.anyOf === undefined) {
      throw new ConfigurationError(`${setting}.scopes must give allOf, anyOf or both`);
    }
    if (sets.allOf !== undefined) allOf = scopeList(sets.allOf, `${setting}.scopes.allOf`, false);
    if (sets.anyOf !== undefined) anyOf = scopeList(sets.anyOf, `${setting}.scopes.anyOf`, false);
  }
  const checks = claims === undefined ? [] : compileClaimChecks(claims, `${setting}.claims`);
  return { allOf, anyOf, claims: checks };
}

/** Whether `granted` satisfies the rule's scope sets. */
export function satisfiesScopes(rule: CompiledRule, granted: readonly string[]): boolean {
  for (const scope of rule.allOf) if (!granted.includes(scope)) return false;
  if (rule.anyOf.length === 0) return true;
  for (const scope of rule.anyOf) if (granted.includes(scope)) return true;
  return false;
}

/**
 * Whether a token with these scopes and claims satisfies the rule. Without `claims`, a rule with
 * claim conditions is never satisfied (deny by default).
 */
export function satisfiesRule(
  rule: CompiledRule,
  granted: readonly string[],
  claims: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (!satisfiesScopes(rule, granted)) return false;
  for (const check of rule.claims) {
    if (claims === undefined || !check.test(check.read(claims))) return false;
  }
  return true;
}

/**
 * What a token lacks for a rule: the missing scopes and the failed claims, both empty when it
 * satisfies the rule.
 *
 * @example
 * evaluateRule(compileRule({ scopes: { anyOf: ['a', 'b'] } }, 'rule'), ['c'], {}) // { missingScopes: ['a', 'b'], failedClaims: [] }
 */
export function evaluateRule(
  rule: CompiledRule,
  granted: readonly string[],
  claims: Readonly<Record<string, unknown>> | undefined,
): RuleOutcome {
  const missingScopes: string[] = [];
  for (const scope of rule.allOf) if (!granted.includes(scope)) missingScopes.push(scope);
  if (rule.anyOf.length > 0 && !rule.anyOf.some((scope) => granted.includes(scope))) {
    for (const scope of rule.anyOf) if (!missingScopes.includes(scope)) missingScopes.push(scope);
  }
  return { missingScopes, failedClaims: findFailedClaims(rule.claims, claims) };
}

/**
 * Refuses a token failing one of the required claim conditions, naming the claim (never its value).
 *
 * @throws {TokenError} `CLAIM_INVALID` (401) with `claim` set to the claim's configured name.
 */
export function assertRequiredClaims(
  checks: readonly ClaimCheck[],
  claims: Readonly<Record<string, unknown>>,
): void {
  for (const check of checks) {
    if (!check.test(check.read(claims))) {
      throw new TokenError(
        'CLAIM_INVALID',
        `The token fails the required condition on the claim ${JSON.stringify(check.name)}`,
        {
          claim: check.name,
        },
      );
    }
  }
}
