import { PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { getPartition } from './arn.js';
import { DEFAULTS } from './config.js';
import { DeployError, handleAwsError } from './errors.js';
import { buildInvokePolicy, buildInvokerTrustPolicy, isSamePolicy } from './policies.js';
import type { StepStatus } from './reporter.js';
import { createRole, getInlinePolicy, getRole, hasTrustPolicy } from './role.js';
import { deleteRole, type RoleDeletion } from './role-removal.js';
import type { StepContext } from './step-context.js';

const MAX_ROLE_NAME_LENGTH = 64;

/**
 * How long deploy waits after creating the invoker role before a stage deployment makes API Gateway
 * use it: IAM takes a few seconds to propagate a new role, and API Gateway checks nothing when the
 * authorizer is saved, so until then every request would get a 500.
 */
export const INVOKER_PROPAGATION_WAIT_MS = 10_000;

/**
 * The invoker role's name: the execution role's name with {@link DEFAULTS.invokerRoleSuffix}.
 *
 * @throws DeployError `USAGE` when the result is longer than IAM's 64 characters
 * @example
 * ```ts
 * buildInvokerRoleName('jwtRsaCustomAuthorizerRole'); // 'jwtRsaCustomAuthorizerRole-invoker'
 * ```
 */
export function buildInvokerRoleName(roleName: string): string {
  const name = `${roleName}${DEFAULTS.invokerRoleSuffix}`;
  if (name.length > MAX_ROLE_NAME_LENGTH) {
    throw new DeployError(
      'USAGE',
      `--role-name ${roleName} is too long: the invoker role ${name} would exceed IAM's ${MAX_ROLE_NAME_LENGTH} characters; use at most ${MAX_ROLE_NAME_LENGTH - DEFAULTS.invokerRoleSuffix.length}`,
    );
  }
  return name;
}

/** Options for {@link ensureInvokerRole}. */
export interface InvokerRoleOptions {
  roleName: string;
  accountId: string;
  functionArn: string;
  /** The REST API whose authorizer uses the role, when deploy knows it. */
  restApiId: string | undefined;
}

/** What {@link ensureInvokerRole} found or made. */
export interface InvokerRoleResult {
  roleArn: string;
  /** `created` when the role is new: API Gateway may not be able to assume it for a few seconds. */
  status: StepStatus;
  /** What the reads found before anything changed (the last two only for a role that existed). */
  found: { exists: boolean; trustMatches: boolean; policyMatches: boolean };
}

function refuseForeignRole(roleName: string): never {
  throw new DeployError(
    'ROLE_CONFLICT',
    `Role ${roleName} exists but deploy did not create it (its description is not "${DEFAULTS.invokerRoleDescription}"): delete or rename it, or pass another --role-name`,
  );
}

/**
 * Makes sure the role API Gateway assumes to invoke the function exists: trusted by
 * `apigateway.amazonaws.com` only, limited to this account and (when known) this REST API when API
 * Gateway supplies `aws:SourceAccount`/`aws:SourceArn` (see {@link buildInvokerTrustPolicy}), with
 * one inline policy allowing `lambda:InvokeFunction` on this function only. Reads first and changes
 * only what differs, so a trust an earlier version wrote is rewritten. A role of that name that deploy
 * did not create is never taken over.
 *
 * @throws DeployError `ROLE_CONFLICT`; `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR` from the IAM calls
 */
export async function ensureInvokerRole(
  context: StepContext,
  options: InvokerRoleOptions,
): Promise<InvokerRoleResult> {
  const { iam } = context.clients;
  const { roleName } = options;
  const trust = buildInvokerTrustPolicy({
    partition: getPartition(context.region),
    region: context.region,
    accountId: options.accountId,
    restApiId: options.restApiId,
  });
  let status: StepStatus = 'unchanged';

  let role = await getRole(context, roleName);
  const found = { exists: role !== undefined, trustMatches: false, policyMatches: false };
  if (!role) {
    const made = await createRole(context, roleName, trust, DEFAULTS.invokerRoleDescription);
    role = made.role;
    if (made.created) status = 'created';
  }
  if (!role?.Arn) throw new DeployError('AWS_ERROR', `iam:GetRole returned no ARN for role ${roleName}`);
  if (role.Description !== DEFAULTS.invokerRoleDescription) refuseForeignRole(roleName);

  found.trustMatches = status !== 'created' && hasTrustPolicy(role, trust);
  if (status !== 'created' && !found.trustMatches) {
    await iam
      .send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(trust) }))
      .catch(handleAwsError('iam:UpdateAssumeRolePolicy'));
    status = 'updated';
  }
  const wanted = buildInvokePolicy(options.functionArn);
  const current =
    status === 'created' ? undefined : await getInlinePolicy(context, roleName, DEFAULTS.invokePolicyName);
  found.policyMatches = current !== undefined && isSamePolicy(current, wanted);
  if (!found.policyMatches) {
    await iam
      .send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: DEFAULTS.invokePolicyName,
          PolicyDocument: JSON.stringify(wanted),
        }),
      )
      .catch(handleAwsError('iam:PutRolePolicy'));
    if (status === 'unchanged') status = 'updated';
  }

  context.reporter.step(status, `role ${roleName}`, role.Arn);
  return { roleArn: role.Arn, status, found };
}

/** What deploy found under the invoker role's name. */
export type InvokerRoleState = 'absent' | 'created-by-deploy' | 'foreign';

/**
 * Tells whether the invoker role exists and whether deploy created it (by its description).
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function inspectInvokerRole(context: StepContext, roleName: string): Promise<InvokerRoleState> {
  const role = await getRole(context, roleName);
  if (!role) return 'absent';
  return role.Description === DEFAULTS.invokerRoleDescription ? 'created-by-deploy' : 'foreign';
}

/** What {@link removeInvokerRole} did. */
export interface InvokerRoleRemoval {
  /** `deleted`, `absent` (nothing to delete) or `skipped` (not deploy's). */
  status: StepStatus;
  /** The deletion, when deploy had created the role. */
  deletion: RoleDeletion | undefined;
}

/**
 * Deletes the invoker role (and its policies) if deploy created it; a role of that name deploy did not
 * create is left alone with a warning.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function removeInvokerRole(
  context: StepContext,
  roleName: string,
  state?: InvokerRoleState,
): Promise<InvokerRoleRemoval> {
  const found = state ?? (await inspectInvokerRole(context, roleName));
  const subject = `role ${roleName}`;
  if (found === 'foreign') {
    context.reporter.step('skipped', subject, 'not created by deploy');
    context.reporter.warn(`role ${roleName} was not created by deploy: left as it is`);
    return { status: 'skipped', deletion: undefined };
  }
  const deletion = found === 'created-by-deploy' ? await deleteRole(context, roleName) : undefined;
  const status: StepStatus = deletion?.deleted ? 'deleted' : 'absent';
  context.reporter.step(status, subject);
  return { status, deletion };
}
