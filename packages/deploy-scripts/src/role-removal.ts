import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { handleAwsError } from './errors.js';
import type { StepContext } from './step-context.js';

const gone = { NoSuchEntityException: () => undefined };

/** What {@link deleteRole} found and did. */
export interface RoleDeletion {
  /** The role was there when its managed policies were listed. */
  existed: boolean;
  /** How many managed policies were detached. */
  managedPolicies: number;
  /** How many inline policies were deleted. */
  inlinePolicies: number;
  deleted: boolean;
}

/**
 * Deletes a role after detaching its managed policies and deleting its inline ones (IAM refuses to
 * delete a role that still has policies).
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function deleteRole(context: StepContext, roleName: string): Promise<RoleDeletion> {
  const { iam } = context.clients;
  const attached = await iam
    .send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))
    .catch(handleAwsError('iam:ListAttachedRolePolicies', gone));
  if (!attached) return { existed: false, managedPolicies: 0, inlinePolicies: 0, deleted: false };
  for (const policy of attached.AttachedPolicies ?? []) {
    await iam
      .send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.PolicyArn }))
      .catch(handleAwsError('iam:DetachRolePolicy', gone));
  }
  const inline = await iam
    .send(new ListRolePoliciesCommand({ RoleName: roleName }))
    .catch(handleAwsError('iam:ListRolePolicies', gone));
  for (const policyName of inline?.PolicyNames ?? []) {
    await iam
      .send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }))
      .catch(handleAwsError('iam:DeleteRolePolicy', gone));
  }
  const deleted = await iam
    .send(new DeleteRoleCommand({ RoleName: roleName }))
    .then(() => true)
    .catch(handleAwsError('iam:DeleteRole', { NoSuchEntityException: () => false }));
  return {
    existed: true,
    managedPolicies: attached.AttachedPolicies?.length ?? 0,
    inlinePolicies: inline?.PolicyNames?.length ?? 0,
    deleted,
  };
}
