import {
  type Authorizer,
  type Cors,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  DeleteAuthorizerCommand,
  GetApiCommand,
  GetAuthorizersCommand,
  GetRoutesCommand,
  GetStagesCommand,
  type Route,
  UpdateApiCommand,
  UpdateAuthorizerCommand,
  UpdateRouteCommand,
} from '@aws-sdk/client-apigatewayv2';
import { DeployError, handleAwsError } from './errors.js';
import type { StepStatus } from './reporter.js';
import type { StepContext } from './step-context.js';

/** The two kinds of API Gateway v2 API. */
export type V2Protocol = 'HTTP' | 'WEBSOCKET';

/** What {@link checkV2Api} read about the API. */
export interface V2Api {
  name: string;
  cors: Cors | undefined;
}

const FLAG: Record<V2Protocol, string> = { HTTP: '--http-api-id', WEBSOCKET: '--websocket-api-id' };

/**
 * Checks that the API exists and is of the protocol its flag names, before anything is made.
 *
 * @throws DeployError `API_NOT_FOUND` for an unknown id or an API of the other protocol; `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function checkV2Api(context: StepContext, apiId: string, protocol: V2Protocol): Promise<V2Api> {
  const api = await context.clients.apiGatewayV2.send(new GetApiCommand({ ApiId: apiId })).catch(
    handleAwsError('apigateway:GET /apis/{id}', {
      NotFoundException: (error) => {
        throw new DeployError(
          'API_NOT_FOUND',
          `${protocol === 'HTTP' ? 'HTTP' : 'WebSocket'} API '${apiId}' not found in ${context.region}: check ${FLAG[protocol]} and --region`,
          { cause: error },
        );
      },
    }),
  );
  if (api.ProtocolType !== protocol) {
    const other: V2Protocol = protocol === 'HTTP' ? 'WEBSOCKET' : 'HTTP';
    throw new DeployError(
      'API_NOT_FOUND',
      `API '${apiId}' is a ${api.ProtocolType ?? 'different'} API, not ${protocol}: pass it with ${FLAG[other]}`,
    );
  }
  return { name: api.Name ?? apiId, cors: api.CorsConfiguration };
}

/** The stage deploy serves the authorizer on, and whether API Gateway deploys it by itself. */
export interface V2Stage {
  stageName: string;
  autoDeploy: boolean;
}

/**
 * Picks the stage: the one named, else the API's only stage (`$default` on most HTTP APIs).
 *
 * @throws DeployError `STAGE_NOT_FOUND` when the stage is unknown or cannot be chosen
 */
export async function resolveV2Stage(
  context: StepContext,
  apiId: string,
  stageName: string | undefined,
): Promise<V2Stage> {
  const stages: V2Stage[] = [];
  let token: string | undefined;
  do {
    const page = await context.clients.apiGatewayV2
      .send(new GetStagesCommand({ ApiId: apiId, NextToken: token }))
      .catch(handleAwsError('apigateway:GET /apis/{id}/stages'));
    for (const stage of page.Items ?? []) {
      if (stage.StageName) stages.push({ stageName: stage.StageName, autoDeploy: stage.AutoDeploy === true });
    }
    token = page.NextToken;
  } while (token);
  const names = stages.map((stage) => stage.stageName);
  if (stageName) {
    const found = stages.find((stage) => stage.stageName === stageName);
    if (found) return found;
    throw new DeployError(
      'STAGE_NOT_FOUND',
      `Stage '${stageName}' not found on API ${apiId} (it has: ${names.join(', ') || 'none'}): fix --stage or STAGE_NAME`,
    );
  }
  const [only, ...others] = stages;
  if (only && others.length === 0) return only;
  throw new DeployError(
    'STAGE_NOT_FOUND',
    stages.length === 0
      ? `API ${apiId} has no stage: create one (e.g. $default with auto-deploy) and deploy again`
      : `API ${apiId} has several stages (${names.join(', ')}): pass --stage NAME or set STAGE_NAME`,
  );
}

/** The Lambda authorizer as deploy wants it on an HTTP or WebSocket API. */
export interface WantedV2Authorizer {
  apiId: string;
  protocol: V2Protocol;
  name: string;
  authorizerUri: string;
  identitySource: string[];
  /** HTTP APIs only: WebSocket authorizers run once per connection and have no result cache. */
  ttlSeconds: number;
  /** HTTP APIs only: `{ isAuthorized, context }` answers instead of IAM policies. */
  simpleResponses: boolean;
}

/** What {@link ensureV2Authorizer} found or made. */
export interface EnsureV2AuthorizerResult {
  authorizerId: string;
  status: StepStatus;
}

/**
 * Finds an API's authorizer by name.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function findV2Authorizer(
  context: StepContext,
  apiId: string,
  name: string,
): Promise<Authorizer | undefined> {
  let token: string | undefined;
  do {
    const page = await context.clients.apiGatewayV2
      .send(new GetAuthorizersCommand({ ApiId: apiId, NextToken: token }))
      .catch(handleAwsError('apigateway:GET /apis/{id}/authorizers'));
    const found = page.Items?.find((authorizer) => authorizer.Name === name);
    if (found) return found;
    token = page.NextToken;
  } while (token);
  return undefined;
}

/** The fields of the authorizer as API Gateway stores them for this wanted one. */
function buildV2AuthorizerFields(wanted: WantedV2Authorizer) {
  const http = wanted.protocol === 'HTTP';
  return {
    AuthorizerType: 'REQUEST' as const,
    AuthorizerUri: wanted.authorizerUri,
    IdentitySource: wanted.identitySource,
    ...(http
      ? {
          AuthorizerPayloadFormatVersion: '2.0',
          EnableSimpleResponses: wanted.simpleResponses,
          AuthorizerResultTtlInSeconds: wanted.ttlSeconds,
        }
      : {}),
  };
}

/**
 * Lists the fields of an existing authorizer that differ from the wanted ones.
 *
 * @example
 * ```ts
 * diffV2Authorizer(existing, wanted); // ['AuthorizerResultTtlInSeconds']
 * ```
 */
export function diffV2Authorizer(current: Authorizer, wanted: WantedV2Authorizer): string[] {
  const fields = buildV2AuthorizerFields(wanted) as Record<string, unknown>;
  const differing: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const currentValue = (current as unknown as Record<string, unknown>)[field];
    const same =
      field === 'IdentitySource'
        ? JSON.stringify(currentValue ?? []) === JSON.stringify(value)
        : field === 'EnableSimpleResponses'
          ? (currentValue ?? false) === value
          : currentValue === value;
    if (!same) differing.push(field);
  }
  return differing;
}

/**
 * Creates the `REQUEST` authorizer, or updates an existing one (found by name) whose fields differ.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR` (API Gateway's BadRequestException names a field it refused)
 */
export async function ensureV2Authorizer(
  context: StepContext,
  wanted: WantedV2Authorizer,
): Promise<EnsureV2AuthorizerResult> {
  const { apiGatewayV2 } = context.clients;
  const subject = `authorizer ${wanted.name} on API ${wanted.apiId}`;
  const existing = await findV2Authorizer(context, wanted.apiId, wanted.name);
  const fields = buildV2AuthorizerFields(wanted);
  if (!existing) {
    const created = await apiGatewayV2
      .send(new CreateAuthorizerCommand({ ApiId: wanted.apiId, Name: wanted.name, ...fields }))
      .catch(handleAwsError('apigateway:POST /apis/{id}/authorizers'));
    if (!created.AuthorizerId) {
      throw new DeployError('AWS_ERROR', `CreateAuthorizer returned no id for ${wanted.name}`);
    }
    context.reporter.step('created', subject, created.AuthorizerId);
    return { authorizerId: created.AuthorizerId, status: 'created' };
  }
  const authorizerId = existing.AuthorizerId ?? '';
  const differing = diffV2Authorizer(existing, wanted);
  if (differing.length === 0) {
    context.reporter.step('unchanged', subject, authorizerId);
    return { authorizerId, status: 'unchanged' };
  }
  await apiGatewayV2
    .send(new UpdateAuthorizerCommand({ ApiId: wanted.apiId, AuthorizerId: authorizerId, ...fields }))
    .catch(handleAwsError('apigateway:PATCH /apis/{id}/authorizers/{id}'));
  context.reporter.step('updated', subject, `${authorizerId}: ${differing.join(', ')}`);
  return { authorizerId, status: 'updated' };
}

/**
 * Deletes an authorizer; one already gone is not an error.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function deleteV2Authorizer(context: StepContext, apiId: string, authorizerId: string) {
  await context.clients.apiGatewayV2
    .send(new DeleteAuthorizerCommand({ ApiId: apiId, AuthorizerId: authorizerId }))
    .catch(
      handleAwsError('apigateway:DELETE /apis/{id}/authorizers/{id}', {
        NotFoundException: () => undefined,
      }),
    );
}

/**
 * Lists every route of an API.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function listV2Routes(context: StepContext, apiId: string): Promise<Route[]> {
  const routes: Route[] = [];
  let token: string | undefined;
  do {
    const page = await context.clients.apiGatewayV2
      .send(new GetRoutesCommand({ ApiId: apiId, NextToken: token }))
      .catch(handleAwsError('apigateway:GET /apis/{id}/routes'));
    routes.push(...(page.Items ?? []));
    token = page.NextToken;
  } while (token);
  return routes;
}

async function setRouteAuthorization(
  context: StepContext,
  apiId: string,
  route: Route,
  authorizerId: string | undefined,
) {
  await context.clients.apiGatewayV2
    .send(
      new UpdateRouteCommand({
        ApiId: apiId,
        RouteId: route.RouteId,
        ...(authorizerId
          ? { AuthorizationType: 'CUSTOM' as const, AuthorizerId: authorizerId }
          : { AuthorizationType: 'NONE' as const }),
      }),
    )
    .catch(handleAwsError('apigateway:PATCH /apis/{id}/routes/{id}'));
}

/** Which routes `--attach` puts the authorizer on. */
export interface RouteSelection {
  protocol: V2Protocol;
  /** Route keys from `--routes`; `undefined` means every route (HTTP) or `$connect` (WebSocket). */
  routeKeys: readonly string[] | undefined;
}

/**
 * Picks the routes to protect: for a WebSocket API `$connect` (the only route an authorizer runs on);
 * for an HTTP API the ones `--routes` names, else every route but `OPTIONS` ones (CORS preflight,
 * sent without a token).
 *
 * @throws DeployError `ROUTE_NOT_FOUND` when a named route (or `$connect`) does not exist
 */
export function selectRoutes(routes: readonly Route[], selection: RouteSelection, apiId: string): Route[] {
  const keys = selection.protocol === 'WEBSOCKET' ? ['$connect'] : selection.routeKeys;
  if (keys === undefined) return routes.filter((route) => !route.RouteKey?.startsWith('OPTIONS '));
  const existing = routes.map((route) => route.RouteKey ?? '');
  return keys.map((key) => {
    const route = routes.find((item) => item.RouteKey === key);
    if (!route) {
      const hint =
        selection.protocol === 'WEBSOCKET'
          ? 'add a $connect route: the authorizer runs only there'
          : `fix --routes (it has: ${existing.join(', ') || 'no routes'})`;
      throw new DeployError('ROUTE_NOT_FOUND', `Route '${key}' not found on API ${apiId}: ${hint}`);
    }
    return route;
  });
}

/**
 * Puts the authorizer on the selected routes that have no authorization; routes that use IAM, a JWT
 * authorizer or another Lambda authorizer keep it and are reported as skipped.
 *
 * @returns how many routes were changed
 * @throws DeployError `ROUTE_NOT_FOUND`, `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function attachV2Authorizer(
  context: StepContext,
  apiId: string,
  authorizerId: string,
  selection: RouteSelection,
): Promise<number> {
  let changed = 0;
  for (const route of selectRoutes(await listV2Routes(context, apiId), selection, apiId)) {
    const subject = `route ${route.RouteKey}`;
    const type = route.AuthorizationType ?? 'NONE';
    if (type === 'CUSTOM' && route.AuthorizerId === authorizerId) {
      context.reporter.step('unchanged', subject);
    } else if (type === 'NONE') {
      await setRouteAuthorization(context, apiId, route, authorizerId);
      context.reporter.step('updated', subject, `authorizer ${authorizerId}`);
      changed += 1;
    } else {
      context.reporter.step('skipped', subject, `keeps its ${type} authorization`);
    }
  }
  return changed;
}

/**
 * Lists the routes that use the authorizer.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function findRoutesUsing(context: StepContext, apiId: string, authorizerId: string) {
  return (await listV2Routes(context, apiId)).filter(
    (route) => route.AuthorizationType === 'CUSTOM' && route.AuthorizerId === authorizerId,
  );
}

/**
 * Sets routes back to no authorization, so the authorizer can be deleted.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function detachV2Routes(context: StepContext, apiId: string, routes: readonly Route[]) {
  for (const route of routes) {
    await setRouteAuthorization(context, apiId, route, undefined);
    context.reporter.step(
      'updated',
      `route ${route.RouteKey}`,
      'authorization NONE: open until another authorizer is attached',
    );
  }
}

/**
 * Deploys the API to a stage that does not deploy itself.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function createV2Deployment(context: StepContext, apiId: string, stageName: string) {
  const deployment = await context.clients.apiGatewayV2
    .send(
      new CreateDeploymentCommand({
        ApiId: apiId,
        StageName: stageName,
        Description: 'Authorizer update (jwt-authorizer deploy-scripts)',
      }),
    )
    .catch(handleAwsError('apigateway:POST /apis/{id}/deployments'));
  context.reporter.step('created', `deployment of stage ${stageName}`, deployment.DeploymentId);
  return deployment.DeploymentId;
}

/** The headers a browser must be allowed to send and read for the authorizer's answers. */
export interface CorsWish {
  origins: readonly string[];
  /** Request headers the token may come in (lower-case), besides `content-type`. */
  tokenHeaders: readonly string[];
}

/**
 * The HTTP API's CORS configuration with the wanted origins, the token headers allowed and
 * `www-authenticate` exposed; other fields of an existing configuration are kept.
 *
 * @example
 * ```ts
 * buildCorsConfiguration(undefined, { origins: ['https://app.example.com'], tokenHeaders: ['authorization'] });
 * ```
 */
export function buildCorsConfiguration(current: Cors | undefined, wish: CorsWish): Cors {
  const union = (existing: readonly string[] | undefined, more: readonly string[]) => {
    const seen = new Set((existing ?? []).map((value) => value.toLowerCase()));
    return [...(existing ?? []), ...more.filter((value) => !seen.has(value.toLowerCase()))];
  };
  return {
    ...current,
    AllowOrigins: [...wish.origins],
    AllowHeaders: union(current?.AllowHeaders, [...wish.tokenHeaders, 'content-type']),
    ExposeHeaders: union(current?.ExposeHeaders, ['www-authenticate']),
    AllowMethods: current?.AllowMethods ?? ['*'],
  };
}

/** Tells whether two CORS configurations are the same, order of list entries aside. */
export function sameCors(left: Cors | undefined, right: Cors): boolean {
  const norm = (cors: Cors | undefined) =>
    JSON.stringify(
      Object.entries(cors ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, Array.isArray(value) ? [...value].sort() : value])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  return norm(left) === norm(right);
}

/**
 * Sets the HTTP API's CORS configuration.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function updateV2Cors(context: StepContext, apiId: string, cors: Cors) {
  await context.clients.apiGatewayV2
    .send(new UpdateApiCommand({ ApiId: apiId, CorsConfiguration: cors }))
    .catch(handleAwsError('apigateway:PATCH /apis/{id}'));
}
