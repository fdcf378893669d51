import { attachAuthorizer } from './api-methods.js';
import { buildAuthorizersSourceArn, buildAuthorizerUri, buildStageUrl } from './arn.js';
import { ensureAuthorizer } from './authorizer.js';
import { DEFAULTS, type DeployConfig } from './config.js';
import { ensureFunction } from './function.js';
import { ensureInvokePermission } from './invoke-permission.js';
import type { LambdaZip } from './lambda-zip.js';
import { formatDeploySummary } from './plan.js';
import { checkRestApi, createStageDeployment, resolveStage, type StageChoice } from './rest-api.js';
import { ensureRole } from './role.js';
import type { StepContext } from './step-context.js';

/** What a deploy leaves behind. */
export interface DeployResult {
  roleArn: string;
  functionArn: string;
  authorizerId: string | undefined;
  stageUrl: string | undefined;
}

/**
 * Deploys the authorizer: the IAM role, the Lambda function and, with a REST API id, the TOKEN
 * authorizer and a deployment of the stage. Every resource is read first and changed only when it
 * differs, so a second run with nothing changed makes no mutating call. Prints the short plan, then
 * each step as it happens, then the ARNs.
 *
 * @throws DeployError from any step (`REST_API_NOT_FOUND`, `STAGE_NOT_FOUND`, `ACCESS_DENIED`, `THROTTLED`, …)
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
  for (const line of formatDeploySummary(config, region, zip)) reporter.line(line);
  reporter.line('Steps');

  const { restApiId } = config;
  let stage: StageChoice | undefined;
  if (restApiId) {
    const name = await checkRestApi(context, restApiId);
    stage = await resolveStage(context, restApiId, config.stageName);
    reporter.step('unchanged', `REST API ${restApiId}`, `${name}, stage ${stage.stageName}`);
  }

  const role = await ensureRole(context, {
    roleName: config.roleName,
    functionName: config.functionName,
    invokePermission: config.invokePermission,
  });
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
      authorizerCredentials: config.invokePermission === 'role' ? role.roleArn : undefined,
      identitySource: DEFAULTS.identitySource,
      identityValidationExpression: config.identityValidationExpression,
      ttlSeconds: config.ttlSeconds,
    });
    authorizerId = authorizer.authorizerId;
    const methodsChanged = config.attach ? await attachAuthorizer(context, restApiId, authorizerId) : 0;
    if (authorizer.status !== 'unchanged' || methodsChanged > 0 || config.redeploy || !stage.exists) {
      await createStageDeployment(context, restApiId, stage.stageName);
    } else {
      reporter.step('unchanged', `stage ${stage.stageName}`, 'nothing to redeploy');
    }
    stageUrl = buildStageUrl({ region, restApiId, stageName: stage.stageName });
  }

  reporter.line('Done');
  reporter.line(`  role ARN       ${role.roleArn}`);
  reporter.line(`  function ARN   ${fn.functionArn}`);
  reporter.line(`  authorizer id  ${authorizerId ?? '(none: no REST API id given)'}`);
  if (stageUrl) reporter.line(`  stage URL      ${stageUrl}`);
  return { roleArn: role.roleArn, functionArn: fn.functionArn, authorizerId, stageUrl };
}
