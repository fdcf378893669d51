import type { AuthorizerContext } from './context.js';
import { type MethodArn, stageArnPrefix } from './method-arn.js';
import { type CompiledRoute, HTTP_METHODS, type PolicyMode } from './options.js';
import { findMissingScopes } from './scopes.js';

/** Longest `Resource` ARN API Gateway accepts in a policy statement. */
export const MAX_RESOURCE_LENGTH = 512;

export interface PolicyStatement {
  Action: 'execute-api:Invoke';
  Effect: 'Allow' | 'Deny';
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The IAM result of a REST (or HTTP API IAM-format) Lambda authorizer. */
export interface IamAuthorizerResult {
  principalId: string;
  policyDocument: PolicyDocument;
  context: AuthorizerContext;
}

/** The HTTP API simple response. */
export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context: AuthorizerContext;
}

/** Whether the token may call one route, and which scopes it lacks for it. */
export interface RouteDecision {
  readonly allowed: boolean;
  /** Scopes the token lacks; empty when allowed, or when the route is refused as unmatched. */
  readonly missingScopes: readonly string[];
}

/** The authorization rules a policy is computed from. */
export interface PolicyRules {
  readonly requiredScopes: readonly string[];
  readonly routes: readonly CompiledRoute[] | undefined;
  readonly unmatchedRoutes: 'allow' | 'deny';
  readonly policyMode: PolicyMode;
}

function routeMatches(route: CompiledRoute, method: string, resourcePath: string): boolean {
  return (route.method === '*' || route.method === method) && route.pattern.test(resourcePath);
}

/**
 * Decides one route: the token needs the globally required scopes and the scopes of every rule that
 * matches the route; a route no rule matches follows `unmatchedRoutes`. When route rules are set, a
 * method outside {@link HTTP_METHODS} (`TRACE`, `PROPFIND`, a lower-case `get`) is refused whatever
 * the scopes. This is the same decision IAM reaches on the `api`-mode policy, where Deny statements
 * win over Allow ones.
 *
 * @example
 * evaluateRoute(rules, ['read:pets'], 'GET', 'pets/42') // { allowed: true, missingScopes: [] }
 */
export function evaluateRoute(
  rules: PolicyRules,
  scopes: readonly string[],
  method: string,
  resourcePath: string,
): RouteDecision {
  const missing = findMissingScopes(scopes, rules.requiredScopes);
  // The policy can only name the seven methods (see buildPolicyDocument), so the decision refuses
  // every other one too: that keeps the two in agreement for any verb the ARN carries.
  if (rules.routes !== undefined && !HTTP_METHODS.includes(method)) {
    return { allowed: false, missingScopes: missing };
  }
  let matched = rules.routes === undefined;
  for (const route of rules.routes ?? []) {
    if (!routeMatches(route, method, resourcePath)) continue;
    matched = true;
    for (const scope of findMissingScopes(scopes, route.scopes))
      if (!missing.includes(scope)) missing.push(scope);
  }
  if (missing.length > 0) return { allowed: false, missingScopes: missing };
  return { allowed: matched || rules.unmatchedRoutes === 'allow', missingScopes: [] };
}

function statement(effect: 'Allow' | 'Deny', resources: string[]): PolicyStatement {
  return { Action: 'execute-api:Invoke', Effect: effect, Resource: resources };
}

/** A Deny resource within the length limit: a longer one is cut to a wildcard prefix, denying more. */
function denyResource(resource: string): string {
  return resource.length <= MAX_RESOURCE_LENGTH ? resource : `${resource.slice(0, MAX_RESOURCE_LENGTH - 1)}*`;
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** An Allow resource longer than the limit is left out: deny by default. */
function pushAllow(list: string[], resource: string): void {
  if (resource.length <= MAX_RESOURCE_LENGTH) pushUnique(list, resource);
}

/**
 * Builds the policy document for a token calling `arn`.
 *
 * `api` mode covers the whole API stage, so the result stays right when API Gateway caches it for the
 * token and replays it on other routes: Allow the whole stage when there are no rules; otherwise
 * Allow the rules the token satisfies (or, when unmatched routes are allowed, every path of each of
 * the seven methods) and Deny the rules it does not. Allow resources longer than 512 characters are
 * left out (deny by default); longer Deny resources are shortened to a wildcard prefix, which denies
 * more, never less.
 * `method` mode allows or denies exactly `methodArn`; it denies when the ARN's path holds a literal
 * `*` or `?` (a wildcard in an Allow) or the ARN is longer than 512 characters.
 *
 * @example
 * buildPolicyDocument(rules, ['read:pets'], parseMethodArn(methodArn), methodArn).Statement
 */
export function buildPolicyDocument(
  rules: PolicyRules,
  scopes: readonly string[],
  arn: MethodArn,
  methodArn: string,
): PolicyDocument {
  if (rules.policyMode === 'method') {
    const { allowed } = evaluateRoute(rules, scopes, arn.method, arn.resourcePath);
    // The path is the caller's: a literal `*` or `?` in it would be a wildcard in the cached Allow.
    const literal = !/[*?]/.test(arn.method) && !/[*?]/.test(arn.resourcePath);
    if (allowed && literal && methodArn.length <= MAX_RESOURCE_LENGTH) {
      return { Version: '2012-10-17', Statement: [statement('Allow', [methodArn])] };
    }
    return { Version: '2012-10-17', Statement: [statement('Deny', [denyResource(methodArn)])] };
  }
  const prefix = stageArnPrefix(arn);
  const everything = `${prefix}*`;
  if (findMissingScopes(scopes, rules.requiredScopes).length > 0) {
    return { Version: '2012-10-17', Statement: [statement('Deny', [everything])] };
  }
  if (rules.routes === undefined) {
    return { Version: '2012-10-17', Statement: [statement('Allow', [everything])] };
  }
  // Every resource names its method. `*` in the method place of an ARN also matches across `/`
  // (`{stage}/*/public` matches `DELETE/admin/users/public`), and a stage-wide Allow would cover
  // methods no rule can name (`TRACE`) that an `ANY` rule's per-method Deny leaves out. So unmatched
  // routes are allowed one method at a time, rules for every method become one resource per method,
  // and the route decision refuses other methods: IAM then denies them too, by default.
  const allow: string[] = [];
  const deny: string[] = [];
  const unmatchedAllowed = rules.unmatchedRoutes === 'allow';
  if (unmatchedAllowed) {
    for (const method of HTTP_METHODS) pushAllow(allow, `${prefix}${method}/*`);
  }
  for (const route of rules.routes) {
    const satisfied = findMissingScopes(scopes, route.scopes).length === 0;
    if (!satisfied && route.method === '*' && route.arnPath.startsWith('*')) {
      // The one place `*` in the method place is exact: `{stage}/*/*rest` matches `VERB/path`
      // exactly when `*rest` matches the path, as whatever the method `*` spans past the first `/`
      // the path's own leading `*` spans as well. It denies unknown methods too, as the decision does.
      pushUnique(deny, denyResource(`${prefix}*/${route.arnPath}`));
      continue;
    }
    for (const method of route.method === '*' ? HTTP_METHODS : [route.method]) {
      const resource = `${prefix}${method}/${route.arnPath}`;
      if (!satisfied) pushUnique(deny, denyResource(resource));
      else if (!unmatchedAllowed) pushAllow(allow, resource);
    }
  }
  const statements: PolicyStatement[] = [];
  if (allow.length > 0) statements.push(statement('Allow', allow));
  if (deny.length > 0) statements.push(statement('Deny', deny));
  if (statements.length === 0) statements.push(statement('Deny', [everything]));
  return { Version: '2012-10-17', Statement: statements };
}
