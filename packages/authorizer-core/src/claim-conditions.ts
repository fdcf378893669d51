import { closestName } from './closest-name.js';
import { ConfigurationError } from './errors.js';
import { quote } from './quote.js';

/** A value a condition compares with: compared by type and value (`"true"` is not `true`). */
export type ClaimLiteral = string | number | boolean | null;

/**
 * What a claim must satisfy: a literal (equals), `{ oneOf }`, `{ contains }`, `{ containsAny }`,
 * `{ containsAll }` (array claims; a space-separated string claim counts as an array of its words)
 * or `{ present }`. No regular expressions.
 */
export type ClaimCondition =
  | ClaimLiteral
  | { readonly oneOf: readonly ClaimLiteral[] }
  | { readonly contains: ClaimLiteral }
  | { readonly containsAny: readonly ClaimLiteral[] }
  | { readonly containsAll: readonly ClaimLiteral[] }
  | { readonly present: boolean };

/** Reads a claim from a claims set; `undefined` when the claim (or a step of its pointer) is absent. */
export type ClaimReader = (claims: Readonly<Record<string, unknown>>) => unknown;

/** One compiled `NAME: CONDITION` pair. */
export interface ClaimCheck {
  /** The claim name as configured (a literal name or a JSON Pointer): configuration, never a value. */
  readonly name: string;
  readonly read: ClaimReader;
  /** Whether the value read (undefined when absent) satisfies the condition. */
  readonly test: (value: unknown) => boolean;
}

const CONDITION_KINDS = ['oneOf', 'contains', 'containsAny', 'containsAll', 'present'] as const;

/** Array indexes as RFC 6901 writes them: `0`, or digits without a leading zero. */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

function ownValue(container: unknown, key: string): unknown {
  if (container === null || typeof container !== 'object') return undefined;
  if (Array.isArray(container)) {
    return ARRAY_INDEX.test(key) ? container[Number(key)] : undefined;
  }
  // Own properties only: `constructor` or `__proto__` must never reach Object.prototype.
  return Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : undefined;
}

/**
 * Compiles a claim name: a name starting with `/` is a JSON Pointer (RFC 6901, `~1` for `/` and
 * `~0` for `~`) into nested objects and arrays; any other name is one top-level claim taken
 * literally, dots and slashes included (`https://example.com/roles`).
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` for an empty name or a `~` not followed by 0 or 1.
 * @example
 * compileClaimReader('/realm_access/roles', 'claims')({ realm_access: { roles: ['admin'] } }) // ['admin']
 */
export function compileClaimReader(name: string, setting: string): ClaimReader {
  if (typeof name !== 'string' || name === '') {
    throw new ConfigurationError(`${setting}: a claim name must be a non-empty string`);
  }
  if (!name.startsWith('/')) return (claims) => ownValue(claims, name);
  const steps = name
    .slice(1)
    .split('/')
    .map((step) => {
      if (/~(?![01])/.test(step)) {
        throw new ConfigurationError(
          `${setting}: the JSON Pointer ${quote(name)} has a "~" not followed by 0 or 1 (write ~0 for "~" and ~1 for "/")`,
        );
      }
      return step.replace(/~1/g, '/').replace(/~0/g, '~');
    });
  if (steps.length === 1) {
    const only = steps[0] as string;
    return (claims) => ownValue(claims, only);
  }
  return (claims) => {
    let value: unknown = claims;
    for (const step of steps) {
      value = ownValue(value, step);
      if (value === undefined) return undefined;
    }
    return value;
  };
}

// Strings that read as regular expressions: anchors, `/…/flags`, `.*`, `.+`, character classes
// followed by a quantifier. Conditions compare exact values, so such a value would silently match
// nothing (or only the literal text), which is never what was meant.
const REGEX_LOOKING = /^\^|(?<!\\)\$$|^\/.+\/[dgimsuvy]*$|\.[*+]|\\[dDwWsSbB]|\][*+?]|\)[*+?]/;

function assertLiteral(value: unknown, setting: string): asserts value is ClaimLiteral {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw new ConfigurationError(`${setting} must be a finite number, got ${String(value)}`);
  }
  if (typeof value === 'string') {
    if (REGEX_LOOKING.test(value)) {
      throw new ConfigurationError(
        `${setting}: ${quote(value)} looks like a regular expression; conditions compare exact values (no regular expressions): list the accepted values with oneOf or containsAny`,
      );
    }
    return;
  }
  throw new ConfigurationError(
    `${setting} must be a string, number, boolean or null, got ${Array.isArray(value) ? 'an array (use {"oneOf": [...]})' : typeof value}`,
  );
}

function literalList(value: unknown, setting: string): ClaimLiteral[] {
  if (!Array.isArray(value)) throw new ConfigurationError(`${setting} must be an array of values`);
  if (value.length === 0) {
    throw new ConfigurationError(`${setting} must not be empty (an empty set can never be satisfied)`);
  }
  value.forEach((item, i) => {
    assertLiteral(item, `${setting}[${i}]`);
  });
  return [...new Set(value as ClaimLiteral[])];
}

// The words of the string split last: one token's `scope` is read by many route rules in a row.
let lastSplit = '';
let lastWords: readonly string[] = [''];

/** The claim as a list: an array as is, a string as its space-separated words, anything else none. */
function asList(value: unknown): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    if (value !== lastSplit) {
      lastWords = value.split(' ');
      lastSplit = value;
    }
    return lastWords;
  }
  return undefined;
}

function hasItem(list: readonly unknown[], wanted: ClaimLiteral, fromString: boolean): boolean {
  // An empty word is a separator of a space-separated string, never a value.
  if (fromString && wanted === '') return false;
  return list.includes(wanted);
}

/**
 * Compiles one condition into a test of the claim's value (`undefined` when the claim is absent).
 * Values are compared by type and value: the string `"true"` is not `true`, `"1"` is not `1`.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID`, naming `setting`, for an unknown condition (with
 *   the closest known one), more than one condition in an object, an empty set, a value of the wrong
 *   type or a string that looks like a regular expression.
 * @example
 * compileClaimCondition({ containsAny: ['admin'] }, 'claims["cognito:groups"]')(['admin', 'users']) // true
 */
export function compileClaimCondition(condition: unknown, setting: string): (value: unknown) => boolean {
  return compileCondition(condition, setting).test;
}

/** A compiled condition, with a text that is equal for two conditions exactly when they test alike. */
interface CompiledCondition {
  readonly test: (value: unknown) => boolean;
  /**
   * The kind and its validated operand as JSON (`["oneOf",["a",1]]`): JSON text tells every
   * string, number, boolean and null apart (`"1"` from `1`, `"null"` from `null`), and two
   * conditions with equal texts compare a value the same way.
   */
  readonly key: string;
}

function compileCondition(condition: unknown, setting: string): CompiledCondition {
  if (typeof condition !== 'object' || condition === null) {
    assertLiteral(condition, setting);
    const literal = condition;
    return { test: (value) => value === literal, key: JSON.stringify(['equals', literal]) };
  }
  if (Array.isArray(condition)) {
    throw new ConfigurationError(
      `${setting} must be a value or one condition object; for a list of accepted values write {"oneOf": [...]}`,
    );
  }
  const keys = Object.keys(condition);
  for (const key of keys) {
    if ((CONDITION_KINDS as readonly string[]).includes(key)) continue;
    const suggestion = closestName(key, CONDITION_KINDS);
    throw new ConfigurationError(
      `${setting}: unknown condition ${quote(key)}${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`} (known: ${CONDITION_KINDS.join(', ')}; regular expressions are not supported)`,
    );
  }
  if (keys.length !== 1) {
    throw new ConfigurationError(
      `${setting} must hold exactly one condition (${CONDITION_KINDS.join(', ')}), got ${keys.length}`,
    );
  }
  const kind = keys[0] as (typeof CONDITION_KINDS)[number];
  const operand = (condition as Record<string, unknown>)[kind];
  const where = `${setting}.${kind}`;
  switch (kind) {
    case 'present': {
      if (typeof operand !== 'boolean') throw new ConfigurationError(`${where} must be true or false`);
      const test = operand
        ? (value: unknown) => value !== undefined
        : (value: unknown) => value === undefined;
      return { test, key: JSON.stringify([kind, operand]) };
    }
    case 'oneOf': {
      const accepted = literalList(operand, where);
      return {
        test: (value) => accepted.includes(value as ClaimLiteral),
        key: JSON.stringify([kind, accepted]),
      };
    }
    case 'contains': {
      assertLiteral(operand, where);
      const wanted = operand;
      const test = (value: unknown): boolean => {
        const list = asList(value);
        return list !== undefined && hasItem(list, wanted, typeof value === 'string');
      };
      return { test, key: JSON.stringify([kind, wanted]) };
    }
    case 'containsAny': {
      const wanted = literalList(operand, where);
      const test = (value: unknown): boolean => {
        const list = asList(value);
        if (list === undefined) return false;
        const fromString = typeof value === 'string';
        for (const item of wanted) if (hasItem(list, item, fromString)) return true;
        return false;
      };
      return { test, key: JSON.stringify([kind, wanted]) };
    }
    case 'containsAll': {
      const wanted = literalList(operand, where);
      const test = (value: unknown): boolean => {
        const list = asList(value);
        if (list === undefined) return false;
        const fromString = typeof value === 'string';
        for (const item of wanted) if (!hasItem(list, item, fromString)) return false;
        return true;
      };
      return { test, key: JSON.stringify([kind, wanted]) };
    }
  }
}

/** A claim name as a setting path shows it: `claims.tenant`, `claims["cognito:groups"]`. */
export function claimSetting(prefix: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${prefix}.${name}` : `${prefix}[${JSON.stringify(name)}]`;
}

/**
 * Compiles a `{ NAME: CONDITION }` map into checks run in order.
 *
 * @param setting the map's path in messages, e.g. `routes["GET /pets"].claims`.
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the claim's setting path.
 * @example
 * compileClaimChecks({ email_verified: true }, 'requiredClaims.claims')
 */
export function compileClaimChecks(claims: unknown, setting: string): ClaimCheck[] {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new ConfigurationError(`${setting} must be an object { "claim name": condition }`);
  }
  const entries = Object.entries(claims);
  if (entries.length === 0) {
    throw new ConfigurationError(`${setting} must name at least one claim (or be left out)`);
  }
  return entries.map(([name, condition]) => {
    const where = claimSetting(setting, name);
    const compiled = compileCondition(condition, where);
    const check: ClaimCheck = { name, read: compileClaimReader(name, where), test: compiled.test };
    checkKeys.set(check, `${JSON.stringify(name)}${compiled.key}`);
    return check;
  });
}

// The text of each check compiled here: its claim name as JSON, then its condition's key.
const checkKeys = new WeakMap<ClaimCheck, string>();

/**
 * A text equal for two checks exactly when they read the same claim and test it alike, so a rule
 * table evaluates each distinct check once per token; undefined for a check not compiled by
 * {@link compileClaimChecks} (it is then only ever equal to itself).
 */
export function claimCheckKey(check: ClaimCheck): string | undefined {
  return checkKeys.get(check);
}

/** The names of the checks `claims` fails, in order; empty when it passes them all. */
export function findFailedClaims(
  checks: readonly ClaimCheck[],
  claims: Readonly<Record<string, unknown>> | undefined,
): string[] {
  const failed: string[] = [];
  for (const check of checks) {
    // Without the claims no condition can be judged: each counts as failed (deny by default).
    if (claims === undefined || !check.test(check.read(claims))) failed.push(check.name);
  }
  return failed;
}
