import { DEFAULTS } from '../config.js';
import { type DeployStep, need } from '../deploy-steps.js';
import { removeExecutionRoleLeftovers } from '../role.js';
import { fact } from '../step.js';

/**
 * The migration from the single role of earlier deploys: narrows the execution role to Lambda's trust
 * and no invoke policy, last, once the stage no longer uses it as the authorizer's credentials.
 */
export const executionRoleLeftoversStep: DeployStep = {
  name: 'execution-role-leftovers',
  plan(config) {
    const resource = `role ${config.roleName}`;
    return [
      {
        service: 'iam',
        operation: 'UpdateAssumeRolePolicy',
        resource,
        when: fact('executionRoleTrustDiffers'),
        detail: 'lambda only, after the stage moved off it',
      },
      {
        service: 'iam',
        operation: 'DeleteRolePolicy',
        resource,
        when: fact('executionRoleHasInvokePolicy'),
        detail: `${DEFAULTS.invokePolicyName}, after the stage moved off it`,
      },
    ];
  },
  async ensure(context, config, state) {
    const { leftovers } = need(state.executionRole, 'the execution role');
    const narrowed = await removeExecutionRoleLeftovers(context, config.roleName, leftovers);
    if (narrowed && leftovers.trust && !config.restApiId) {
      context.reporter.warn(
        `role ${config.roleName} no longer trusts apigateway.amazonaws.com: an authorizer that used it as credentials must use ${state.invokerRole?.roleArn ?? 'the function resource policy'} instead (deploy --rest-api-id ID does this)`,
      );
    }
  },
};
