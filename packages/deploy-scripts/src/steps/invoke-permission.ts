import { buildAuthorizersSourceArn } from '../arn.js';
import { type DeployState, type DeployStep, need } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { getApiTarget } from '../door-config.js';
import { buildStatementId, ensureInvokePermission, removeInvokePermission } from '../invoke-permission.js';
import type { StepStatus } from '../reporter.js';
import { allOf, anyOf, fact, not, type PlannedCall } from '../step.js';

/**
 * The calls that put one API's statement into the function's resource policy (REST and HTTP/WebSocket
 * alike): read the policy, remove a statement that differs, add the wanted one.
 */
export function invokePermissionPlan(functionName: string, apiId: string, sourceArn: string): PlannedCall[] {
  const resource = `function ${functionName}`;
  const sid = buildStatementId(apiId);
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
}

/** The facts the plan's conditions read, from what ensuring the statement found. */
export function recordPermission(state: DeployState, status: StepStatus): void {
  state.facts.permissionPresent = status !== 'created';
  if (status !== 'created') state.facts.permissionMatches = status === 'unchanged';
}

/** `--invoke-permission resource-policy`: the function's resource policy lets the REST API's authorizers invoke it. */
export const invokePermissionStep: DeployStep = {
  name: 'invoke-permission',
  plan(config, target) {
    const { restApiId } = config;
    if (!restApiId || config.invokePermission !== 'resource-policy') return [];
    const sourceArn = buildAuthorizersSourceArn({
      region: target.region,
      accountId: target.accountId,
      restApiId,
    });
    return invokePermissionPlan(config.functionName, restApiId, sourceArn);
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
    recordPermission(state, status);
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
