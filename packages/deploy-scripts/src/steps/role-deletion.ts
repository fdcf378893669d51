import type { RoleDeletion } from '../role-removal.js';
import type { Condition, CountName, Facts, PlannedCall } from '../step.js';

/** Which role a deletion is for, and when its calls are made. */
export interface RoleDeletionPlan {
  resource: string;
  /** When the deletion starts (its first call lists the managed policies). */
  when: Condition | undefined;
  /** When the rest follows: the list call found the role. */
  found: Condition | undefined;
  managed: CountName;
  inline: CountName;
}

/** The calls that delete a role with its policies: IAM refuses to delete a role that still has any. */
export function buildRoleDeletionCalls(plan: RoleDeletionPlan): PlannedCall[] {
  const { resource, when, found } = plan;
  return [
    { service: 'iam', operation: 'ListAttachedRolePolicies', resource, when },
    { service: 'iam', operation: 'DetachRolePolicy', resource, when: found, each: plan.managed },
    { service: 'iam', operation: 'ListRolePolicies', resource, when: found },
    { service: 'iam', operation: 'DeleteRolePolicy', resource, when: found, each: plan.inline },
    { service: 'iam', operation: 'DeleteRole', resource, when: found },
  ];
}

/** Records how many policies a role deletion detached and deleted. */
export function recordRoleDeletion(
  facts: Facts,
  deletion: RoleDeletion,
  managed: CountName,
  inline: CountName,
): void {
  facts[managed] = deletion.managedPolicies;
  facts[inline] = deletion.inlinePolicies;
}
