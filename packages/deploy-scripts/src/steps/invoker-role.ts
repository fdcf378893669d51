import { buildFunctionArn, getPartition } from '../arn.js';
import { DEFAULTS } from '../config.js';
import { type DeployStep, need } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import {
  buildInvokerRoleName,
  ensureInvokerRole,
  inspectInvokerRole,
  removeInvokerRole,
} from '../invoker-role.js';
import { buildInvokerTrustPolicy } from '../policies.js';
import { allOf, anyOf, fact, not, type PlannedCall } from '../step.js';
import { indentDocument } from './documents.js';
import { buildRoleDeletionCalls, recordRoleDeletion } from './role-deletion.js';

/**
 * What the invoker role's trust conditions rest on, said wherever the plan shows them: the keys are
 * documented for a Lambda resource policy, not for an authorizer's credentials role.
 */
const INVOKER_KEYS_CAVEAT =
  "AWS does not document that it does for an authorizer's credentials role; --invoke-permission resource-policy, scoped to the API's authorizers, is the documented confused-deputy guard";

/** `--invoke-permission role`: the role API Gateway assumes to invoke the function. */
export const invokerRoleStep: DeployStep = {
  name: 'invoker-role',
  summary(config) {
    if (config.invokePermission !== 'role') return [];
    return [
      `  invoker role ${buildInvokerRoleName(config.roleName)}: trusts apigateway, limited to this account${config.restApiId ? ` and REST API ${config.restApiId}` : ''} when API Gateway supplies ${config.restApiId ? 'aws:SourceAccount and aws:SourceArn' : 'aws:SourceAccount'} (${INVOKER_KEYS_CAVEAT}); inline policy ${DEFAULTS.invokePolicyName} (lambda:InvokeFunction on the function only); the authorizer's credentials`,
    ];
  },
  plan(config, target): PlannedCall[] {
    if (config.invokePermission !== 'role') return [];
    const resource = `role ${buildInvokerRoleName(config.roleName)}`;
    const functionArn = buildFunctionArn({
      partition: getPartition(target.region),
      region: target.region,
      accountId: target.accountId,
      functionName: config.functionName,
    });
    return [
      { service: 'iam', operation: 'GetRole', resource, detail: 'stops if deploy did not create it' },
      {
        service: 'iam',
        operation: 'CreateRole',
        resource,
        when: not('invokerRoleExists'),
        detail: 'with the invoker trust policy below',
      },
      {
        service: 'iam',
        operation: 'UpdateAssumeRolePolicy',
        resource,
        when: allOf(fact('invokerRoleExists'), not('invokerTrustMatches')),
      },
      {
        service: 'iam',
        operation: 'GetRolePolicy',
        resource,
        when: fact('invokerRoleExists'),
        detail: DEFAULTS.invokePolicyName,
      },
      {
        service: 'iam',
        operation: 'PutRolePolicy',
        resource,
        when: anyOf(not('invokerRoleExists'), not('invokerPolicyMatches')),
        detail: `lambda:InvokeFunction on ${functionArn}`,
      },
    ];
  },
  documents(config, target) {
    if (config.invokePermission !== 'role') return [];
    const trust = buildInvokerTrustPolicy({
      partition: getPartition(target.region),
      region: target.region,
      accountId: target.accountId,
      restApiId: config.restApiId,
    });
    return [
      `Trust policy of ${buildInvokerRoleName(config.roleName)} (invoker role):`,
      ...indentDocument(trust),
      `  Its conditions apply when API Gateway supplies the keys (${INVOKER_KEYS_CAVEAT}).`,
    ];
  },
  async ensure(context, config, state) {
    if (config.invokePermission !== 'role') return;
    const { accountId } = need(state.executionRole, 'the execution role');
    const invoker = await ensureInvokerRole(context, {
      roleName: buildInvokerRoleName(config.roleName),
      accountId,
      functionArn: buildFunctionArn({
        partition: getPartition(context.region),
        region: context.region,
        accountId,
        functionName: config.functionName,
      }),
      restApiId: config.restApiId,
    });
    state.invokerRole = invoker;
    state.facts.invokerRoleExists = invoker.found.exists;
    if (invoker.found.exists) {
      state.facts.invokerTrustMatches = invoker.found.trustMatches;
      state.facts.invokerPolicyMatches = invoker.found.policyMatches;
    }
  },
};

/**
 * `--invoke-permission resource-policy`: looks for an invoker role an earlier deploy made, to remove
 * once the stage no longer uses it ({@link invokerRoleRemovalStep}).
 */
export const invokerRoleLookupStep: DeployStep = {
  name: 'invoker-role-lookup',
  summary(config) {
    if (config.invokePermission !== 'resource-policy') return [];
    return [
      `  invoker role none: the function resource policy lets the ${config.httpApiId || config.websocketApiId ? "API's authorizer" : "REST API's authorizers"} invoke it (${buildInvokerRoleName(config.roleName)} is removed if deploy made it)`,
    ];
  },
  plan(config) {
    if (config.invokePermission !== 'resource-policy') return [];
    return [
      {
        service: 'iam',
        operation: 'GetRole',
        resource: `role ${buildInvokerRoleName(config.roleName)}`,
        detail: 'left by an earlier deploy in role mode?',
      },
    ];
  },
  async ensure(context, config, state) {
    if (config.invokePermission !== 'resource-policy') return;
    state.retiredInvoker = await inspectInvokerRole(context, buildInvokerRoleName(config.roleName));
    state.facts.invokerRoleMadeByDeploy = state.retiredInvoker === 'created-by-deploy';
  },
};

/**
 * `--invoke-permission resource-policy`: removes the invoker role deploy made, after the stage
 * deployment that moved the authorizer off it. Without the REST API id deploy cannot move an
 * authorizer off the role, so it keeps it and says so.
 */
export const invokerRoleRemovalStep: DeployStep = {
  name: 'invoker-role-removal',
  plan(config) {
    if (config.invokePermission !== 'resource-policy' || !config.restApiId) return [];
    const madeByDeploy = fact('invokerRoleMadeByDeploy');
    return buildRoleDeletionCalls({
      resource: `role ${buildInvokerRoleName(config.roleName)}`,
      when: madeByDeploy,
      found: madeByDeploy,
      managed: 'invokerRoleManagedPolicies',
      inline: 'invokerRoleInlinePolicies',
    });
  },
  async ensure(context, config, state) {
    if (config.invokePermission !== 'resource-policy' || state.retiredInvoker === 'absent') return;
    const invokerRoleName = buildInvokerRoleName(config.roleName);
    if (config.restApiId) {
      const removal = await removeInvokerRole(context, invokerRoleName, state.retiredInvoker);
      if (removal.deletion) {
        recordRoleDeletion(
          state.facts,
          removal.deletion,
          'invokerRoleManagedPolicies',
          'invokerRoleInlinePolicies',
        );
      }
      return;
    }
    context.reporter.step(
      'skipped',
      `role ${invokerRoleName}`,
      'kept: no REST API id to move the authorizer off it',
    );
    context.reporter.warn(
      `role ${invokerRoleName} is kept because an authorizer may still use it: run deploy with --rest-api-id, or destroy, to remove it`,
    );
  },
};

/** `destroy`: deletes the invoker role with its policies, if deploy created it. */
export const invokerRoleDestroyStep: DestroyStep = {
  name: 'invoker-role-deletion',
  summary: (config) => [`role ${buildInvokerRoleName(config.roleName)} (if deploy created it)`],
  plan(config) {
    const resource = `role ${buildInvokerRoleName(config.roleName)}`;
    const madeByDeploy = fact('invokerRoleMadeByDeploy');
    return [
      { service: 'iam', operation: 'GetRole', resource, detail: 'deleted only if deploy created it' },
      ...buildRoleDeletionCalls({
        resource,
        when: madeByDeploy,
        found: madeByDeploy,
        managed: 'invokerRoleManagedPolicies',
        inline: 'invokerRoleInlinePolicies',
      }),
    ];
  },
  async ensure(context, config, state) {
    const roleName = buildInvokerRoleName(config.roleName);
    const found = await inspectInvokerRole(context, roleName);
    state.facts.invokerRoleMadeByDeploy = found === 'created-by-deploy';
    const removal = await removeInvokerRole(context, roleName, found);
    if (removal.deletion) {
      recordRoleDeletion(
        state.facts,
        removal.deletion,
        'invokerRoleManagedPolicies',
        'invokerRoleInlinePolicies',
      );
    }
  },
};
