import { attachAuthorizer } from './api-methods.js';
import {
  buildAuthorizersSourceArn,
  buildAuthorizerUri,
  buildFunctionArn,
  buildStageUrl,
  getPartition,
} from './arn.js';
import { ensureAuthorizer } from './authorizer.js';
import { DEFAULTS, type DeployConfig } from './config.js';
import { ensureFunction } from './function.js';
import { ensureInvokePermission } from './invoke-permission.js';
import {
  buildInvokerRoleName,
  ensureInvokerRole,
  INVOKER_PROPAGATION_WAIT_MS,
  type InvokerRoleResult,
  type InvokerRoleState,
  inspectInvokerRole,
  removeInvokerRole,
} from './invoker-role.js';
import type { LambdaZip } from './lambda-zip.js';
import { formatDeploySummary } from './plan.js';
import { checkRestApi, createStageDeployment, resolveStage, type StageChoice } from './rest-api.js';
import { ensureExecutionRole, removeExecutionRoleLeftovers } from './role.js';
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
 * Deploys the authorizer: the execution role, in `role` invoke mode the invoker role, the Lambda
 * function and, with a REST API id, the TOKEN authorizer and a deployment of the stage. Every resource
 * is read first and changed only when it differs, so a second run with nothing changed makes no
 * mutating call. Prints the short plan, then each step as it happens, then the ARNs.
 *
 * What a role stops being trusted for is removed last, after the stage deployment that stops using
 * it: the single role of earlier deploys keeps working for API Gateway until the stage has switched to
 * the invoker role (or to the resource policy), so requests never meet a role they cannot use.
 *
 * @throws DeployError from any step (`REST_API_NOT_FOUND`, `STAGE_NOT_FOUND`, `ROLE_CONFLICT`, `ACCESS_DENIED`, `THROTTLED`, …)
 * @example
 * ```ts
 * const result = await runDeploy(context, config, readLambdaZip(config.zipPath));
 * ```
 */
export async function runDeploy(
  context: StepContext,
  config: DeployConfig,
  zip: LambdaZip,
): Promise<DeployResult> {
  const { reporter, region } = context;
  const invokerRoleName = buildInvokerRoleName(config.roleName);
  for (const line of formatDeploySummary(config, region, zip)) reporter.line(line);
  reporter.line('Steps');

  const { restApiId } = config;
  let stage: StageChoice | undefined;
  if (restApiId) {
    const name = await checkRestApi(context, restApiId);
    stage = await resolveStage(context, restApiId, config.stageName);
    reporter.step('unchanged', `REST API ${restApiId}`, `${name}, stage ${stage.stageName}`);
  }

  const role = await ensureExecutionRole(context, config.roleName);
  const functionArn = buildFunctionArn({
    partition: getPartition(region),
    region,
    accountId: role.accountId,
    functionName: config.functionName,
  });
  // Made before the function so that IAM has the function's update time to propagate it.
  let invoker: InvokerRoleResult | undefined;
  let retiredInvoker: InvokerRoleState = 'absent';
  if (config.invokePermission === 'role') {
    invoker = await ensureInvokerRole(context, {
      roleName: invokerRoleName,
      accountId: role.accountId,
      functionArn,
      restApiId,
    });
  } else {
    retiredInvoker = await inspectInvokerRole(context, invokerRoleName);
  }

  const fn = await ensureFunction(
    context,
    {
      functionName: config.functionName,
      description: DEFAULTS.functionDescription,
      runtime: config.runtime,
      handler: config.handler,
      timeoutSeconds: config.timeoutSeconds,
      memoryMb: config.memoryMb,
      roleArn: role.roleArn,
      roleName: config.roleName,
      environment: config.environment,
    },
    zip,
  );

  const { leftovers } = role;
  let authorizerId: string | undefined;
  let stageUrl: string | undefined;
  if (restApiId && stage) {
    if (config.invokePermission === 'resource-policy') {
      await ensureInvokePermission(context, {
        functionName: config.functionName,
        restApiId,
        sourceArn: buildAuthorizersSourceArn({ region, accountId: role.accountId, restApiId }),
      });
    }
    const authorizer = await ensureAuthorizer(context, {
      restApiId,
      name: config.authorizerName,
      authorizerUri: buildAuthorizerUri(region, fn.functionArn),
      authorizerCredentials: invoker?.roleArn,
      identitySource: DEFAULTS.identitySource,
      identityValidationExpression: config.identityValidationExpression,
      ttlSeconds: config.ttlSeconds,
    });
    authorizerId = authorizer.authorizerId;
    const methodsChanged = config.attach ? await attachAuthorizer(context, restApiId, authorizerId) : 0;
    // A run that failed after updating the authorizer left the stage on the old credentials: deploy it
    // again before the role it uses loses its API Gateway trust.
    const retiring = leftovers.trust || leftovers.invokePolicy || retiredInvoker === 'created-by-deploy';
    if (
      authorizer.status !== 'unchanged' ||
      methodsChanged > 0 ||
      config.redeploy ||
      !stage.exists ||
      retiring
    ) {
      if (invoker?.status === 'created') {
        reporter.step(
          'waiting',
          `role ${invokerRoleName}`,
          `letting IAM propagate the new role for ${INVOKER_PROPAGATION_WAIT_MS / 1000} s before the stage uses it`,
        );
        await context.sleep(INVOKER_PROPAGATION_WAIT_MS);
      }
      await createStageDeployment(context, restApiId, stage.stageName);
    } else {
      reporter.step('unchanged', `stage ${stage.stageName}`, 'nothing to redeploy');
    }
    stageUrl = buildStageUrl({ region, restApiId, stageName: stage.stageName });
    if (retiredInvoker !== 'absent') await removeInvokerRole(context, invokerRoleName, retiredInvoker);
  } else if (retiredInvoker !== 'absent') {
    // Without the REST API, deploy cannot move an authorizer off the invoker role: keep it.
    reporter.step('skipped', `role ${invokerRoleName}`, 'kept: no REST API id to move the authorizer off it');
    reporter.warn(
      `role ${invokerRoleName} is kept because an authorizer may still use it: run deploy with --rest-api-id, or destroy, to remove it`,
    );
  }

  const narrowed = await removeExecutionRoleLeftovers(context, config.roleName, leftovers);
  if (narrowed && leftovers.trust && !restApiId) {
    reporter.warn(
      `role ${config.roleName} no longer trusts apigateway.amazonaws.com: an authorizer that used it as credentials must use ${invoker?.roleArn ?? 'the function resource policy'} instead (deploy --rest-api-id ID does this)`,
    );
  }

  reporter.line('Done');
  reporter.line(`  role ARN       ${role.roleArn}`);
  if (invoker) reporter.line(`  invoker role   ${invoker.roleArn}`);
  reporter.line(`  function ARN   ${fn.functionArn}`);
  reporter.line(`  authorizer id  ${authorizerId ?? '(none: no REST API id given)'}`);
  if (stageUrl) reporter.line(`  stage URL      ${stageUrl}`);
  return {
    roleArn: role.roleArn,
    invokerRoleArn: invoker?.roleArn,
    functionArn: fn.functionArn,
    authorizerId,
    stageUrl,
  };
}
