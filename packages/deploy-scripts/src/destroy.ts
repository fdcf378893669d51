import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { detachAuthorizer } from './api-methods.js';
import { deleteAuthorizer, findAuthorizer } from './authorizer.js';
import type { DestroyConfig } from './config.js';
import { handleAwsError } from './errors.js';
import { buildStatementId, removeInvokePermission } from './invoke-permission.js';
import { buildInvokerRoleName, removeInvokerRole } from './invoker-role.js';
import { checkRestApi } from './rest-api.js';
import { deleteRole } from './role-removal.js';
import type { StepContext } from './step-context.js';

/**
 * Removes what deploy created, in reverse order: the authorizer (after setting the methods that use it
 * back to no authorization), the resource-policy permission, the function, the invoker role (only if
 * deploy created it) and the execution role, each role with its policies. What is already
 * gone is reported as absent. The stage is not redeployed: it keeps serving its last deployment, which
 * fails closed (500) once the function is gone, rather than opening the API.
 *
 * @throws DeployError `REST_API_NOT_FOUND` before anything is deleted; `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 * @example
 * ```ts
 * await runDestroy(context, config);
 * ```
 */
export async function runDestroy(context: StepContext, config: DestroyConfig): Promise<void> {
  const { reporter } = context;
  const { restApiId } = config;
  const invokerRoleName = buildInvokerRoleName(config.roleName);
  reporter.line(`Destroy (region ${context.region})`);
  if (restApiId) {
    await checkRestApi(context, restApiId);
    const subject = `authorizer ${config.authorizerName} on REST API ${restApiId}`;
    const authorizer = await findAuthorizer(context, restApiId, config.authorizerName);
    if (authorizer?.id) {
      const detached = await detachAuthorizer(context, restApiId, authorizer.id);
      await deleteAuthorizer(context, restApiId, authorizer.id);
      reporter.step('deleted', subject, authorizer.id);
      if (detached.length > 0) {
        reporter.warn(
          `${detached.length} method(s) now have no authorization; deploy the API (or attach another authorizer) when ready`,
        );
      }
    } else {
      reporter.step('absent', subject);
    }
    const removed = await removeInvokePermission(context, config.functionName, restApiId);
    reporter.step(removed ? 'deleted' : 'absent', `permission ${buildStatementId(restApiId)}`);
  } else {
    reporter.step(
      'skipped',
      'authorizer',
      'no REST API id: pass --rest-api-id (or set REST_API_ID) to remove it',
    );
  }

  const deleted = await context.clients.lambda
    .send(new DeleteFunctionCommand({ FunctionName: config.functionName }))
    .then(() => true)
    .catch(handleAwsError('lambda:DeleteFunction', { ResourceNotFoundException: () => false }));
  reporter.step(deleted ? 'deleted' : 'absent', `function ${config.functionName}`);

  await removeInvokerRole(context, invokerRoleName);
  const roleDeleted = await deleteRole(context, config.roleName);
  reporter.step(roleDeleted ? 'deleted' : 'absent', `role ${config.roleName}`);
}
