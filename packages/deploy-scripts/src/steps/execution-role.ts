import { buildManagedPolicyArn, getPartition } from '../arn.js';
import { DEFAULTS } from '../config.js';
import type { DeployStep } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { buildExecutionTrustPolicy } from '../policies.js';
import { ensureExecutionRole } from '../role.js';
import { deleteRole } from '../role-removal.js';
import { fact, not, type PlannedCall } from '../step.js';
import { indentDocument } from './documents.js';
import { buildRoleDeletionCalls, recordRoleDeletion } from './role-deletion.js';

/** The function's execution role: trusted by Lambda only, with the logs policy and nothing else. */
export const executionRoleStep: DeployStep = {
  name: 'execution-role',
  summary: (config) => [
    `  role         ${config.roleName}: execution role, trusts lambda only; logs via AWSLambdaBasicExecutionRole`,
  ],
  plan(config, target): PlannedCall[] {
    const resource = `role ${config.roleName}`;
    const logsPolicyArn = buildManagedPolicyArn(
      getPartition(target.region),
      DEFAULTS.basicExecutionPolicyName,
    );
    return [
      { service: 'iam', operation: 'GetRole', resource },
      {
        service: 'iam',
        operation: 'CreateRole',
        resource,
        when: not('executionRoleExists'),
        detail: 'with the execution trust policy below',
      },
      { service: 'iam', operation: 'ListAttachedRolePolicies', resource, when: fact('executionRoleExists') },
      {
        service: 'iam',
        operation: 'AttachRolePolicy',
        resource,
        when: { anyOf: [not('executionRoleExists'), not('logsPolicyAttached')] },
        detail: logsPolicyArn,
      },
      {
        service: 'iam',
        operation: 'GetRolePolicy',
        resource,
        when: fact('executionRoleExists'),
        detail: `${DEFAULTS.invokePolicyName} left by a single-role deploy?`,
      },
    ];
  },
  documents: (config) => [
    `Trust policy of ${config.roleName} (execution role):`,
    ...indentDocument(buildExecutionTrustPolicy()),
  ],
  async ensure(context, config, state) {
    const role = await ensureExecutionRole(context, config.roleName);
    state.executionRole = role;
    state.facts.executionRoleExists = role.found.exists;
    if (role.found.exists) state.facts.logsPolicyAttached = role.found.logsPolicyAttached;
    state.facts.executionRoleTrustDiffers = role.leftovers.trust;
    state.facts.executionRoleHasInvokePolicy = role.leftovers.invokePolicy;
  },
};

/** `destroy`: deletes the execution role with its policies. */
export const executionRoleRemovalStep: DestroyStep = {
  name: 'execution-role-deletion',
  summary: (config) => [`role ${config.roleName}`],
  plan: (config) =>
    buildRoleDeletionCalls({
      resource: `role ${config.roleName}`,
      when: undefined,
      found: fact('executionRoleExists'),
      managed: 'executionRoleManagedPolicies',
      inline: 'executionRoleInlinePolicies',
    }),
  async ensure(context, config, state) {
    const deletion = await deleteRole(context, config.roleName);
    state.facts.executionRoleExists = deletion.existed;
    if (deletion.existed) {
      recordRoleDeletion(
        state.facts,
        deletion,
        'executionRoleManagedPolicies',
        'executionRoleInlinePolicies',
      );
    }
    context.reporter.step(deletion.deleted ? 'deleted' : 'absent', `role ${config.roleName}`);
  },
};
