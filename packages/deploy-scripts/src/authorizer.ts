import {
  type Authorizer,
  CreateAuthorizerCommand,
  DeleteAuthorizerCommand,
  GetAuthorizersCommand,
  type PatchOperation,
  UpdateAuthorizerCommand,
} from '@aws-sdk/client-api-gateway';
import { DeployError, handleAwsError } from './errors.js';
import type { StepStatus } from './reporter.js';
import type { StepContext } from './step-context.js';

/** The TOKEN or REQUEST authorizer as deploy wants it on the REST API. */
export interface WantedAuthorizer {
  restApiId: string;
  name: string;
  type: 'TOKEN' | 'REQUEST';
  authorizerUri: string;
  /** The role API Gateway assumes to invoke the function; `undefined` relies on the function's resource policy. */
  authorizerCredentials: string | undefined;
  /** Comma-separated `method.request.…` expressions; empty for a REQUEST authorizer without cache. */
  identitySource: string;
  /** TOKEN only: API Gateway checks the header against it before invoking the function. */
  identityValidationExpression: string | undefined;
  ttlSeconds: number;
}

/** What {@link ensureAuthorizer} found or made. */
export interface EnsureAuthorizerResult {
  authorizerId: string;
  status: StepStatus;
}

/**
 * Finds a REST API's authorizer by name.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function findAuthorizer(
  context: StepContext,
  restApiId: string,
  name: string,
): Promise<Authorizer | undefined> {
  let position: string | undefined;
  do {
    const page = await context.clients.apiGateway
      .send(new GetAuthorizersCommand({ restApiId, position, limit: 500 }))
      .catch(handleAwsError('apigateway:GET /restapis/{id}/authorizers'));
    const found = page.items?.find((authorizer) => authorizer.name === name);
    if (found) return found;
    position = page.position;
  } while (position);
  return undefined;
}

/**
 * Lists the patch operations that bring an existing authorizer to the wanted settings.
 *
 * @example
 * ```ts
 * diffAuthorizer(existing, settings); // [{ op: 'replace', path: '/authorizerResultTtlInSeconds', value: '0' }]
 * ```
 */
export function diffAuthorizer(current: Authorizer, wanted: WantedAuthorizer): PatchOperation[] {
  const fields: [keyof Authorizer, string | number | undefined][] = [
    ['type', wanted.type],
    ['authorizerUri', wanted.authorizerUri],
    ['authorizerCredentials', wanted.authorizerCredentials],
    ['identitySource', wanted.identitySource || undefined],
    ['identityValidationExpression', wanted.identityValidationExpression],
    ['authorizerResultTtlInSeconds', wanted.ttlSeconds],
  ];
  const operations: PatchOperation[] = [];
  for (const [field, value] of fields) {
    const currentValue = current[field] ?? (field === 'authorizerResultTtlInSeconds' ? 300 : undefined);
    if ((currentValue ?? '') === (value ?? '')) continue;
    // An empty value clears authorizerCredentials, handing the invoke permission to the resource policy.
    operations.push({ op: 'replace', path: `/${field}`, value: value === undefined ? '' : String(value) });
  }
  return operations;
}

/**
 * Creates the TOKEN or REQUEST authorizer, or updates the fields of an existing one (found by name) that differ.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function ensureAuthorizer(
  context: StepContext,
  settings: WantedAuthorizer,
): Promise<EnsureAuthorizerResult> {
  const { apiGateway } = context.clients;
  const subject = `authorizer ${settings.name} on REST API ${settings.restApiId}`;
  const existing = await findAuthorizer(context, settings.restApiId, settings.name);
  if (!existing) {
    const created = await apiGateway
      .send(
        new CreateAuthorizerCommand({
          restApiId: settings.restApiId,
          name: settings.name,
          type: settings.type,
          authorizerUri: settings.authorizerUri,
          authorizerCredentials: settings.authorizerCredentials,
          ...(settings.identitySource ? { identitySource: settings.identitySource } : {}),
          ...(settings.identityValidationExpression === undefined
            ? {}
            : { identityValidationExpression: settings.identityValidationExpression }),
          authorizerResultTtlInSeconds: settings.ttlSeconds,
        }),
      )
      .catch(handleAwsError('apigateway:POST /restapis/{id}/authorizers'));
    if (!created.id)
      throw new DeployError('AWS_ERROR', `CreateAuthorizer returned no id for ${settings.name}`);
    context.reporter.step('created', subject, created.id);
    return { authorizerId: created.id, status: 'created' };
  }
  const authorizerId = existing.id ?? '';
  const operations = diffAuthorizer(existing, settings);
  if (operations.length === 0) {
    context.reporter.step('unchanged', subject, authorizerId);
    return { authorizerId, status: 'unchanged' };
  }
  await apiGateway
    .send(
      new UpdateAuthorizerCommand({
        restApiId: settings.restApiId,
        authorizerId,
        patchOperations: operations,
      }),
    )
    .catch(handleAwsError('apigateway:PATCH /restapis/{id}/authorizers/{id}'));
  const fields = operations.map((operation) => operation.path?.slice(1)).join(', ');
  context.reporter.step('updated', subject, `${authorizerId}: ${fields}`);
  return { authorizerId, status: 'updated' };
}

/**
 * Deletes an authorizer.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR` (a method still using it gives ConflictException)
 */
export async function deleteAuthorizer(context: StepContext, restApiId: string, authorizerId: string) {
  await context.clients.apiGateway.send(new DeleteAuthorizerCommand({ restApiId, authorizerId })).catch(
    handleAwsError('apigateway:DELETE /restapis/{id}/authorizers/{id}', {
      NotFoundException: () => undefined,
    }),
  );
}
