import { detachAuthorizer } from '../api-methods.js';
import { buildAuthorizerUri, buildFunctionArn, getPartition } from '../arn.js';
import { deleteAuthorizer, ensureAuthorizer, findAuthorizer } from '../authorizer.js';
import type { DeployConfig } from '../config.js';
import { type DeployStep, need } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { dpopUncacheable } from '../dpop-caching.js';
import { deriveIdentitySource, describeTokenSource, spellHeaderName } from '../identity-source.js';
import { buildInvokerRoleName } from '../invoker-role.js';
import { allOf, fact, not } from '../step.js';

/** The REST authorizer's type, identity source, validation expression and TTL for this config. */
export function chooseRestAuthorizer(config: DeployConfig) {
  if (config.authorizerType === 'token') {
    const [first] = config.tokenSources;
    // A TOKEN authorizer reads one header; config reports any other token source as a problem.
    const header = first?.kind === 'header' ? spellHeaderName(first.name) : 'Authorization';
    return {
      type: 'TOKEN' as const,
      identitySource: `method.request.header.${header}`,
      identityValidationExpression: config.identityValidationExpression as string | undefined,
      ttlSeconds: config.ttlSeconds,
      uncacheable: undefined as string | undefined,
    };
  }
  const choice = deriveIdentitySource(config.tokenSources, 'rest', config.tokenSourceOrigin);
  const uncacheable = choice.uncacheable ?? dpopUncacheable(config);
  return {
    type: 'REQUEST' as const,
    identitySource: choice.identitySource.join(', '),
    identityValidationExpression: undefined,
    ttlSeconds: uncacheable ? 0 : config.ttlSeconds,
    uncacheable,
  };
}

/** The REST API's TOKEN or REQUEST authorizer, created or updated where a field differs. */
export const authorizerStep: DeployStep = {
  name: 'authorizer',
  summary(config) {
    if (config.httpApiId || config.websocketApiId) return [];
    if (!config.restApiId)
      return [
        '  authorizer   none: pass --rest-api-id, --http-api-id or --websocket-api-id (or set REST_API_ID, HTTP_API_ID, WEBSOCKET_API_ID) to create one',
      ];
    const chosen = chooseRestAuthorizer(config);
    const lines = [
      `  authorizer   ${config.authorizerName} on REST API ${config.restApiId}: ${chosen.type}, ${chosen.identitySource || '(no identity source)'} from ${describeTokenSource(config)}${chosen.identityValidationExpression ? `, /${chosen.identityValidationExpression}/` : ''}, TTL ${chosen.ttlSeconds} s`,
    ];
    if (chosen.uncacheable && config.ttlSeconds > 0) {
      lines.push(`  caching      off (TTL 0 instead of ${config.ttlSeconds} s): ${chosen.uncacheable}`);
    }
    return lines;
  },
  plan(config, target) {
    const { restApiId } = config;
    if (!restApiId) return [];
    const resource = `authorizer ${config.authorizerName} on REST API ${restApiId}`;
    const functionArn = buildFunctionArn({
      partition: getPartition(target.region),
      region: target.region,
      accountId: target.accountId,
      functionName: config.functionName,
    });
    const credentials = config.invokePermission === 'role' ? buildInvokerRoleName(config.roleName) : 'none';
    return [
      { service: 'apigateway', operation: 'GetAuthorizers', resource, detail: 'found by name' },
      {
        service: 'apigateway',
        operation: 'CreateAuthorizer',
        resource,
        when: not('authorizerExists'),
        detail: `${chooseRestAuthorizer(config).type}, authorizerUri for ${functionArn}, authorizerCredentials ${credentials}`,
      },
      {
        service: 'apigateway',
        operation: 'UpdateAuthorizer',
        resource,
        when: allOf(fact('authorizerExists'), fact('authorizerDiffers')),
        detail: 'the fields that differ',
      },
    ];
  },
  async ensure(context, config, state) {
    const { restApiId } = config;
    if (!restApiId) return;
    const fn = need(state.function, 'the function');
    const chosen = chooseRestAuthorizer(config);
    if (chosen.uncacheable && config.ttlSeconds > 0) {
      context.reporter.warn(
        `authorizer caching is off (TTL 0, not ${config.ttlSeconds} s): ${chosen.uncacheable}; every request invokes the function`,
      );
    }
    const authorizer = await ensureAuthorizer(context, {
      restApiId,
      name: config.authorizerName,
      type: chosen.type,
      authorizerUri: buildAuthorizerUri(context.region, fn.functionArn),
      authorizerCredentials: state.invokerRole?.roleArn,
      identitySource: chosen.identitySource,
      identityValidationExpression: chosen.identityValidationExpression,
      ttlSeconds: chosen.ttlSeconds,
    });
    state.authorizer = authorizer;
    state.facts.authorizerExists = authorizer.status !== 'created';
    if (authorizer.status !== 'created') state.facts.authorizerDiffers = authorizer.status === 'updated';
  },
};

/**
 * `destroy`: deletes the authorizer after setting the methods that use it back to no authorization
 * (API Gateway refuses to delete an authorizer a method uses).
 */
export const authorizerRemovalStep: DestroyStep = {
  name: 'authorizer-removal',
  summary: (config) =>
    config.restApiId ? [`authorizer ${config.authorizerName} on REST API ${config.restApiId}`] : [],
  plan(config) {
    const { restApiId } = config;
    if (!restApiId) return [];
    const resource = `authorizer ${config.authorizerName} on REST API ${restApiId}`;
    const exists = fact('authorizerExists');
    return [
      { service: 'apigateway', operation: 'GetAuthorizers', resource, detail: 'found by name' },
      {
        service: 'apigateway',
        operation: 'GetResources',
        resource: `REST API ${restApiId}`,
        when: exists,
        detail: 'to find the methods that use it',
      },
      {
        service: 'apigateway',
        operation: 'UpdateMethod',
        resource: `REST API ${restApiId}`,
        when: exists,
        each: 'methodsUsingAuthorizer',
        detail: 'authorization back to NONE',
      },
      { service: 'apigateway', operation: 'DeleteAuthorizer', resource, when: exists },
    ];
  },
  async ensure(context, config, state) {
    const { reporter } = context;
    const { restApiId } = config;
    if (!restApiId) {
      reporter.step(
        'skipped',
        'authorizer',
        'no REST API id: pass --rest-api-id (or set REST_API_ID) to remove it',
      );
      return;
    }
    const subject = `authorizer ${config.authorizerName} on REST API ${restApiId}`;
    const authorizer = await findAuthorizer(context, restApiId, config.authorizerName);
    state.facts.authorizerExists = authorizer?.id !== undefined;
    if (!authorizer?.id) {
      reporter.step('absent', subject);
      return;
    }
    const detached = await detachAuthorizer(context, restApiId, authorizer.id);
    state.facts.methodsUsingAuthorizer = detached.length;
    await deleteAuthorizer(context, restApiId, authorizer.id);
    reporter.step('deleted', subject, authorizer.id);
    if (detached.length > 0) {
      reporter.warn(
        `${detached.length} method(s) now have no authorization; deploy the API (or attach another authorizer) when ready`,
      );
    }
  },
};
