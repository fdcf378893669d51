import type { DeployConfig } from '../config.js';
import type { DeployStep } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import {
  AUTHORIZER_RESPONSES,
  buildGatewayResponses,
  gatewayResponseDiffers,
  ownerOf,
  putGatewayResponse,
  readGatewayResponses,
  resetGatewayResponse,
} from '../gateway-responses.js';
import { spellHeaderName } from '../identity-source.js';
import type { CountName, PlannedCall } from '../step.js';

function wantedResponses(config: DeployConfig) {
  const tokenHeaders = config.tokenSources.flatMap((source) =>
    source.kind === 'header' ? [spellHeaderName(source.name)] : [],
  );
  return buildGatewayResponses({ corsOrigins: config.corsOrigins, tokenHeaders });
}

/** The plan of both steps: read the REST API's gateway responses, then one call per response changed. */
function planOverResponses(
  config: Pick<DeployConfig, 'restApiId'>,
  operation: string,
  each: CountName,
  detail: string,
): PlannedCall[] {
  const { restApiId } = config;
  if (!restApiId) return [];
  const resource = `REST API ${restApiId}`;
  return [
    { service: 'apigateway', operation: 'GetGatewayResponses', resource },
    { service: 'apigateway', operation, resource, each, detail },
  ];
}

const TYPES = AUTHORIZER_RESPONSES.map((response) => `${response.responseType} ${response.statusCode}`).join(
  ', ',
);

/**
 * The REST API's answers to the authorizer's refusals: status, `WWW-Authenticate`, a JSON body and,
 * with `--cors-origin`, the CORS headers browsers need to read them. A response someone else set is
 * left alone.
 */
export const gatewayResponsesStep: DeployStep = {
  name: 'gateway-responses',
  summary(config) {
    if (!config.restApiId) return [];
    const cors = config.corsOrigins[0]
      ? `, CORS origin ${config.corsOrigins[0]}`
      : ', no CORS headers (--cors-origin adds them)';
    return [
      `  responses    ${TYPES}: WWW-Authenticate and a JSON body${cors}; a response set by someone else (another body) is left alone`,
    ];
  },
  plan: (config) =>
    planOverResponses(
      config,
      'PutGatewayResponse',
      'gatewayResponsesToPut',
      'only those still default or put by deploy',
    ),
  async ensure(context, config, state) {
    const { restApiId } = config;
    if (!restApiId) return;
    const current = await readGatewayResponses(context, restApiId);
    let put = 0;
    for (const wanted of wantedResponses(config)) {
      const subject = `gateway response ${wanted.responseType}`;
      const existing = current.get(wanted.responseType);
      const owner = ownerOf(existing, wanted);
      if (owner === 'other') {
        context.reporter.step('skipped', subject, 'set by someone else: left alone');
        continue;
      }
      if (owner === 'deploy' && existing && !gatewayResponseDiffers(existing, wanted)) {
        context.reporter.step('unchanged', subject);
        continue;
      }
      await putGatewayResponse(context, restApiId, wanted);
      context.reporter.step(owner === 'default' ? 'created' : 'updated', subject, wanted.statusCode);
      put += 1;
    }
    state.facts.gatewayResponsesToPut = put;
  },
};

/** `destroy`: resets the gateway responses deploy put to API Gateway's defaults. */
export const gatewayResponsesRemovalStep: DestroyStep = {
  name: 'gateway-responses-removal',
  summary: (config) =>
    config.restApiId ? [`the gateway responses deploy put on REST API ${config.restApiId}`] : [],
  plan: (config) =>
    planOverResponses(
      config,
      'DeleteGatewayResponse',
      'gatewayResponsesByDeploy',
      "back to API Gateway's default",
    ),
  async ensure(context, config, state) {
    const { restApiId } = config;
    if (!restApiId) return;
    const current = await readGatewayResponses(context, restApiId);
    let reset = 0;
    for (const wanted of buildGatewayResponses({ corsOrigins: [], tokenHeaders: [] })) {
      if (ownerOf(current.get(wanted.responseType), wanted) !== 'deploy') continue;
      await resetGatewayResponse(context, restApiId, wanted.responseType);
      context.reporter.step('deleted', `gateway response ${wanted.responseType}`, 'back to the default');
      reset += 1;
    }
    state.facts.gatewayResponsesByDeploy = reset;
  },
};
