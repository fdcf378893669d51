import type { DeployConfig } from './config.js';
import { DEPLOY_STEPS, type DeployState, need } from './deploy-steps.js';
import type { LambdaZip } from './lambda-zip.js';
import { formatDeploySummary } from './plan.js';
import type { Facts } from './step.js';
import type { StepContext } from './step-context.js';

/** What a deploy leaves behind. */
export interface DeployResult {
  /** The function's execution role. */
  roleArn: string;
  /** The role API Gateway assumes to invoke the function (`--invoke-permission role` only). */
  invokerRoleArn: string | undefined;
  functionArn: string;
  authorizerId: string | undefined;
  stageUrl: string | undefined;
}

/**
 * Deploys the authorizer by running {@link DEPLOY_STEPS} in order: the execution role, in `role` invoke
 * mode the invoker role, the Lambda function and, with an API id, the authorizer (REST TOKEN or
 * REQUEST; HTTP or WebSocket REQUEST with its resource-policy permission), the routes with `--attach`
 * and a deployment of a stage that does not deploy itself. Every resource is read first and changed only when it differs, so a second
 * run with nothing changed makes no mutating call. Prints the short plan, then each step as it
 * happens, then the ARNs.
 *
 * What a role stops being trusted for is removed last, after the stage deployment that stops using
 * it: the single role of earlier deploys keeps working for API Gateway until the stage has switched to
 * the invoker role (or to the resource policy), so requests never meet a role they cannot use.
 *
 * @param facts filled with what each step read (the facts the plan's conditions name)
 * @throws DeployError from any step (`REST_API_NOT_FOUND`, `STAGE_NOT_FOUND`, `ROLE_CONFLICT`, `ACCESS_DENIED`, `THROTTLED`, …)
 */
export async function runDeploy(
  context: StepContext,
  config: DeployConfig,
  zip: LambdaZip,
  facts: Facts = {},
): Promise<DeployResult> {
  const { reporter } = context;
  for (const line of formatDeploySummary(config, context.region, zip)) reporter.line(line);
  reporter.line('Steps');

  const state: DeployState = { zip, facts, retiredInvoker: 'absent' };
  for (const step of DEPLOY_STEPS) await step.ensure(context, config, state);

  const role = need(state.executionRole, 'the execution role');
  const fn = need(state.function, 'the function');
  reporter.line('Done');
  reporter.line(`  role ARN       ${role.roleArn}`);
  if (state.invokerRole) reporter.line(`  invoker role   ${state.invokerRole.roleArn}`);
  reporter.line(`  function ARN   ${fn.functionArn}`);
  const authorizerId = state.authorizer?.authorizerId ?? state.v2Authorizer?.authorizerId;
  reporter.line(`  authorizer id  ${authorizerId ?? '(none: no API id given)'}`);
  if (state.stageUrl) reporter.line(`  stage URL      ${state.stageUrl}`);
  return {
    roleArn: role.roleArn,
    invokerRoleArn: state.invokerRole?.roleArn,
    functionArn: fn.functionArn,
    authorizerId,
    stageUrl: state.stageUrl,
  };
}
