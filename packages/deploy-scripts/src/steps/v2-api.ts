import {
  attachV2Authorizer,
  buildCorsConfiguration,
  checkV2Api,
  createV2Deployment,
  deleteV2Authorizer,
  detachV2Routes,
  ensureV2Authorizer,
  findRoutesUsing,
  findV2Authorizer,
  resolveV2Stage,
  sameCors,
  updateV2Cors,
  type V2Protocol,
} from '../api-v2.js';
import { buildAuthorizersSourceArn, buildAuthorizerUri, buildFunctionArn, getPartition } from '../arn.js';
import type { DeployConfig } from '../config.js';
import { type DeployStep, need } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { dpopUncacheable } from '../dpop-caching.js';
import { DeployError } from '../errors.js';
import { deriveIdentitySource, describeTokenSource, type IdentitySourceChoice } from '../identity-source.js';
import { ensureInvokePermission } from '../invoke-permission.js';
import { allOf, anyOf, type Condition, conditionHolds, fact, not, some } from '../step.js';
import { invokePermissionPlan, recordPermission } from './invoke-permission.js';

interface V2Target {
  apiId: string;
  protocol: V2Protocol;
  /** How the plan and the steps name the API. */
  label: string;
}

function getV2Target(config: { httpApiId: string | undefined; websocketApiId: string | undefined }) {
  if (config.httpApiId) {
    return { apiId: config.httpApiId, protocol: 'HTTP', label: `HTTP API ${config.httpApiId}` } as V2Target;
  }
  if (config.websocketApiId) {
    const apiId = config.websocketApiId;
    return { apiId, protocol: 'WEBSOCKET', label: `WebSocket API ${apiId}` } as V2Target;
  }
  return undefined;
}

/**
 * The identity source and the TTL API Gateway gets: a source it cannot cache on forces TTL 0. A cached
 * simple response (`isAuthorized`) carries no route, so API Gateway would hand a token's answer for one
 * route to every other route of the authorizer: with simple responses the route key joins the cache
 * key. An IAM policy is checked against each route's ARN, so it needs none.
 */
export function chooseV2Caching(
  config: DeployConfig,
  protocol: V2Protocol,
): IdentitySourceChoice & { ttlSeconds: number } {
  const derived = deriveIdentitySource(
    config.tokenSources,
    protocol === 'HTTP' ? 'http' : 'websocket',
    config.tokenSourceOrigin,
  );
  // A WebSocket $connect carries no DPoP proof; an HTTP API request may.
  const choice = {
    ...derived,
    uncacheable: derived.uncacheable ?? (protocol === 'HTTP' ? dpopUncacheable(config) : undefined),
  };
  const ttlSeconds = choice.uncacheable ? 0 : config.ttlSeconds;
  const perRoute = protocol === 'HTTP' && config.httpApiResponse === 'simple' && ttlSeconds > 0;
  return {
    ...choice,
    identitySource: perRoute ? [...choice.identitySource, '$context.routeKey'] : choice.identitySource,
    ttlSeconds,
  };
}

/** Checks the HTTP or WebSocket API and picks its stage before anything is made. */
export const v2ApiStep: DeployStep = {
  name: 'v2-api',
  plan(config) {
    const target = getV2Target(config);
    if (!target) return [];
    return [
      { service: 'apigatewayv2', operation: 'GetApi', resource: target.label, detail: 'before any change' },
      {
        service: 'apigatewayv2',
        operation: 'GetStages',
        resource: target.label,
        detail: `to check stage ${config.stageName ?? '(the only one)'} and its auto-deploy`,
      },
    ];
  },
  async ensure(context, config, state) {
    const target = getV2Target(config);
    if (!target) return;
    state.v2Api = await checkV2Api(context, target.apiId, target.protocol);
    state.v2Stage = await resolveV2Stage(context, target.apiId, config.stageName);
    state.facts.stageAutoDeploys = state.v2Stage.autoDeploy;
    context.reporter.step(
      'unchanged',
      target.label,
      `${state.v2Api.name}, stage ${state.v2Stage.stageName}${state.v2Stage.autoDeploy ? ' (auto-deploy)' : ''}`,
    );
  },
};

/** The API's `REQUEST` authorizer, created or updated where a field differs. */
export const v2AuthorizerStep: DeployStep = {
  name: 'v2-authorizer',
  summary(config) {
    const target = getV2Target(config);
    if (!target) return [];
    const caching = chooseV2Caching(config, target.protocol);
    const source = `identity source ${caching.identitySource.join(', ') || '(none)'} from ${describeTokenSource(config)}`;
    const lines =
      target.protocol === 'HTTP'
        ? [
            `  authorizer   ${config.authorizerName} on ${target.label}: REQUEST, payload 2.0, ${config.httpApiResponse === 'simple' ? 'simple responses' : 'IAM policies (JWT_HTTP_API_RESPONSE=iam)'}, ${source}, TTL ${caching.ttlSeconds} s`,
          ]
        : [
            `  authorizer   ${config.authorizerName} on ${target.label}: REQUEST on $connect, ${source}; runs once per connection (no result cache)`,
          ];
    lines.push(
      `  permission   apigateway.amazonaws.com may invoke the function from this authorizer only (SourceArn .../${target.apiId}/authorizers/ID)`,
    );
    if (caching.uncacheable && target.protocol === 'HTTP' && config.ttlSeconds > 0) {
      lines.push(`  caching      off (TTL 0 instead of ${config.ttlSeconds} s): ${caching.uncacheable}`);
    }
    return lines;
  },
  plan(config, target) {
    const api = getV2Target(config);
    if (!api) return [];
    const resource = `authorizer ${config.authorizerName} on ${api.label}`;
    const functionArn = buildFunctionArn({
      partition: getPartition(target.region),
      region: target.region,
      accountId: target.accountId,
      functionName: config.functionName,
    });
    const caching = chooseV2Caching(config, api.protocol);
    const fields =
      api.protocol === 'HTTP'
        ? `REQUEST, payload 2.0, EnableSimpleResponses ${config.httpApiResponse === 'simple'}, IdentitySource [${caching.identitySource.join(', ')}], TTL ${caching.ttlSeconds}`
        : `REQUEST, IdentitySource [${caching.identitySource.join(', ')}]`;
    return [
      { service: 'apigatewayv2', operation: 'GetAuthorizers', resource, detail: 'found by name' },
      {
        service: 'apigatewayv2',
        operation: 'CreateAuthorizer',
        resource,
        when: not('authorizerExists'),
        detail: `${fields}, AuthorizerUri for ${functionArn}`,
      },
      {
        service: 'apigatewayv2',
        operation: 'UpdateAuthorizer',
        resource,
        when: allOf(fact('authorizerExists'), fact('authorizerDiffers')),
        detail: 'the fields that differ',
      },
    ];
  },
  async ensure(context, config, state) {
    const api = getV2Target(config);
    if (!api) return;
    const fn = need(state.function, 'the function');
    const caching = chooseV2Caching(config, api.protocol);
    if (caching.uncacheable && api.protocol === 'HTTP' && config.ttlSeconds > 0) {
      context.reporter.warn(
        `authorizer caching is off (TTL 0, not ${config.ttlSeconds} s): ${caching.uncacheable}; every request invokes the function`,
      );
    }
    const authorizer = await ensureV2Authorizer(context, {
      apiId: api.apiId,
      protocol: api.protocol,
      name: config.authorizerName,
      authorizerUri: buildAuthorizerUri(context.region, fn.functionArn),
      identitySource: caching.identitySource,
      ttlSeconds: caching.ttlSeconds,
      simpleResponses: config.httpApiResponse === 'simple',
    });
    state.v2Authorizer = authorizer;
    state.facts.authorizerExists = authorizer.status !== 'created';
    if (authorizer.status !== 'created') state.facts.authorizerDiffers = authorizer.status === 'updated';
  },
};

/** The function's resource policy lets this one authorizer of the API invoke it. */
export const v2PermissionStep: DeployStep = {
  name: 'v2-permission',
  plan(config, target) {
    const api = getV2Target(config);
    if (!api) return [];
    return invokePermissionPlan(
      config.functionName,
      api.apiId,
      buildAuthorizersSourceArn({
        region: target.region,
        accountId: target.accountId,
        restApiId: api.apiId,
        authorizerId: '<authorizer id>',
      }),
    );
  },
  async ensure(context, config, state) {
    const api = getV2Target(config);
    if (!api) return;
    const { accountId } = need(state.executionRole, 'the execution role');
    const { authorizerId } = need(state.v2Authorizer, 'the authorizer');
    const status = await ensureInvokePermission(context, {
      functionName: config.functionName,
      restApiId: api.apiId,
      sourceArn: buildAuthorizersSourceArn({
        region: context.region,
        accountId,
        restApiId: api.apiId,
        authorizerId,
      }),
    });
    recordPermission(state, status);
  },
};

/** `--attach`: the selected routes (HTTP) or `$connect` (WebSocket) use the authorizer. */
export const v2RoutesStep: DeployStep = {
  name: 'v2-routes',
  summary(config) {
    const api = getV2Target(config);
    if (!api || !config.attach) return [];
    const which =
      api.protocol === 'WEBSOCKET'
        ? '$connect'
        : config.routeKeys
          ? config.routeKeys.join(', ')
          : 'every route without authorization (not OPTIONS)';
    return [`  routes       ${which}: CUSTOM with the authorizer`];
  },
  plan(config) {
    const api = getV2Target(config);
    if (!api || !config.attach) return [];
    return [
      { service: 'apigatewayv2', operation: 'GetRoutes', resource: api.label },
      {
        service: 'apigatewayv2',
        operation: 'UpdateRoute',
        resource: api.label,
        each: 'unprotectedRoutes',
        detail: 'AuthorizationType CUSTOM with the authorizer',
      },
    ];
  },
  async ensure(context, config, state) {
    const api = getV2Target(config);
    if (!api || !config.attach) return;
    const { authorizerId } = need(state.v2Authorizer, 'the authorizer');
    state.facts.unprotectedRoutes = await attachV2Authorizer(context, api.apiId, authorizerId, {
      protocol: api.protocol,
      routeKeys: config.routeKeys,
    });
  },
};

/** `--cors-origin` on an HTTP API: the API's CORS configuration, which API Gateway adds to 401 and 403 too. */
export const v2CorsStep: DeployStep = {
  name: 'v2-cors',
  summary(config) {
    if (!config.httpApiId || config.corsOrigins.length === 0) return [];
    return [
      `  CORS         HTTP API ${config.httpApiId}: AllowOrigins ${config.corsOrigins.join(', ')}; token header allowed, www-authenticate exposed; other CORS fields kept, and kept by destroy`,
    ];
  },
  plan(config) {
    if (!config.httpApiId || config.corsOrigins.length === 0) return [];
    return [
      {
        service: 'apigatewayv2',
        operation: 'UpdateApi',
        resource: `HTTP API ${config.httpApiId}`,
        when: fact('corsDiffers'),
        detail: `CorsConfiguration AllowOrigins [${config.corsOrigins.join(', ')}]`,
      },
    ];
  },
  async ensure(context, config, state) {
    if (!config.httpApiId || config.corsOrigins.length === 0) return;
    const api = need(state.v2Api, 'the API');
    const tokenHeaders = config.tokenSources.flatMap((source) =>
      source.kind === 'header' ? [source.name.toLowerCase()] : [],
    );
    const wanted = buildCorsConfiguration(api.cors, { origins: config.corsOrigins, tokenHeaders });
    const differs = !sameCors(api.cors, wanted);
    state.facts.corsDiffers = differs;
    const subject = `CORS of HTTP API ${config.httpApiId}`;
    if (!differs) {
      context.reporter.step('unchanged', subject);
      return;
    }
    await updateV2Cors(context, config.httpApiId, wanted);
    context.reporter.step('updated', subject, `AllowOrigins ${config.corsOrigins.join(', ')}`);
  },
};

/**
 * When the stage is deployed: never when it deploys itself (API Gateway does, and refuses a manual
 * deployment), else when the authorizer, the routes or CORS changed, or always with `--redeploy`.
 */
function buildV2DeploymentCondition(config: DeployConfig): Condition {
  if (config.redeploy) return not('stageAutoDeploys');
  const changes: Condition[] = [not('authorizerExists'), fact('authorizerDiffers')];
  if (config.attach) changes.push(some('unprotectedRoutes'));
  if (config.httpApiId && config.corsOrigins.length > 0) changes.push(fact('corsDiffers'));
  return allOf(not('stageAutoDeploys'), anyOf(...changes));
}

/** Deploys a stage without auto-deploy when something it serves changed. */
export const v2DeploymentStep: DeployStep = {
  name: 'v2-deployment',
  summary(config) {
    const api = getV2Target(config);
    if (!api) return [];
    return [
      `  stage        ${config.stageName ?? "(the API's only stage)"}: deployed when something changed, unless it auto-deploys`,
    ];
  },
  plan(config) {
    const api = getV2Target(config);
    if (!api) return [];
    return [
      {
        service: 'apigatewayv2',
        operation: 'CreateDeployment',
        resource: `${api.label}, stage ${config.stageName ?? '(the only one)'}`,
        when: buildV2DeploymentCondition(config),
        detail: config.redeploy ? 'always (--redeploy)' : 'the changes above take effect',
      },
    ];
  },
  async ensure(context, config, state) {
    const api = getV2Target(config);
    if (!api) return;
    const stage = need(state.v2Stage, 'the stage');
    if (conditionHolds(buildV2DeploymentCondition(config), state.facts)) {
      await createV2Deployment(context, api.apiId, stage.stageName);
    } else {
      context.reporter.step(
        'unchanged',
        `stage ${stage.stageName}`,
        stage.autoDeploy ? 'auto-deploy: API Gateway deploys it' : 'nothing to redeploy',
      );
    }
  },
};

/** `destroy`: checks the HTTP or WebSocket API before anything is deleted. */
export const v2ApiCheckStep: DestroyStep = {
  name: 'v2-api-check',
  plan(config) {
    const api = getV2Target(config);
    if (!api) return [];
    return [
      { service: 'apigatewayv2', operation: 'GetApi', resource: api.label, detail: 'before any change' },
    ];
  },
  async ensure(context, config) {
    const api = getV2Target(config);
    if (api) await checkV2Api(context, api.apiId, api.protocol);
  },
};

/**
 * `destroy`: deletes the authorizer. Routes that use it keep it, and destroy stops before deleting
 * anything, unless `--detach` sets them back to no authorization: on an auto-deploy stage that opens
 * them at once, so it is never done unasked.
 */
export const v2AuthorizerRemovalStep: DestroyStep = {
  name: 'v2-authorizer-removal',
  summary(config) {
    const api = getV2Target(config);
    return api ? [`authorizer ${config.authorizerName} on ${api.label}`] : [];
  },
  plan(config) {
    const api = getV2Target(config);
    if (!api) return [];
    const resource = `authorizer ${config.authorizerName} on ${api.label}`;
    const exists = fact('authorizerExists');
    return [
      { service: 'apigatewayv2', operation: 'GetAuthorizers', resource, detail: 'found by name' },
      {
        service: 'apigatewayv2',
        operation: 'GetRoutes',
        resource: api.label,
        when: exists,
        detail: config.detach ? 'to find the routes that use it' : 'stops if a route uses it (--detach)',
      },
      ...(config.detach
        ? [
            {
              service: 'apigatewayv2' as const,
              operation: 'UpdateRoute',
              resource: api.label,
              when: exists,
              each: 'routesUsingAuthorizer' as const,
              detail: 'AuthorizationType NONE (--detach: the route is open)',
            },
          ]
        : []),
      {
        service: 'apigatewayv2',
        operation: 'DeleteAuthorizer',
        resource,
        when: config.detach ? exists : allOf(exists, not('authorizerInUse')),
      },
    ];
  },
  async ensure(context, config, state) {
    const api = getV2Target(config);
    if (!api) return;
    const subject = `authorizer ${config.authorizerName} on ${api.label}`;
    const authorizer = await findV2Authorizer(context, api.apiId, config.authorizerName);
    state.facts.authorizerExists = authorizer?.AuthorizerId !== undefined;
    if (!authorizer?.AuthorizerId) {
      context.reporter.step('absent', subject);
      return;
    }
    const users = await findRoutesUsing(context, api.apiId, authorizer.AuthorizerId);
    state.facts.routesUsingAuthorizer = users.length;
    state.facts.authorizerInUse = users.length > 0;
    if (users.length > 0 && !config.detach) {
      throw new DeployError(
        'AUTHORIZER_IN_USE',
        `${users.length} route(s) of ${api.label} use the authorizer (${users.map((route) => route.RouteKey).join(', ')}): attach another authorizer to them, or pass --detach to set them to no authorization (they are open then)`,
      );
    }
    await detachV2Routes(context, api.apiId, users);
    await deleteV2Authorizer(context, api.apiId, authorizer.AuthorizerId);
    context.reporter.step('deleted', subject, authorizer.AuthorizerId);
    if (users.length > 0) {
      context.reporter.warn(
        `${users.length} route(s) now have no authorization${api.protocol === 'HTTP' ? '; on an auto-deploy stage they are open now' : ''}: attach another authorizer when ready`,
      );
    }
  },
};
