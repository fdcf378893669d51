import type { LambdaZip } from './lambda-zip.js';
import type { StepContext } from './step-context.js';

/**
 * What the steps find in the account, by name. Each fact is what one read returned (GetRole found the
 * role, the zip's hash differs from CodeSha256, …); a planned call's condition is written over them.
 * `yes` and `no` are how the dry run prints the fact and its negation.
 */
export const FACTS = {
  stageExists: { yes: 'the stage exists', no: 'the stage does not exist yet' },
  executionRoleExists: { yes: 'the execution role exists', no: 'the execution role is missing' },
  logsPolicyAttached: {
    yes: 'AWSLambdaBasicExecutionRole is attached',
    no: 'AWSLambdaBasicExecutionRole is not attached',
  },
  executionRoleTrustDiffers: {
    yes: "the execution role's trust policy is not the Lambda-only one (a single-role deploy left it)",
    no: "the execution role's trust policy is the Lambda-only one",
  },
  executionRoleHasInvokePolicy: {
    yes: 'the execution role still has the invoke policy (a single-role deploy left it)',
    no: 'the execution role has no invoke policy',
  },
  invokerRoleExists: { yes: 'the invoker role exists', no: 'the invoker role is missing' },
  invokerRoleMadeByDeploy: {
    yes: 'deploy created the invoker role (its description says so)',
    no: 'the invoker role is missing or deploy did not create it',
  },
  invokerTrustMatches: {
    yes: 'the invoker role trusts what it should',
    no: 'the invoker role trusts anything else',
  },
  invokerPolicyMatches: {
    yes: 'the invoke policy is the wanted one',
    no: 'the invoke policy is missing or different',
  },
  functionExists: { yes: 'the function exists', no: 'the function is missing' },
  functionBusy: {
    yes: 'an update of the function is in progress',
    no: 'no update of the function is in progress',
  },
  codeDiffers: { yes: "CodeSha256 differs from the zip's", no: "CodeSha256 is the zip's" },
  configurationDiffers: {
    yes: 'runtime, handler, timeout, memory, role, description or environment differ',
    no: 'the configuration is the wanted one',
  },
  permissionPresent: {
    yes: "the API's statement is in the resource policy",
    no: "the API's statement is not in the resource policy",
  },
  permissionMatches: {
    yes: "the statement's SourceArn is the wanted one",
    no: "the statement's SourceArn differs",
  },
  authorizerExists: { yes: 'the authorizer exists', no: 'the authorizer is missing' },
  authorizerDiffers: { yes: 'a field of the authorizer differs', no: 'the authorizer is the wanted one' },
  stageAutoDeploys: {
    yes: 'the stage deploys itself (auto-deploy)',
    no: 'the stage does not deploy itself',
  },
  authorizerInUse: {
    yes: 'a route uses the authorizer',
    no: 'no route uses the authorizer',
  },
  replayTableExists: { yes: 'the DPoP replay table exists', no: 'the DPoP replay table is missing' },
  replayTableTtlOn: {
    yes: 'TTL is on, on expiresAt',
    no: 'TTL is off',
  },
  replayTableMadeByDeploy: {
    yes: 'deploy created the replay table (its tag says so)',
    no: 'the replay table is missing or deploy did not create it',
  },
  boundTokenPolicyMatches: {
    yes: 'the bound-token policy is the wanted one',
    no: 'the bound-token policy is missing or different',
  },
  corsDiffers: {
    yes: "the API's CORS configuration differs from the wanted one",
    no: "the API's CORS configuration is the wanted one",
  },
} as const;

/** How many of something the steps found: a call planned `each` is made once per item. */
export const COUNTS = {
  unprotectedMethods: 'method with no authorization (not OPTIONS)',
  methodsUsingAuthorizer: 'method that uses the authorizer',
  unprotectedRoutes: 'selected route with no authorization',
  routesUsingAuthorizer: 'route that uses the authorizer',
  gatewayResponsesToPut: "gateway response that is missing or deploy's and differs",
  gatewayResponsesByDeploy: 'gateway response deploy put',
  invokerRoleManagedPolicies: 'managed policy attached to the invoker role',
  invokerRoleInlinePolicies: 'inline policy of the invoker role',
  executionRoleManagedPolicies: 'managed policy attached to the execution role',
  executionRoleInlinePolicies: 'inline policy of the execution role',
} as const;

export type FactName = keyof typeof FACTS;
export type CountName = keyof typeof COUNTS;

/** The facts and counts one run found; a name is absent until a step has read it. */
export type Facts = { [name in FactName]?: boolean } & { [name in CountName]?: number };

/** When a planned call is made, over the facts: data, so the plan can be printed and checked. */
export type Condition =
  | { fact: FactName; is: boolean }
  | { some: CountName }
  | { anyOf: readonly Condition[] }
  | { allOf: readonly Condition[] };

/** The condition that `name` holds. */
export const fact = (name: FactName): Condition => ({ fact: name, is: true });
/** The condition that `name` does not hold. */
export const not = (name: FactName): Condition => ({ fact: name, is: false });
/** The condition that at least one `name` was found. */
export const some = (name: CountName): Condition => ({ some: name });
/** Holds when one of `conditions` holds (checked in order: later ones may name facts read only then). */
export const anyOf = (...conditions: Condition[]): Condition => ({ anyOf: conditions });
/** Holds when every one of `conditions` holds (checked in order, like `&&`). */
export const allOf = (...conditions: Condition[]): Condition => ({ allOf: conditions });

/** One AWS call a step makes: which call, on what, under which condition. */
export interface PlannedCall {
  service: 'iam' | 'lambda' | 'apigateway' | 'apigatewayv2' | 'dynamodb';
  /** The API operation, as the SDK command is named without `Command`. */
  operation: string;
  /** What the call acts on: `role NAME`, `function NAME`, `REST API ID`, … */
  resource: string;
  /** When the call is made; without one, whenever the step runs. */
  when?: Condition;
  /** Made once for each item of this count instead of once. */
  each?: CountName;
  /** What it sends or why, never a secret value. */
  detail?: string;
}

/** Where the plan is for: the region, the account (a placeholder in a dry run) and the zip, if any. */
export interface PlanTarget {
  region: string;
  accountId: string;
  zip: LambdaZip | undefined;
}

/**
 * One step of a command: the calls it makes with their conditions (`plan`), and the code that makes
 * them (`ensure`). Both decide from the same config, so a step that does not apply to it plans nothing
 * and does nothing.
 */
export interface Step<Config, State> {
  /** Names the step in tests and messages. */
  readonly name: string;
  /** What the step makes or removes, for the short plan printed before a run. */
  summary?(config: Config, target: PlanTarget): string[];
  /** Every call the step may make for this config, in order. */
  plan(config: Config, target: PlanTarget): PlannedCall[];
  /** The policy documents the step writes, printed by the dry run. */
  documents?(config: Config, target: PlanTarget): string[];
  /** Reads, compares and changes what differs, recording in `state.facts` what it read. */
  ensure(context: StepContext, config: Config, state: State): Promise<void>;
}

/**
 * Prints a condition over the facts, the way the dry run shows it.
 *
 * @example
 * ```ts
 * describeCondition(anyOf(not('functionExists'), fact('codeDiffers')));
 * // 'the function is missing or CodeSha256 differs from the zip's'
 * ```
 */
export function describeCondition(condition: Condition): string {
  if ('fact' in condition) return FACTS[condition.fact][condition.is ? 'yes' : 'no'];
  if ('some' in condition) return `there is a ${COUNTS[condition.some]}`;
  const [joiner, parts] = 'anyOf' in condition ? [' or ', condition.anyOf] : [' and ', condition.allOf];
  return parts
    .map((part) =>
      ('anyOf' in part || 'allOf' in part) && parts.length > 1
        ? `(${describeCondition(part)})`
        : describeCondition(part),
    )
    .join(joiner);
}

function read<T>(facts: Facts, name: FactName | CountName): T {
  const value = (facts as Record<string, unknown>)[name];
  // A condition that names a fact no step has read is a plan that does not match its code.
  if (value === undefined) throw new Error(`the plan's condition names ${name}, which no step read`);
  return value as T;
}

/**
 * Tells whether a condition holds over what a run found, checking in order and stopping as `&&`/`||`
 * do, so a condition may name a fact only read when the ones before it held.
 *
 * @throws Error when it names a fact the run did not read: the plan and its step disagree
 */
export function conditionHolds(condition: Condition | undefined, facts: Facts): boolean {
  if (condition === undefined) return true;
  if ('fact' in condition) return read<boolean>(facts, condition.fact) === condition.is;
  if ('some' in condition) return read<number>(facts, condition.some) > 0;
  if ('anyOf' in condition) return condition.anyOf.some((part) => conditionHolds(part, facts));
  return condition.allOf.every((part) => conditionHolds(part, facts));
}

/**
 * The calls a plan says are made when these facts hold, in order, each as `service:Operation`:
 * what a run that found `facts` must have sent.
 *
 * @throws Error when a condition names a fact the run did not read
 */
export function selectCalls(calls: readonly PlannedCall[], facts: Facts): string[] {
  return calls.flatMap((call) => {
    if (!conditionHolds(call.when, facts)) return [];
    const times = call.each === undefined ? 1 : read<number>(facts, call.each);
    return Array.from({ length: times }, () => `${call.service}:${call.operation}`);
  });
}

/**
 * Formats planned calls as aligned, numbered lines: the call, what it acts on, when, and with what.
 *
 * @example
 * ```ts
 * formatCalls([{ service: 'iam', operation: 'GetRole', resource: 'role r' }]);
 * // ['   1. iam:GetRole                               role r']
 * ```
 */
export function formatCalls(calls: readonly PlannedCall[]): string[] {
  return calls.map((call, index) => {
    const when = [
      call.when ? `if ${describeCondition(call.when)}` : undefined,
      call.each ? `for each ${COUNTS[call.each]}` : undefined,
    ].filter(Boolean);
    const target = `${call.resource}${when.length > 0 ? `, ${when.join(', ')}` : ''}`;
    return `  ${String(index + 1).padStart(2)}. ${`${call.service}:${call.operation}`.padEnd(39)} ${target}${call.detail ? `: ${call.detail}` : ''}`;
  });
}
