import type { DeployStep } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { checkRestApi, resolveStage } from '../rest-api.js';

/** Checks the REST API and picks its stage before anything is made, so a wrong id fails first. */
export const restApiStep: DeployStep = {
  name: 'rest-api',
  plan(config) {
    const { restApiId } = config;
    if (!restApiId) return [];
    const resource = `REST API ${restApiId}`;
    return [
      { service: 'apigateway', operation: 'GetRestApi', resource, detail: 'before any change' },
      {
        service: 'apigateway',
        operation: 'GetStages',
        resource,
        detail: `to check stage ${config.stageName ?? '(the only one)'}`,
      },
    ];
  },
  async ensure(context, config, state) {
    const { restApiId } = config;
    if (!restApiId) return;
    const name = await checkRestApi(context, restApiId);
    const stage = await resolveStage(context, restApiId, config.stageName);
    state.stage = stage;
    state.facts.stageExists = stage.exists;
    context.reporter.step('unchanged', `REST API ${restApiId}`, `${name}, stage ${stage.stageName}`);
  },
};

/** `destroy`: checks the REST API before anything is deleted. */
export const restApiCheckStep: DestroyStep = {
  name: 'rest-api-check',
  plan(config) {
    const { restApiId } = config;
    if (!restApiId) return [];
    return [
      {
        service: 'apigateway',
        operation: 'GetRestApi',
        resource: `REST API ${restApiId}`,
        detail: 'before any change',
      },
    ];
  },
  async ensure(context, config) {
    if (config.restApiId) await checkRestApi(context, config.restApiId);
  },
};
