import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
  type Role,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { buildFunctionArn, buildManagedPolicyArn, getPartition, parseAccountId } from './arn.js';
import { DEFAULTS, type InvokePermissionMode } from './config.js';
import { DeployError, handleAwsError } from './errors.js';
import { buildInvokePolicy, buildTrustPolicy, isSamePolicy, parsePolicyDocument } from './policies.js';
import type { StepStatus } from './reporter.js';
import type { StepContext } from './step-context.js';

/** Options for {@link ensureRole}. */
export interface EnsureRoleOptions {
  roleName: string;
  functionName: string;
  invokePermission: InvokePermissionMode;
}

/** What {@link ensureRole} found or made. */
export interface EnsureRoleResult {
  roleArn: string;
  accountId: string;
  /** `created` when the role is new: Lambda may not be able to assume it for a few seconds. */
  status: StepStatus;
}

async function getRole(context: StepContext, roleName: string): Promise<Role | undefined> {
  const output = await context.clients.iam
    .send(new GetRoleCommand({ RoleName: roleName }))
    .catch(handleAwsError('iam:GetRole', { NoSuchEntityException: () => undefined }));
  return output?.Role;
}

async function createRole(context: StepContext, roleName: string): Promise<Role | undefined> {
  const output = await context.clients.iam
    .send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify(buildTrustPolicy()),
        Description: 'Runs the JWT authorizer function and lets API Gateway invoke it (jwt-authorizer)',
      }),
    )
    // Another run created it between our GetRole and CreateRole: carry on with the existing role.
    .catch(handleAwsError('iam:CreateRole', { EntityAlreadyExistsException: () => undefined }));
  return output?.Role;
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

async function ensureInlineInvokePolicy(
  context: StepContext,
  options: EnsureRoleOptions,
  functionArn: string,
): Promise<boolean> {
  const { iam } = context.clients;
  const current = await iam
    .send(new GetRolePolicyCommand({ RoleName: options.roleName, PolicyName: DEFAULTS.invokePolicyName }))
    .catch(handleAwsError('iam:GetRolePolicy', { NoSuchEntityException: () => undefined }));
  const present = current?.PolicyDocument !== undefined;
  if (options.invokePermission === 'resource-policy') {
    if (!present) return false;
    await iam
      .send(
        new DeleteRolePolicyCommand({ RoleName: options.roleName, PolicyName: DEFAULTS.invokePolicyName }),
      )
      .catch(handleAwsError('iam:DeleteRolePolicy'));
    return true;
  }
  const wanted = buildInvokePolicy(functionArn);
  if (present && isSamePolicy(parsePolicyDocument(current.PolicyDocument ?? ''), wanted)) return false;
  await iam
    .send(
      new PutRolePolicyCommand({
        RoleName: options.roleName,
        PolicyName: DEFAULTS.invokePolicyName,
        PolicyDocument: JSON.stringify(wanted),
      }),
    )
    .catch(handleAwsError('iam:PutRolePolicy'));
  return true;
}

/**
 * Makes sure the role exists with the wanted trust policy, the AWSLambdaBasicExecutionRole managed policy
 * (logs) and, for `invokePermission: 'role'`, an inline policy allowing `lambda:InvokeFunction` on this
 * function only. Reads first and changes only what differs.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `NO_CREDENTIALS`, `AWS_ERROR` from the IAM calls
 * @example
 * ```ts
 * const { roleArn } = await ensureRole(context, { roleName, functionName, invokePermission: 'role' });
 * ```
 */
export async function ensureRole(
  context: StepContext,
  options: EnsureRoleOptions,
): Promise<EnsureRoleResult> {
  const { iam } = context.clients;
  const { reporter, region } = context;
  const partition = getPartition(region);
  let status: StepStatus = 'unchanged';

  let role = await getRole(context, options.roleName);
  if (!role) {
    const created = await createRole(context, options.roleName);
    if (created) status = 'created';
    role = created ?? (await getRole(context, options.roleName));
  }
  if (role && status !== 'created') {
    const trust = role.AssumeRolePolicyDocument
      ? parsePolicyDocument(role.AssumeRolePolicyDocument)
      : undefined;
    if (!isSamePolicy(trust, buildTrustPolicy())) {
      await iam
        .send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: options.roleName,
            PolicyDocument: JSON.stringify(buildTrustPolicy()),
          }),
        )
        .catch(handleAwsError('iam:UpdateAssumeRolePolicy'));
      status = 'updated';
    }
  }
  if (!role?.Arn) {
    throw new DeployError('AWS_ERROR', `iam:GetRole returned no ARN for role ${options.roleName}`);
  }
  const accountId = parseAccountId(role.Arn);

  const logsPolicyArn = buildManagedPolicyArn(partition, DEFAULTS.basicExecutionPolicyName);
  const attached = status === 'created' ? [] : await listAttachedPolicyArns(context, options.roleName);
  if (!attached.includes(logsPolicyArn)) {
    await iam
      .send(new AttachRolePolicyCommand({ RoleName: options.roleName, PolicyArn: logsPolicyArn }))
      .catch(handleAwsError('iam:AttachRolePolicy'));
    if (status === 'unchanged') status = 'updated';
  }

  const functionArn = buildFunctionArn({ partition, region, accountId, functionName: options.functionName });
  const inlineChanged = await ensureInlineInvokePolicy(context, options, functionArn);
  if (inlineChanged && status === 'unchanged') status = 'updated';

  reporter.step(status, `role ${options.roleName}`, role.Arn);
  return { roleArn: role.Arn, accountId, status };
}
