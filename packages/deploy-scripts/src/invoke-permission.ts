import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { handleAwsError } from './errors.js';
import type { StepStatus } from './reporter.js';
import type { StepContext } from './step-context.js';

/** Options naming the function and the REST API allowed to invoke it. */
export interface InvokePermissionOptions {
  functionName: string;
  restApiId: string;
  /** `arn:{partition}:execute-api:{region}:{account}:{apiId}/authorizers/*` */
  sourceArn: string;
}

/**
 * The resource-policy statement id used for one REST API.
 *
 * @example
 * ```ts
 * buildStatementId('a1b2c3'); // 'apigateway-a1b2c3-authorizers'
 * ```
 */
export function buildStatementId(restApiId: string): string {
  return `apigateway-${restApiId}-authorizers`;
}

interface PolicyStatement {
  Sid?: string;
  Condition?: { ArnLike?: Record<string, string> };
}

async function getStatement(context: StepContext, functionName: string, sid: string) {
  const output = await context.clients.lambda
    .send(new GetPolicyCommand({ FunctionName: functionName }))
    .catch(handleAwsError('lambda:GetPolicy', { ResourceNotFoundException: () => undefined }));
  if (!output?.Policy) return undefined;
  const policy = JSON.parse(output.Policy) as { Statement?: PolicyStatement[] };
  return policy.Statement?.find((statement) => statement.Sid === sid);
}

async function removeStatement(context: StepContext, functionName: string, sid: string) {
  await context.clients.lambda
    .send(new RemovePermissionCommand({ FunctionName: functionName, StatementId: sid }))
    .catch(handleAwsError('lambda:RemovePermission', { ResourceNotFoundException: () => undefined }));
}

/**
 * Makes sure the function's resource policy lets API Gateway invoke it for this REST API's authorizers
 * only (principal `apigateway.amazonaws.com`, source ARN scoped to `{apiId}/authorizers/*`).
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function ensureInvokePermission(
  context: StepContext,
  options: InvokePermissionOptions,
): Promise<StepStatus> {
  const sid = buildStatementId(options.restApiId);
  const subject = `permission ${sid} on function ${options.functionName}`;
  const existing = await getStatement(context, options.functionName, sid);
  if (existing?.Condition?.ArnLike?.['AWS:SourceArn'] === options.sourceArn) {
    context.reporter.step('unchanged', subject);
    return 'unchanged';
  }
  if (existing) await removeStatement(context, options.functionName, sid);
  await context.clients.lambda
    .send(
      new AddPermissionCommand({
        FunctionName: options.functionName,
        StatementId: sid,
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: options.sourceArn,
      }),
    )
    .catch(handleAwsError('lambda:AddPermission'));
  const status: StepStatus = existing ? 'updated' : 'created';
  context.reporter.step(status, subject, options.sourceArn);
  return status;
}

/**
 * Removes the REST API's statement from the function's resource policy; a missing one is not an error.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function removeInvokePermission(
  context: StepContext,
  functionName: string,
  restApiId: string,
): Promise<boolean> {
  const sid = buildStatementId(restApiId);
  const existing = await getStatement(context, functionName, sid);
  if (!existing) return false;
  await removeStatement(context, functionName, sid);
  return true;
}
