import {
  DeleteGatewayResponseCommand,
  type GatewayResponse,
  type GatewayResponseType,
  GetGatewayResponsesCommand,
  PutGatewayResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { handleAwsError } from './errors.js';
import type { StepContext } from './step-context.js';

/** A gateway response as deploy wants it. */
export interface WantedGatewayResponse {
  responseType: GatewayResponseType;
  statusCode: string;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

/** The refusals an authorizer causes, with their status and RFC 6750 error code. */
export const AUTHORIZER_RESPONSES = [
  { responseType: 'UNAUTHORIZED', statusCode: '401', error: 'invalid_token' },
  { responseType: 'ACCESS_DENIED', statusCode: '403', error: 'insufficient_scope' },
  { responseType: 'AUTHORIZER_FAILURE', statusCode: '500', error: 'server_error' },
  { responseType: 'AUTHORIZER_CONFIGURATION_ERROR', statusCode: '500', error: 'server_error' },
] as const satisfies readonly { responseType: GatewayResponseType; statusCode: string; error: string }[];

/**
 * The JSON body deploy puts: `{"error": CODE, "error_description": API Gateway's message,
 * "request_id": ID}`. It is also how deploy recognises a response it put: a response with any other
 * body was set by someone else and is left alone.
 */
export function buildResponseBody(error: string): string {
  return `{"error":"${error}","error_description":$context.error.messageString,"request_id":"$context.requestId"}`;
}

/** Options for {@link buildGatewayResponses}. */
export interface GatewayResponseOptions {
  /** `--cors-origin`: one origin or `*`; empty for no CORS headers. */
  corsOrigins: readonly string[];
  /** Request headers the token may come in, besides `Content-Type`. */
  tokenHeaders: readonly string[];
}

/**
 * The four gateway responses deploy puts on a REST API. Header values are static strings in single
 * quotes (API Gateway's syntax); origins and header names were checked to hold no quote.
 *
 * @example
 * ```ts
 * buildGatewayResponses({ corsOrigins: ['https://app.example.com'], tokenHeaders: ['Authorization'] });
 * ```
 */
export function buildGatewayResponses(options: GatewayResponseOptions): WantedGatewayResponse[] {
  const [origin] = options.corsOrigins;
  const cors: Record<string, string> = origin
    ? {
        'gatewayresponse.header.Access-Control-Allow-Origin': `'${origin}'`,
        'gatewayresponse.header.Access-Control-Allow-Headers': `'${[...new Set([...options.tokenHeaders, 'Content-Type'])].join(',')}'`,
        'gatewayresponse.header.Access-Control-Expose-Headers': "'WWW-Authenticate'",
        ...(origin === '*' ? {} : { 'gatewayresponse.header.Vary': "'Origin'" }),
      }
    : {};
  return AUTHORIZER_RESPONSES.map(({ responseType, statusCode, error }) => ({
    responseType,
    statusCode,
    responseParameters: {
      ...(statusCode === '500'
        ? {}
        : { 'gatewayresponse.header.WWW-Authenticate': `'Bearer error="${error}"'` }),
      ...cors,
    },
    responseTemplates: { 'application/json': buildResponseBody(error) },
  }));
}

/** Who set a gateway response: nobody (API Gateway's default), deploy, or someone else. */
export type GatewayResponseOwner = 'default' | 'deploy' | 'other';

/**
 * Tells who set a gateway response: deploy's have its JSON body for that type.
 *
 * @example
 * ```ts
 * ownerOf(undefined, wanted); // 'default'
 * ```
 */
export function ownerOf(current: GatewayResponse | undefined, wanted: WantedGatewayResponse) {
  // Only a response API Gateway reports as customized (defaultResponse false) was set by anyone.
  if (current?.defaultResponse !== false) return 'default' as const;
  return current.responseTemplates?.['application/json'] === wanted.responseTemplates['application/json']
    ? ('deploy' as const)
    : ('other' as const);
}

const canonical = (
  response: Pick<GatewayResponse, 'statusCode' | 'responseParameters' | 'responseTemplates'>,
) =>
  JSON.stringify([
    response.statusCode,
    Object.entries(response.responseParameters ?? {}).sort(),
    Object.entries(response.responseTemplates ?? {}).sort(),
  ]);

/** Tells whether a response deploy put differs from the wanted one. */
export function gatewayResponseDiffers(current: GatewayResponse, wanted: WantedGatewayResponse): boolean {
  return canonical(current) !== canonical(wanted);
}

/**
 * Reads the REST API's gateway responses, by type.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function readGatewayResponses(
  context: StepContext,
  restApiId: string,
): Promise<Map<string, GatewayResponse>> {
  const found = new Map<string, GatewayResponse>();
  let position: string | undefined;
  do {
    const page = await context.clients.apiGateway
      .send(new GetGatewayResponsesCommand({ restApiId, position, limit: 500 }))
      .catch(handleAwsError('apigateway:GET /restapis/{id}/gatewayresponses'));
    for (const item of page.items ?? []) if (item.responseType) found.set(item.responseType, item);
    position = page.position;
  } while (position);
  return found;
}

/**
 * Puts one gateway response.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function putGatewayResponse(
  context: StepContext,
  restApiId: string,
  wanted: WantedGatewayResponse,
) {
  await context.clients.apiGateway
    .send(new PutGatewayResponseCommand({ restApiId, ...wanted }))
    .catch(handleAwsError('apigateway:PUT /restapis/{id}/gatewayresponses/{type}'));
}

/**
 * Resets one gateway response to API Gateway's default; one already default is not an error.
 *
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function resetGatewayResponse(
  context: StepContext,
  restApiId: string,
  responseType: GatewayResponseType,
) {
  await context.clients.apiGateway.send(new DeleteGatewayResponseCommand({ restApiId, responseType })).catch(
    handleAwsError('apigateway:DELETE /restapis/{id}/gatewayresponses/{type}', {
      NotFoundException: () => undefined,
    }),
  );
}
