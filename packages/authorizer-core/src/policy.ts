import { type ClaimCheck, claimCheckKey } from './claim-conditions.js';
import type { AuthorizerContext } from './context.js';
import { type MethodArn, stageArnPrefix } from './method-arn.js';
import { type CompiledRoute, HTTP_METHODS, type PolicyMode, WEBSOCKET_CONNECT } from './options.js';
import { routeIndexFor } from './route-index.js';
import { type CompiledRule, satisfiesScopes } from './rules.js';

/** Longest `Resource` ARN API Gateway accepts in a policy statement. */
export const MAX_RESOURCE_LENGTH = 512;

/** Largest result (policy, principal and context, as JSON) a WebSocket API accepts from its authorizer. */
export const MAX_WEBSOCKET_RESULT_BYTES = 8192;

/**
 * Largest result a REST or HTTP API authorizer answer may be, as JSON: Lambda's 6 MB limit on a
 * synchronous invocation's response (API Gateway documents no smaller limit for these APIs), taken
 * as 6,000,000 bytes so that it holds whichever megabyte is meant.
 */
export const MAX_RESULT_BYTES = 6_000_000;

/**
 * An api-mode policy whose size bound stays at or under this is never measured: what the result
 * holds besides the policy (principal, context, usage key) comes from the token, which API Gateway
 * caps far below the remaining margin (10,240 bytes of request line and headers on HTTP APIs).
 */
export const POLICY_CHECK_BYTES = 1_048_576;

/**
 * The longest stage prefix a method ARN can have, for the cold-start bound: the longest partition,
 * a long region, a 12-digit account, a 10-character API id and a 128-character stage name.
 */
const LONGEST_STAGE_PREFIX = `arn:aws-us-gov:execute-api:${'r'.repeat(20)}:${'1'.repeat(12)}:${'a'.repeat(10)}/${'s'.repeat(128)}/`;

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
  /** The API key of a usage plan (REST APIs whose API key source is `AUTHORIZER`), from `usageIdentifierClaim`. */
  usageIdentifierKey?: string;
}

/** The HTTP API simple response. */
export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context: AuthorizerContext;
}

/** Whether the token may call one route, and which scopes or claims it lacks for it. */
export interface RouteDecision {
  readonly allowed: boolean;
  /**
   * Scopes the token lacks; empty when allowed, or when the route is refused as unmatched or for
   * claims only. For an any-of set the token holds none of, every scope of the set.
   */
  readonly missingScopes: readonly string[];
  /**
   * Names of the claims (as configured, never their values) whose conditions the token fails for
   * this route; absent when it fails none.
   */
  readonly failedClaims?: readonly string[];
}

/** The claims set rules read: the verified token's claims. */
export type Claims = Readonly<Record<string, unknown>>;

/** The authorization rules a policy is computed from. */
export interface PolicyRules {
  readonly requiredScopes: readonly string[];
  /** One of these is required everywhere (empty or absent: none). */
  readonly requiredAnyScopes?: readonly string[];
  readonly routes: readonly CompiledRoute[] | undefined;
  readonly unmatchedRoutes: 'allow' | 'deny';
  readonly policyMode: PolicyMode;
}

const NO_SCOPES: readonly string[] = Object.freeze([]);
const NO_ROUTES: readonly CompiledRoute[] = Object.freeze([]);
const ALLOWED: RouteDecision = Object.freeze({ allowed: true, missingScopes: NO_SCOPES });
const NOT_ALLOWED: RouteDecision = Object.freeze({ allowed: false, missingScopes: NO_SCOPES });

function pushScope(list: string[] | undefined, scope: string): string[] {
  if (list === undefined) return [scope];
  if (!list.includes(scope)) list.push(scope);
  return list;
}

/** Adds what `granted` lacks of `allOf` and of `anyOf` (every scope of it when it holds none). */
function addMissing(
  missing: string[] | undefined,
  granted: readonly string[],
  allOf: readonly string[],
  anyOf: readonly string[],
): string[] | undefined {
  for (const scope of allOf) if (!granted.includes(scope)) missing = pushScope(missing, scope);
  if (anyOf.length > 0 && !anyOf.some((scope) => granted.includes(scope))) {
    for (const scope of anyOf) missing = pushScope(missing, scope);
  }
  return missing;
}

export function routeMatches(route: CompiledRoute, method: string, resourcePath: string): boolean {
  const methodMatches = route.method === '*' ? method !== WEBSOCKET_CONNECT : route.method === method;
  return methodMatches && route.pattern.test(resourcePath);
}

/**
 * Decides one route: the token needs the globally required scopes and what every rule that matches
 * the route requires (its scope sets and claim conditions, read from `claims`; without `claims` a
 * claim condition always fails); a route no rule matches follows `unmatchedRoutes`. When route rules are set, a
 * method outside {@link HTTP_METHODS} (`TRACE`, `PROPFIND`, a lower-case `get`) is refused whatever
 * the scopes. This is the same decision IAM reaches on the `api`-mode policy, where Deny statements
 * win over Allow ones. The WebSocket `$connect` route is matched only by a `$connect` rule (HTTP
 * rules, `ANY /*` included, never match it); without one it follows `unmatchedRoutes`.
 *
 * @example
 * evaluateRoute(rules, ['read:pets'], 'GET', 'pets/42') // { allowed: true, missingScopes: [] }
 */
export function evaluateRoute(
  rules: PolicyRules,
  scopes: readonly string[],
  method: string,
  resourcePath: string,
  claims?: Claims,
): RouteDecision {
  return decideRoute(rules, method, resourcePath, verdictsFor(rules.routes, scopes, claims));
}

// Per-table plan of the distinct claim checks and rules, so that one call evaluates each once.

/** A rule of the table: the indexes of its scope sets and of its claim checks in the plan. */
interface PlannedRule {
  readonly scopes: number;
  readonly checks: readonly number[];
}

/** The distinct checks and rules of a route table, and which rule each route has. */
interface RulePlan {
  /** Rules' scope sets (`allOf` and `anyOf`), each distinct pair once. */
  readonly scopeSets: readonly CompiledRule[];
  /** Checks that read the same claim and test it alike (see claimCheckKey) appear once. */
  readonly checks: readonly ClaimCheck[];
  /** Rules with the same scope sets and the same checks appear once. */
  readonly rules: readonly PlannedRule[];
  /** For each route of the table, its rule's index in `rules`. */
  readonly ruleOf: readonly number[];
  /** Per scope set, check and rule: the call that last judged it, and the verdict it reached then. */
  readonly scopeCall: Float64Array;
  readonly scopePassed: Uint8Array;
  readonly checkCall: Float64Array;
  readonly checkPassed: Uint8Array;
  readonly ruleCall: Float64Array;
  readonly rulePassed: Uint8Array;
}

const planCache = new WeakMap<readonly CompiledRoute[], RulePlan>();

function buildPlan(routes: readonly CompiledRoute[]): RulePlan {
  const scopeSets: CompiledRule[] = [];
  const scopeIds = new Map<string, number>();
  const checks: ClaimCheck[] = [];
  const checkIds = new Map<string | ClaimCheck, number>();
  const rules: PlannedRule[] = [];
  const ruleIds = new Map<string, number>();
  const ruleOf: number[] = [];
  for (const { rule } of routes) {
    const ids: number[] = [];
    for (const check of rule.claims) {
      // A check without a key (built by hand rather than compiled from options) is its own.
      const key = claimCheckKey(check) ?? check;
      let id = checkIds.get(key);
      if (id === undefined) {
        id = checks.push(check) - 1;
        checkIds.set(key, id);
      }
      ids.push(id);
    }
    const scopesKey = JSON.stringify([rule.allOf, rule.anyOf]);
    let scopes = scopeIds.get(scopesKey);
    if (scopes === undefined) {
      scopes = scopeSets.push(rule) - 1;
      scopeIds.set(scopesKey, scopes);
    }
    const key = JSON.stringify([scopes, ids]);
    let id = ruleIds.get(key);
    if (id === undefined) {
      id = rules.push({ scopes, checks: ids }) - 1;
      ruleIds.set(key, id);
    }
    ruleOf.push(id);
  }
  return {
    scopeSets,
    checks,
    rules,
    ruleOf,
    scopeCall: new Float64Array(scopeSets.length),
    scopePassed: new Uint8Array(scopeSets.length),
    checkCall: new Float64Array(checks.length),
    checkPassed: new Uint8Array(checks.length),
    ruleCall: new Float64Array(rules.length),
    rulePassed: new Uint8Array(rules.length),
  };
}

function planFor(routes: readonly CompiledRoute[]): RulePlan {
  let plan = planCache.get(routes);
  if (plan === undefined || plan.ruleOf.length !== routes.length) {
    plan = buildPlan(routes);
    planCache.set(routes, plan);
  }
  return plan;
}

// Numbers the calls: a verdict recorded under another call's number is stale. A Float64Array
// holds every integer up to 2^53 exactly, more calls than a process makes.
let lastCall = 0;

/** One token's verdicts on a route table, each check and rule judged at most once. */
interface Verdicts {
  readonly plan: RulePlan | undefined;
  readonly call: number;
  readonly scopes: readonly string[];
  readonly claims: Claims | undefined;
}

function verdictsFor(
  routes: readonly CompiledRoute[] | undefined,
  scopes: readonly string[],
  claims: Claims | undefined,
): Verdicts {
  return { plan: routes === undefined ? undefined : planFor(routes), call: ++lastCall, scopes, claims };
}

/** Whether the token passes check `id` of the plan; without claims no check passes (deny by default). */
function checkPasses(verdicts: Verdicts, plan: RulePlan, id: number): boolean {
  if (plan.checkCall[id] === verdicts.call) return plan.checkPassed[id] === 1;
  const check = plan.checks[id] as ClaimCheck;
  const { claims } = verdicts;
  const passed = claims !== undefined && check.test(check.read(claims));
  plan.checkCall[id] = verdicts.call;
  plan.checkPassed[id] = passed ? 1 : 0;
  return passed;
}

/** Whether the token holds the scopes of scope set `id` of the plan. */
function scopesHeld(verdicts: Verdicts, plan: RulePlan, id: number): boolean {
  if (plan.scopeCall[id] === verdicts.call) return plan.scopePassed[id] === 1;
  const passed = satisfiesScopes(plan.scopeSets[id] as CompiledRule, verdicts.scopes);
  plan.scopeCall[id] = verdicts.call;
  plan.scopePassed[id] = passed ? 1 : 0;
  return passed;
}

/** Whether the token satisfies the rule of route `index`: the same answer as satisfiesRule. */
function ruleSatisfied(verdicts: Verdicts, plan: RulePlan, index: number): boolean {
  const id = plan.ruleOf[index] as number;
  if (plan.ruleCall[id] === verdicts.call) return plan.rulePassed[id] === 1;
  const planned = plan.rules[id] as PlannedRule;
  let passed = scopesHeld(verdicts, plan, planned.scopes);
  for (let k = 0; passed && k < planned.checks.length; k++) {
    passed = checkPasses(verdicts, plan, planned.checks[k] as number);
  }
  plan.ruleCall[id] = verdicts.call;
  plan.rulePassed[id] = passed ? 1 : 0;
  return passed;
}

function decideRoute(
  rules: PolicyRules,
  method: string,
  resourcePath: string,
  verdicts: Verdicts,
): RouteDecision {
  const { scopes, plan } = verdicts;
  let missing = addMissing(undefined, scopes, rules.requiredScopes, rules.requiredAnyScopes ?? NO_SCOPES);
  // The policy can only name the seven methods (see buildPolicyDocument), so the decision refuses
  // every other one too: that keeps the two in agreement for any verb the ARN carries.
  if (rules.routes !== undefined && method !== WEBSOCKET_CONNECT && !HTTP_METHODS.includes(method)) {
    return missing === undefined ? NOT_ALLOWED : { allowed: false, missingScopes: missing };
  }
  const routes = rules.routes;
  let matched = routes === undefined;
  let failedClaims: string[] | undefined;
  // The index leaves out only rules that cannot match; every candidate is still tested, in table
  // order. A small table has no index: every rule is tested.
  const all = routes ?? NO_ROUTES;
  const candidates =
    routes === undefined ? undefined : routeIndexFor(routes)?.candidates(method, resourcePath);
  const count = candidates === undefined ? all.length : candidates.length;
  for (let k = 0; k < count; k++) {
    const index = candidates === undefined ? k : (candidates[k] as number);
    const route = all[index] as CompiledRoute;
    if (!routeMatches(route, method, resourcePath)) continue;
    matched = true;
    const { rule } = route;
    missing = addMissing(missing, scopes, rule.allOf, rule.anyOf);
    if (rule.claims.length === 0) continue;
    const planned = (plan as RulePlan).rules[(plan as RulePlan).ruleOf[index] as number] as PlannedRule;
    for (let c = 0; c < planned.checks.length; c++) {
      if (checkPasses(verdicts, plan as RulePlan, planned.checks[c] as number)) continue;
      const { name } = (plan as RulePlan).checks[planned.checks[c] as number] as ClaimCheck;
      if (failedClaims === undefined) failedClaims = [name];
      else if (!failedClaims.includes(name)) failedClaims.push(name);
    }
  }
  if (failedClaims !== undefined)
    return { allowed: false, missingScopes: missing ?? NO_SCOPES, failedClaims };
  if (missing !== undefined) return { allowed: false, missingScopes: missing };
  return matched || rules.unmatchedRoutes === 'allow' ? ALLOWED : NOT_ALLOWED;
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

function pushEach(list: string[], values: readonly string[]): void {
  for (const value of values) list.push(value);
}

function pushEachUnique(list: string[], values: readonly string[]): void {
  for (const value of values) pushUnique(list, value);
}

/** An Allow resource longer than the limit is left out: deny by default. */
function pushAllow(list: string[], resource: string): void {
  if (resource.length <= MAX_RESOURCE_LENGTH) pushUnique(list, resource);
}

/** The resources of one route in a stage: what a Deny and an Allow of it name. */
interface RouteResources {
  readonly deny: readonly string[];
  /** Allow resources longer than the limit are left out: deny by default. */
  readonly allow: readonly string[];
}

const NO_RESOURCES: RouteResources = Object.freeze({ deny: NO_SCOPES, allow: NO_SCOPES });

function computeRouteResources(route: CompiledRoute, prefix: string): RouteResources {
  // A `$connect` rule has no place in the policy of HTTP routes (a `$connect` ARN is answered alone).
  if (route.method === WEBSOCKET_CONNECT) return NO_RESOURCES;
  if (route.method === '*' && route.arnPath.startsWith('*')) {
    // The one place `*` in the method place is exact: `{stage}/*/*rest` matches `VERB/path`
    // exactly when `*rest` matches the path, as whatever the method `*` spans past the first `/`
    // the path's own leading `*` spans as well. It denies unknown methods too, as the decision does.
    const allow: string[] = [];
    for (const method of HTTP_METHODS) pushAllow(allow, `${prefix}${method}/${route.arnPath}`);
    return { deny: [denyResource(`${prefix}*/${route.arnPath}`)], allow };
  }
  const deny: string[] = [];
  const allow: string[] = [];
  for (const method of route.method === '*' ? HTTP_METHODS : [route.method]) {
    const resource = `${prefix}${method}/${route.arnPath}`;
    pushUnique(deny, denyResource(resource));
    pushAllow(allow, resource);
  }
  return { deny, allow };
}

// The resource strings of each route, per stage prefix, built once: a policy then only picks them.
// Keyed by the compiled routes array (one per authorizer) and bounded in stages per API.
interface StageResources {
  readonly routes: readonly RouteResources[];
  /** No resource appears in two routes' Allow lists, nor in two routes' Deny lists: no de-duplication needed. */
  readonly distinct: boolean;
  /** An upper bound on the JSON size (UTF-8 bytes) of any api-mode policy document of this stage. */
  readonly bytesBound: number;
}

/** Printable ASCII that JSON leaves as it is (no `"`, no `\\`): one byte a character. */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON bytes of a list of resources inside an array: each quoted and escaped, with its comma. */
function jsonBytes(list: readonly string[]): number {
  let bytes = 0;
  for (const item of list) {
    bytes += JSON_PLAIN.test(item) ? item.length + 3 : Buffer.byteLength(JSON.stringify(item)) + 1;
  }
  return bytes;
}

/**
 * The bound: every route adds either its Allow or its Deny resources (the larger counted), plus the
 * seven per-method Allow resources of unmatched routes, the stage-wide resource and the fixed text
 * of the document and its two statements.
 */
function policyBytesBound(perRoute: readonly RouteResources[], prefix: string): number {
  let bytes = 256 + 2 * Buffer.byteLength(JSON.stringify(`${prefix}*`));
  for (const method of HTTP_METHODS) bytes += Buffer.byteLength(JSON.stringify(`${prefix}${method}/*`)) + 1;
  for (const route of perRoute) bytes += Math.max(jsonBytes(route.allow), jsonBytes(route.deny));
  return bytes;
}

function allDistinct(lists: readonly (readonly string[])[]): boolean {
  const seen = new Set<string>();
  for (const list of lists) {
    for (const item of list) {
      if (seen.has(item)) return false;
      seen.add(item);
    }
  }
  return true;
}

const resourceCache = new WeakMap<readonly CompiledRoute[], Map<string, StageResources>>();
const MAX_CACHED_PREFIXES = 16;

function routeResourcesFor(routes: readonly CompiledRoute[], prefix: string): StageResources {
  let byPrefix = resourceCache.get(routes);
  if (byPrefix === undefined) {
    byPrefix = new Map();
    resourceCache.set(routes, byPrefix);
  }
  let resources = byPrefix.get(prefix);
  if (resources === undefined || resources.routes.length !== routes.length) {
    const perRoute = routes.map((route) => computeRouteResources(route, prefix));
    resources = {
      routes: perRoute,
      distinct: allDistinct(perRoute.map((r) => r.allow)) && allDistinct(perRoute.map((r) => r.deny)),
      bytesBound: policyBytesBound(perRoute, prefix),
    };
    if (byPrefix.size >= MAX_CACHED_PREFIXES) byPrefix.clear();
    byPrefix.set(prefix, resources);
  }
  return resources;
}

/** The stage prefix of an ARN and its routes' resources. */
interface StageOfArn {
  readonly routes: readonly CompiledRoute[] | undefined;
  readonly prefix: string;
  readonly stage: StageResources | undefined;
}

// The stage of the last frozen ARN (the authorizer parses one route called again and again once,
// and freezes it): the prefix is then neither rebuilt nor looked up by its text on every call. One
// slot: an ARN seen once costs two assignments, where a map would grow by an entry per call.
let lastStage: (StageOfArn & { readonly arn: MethodArn }) | undefined;

function stageOf(routes: readonly CompiledRoute[] | undefined, arn: MethodArn): StageOfArn {
  const known = lastStage;
  // The length as well: routeResourcesFor rebuilds the resources when the table's length changed.
  if (
    known !== undefined &&
    known.arn === arn &&
    known.routes === routes &&
    (routes === undefined || known.stage?.routes.length === routes.length)
  ) {
    return known;
  }
  const prefix = stageArnPrefix(arn);
  const stage = routes === undefined ? undefined : routeResourcesFor(routes, prefix);
  const found = { arn, routes, prefix, stage };
  // Only a frozen ARN: the fields of another one may change while the object stays the same.
  if (Object.isFrozen(arn)) lastStage = found;
  return found;
}

/**
 * Builds the policy document for a token (its scopes and `claims`) calling `arn`.
 *
 * `api` mode covers the whole API stage, so the result stays right when API Gateway caches it for the
 * token and replays it on other routes: Allow the whole stage when there are no rules; otherwise
 * Allow the rules the token satisfies (or, when unmatched routes are allowed, every path of each of
 * the seven methods) and Deny the rules it does not. Allow resources longer than 512 characters are
 * left out (deny by default); longer Deny resources are shortened to a wildcard prefix, which denies
 * more, never less.
 * `method` mode allows or denies exactly `methodArn`; it denies when the ARN's path holds a literal
 * `*` or `?` (a wildcard in an Allow) or the ARN is longer than 512 characters.
 * A WebSocket `$connect` ARN gets the `method`-mode answer in either mode: API Gateway asks the
 * authorizer only on `$connect` and evaluates the policy only there (later messages of the
 * connection carry its context, not a new decision), and one statement keeps the answer far below
 * the WebSocket authorizer's 8 KB result limit whatever the number of rules.
 *
 * @example
 * buildPolicyDocument(rules, ['read:pets'], parseMethodArn(methodArn), methodArn).Statement
 */
export function buildPolicyDocument(
  rules: PolicyRules,
  scopes: readonly string[],
  arn: MethodArn,
  methodArn: string,
  claims?: Claims,
): PolicyDocument {
  return buildPolicy(rules, scopes, arn, methodArn, claims).document;
}

/** A policy document, and whether it was narrowed from api mode to method mode for its size. */
export interface BuiltPolicy {
  readonly document: PolicyDocument;
  /**
   * The api-mode policy would have passed {@link MAX_RESULT_BYTES}, so the document allows or denies
   * only `methodArn` (method mode): never more than the route decision, but correct under authorizer
   * caching only when caching is off (a cached answer covers the first route called only).
   */
  readonly narrowed: boolean;
}

function methodPolicy(arn: MethodArn, methodArn: string, allowed: boolean): PolicyDocument {
  // The path is the caller's: a literal `*` or `?` in it would be a wildcard in the cached Allow.
  const literal = !/[*?]/.test(arn.method) && !/[*?]/.test(arn.resourcePath);
  if (allowed && literal && methodArn.length <= MAX_RESOURCE_LENGTH) {
    return { Version: '2012-10-17', Statement: [statement('Allow', [methodArn])] };
  }
  return { Version: '2012-10-17', Statement: [statement('Deny', [denyResource(methodArn)])] };
}

/** Whether the JSON of `value` is longer than `limit` UTF-8 bytes. */
/** Whether `value` as JSON is over `limit` bytes (the length test first: most answers are ASCII). */
export function exceeds(value: unknown, limit: number): boolean {
  const json = JSON.stringify(value);
  return json.length > limit || Buffer.byteLength(json) > limit;
}

/**
 * {@link buildPolicyDocument}, saying whether the answer was narrowed: an api-mode policy whose
 * size bound passes {@link POLICY_CHECK_BYTES} is measured, and one larger than
 * {@link MAX_RESULT_BYTES} less the margin for the rest of the result is replaced by the
 * method-mode answer for `methodArn`.
 */
export function buildPolicy(
  rules: PolicyRules,
  scopes: readonly string[],
  arn: MethodArn,
  methodArn: string,
  claims?: Claims,
): BuiltPolicy {
  return policyFor(rules, arn, methodArn, verdictsFor(rules.routes, scopes, claims), undefined);
}

/** A route decision and the policy document that goes with it. */
export interface DecidedPolicy extends BuiltPolicy {
  /** {@link evaluateRoute} for the ARN's method and path. */
  readonly decision: RouteDecision;
}

/**
 * {@link evaluateRoute} for `arn` and {@link buildPolicy}, in one pass: each distinct rule and
 * claim condition is judged once, and a method-mode answer takes its Allow or Deny from the decision.
 */
export function decideAndBuildPolicy(
  rules: PolicyRules,
  scopes: readonly string[],
  arn: MethodArn,
  methodArn: string,
  claims?: Claims,
): DecidedPolicy {
  const verdicts = verdictsFor(rules.routes, scopes, claims);
  const decision = decideRoute(rules, arn.method, arn.resourcePath, verdicts);
  const built = policyFor(rules, arn, methodArn, verdicts, decision);
  return { decision, document: built.document, narrowed: built.narrowed };
}

function policyFor(
  rules: PolicyRules,
  arn: MethodArn,
  methodArn: string,
  verdicts: Verdicts,
  decision: RouteDecision | undefined,
): BuiltPolicy {
  // The decision for the ARN itself: the one passed in, made here only when there is none.
  const allowed = (): boolean =>
    (decision ?? decideRoute(rules, arn.method, arn.resourcePath, verdicts)).allowed;
  if (rules.policyMode === 'method' || arn.method === WEBSOCKET_CONNECT) {
    return { document: methodPolicy(arn, methodArn, allowed()), narrowed: false };
  }
  const { prefix, stage } = stageOf(rules.routes, arn);
  const document = apiPolicy(rules, prefix, verdicts, stage);
  if (stage !== undefined && stage.bytesBound > POLICY_CHECK_BYTES) {
    if (exceeds(document, MAX_RESULT_BYTES - POLICY_CHECK_BYTES)) {
      return { document: methodPolicy(arn, methodArn, allowed()), narrowed: true };
    }
  }
  return { document, narrowed: false };
}

/**
 * The largest api-mode policy document `rules` can produce, as JSON bytes, for the longest stage
 * prefix an ARN can have: above {@link MAX_RESULT_BYTES} less {@link POLICY_CHECK_BYTES}, some
 * tokens get the narrowed method-mode answer. 0 when the mode is `method` or there are no rules.
 */
export function largestApiPolicyBytes(rules: PolicyRules): number {
  if (rules.policyMode === 'method' || rules.routes === undefined) return 0;
  return policyBytesBound(
    rules.routes.map((route) => computeRouteResources(route, LONGEST_STAGE_PREFIX)),
    LONGEST_STAGE_PREFIX,
  );
}

function apiPolicy(
  rules: PolicyRules,
  prefix: string,
  verdicts: Verdicts,
  stage: StageResources | undefined,
): PolicyDocument {
  const everything = `${prefix}*`;
  const required = { allOf: rules.requiredScopes, anyOf: rules.requiredAnyScopes ?? NO_SCOPES, claims: [] };
  if (!satisfiesScopes(required, verdicts.scopes)) {
    return { Version: '2012-10-17', Statement: [statement('Deny', [everything])] };
  }
  if (rules.routes === undefined || stage === undefined) {
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
  const add = stage.distinct ? pushEach : pushEachUnique;
  const plan = verdicts.plan as RulePlan;
  for (let i = 0; i < rules.routes.length; i++) {
    // Rules depend on the token only, never on the route called: the same answer as evaluateRoute.
    const satisfied = ruleSatisfied(verdicts, plan, i);
    const resources = stage.routes[i] as RouteResources;
    if (!satisfied) add(deny, resources.deny);
    else if (!unmatchedAllowed) add(allow, resources.allow);
  }
  const statements: PolicyStatement[] = [];
  if (allow.length > 0) statements.push(statement('Allow', allow));
  if (deny.length > 0) statements.push(statement('Deny', deny));
  if (statements.length === 0) statements.push(statement('Deny', [everything]));
  return { Version: '2012-10-17', Statement: statements };
}
