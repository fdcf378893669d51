import type { EnsureAuthorizerResult } from './authorizer.js';
import type { DeployConfig } from './config.js';
import type { EnsureFunctionResult } from './function.js';
import type { InvokerRoleResult, InvokerRoleState } from './invoker-role.js';
import type { LambdaZip } from './lambda-zip.js';
import type { StageChoice } from './rest-api.js';
import type { ExecutionRoleResult } from './role.js';
import type { Facts, Step } from './step.js';
import { authorizerStep } from './steps/authorizer.js';
import { executionRoleStep } from './steps/execution-role.js';
import { executionRoleLeftoversStep } from './steps/execution-role-leftovers.js';
import { functionStep } from './steps/function.js';
import { invokePermissionStep } from './steps/invoke-permission.js';
import { invokerRoleLookupStep, invokerRoleRemovalStep, invokerRoleStep } from './steps/invoker-role.js';
import { methodsStep } from './steps/methods.js';
import { restApiStep } from './steps/rest-api.js';
import { stageDeploymentStep } from './steps/stage-deployment.js';

/** What the deploy steps hand on to the ones after them, and what they found. */
export interface DeployState {
  zip: LambdaZip;
  facts: Facts;
  stage?: StageChoice;
  executionRole?: ExecutionRoleResult;
  invokerRole?: InvokerRoleResult;
  /** What deploy found under the invoker role's name in `resource-policy` mode. */
  retiredInvoker: InvokerRoleState;
  function?: EnsureFunctionResult;
  authorizer?: EnsureAuthorizerResult;
  stageUrl?: string;
}

/** One step of `deploy`. */
export type DeployStep = Step<DeployConfig, DeployState>;

/**
 * The steps of `deploy`, in the order they run. The REST API is checked before anything is made; the
 * invoker role is made before the function, so IAM has the function's update time to propagate it;
 * what a role stops being trusted for is removed last, after the stage deployment that stops using it.
 */
export const DEPLOY_STEPS: readonly DeployStep[] = [
  restApiStep,
  executionRoleStep,
  invokerRoleStep,
  invokerRoleLookupStep,
  functionStep,
  invokePermissionStep,
  authorizerStep,
  methodsStep,
  stageDeploymentStep,
  invokerRoleRemovalStep,
  executionRoleLeftoversStep,
];

/**
 * Reads a value an earlier step leaves in the state.
 *
 * @throws Error when that step has not run: the step list is in the wrong order
 */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`deploy step order: ${what} is needed before it is made`);
  return value;
}
