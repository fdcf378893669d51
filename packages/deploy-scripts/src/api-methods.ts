import { GetResourcesCommand, UpdateMethodCommand } from '@aws-sdk/client-api-gateway';
import { handleAwsError } from './errors.js';
import type { StepContext } from './step-context.js';

/** One method of a REST API and the authorization it uses. */
export interface ApiMethod {
  resourceId: string;
  path: string;
  httpMethod: string;
  authorizationType: string;
  authorizerId: string | undefined;
}

/**
 * Lists every method of a REST API with its authorization settings.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function listApiMethods(context: StepContext, restApiId: string): Promise<ApiMethod[]> {
  const methods: ApiMethod[] = [];
  let position: string | undefined;
  do {
    const page = await context.clients.apiGateway
      .send(new GetResourcesCommand({ restApiId, position, limit: 500, embed: ['methods'] }))
      .catch(handleAwsError('apigateway:GET /restapis/{id}/resources'));
    for (const resource of page.items ?? []) {
      for (const [httpMethod, method] of Object.entries(resource.resourceMethods ?? {})) {
        methods.push({
          resourceId: resource.id ?? '',
          path: resource.path ?? '/',
          httpMethod,
          authorizationType: method.authorizationType ?? 'NONE',
          authorizerId: method.authorizerId,
        });
      }
    }
    position = page.position;
  } while (position);
  return methods;
}

async function setMethodAuthorization(
  context: StepContext,
  restApiId: string,
  method: ApiMethod,
  authorizerId: string | undefined,
) {
  const patchOperations = authorizerId
    ? [
        { op: 'replace' as const, path: '/authorizationType', value: 'CUSTOM' },
        { op: 'replace' as const, path: '/authorizerId', value: authorizerId },
      ]
    : [{ op: 'replace' as const, path: '/authorizationType', value: 'NONE' }];
  await context.clients.apiGateway
    .send(
      new UpdateMethodCommand({
        restApiId,
        resourceId: method.resourceId,
        httpMethod: method.httpMethod,
        patchOperations,
      }),
    )
    .catch(handleAwsError('apigateway:PATCH /restapis/{id}/resources/{id}/methods/{method}'));
}

/**
 * Puts the authorizer on every method that has no authorization yet. OPTIONS (CORS preflight, which
 * browsers send without a token) and methods that already use IAM, Cognito or another authorizer are
 * left alone and reported as skipped.
 *
 * @returns how many methods were changed
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function attachAuthorizer(context: StepContext, restApiId: string, authorizerId: string) {
  let changed = 0;
  for (const method of await listApiMethods(context, restApiId)) {
    const subject = `method ${method.httpMethod} ${method.path}`;
    if (method.httpMethod === 'OPTIONS') continue;
    if (method.authorizationType === 'CUSTOM' && method.authorizerId === authorizerId) {
      context.reporter.step('unchanged', subject);
    } else if (method.authorizationType === 'NONE') {
      await setMethodAuthorization(context, restApiId, method, authorizerId);
      context.reporter.step('updated', subject, `authorizer ${authorizerId}`);
      changed += 1;
    } else {
      context.reporter.step('skipped', subject, `keeps its ${method.authorizationType} authorization`);
    }
  }
  return changed;
}

/**
 * Sets every method that uses the authorizer back to no authorization, so the authorizer can be deleted.
 *
 * @returns the methods that were changed
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function detachAuthorizer(
  context: StepContext,
  restApiId: string,
  authorizerId: string,
): Promise<ApiMethod[]> {
  const users = (await listApiMethods(context, restApiId)).filter(
    (method) => method.authorizationType === 'CUSTOM' && method.authorizerId === authorizerId,
  );
  for (const method of users) {
    await setMethodAuthorization(context, restApiId, method, undefined);
    context.reporter.step(
      'updated',
      `method ${method.httpMethod} ${method.path}`,
      'authorization NONE: open until another authorizer is attached',
    );
  }
  return users;
}
