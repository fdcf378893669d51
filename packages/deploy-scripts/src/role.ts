import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  type Role,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { buildManagedPolicyArn, getPartition, parseAccountId } from './arn.js';
import { DEFAULTS } from './config.js';
import { DeployError, handleAwsError } from './errors.js';
import {
  buildExecutionTrustPolicy,
  isSamePolicy,
  type PolicyDocument,
  parsePolicyDocument,
} from './policies.js';
import type { StepStatus } from './reporter.js';
import type { StepContext } from './step-context.js';

/**
 * Reads a role; `undefined` when it does not exist.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `NO_CREDENTIALS`, `AWS_ERROR`
 */
export async function getRole(context: StepContext, roleName: string): Promise<Role | undefined> {
  const output = await context.clients.iam
    .send(new GetRoleCommand({ RoleName: roleName }))
    .catch(handleAwsError('iam:GetRole', { NoSuchEntityException: () => undefined }));
  return output?.Role;
}

/**
 * Creates a role, or reads it when another run created it between our GetRole and CreateRole.
 *
 * @returns the role and whether this call created it
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function createRole(
  context: StepContext,
  roleName: string,
  trust: PolicyDocument,
  description: string,
): Promise<{ role: Role | undefined; created: boolean }> {
  const output = await context.clients.iam
    .send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify(trust),
        Description: description,
      }),
    )
    .catch(handleAwsError('iam:CreateRole', { EntityAlreadyExistsException: () => undefined }));
  if (output?.Role) return { role: output.Role, created: true };
  return { role: await getRole(context, roleName), created: false };
}

/**
 * Tells whether a role's trust policy (URL-encoded, as IAM returns it) is the wanted one.
 */
export function hasTrustPolicy(role: Role, wanted: PolicyDocument): boolean {
  const current = role.AssumeRolePolicyDocument
    ? parsePolicyDocument(role.AssumeRolePolicyDocument)
    : undefined;
  return isSamePolicy(current, wanted);
}

/**
 * Reads an inline policy of a role; `undefined` when it does not exist.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function getInlinePolicy(
  context: StepContext,
  roleName: string,
  policyName: string,
): Promise<unknown> {
  const output = await context.clients.iam
    .send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }))
    .catch(handleAwsError('iam:GetRolePolicy', { NoSuchEntityException: () => undefined }));
  return output?.PolicyDocument === undefined ? undefined : parsePolicyDocument(output.PolicyDocument);
}

async function listAttachedPolicyArns(context: StepContext, roleName: string): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await context.clients.iam
      .send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }))
      .catch(handleAwsError('iam:ListAttachedRolePolicies'));
    for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return arns;
}

/** What the single-role deploy left on the execution role, to remove once nothing relies on it. */
export interface ExecutionRoleLeftovers {
  /** The trust policy is not Lambda-only (the single role also trusted API Gateway). */
  trust: boolean;
  /** The inline `invoke-authorizer-function` policy is still there (the role could invoke the function). */
  invokePolicy: boolean;
}

/** What {@link ensureExecutionRole} found or made. */
export interface ExecutionRoleResult {
  roleArn: string;
  accountId: string;
  /** `created` when the role is new: Lambda may not be able to assume it for a few seconds. */
  status: StepStatus;
  leftovers: ExecutionRoleLeftovers;
  /** What the reads found before anything changed (`logsPolicyAttached` only for a role that existed). */
  found: { exists: boolean; logsPolicyAttached: boolean };
}

/**
 * Makes sure the function's execution role exists with the AWSLambdaBasicExecutionRole managed policy
 * (logs). A new role trusts `lambda.amazonaws.com` only and has nothing else. On a role left by the
 * single-role deploy (trusted by API Gateway too, allowed to invoke the function) nothing is narrowed
 * yet, because the deployed stage may still use it as the authorizer's credentials: the leftovers are
 * returned for {@link removeExecutionRoleLeftovers} once the stage no longer does.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `NO_CREDENTIALS`, `AWS_ERROR` from the IAM calls
 */
export async function ensureExecutionRole(
  context: StepContext,
  roleName: string,
): Promise<ExecutionRoleResult> {
  const partition = getPartition(context.region);
  let status: StepStatus = 'unchanged';
  const leftovers: ExecutionRoleLeftovers = { trust: false, invokePolicy: false };

  let role = await getRole(context, roleName);
  const found = { exists: role !== undefined, logsPolicyAttached: false };
  if (!role) {
    const made = await createRole(context, roleName, buildExecutionTrustPolicy(), DEFAULTS.roleDescription);
    role = made.role;
    if (made.created) status = 'created';
  }
  if (!role?.Arn) {
    throw new DeployError('AWS_ERROR', `iam:GetRole returned no ARN for role ${roleName}`);
  }
  const accountId = parseAccountId(role.Arn);

  const logsPolicyArn = buildManagedPolicyArn(partition, DEFAULTS.basicExecutionPolicyName);
  const attached = status === 'created' ? [] : await listAttachedPolicyArns(context, roleName);
  found.logsPolicyAttached = attached.includes(logsPolicyArn);
  if (!found.logsPolicyAttached) {
    await context.clients.iam
      .send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: logsPolicyArn }))
      .catch(handleAwsError('iam:AttachRolePolicy'));
    if (status === 'unchanged') status = 'updated';
  }
  if (status !== 'created') {
    leftovers.trust = !hasTrustPolicy(role, buildExecutionTrustPolicy());
    leftovers.invokePolicy =
      (await getInlinePolicy(context, roleName, DEFAULTS.invokePolicyName)) !== undefined;
  }

  context.reporter.step(status, `role ${roleName}`, role.Arn);
  return { roleArn: role.Arn, accountId, status, leftovers, found };
}

/**
 * Narrows a role left by the single-role deploy to an execution role: trust for `lambda.amazonaws.com`
 * only, and no inline invoke policy. Call it only once no deployed stage uses the role as credentials.
 * A policy someone else already removed is not an error.
 *
 * @returns whether anything changed
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function removeExecutionRoleLeftovers(
  context: StepContext,
  roleName: string,
  leftovers: ExecutionRoleLeftovers,
): Promise<boolean> {
  const { iam } = context.clients;
  const done: string[] = [];
  if (leftovers.trust) {
    await iam
      .send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: roleName,
          PolicyDocument: JSON.stringify(buildExecutionTrustPolicy()),
        }),
      )
      .catch(handleAwsError('iam:UpdateAssumeRolePolicy'));
    done.push('trust narrowed to lambda.amazonaws.com');
  }
  if (leftovers.invokePolicy) {
    await iam
      .send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: DEFAULTS.invokePolicyName }))
      .catch(handleAwsError('iam:DeleteRolePolicy', { NoSuchEntityException: () => undefined }));
    done.push(`inline policy ${DEFAULTS.invokePolicyName} removed`);
  }
  if (done.length === 0) return false;
  context.reporter.step('updated', `role ${roleName}`, done.join('; '));
  return true;
}
