import { attachAuthorizer } from '../api-methods.js';
import { type DeployStep, need } from '../deploy-steps.js';

/** `--attach`: puts the authorizer on every method that has no authorization yet. */
export const methodsStep: DeployStep = {
  name: 'methods',
  plan(config) {
    const { restApiId } = config;
    if (!restApiId || !config.attach) return [];
    const resource = `REST API ${restApiId}`;
    return [
      { service: 'apigateway', operation: 'GetResources', resource, detail: 'embed=methods' },
      {
        service: 'apigateway',
        operation: 'UpdateMethod',
        resource,
        each: 'unprotectedMethods',
        detail: 'authorization CUSTOM with the authorizer',
      },
    ];
  },
  async ensure(context, config, state) {
    const { restApiId } = config;
    if (!restApiId || !config.attach) return;
    const { authorizerId } = need(state.authorizer, 'the authorizer');
    state.facts.unprotectedMethods = await attachAuthorizer(context, restApiId, authorizerId);
  },
};
