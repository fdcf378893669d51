import type { EnsureV2AuthorizerResult, V2Api, V2Stage } from './api-v2.js';
import type { EnsureAuthorizerResult } from './authorizer.js';
import type { DeployConfig } from './config.js';
import type { EnsureFunctionResult } from './function.js';
import type { InvokerRoleResult, InvokerRoleState } from './invoker-role.js';
import type { LambdaZip } from './lambda-zip.js';
import type { StageChoice } from './rest-api.js';
import type { ExecutionRoleResult } from './role.js';
import type { Facts, Step } from './step.js';
import { authorizerStep } from './steps/authorizer.js';
import { boundTokenGrantsStep, replayTableStep } from './steps/bound-tokens.js';
import { executionRoleStep } from './steps/execution-role.js';
import { executionRoleLeftoversStep } from './steps/execution-role-leftovers.js';
import { functionStep } from './steps/function.js';
import { gatewayResponsesStep } from './steps/gateway-responses.js';
import { invokePermissionStep } from './steps/invoke-permission.js';
import { invokerRoleLookupStep, invokerRoleRemovalStep, invokerRoleStep } from './steps/invoker-role.js';
import { methodsStep } from './steps/methods.js';
import { restApiStep } from './steps/rest-api.js';
import { stageDeploymentStep } from './steps/stage-deployment.js';
import {
  v2ApiStep,
  v2AuthorizerStep,
  v2CorsStep,
  v2DeploymentStep,
  v2PermissionStep,
  v2RoutesStep,
} from './steps/v2-api.js';

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
  /** The HTTP or WebSocket API, its stage and its authorizer. */
  v2Api?: V2Api;
  v2Stage?: V2Stage;
  v2Authorizer?: EnsureV2AuthorizerResult;
  /** The DPoP replay table's ARN, as DescribeTable gave it. */
  replayTableArn?: string | undefined;
}

/** One step of `deploy`. */
export type DeployStep = Step<DeployConfig, DeployState>;

/**
 * The steps of `deploy`, in the order they run. The API (REST, HTTP or WebSocket) is checked before anything is made; the
 * invoker role is made before the function, so IAM has the function's update time to propagate it;
 * what a role stops being trusted for is removed last, after the stage deployment that stops using it.
 */
export const DEPLOY_STEPS: readonly DeployStep[] = [
  restApiStep,
  v2ApiStep,
  replayTableStep,
  executionRoleStep,
  boundTokenGrantsStep,
  invokerRoleStep,
  invokerRoleLookupStep,
  functionStep,
  invokePermissionStep,
  authorizerStep,
  v2AuthorizerStep,
  v2PermissionStep,
  methodsStep,
  gatewayResponsesStep,
  v2RoutesStep,
  v2CorsStep,
  stageDeploymentStep,
  v2DeploymentStep,
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
