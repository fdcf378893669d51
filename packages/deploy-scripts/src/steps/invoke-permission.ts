import { buildAuthorizersSourceArn } from '../arn.js';
import { type DeployStep, need } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { getApiTarget } from '../door-config.js';
import { buildStatementId, ensureInvokePermission, removeInvokePermission } from '../invoke-permission.js';
import { allOf, anyOf, fact, not } from '../step.js';

/** `--invoke-permission resource-policy`: the function's resource policy lets the REST API's authorizers invoke it. */
export const invokePermissionStep: DeployStep = {
  name: 'invoke-permission',
  plan(config, target) {
    const { restApiId } = config;
    if (!restApiId || config.invokePermission !== 'resource-policy') return [];
    const resource = `function ${config.functionName}`;
    const sourceArn = buildAuthorizersSourceArn({
      region: target.region,
      accountId: target.accountId,
      restApiId,
    });
    const sid = buildStatementId(restApiId);
    return [
      { service: 'lambda', operation: 'GetPolicy', resource },
      {
        service: 'lambda',
        operation: 'RemovePermission',
        resource,
        when: allOf(fact('permissionPresent'), not('permissionMatches')),
        detail: sid,
      },
      {
        service: 'lambda',
        operation: 'AddPermission',
        resource,
        when: anyOf(not('permissionPresent'), not('permissionMatches')),
        detail: `${sid}, apigateway.amazonaws.com, SourceArn=${sourceArn}`,
      },
    ];
  },
  async ensure(context, config, state) {
    const { restApiId } = config;
    if (!restApiId || config.invokePermission !== 'resource-policy') return;
    const { accountId } = need(state.executionRole, 'the execution role');
    const status = await ensureInvokePermission(context, {
      functionName: config.functionName,
      restApiId,
      sourceArn: buildAuthorizersSourceArn({ region: context.region, accountId, restApiId }),
    });
    state.facts.permissionPresent = status !== 'created';
    if (status !== 'created') state.facts.permissionMatches = status === 'unchanged';
  },
};

/** `destroy`: removes the API's statement (REST, HTTP or WebSocket) from the function's resource policy. */
export const invokePermissionRemovalStep: DestroyStep = {
  name: 'invoke-permission-removal',
  plan(config) {
    const restApiId = getApiTarget(config)?.apiId;
    if (!restApiId) return [];
    const resource = `function ${config.functionName}`;
    return [
      { service: 'lambda', operation: 'GetPolicy', resource },
      {
        service: 'lambda',
        operation: 'RemovePermission',
        resource,
        when: fact('permissionPresent'),
        detail: buildStatementId(restApiId),
      },
    ];
  },
  async ensure(context, config, state) {
    const restApiId = getApiTarget(config)?.apiId;
    if (!restApiId) return;
    const removed = await removeInvokePermission(context, config.functionName, restApiId);
    state.facts.permissionPresent = removed;
    context.reporter.step(removed ? 'deleted' : 'absent', `permission ${buildStatementId(restApiId)}`);
  },
};
