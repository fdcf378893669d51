import { buildStageUrl } from '../arn.js';
import type { DeployConfig } from '../config.js';
import { type DeployStep, need } from '../deploy-steps.js';
import { buildInvokerRoleName, INVOKER_PROPAGATION_WAIT_MS } from '../invoker-role.js';
import { createStageDeployment } from '../rest-api.js';
import { anyOf, type Condition, conditionHolds, fact, not, some } from '../step.js';

/**
 * When the stage is deployed again (always with `--redeploy`): authorizer, method and gateway-response changes take effect only then, and a role
 * being retired must stop being used by the stage before it loses its API Gateway trust (a run that
 * failed after updating the authorizer left the stage on the old credentials).
 */
function buildRedeployCondition(config: DeployConfig): Condition | undefined {
  if (config.redeploy) return undefined;
  const conditions: Condition[] = [not('authorizerExists'), fact('authorizerDiffers')];
  if (config.attach) conditions.push(some('unprotectedMethods'));
  conditions.push(some('gatewayResponsesToPut'));
  conditions.push(
    not('stageExists'),
    fact('executionRoleTrustDiffers'),
    fact('executionRoleHasInvokePolicy'),
  );
  if (config.invokePermission === 'resource-policy') {
    conditions.push(fact('invokerRoleMadeByDeploy'));
  }
  return anyOf(...conditions);
}

/** Deploys the REST API to the stage when something it serves changed. */
export const stageDeploymentStep: DeployStep = {
  name: 'stage-deployment',
  summary(config) {
    if (!config.restApiId) return [];
    return [
      `  stage        ${config.stageName ?? "(the API's only stage)"}${config.attach ? '; attach to every method without authorization' : ''}`,
    ];
  },
  plan(config) {
    const { restApiId } = config;
    if (!restApiId) return [];
    return [
      {
        service: 'apigateway',
        operation: 'CreateDeployment',
        resource: `REST API ${restApiId}, stage ${config.stageName ?? '(the only one)'}`,
        when: buildRedeployCondition(config),
        detail: `${config.redeploy ? 'always (--redeploy)' : 'the changes above take effect'}${config.invokePermission === 'role' ? `; ${INVOKER_PROPAGATION_WAIT_MS / 1000} s after a new invoker role` : ''}`,
      },
    ];
  },
  async ensure(context, config, state) {
    const { restApiId } = config;
    if (!restApiId) return;
    const stage = need(state.stage, 'the stage');
    // The plan's condition is the decision: what the dry run prints is what this run does.
    if (conditionHolds(buildRedeployCondition(config), state.facts)) {
      if (state.invokerRole?.status === 'created') {
        context.reporter.step(
          'waiting',
          `role ${buildInvokerRoleName(config.roleName)}`,
          `letting IAM propagate the new role for ${INVOKER_PROPAGATION_WAIT_MS / 1000} s before the stage uses it`,
        );
        await context.sleep(INVOKER_PROPAGATION_WAIT_MS);
      }
      await createStageDeployment(context, restApiId, stage.stageName);
    } else {
      context.reporter.step('unchanged', `stage ${stage.stageName}`, 'nothing to redeploy');
    }
    state.stageUrl = buildStageUrl({ region: context.region, restApiId, stageName: stage.stageName });
  },
};
