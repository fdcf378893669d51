import type { DestroyConfig } from './config.js';
import { DESTROY_STEPS, type DestroyState } from './destroy-steps.js';
import type { Facts } from './step.js';
import type { StepContext } from './step-context.js';

/**
 * Removes what deploy created by running {@link DESTROY_STEPS} in order: the authorizer (after setting
 * the methods that use it back to no authorization), the resource-policy permission, the function, the
 * invoker role (only if deploy created it) and the execution role, each role with its policies. What
 * is already gone is reported as absent. The stage is not redeployed: it keeps serving its last
 * deployment, which fails closed (500) once the function is gone, rather than opening the API.
 *
 * @param facts filled with what each step read (the facts the plan's conditions name)
 * @throws DeployError `REST_API_NOT_FOUND` before anything is deleted; `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function runDestroy(
  context: StepContext,
  config: DestroyConfig,
  facts: Facts = {},
): Promise<void> {
  context.reporter.line(`Destroy (region ${context.region})`);
  const state: DestroyState = { facts };
  for (const step of DESTROY_STEPS) await step.ensure(context, config, state);
}
