import type { DestroyConfig } from './config.js';
import type { Facts, Step } from './step.js';
import { authorizerRemovalStep } from './steps/authorizer.js';
import { replayTableRemovalStep } from './steps/bound-tokens.js';
import { executionRoleRemovalStep } from './steps/execution-role.js';
import { functionRemovalStep } from './steps/function.js';
import { gatewayResponsesRemovalStep } from './steps/gateway-responses.js';
import { invokePermissionRemovalStep } from './steps/invoke-permission.js';
import { invokerRoleDestroyStep } from './steps/invoker-role.js';
import { restApiCheckStep } from './steps/rest-api.js';
import { v2ApiCheckStep, v2AuthorizerRemovalStep } from './steps/v2-api.js';

/** What the destroy steps found. */
export interface DestroyState {
  facts: Facts;
}

/** One step of `destroy`. */
export type DestroyStep = Step<DestroyConfig, DestroyState>;

/**
 * The steps of `destroy`, in the order they run: the reverse of deploy's. The API is checked
 * before anything is deleted; each role goes last, after what used it.
 */
export const DESTROY_STEPS: readonly DestroyStep[] = [
  restApiCheckStep,
  v2ApiCheckStep,
  authorizerRemovalStep,
  v2AuthorizerRemovalStep,
  gatewayResponsesRemovalStep,
  invokePermissionRemovalStep,
  functionRemovalStep,
  invokerRoleDestroyStep,
  executionRoleRemovalStep,
  replayTableRemovalStep,
];
